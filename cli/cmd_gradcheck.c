/* cmd_gradcheck.c — `embody gradcheck` (placeholder until issue #3 lands). */
#include <stdio.h>

#include "commands.h"

int cmd_gradcheck(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "embody gradcheck: not available yet (issue #3)\n");
  return EMB_EXIT_FAIL;
}
