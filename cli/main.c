/* main.c — the `embody` program: dispatch to subcommands (cli/cmd_<name>.c). */
#include "commands.h"

#include <stdio.h>
#include <string.h>

#include "embody/emb_types.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
    {"sim", cmd_sim, "simulate an effector under an action sequence, write its trajectory"},
    {"gradcheck", cmd_gradcheck, "check the whole-rollout gradient against finite differences"},
    {"train", cmd_train, "train one controller (a run directory), resume or transfer"},
    {"eval", cmd_eval, "evaluate a trained run and export trajectories"},
    {"grid", cmd_grid, "plan and run the study's grid locally or on SLURM"},
    {"metrics", cmd_metrics, "AUC, peak and time to plateau of a learning curve"},
    {"analyze", cmd_analyze, "analyse a grid: metrics, statistics, claims, figures, report"},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out) {
  fprintf(out,
          "embody %s (%s) — how the body shapes learning: muscle-driven effectors,\n"
          "recurrent controllers trained through physics, and transfer between tasks.\n\n"
          "usage: embody <command> [options]   (embody <command> --help for its options)\n\n"
          "commands:\n",
          EMB_VERSION, EMB_NUM_NAME);
  for (int i = 0; i < N_COMMANDS; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nThe manual is docs/manual.md. Licence: GPL-3.0-or-later.\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
      !strcmp(argv[1], "help")) {
    usage(stdout);
    return argc < 2 ? EMB_EXIT_USAGE : EMB_EXIT_OK;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("embody %s\n", EMB_VERSION);
    return 0;
  }
  for (int i = 0; i < N_COMMANDS; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "embody: unknown command '%s' (see embody --help)\n", argv[1]);
  return EMB_EXIT_USAGE;
}
