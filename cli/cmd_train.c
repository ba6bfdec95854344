/* cmd_train.c — `embody train` (placeholder until issue #4 lands). */
#include <stdio.h>

#include "commands.h"

int cmd_train(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "embody train: not available yet (issue #4)\n");
  return EMB_EXIT_FAIL;
}
