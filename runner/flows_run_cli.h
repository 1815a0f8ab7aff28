/* flows_run_cli.h — `hookstack flows run` (flows_run_cli.c), dispatched by cli_flows.c. */
#ifndef HS_FLOWS_RUN_CLI_H
#define HS_FLOWS_RUN_CLI_H

/* argv[0] is "run". Exit status: 0 ran, 1 the run failed, 2 bad usage. */
int cli_flows_run(int argc, char **argv);

#endif
