/* cmd_eval.c — `embody eval` (placeholder until issue #4 lands). */
#include <stdio.h>

#include "commands.h"

int cmd_eval(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "embody eval: not available yet (issue #4)\n");
  return EMB_EXIT_FAIL;
}
