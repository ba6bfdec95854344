/* cmd_sim.c — `embody sim` (placeholder until issue #2 lands). */
#include <stdio.h>

#include "commands.h"

int cmd_sim(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "embody sim: not available yet (issue #2)\n");
  return EMB_EXIT_FAIL;
}
