/* cli.h — the subcommands of the hookstack binary; each lives in its own cli_<name>.c.
 *
 * A command takes argc/argv starting at its own name (argv[0] is "serve", ...), prints its usage
 * for --help / -h and exits 0, and returns the process exit code: 0 success, 1 failure, 2 bad
 * usage. Errors are one clear line on stderr ("hookstack serve: port 8080 is in use"). */
#ifndef HS_CLI_H
#define HS_CLI_H

int cli_serve(int argc, char **argv);
int cli_hooks(int argc, char **argv);
int cli_invoke(int argc, char **argv);
int cli_test(int argc, char **argv);
int cli_new(int argc, char **argv);
int cli_sfns(int argc, char **argv);
int cli_flows(int argc, char **argv);
/* `hookstack sfns catalog` (cli_sfns_catalog.c), dispatched by cli_sfns. */
int cli_sfns_catalog(int argc, char **argv);

#endif
