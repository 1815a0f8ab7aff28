/* cli_flows.h — the parts of `hookstack flows` (cli_flows.c: the command, validate, fmt;
 * cli_flows_zip.c: import and export of download zips). */
#ifndef HS_CLI_FLOWS_H
#define HS_CLI_FLOWS_H

#include <stddef.h>

#define FLOWS_DEFAULT_DIR "flows"
#define FLOWS_DEFAULT_ENV "production"

int cli_flows_import(int argc, char **argv);
int cli_flows_export(int argc, char **argv);

/* Creates path and its parents (0777 less umask). 0, or -1 (errno). */
int cli_flows_mkdirs(const char *path);
/* Writes len bytes to path through a temporary file renamed over it. 0, or -1 (errno). */
int cli_flows_write_file(const char *path, const char *data, size_t len);

#endif
