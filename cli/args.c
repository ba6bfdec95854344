/* args.c — number parsing for command-line flags. */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int arg_double(const char *cmd, const char *flag, const char *text, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || *end != '\0') {
    fprintf(stderr, "embody %s: %s expects a number, got '%s'\n", cmd, flag, text);
    return 1;
  }
  *out = v;
  return 0;
}

int arg_long(const char *cmd, const char *flag, const char *text, long *out) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end != '\0') {
    fprintf(stderr, "embody %s: %s expects an integer, got '%s'\n", cmd, flag, text);
    return 1;
  }
  *out = v;
  return 0;
}

int arg_double_list(const char *cmd, const char *flag, const char *text, double *out, int n) {
  const char *p = text;
  for (int k = 0; k < n; k++) {
    char *end = NULL;
    errno = 0;
    out[k] = strtod(p, &end);
    if (errno || end == p || (k < n - 1 && *end != ',') || (k == n - 1 && *end != '\0')) {
      fprintf(stderr, "embody %s: %s expects %d comma-separated numbers, got '%s'\n", cmd,
              flag, n, text);
      return 1;
    }
    p = end + 1;
  }
  return 0;
}

const char *arg_value(const char *cmd, int argc, char **argv, int *i) {
  if (*i + 1 >= argc) {
    fprintf(stderr, "embody %s: %s needs a value\n", cmd, argv[*i]);
    return NULL;
  }
  (*i)++;
  return argv[*i];
}
