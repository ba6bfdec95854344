/* cmd_grid.c — `embody grid` (placeholder until issue #5 lands). */
#include <stdio.h>

#include "commands.h"

int cmd_grid(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "embody grid: not available yet (issue #5)\n");
  return EMB_EXIT_FAIL;
}
