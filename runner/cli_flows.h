/* cli_flows.h — the parts of `hookstack flows` (cli_flows.c: the command, validate, fmt;
 * cli_flows_zip.c: import and export of download zips; cli_flows_rest.c: push, pull and diff
 * against integrator.io's REST API). */
#ifndef HS_CLI_FLOWS_H
#define HS_CLI_FLOWS_H

#include <stdbool.h>
#include <stddef.h>

#include "flows_layout.h"

#define FLOWS_DEFAULT_DIR "flows"
#define FLOWS_DEFAULT_ENV "production"

int cli_flows_import(int argc, char **argv);
int cli_flows_export(int argc, char **argv);
int cli_flows_push(int argc, char **argv);
int cli_flows_pull(int argc, char **argv);
int cli_flows_diff(int argc, char **argv);

/* Creates path and its parents (0777 less umask). 0, or -1 (errno). */
int cli_flows_mkdirs(const char *path);
/* Writes len bytes to path through a temporary file renamed over it. 0, or -1 (errno). */
int cli_flows_write_file(const char *path, const char *data, size_t len);

/* Writes the files out holds (paths relative to dir) into dir, after removing integration.json and
 * the *.json and *.js files of connections/, exports/, imports/, flows/ and scripts/. An existing
 * stacks/ file is replaced only when stacks is true. Errors go to stderr as "hookstack CMD: ...".
 * 0 (with *written files), or -1. */
int cli_flows_write_entries(const char *dir, const struct flows_entries *out, bool stacks,
                            const char *cmd, size_t *written);

#endif
