/* cmd_metrics.c — `embody metrics` (placeholder until issue #6 lands). */
#include <stdio.h>

#include "commands.h"

int cmd_metrics(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "embody metrics: not available yet (issue #6)\n");
  return EMB_EXIT_FAIL;
}
