/* commands.h — the subcommands of the `embody` program, one file each (cli/cmd_<name>.c).
 * Each returns the process exit status: 0 success, 1 failure, 2 bad usage or input,
 * 3 interrupted (checkpoint written; see docs/manual.md). */
#ifndef EMB_CLI_COMMANDS_H
#define EMB_CLI_COMMANDS_H

#define EMB_EXIT_OK 0
#define EMB_EXIT_FAIL 1
#define EMB_EXIT_USAGE 2
#define EMB_EXIT_INTERRUPTED 3

int cmd_sim(int argc, char **argv);
int cmd_gradcheck(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_grid(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_analyze(int argc, char **argv);

#endif
