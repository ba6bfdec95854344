/* cmd_analyze.c — `embody analyze` (placeholder until issue #6 lands). */
#include <stdio.h>

#include "commands.h"

int cmd_analyze(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "embody analyze: not available yet (issue #6)\n");
  return EMB_EXIT_FAIL;
}
