/* args.h — small helpers for parsing command-line values with clear errors. */
#ifndef EMB_CLI_ARGS_H
#define EMB_CLI_ARGS_H

/* Parse a whole string as a number; on failure print "embody <cmd>: <flag> expects ..."
 * and return non-zero. */
int arg_double(const char *cmd, const char *flag, const char *text, double *out);
int arg_long(const char *cmd, const char *flag, const char *text, long *out);
/* Parse "a,b,c,..." into exactly n doubles. */
int arg_double_list(const char *cmd, const char *flag, const char *text, double *out, int n);
/* Fetch the value following flag argv[*i]; prints an error if missing. */
const char *arg_value(const char *cmd, int argc, char **argv, int *i);

#endif
