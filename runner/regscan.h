/* regscan.h — finds, in a module's C sources, where a function name is registered, so that
 * `hookstack new` can refuse a name before a second registration stops the modules from loading.
 *
 * A registration is a string literal equal to the name that is followed, within the same call or
 * initializer (before the next ';', ')', '{' or '}'), by an HS_KIND_ constant: the form of every
 * register_fn / register_record_fn / register_page_fn call and of tables such as
 * {"name", "group", HS_KIND_RAW, fn}. Comments and other literals are skipped, so a key such as
 * api->json_get(options, "name") is not a registration. Works on text only: nothing is built or
 * loaded. */
#ifndef HS_REGSCAN_H
#define HS_REGSCAN_H

#include <stddef.h>

/* Looks through every .c and .h file under dir (recursively; names starting with '.' skipped) for
 * a registration of fn. Returns 1 with "PATH:LINE" of the first one in where, 0 when there is
 * none (also when dir does not exist), or -1 with the reason in where when a file or folder
 * cannot be read. */
int regscan_find(const char *dir, const char *fn, char *where, size_t n);

/* The same for one text of len bytes: 1 with the 1-based line of the first registration in
 * *line, else 0. */
int regscan_text(const char *text, size_t len, const char *fn, unsigned *line);

#endif
