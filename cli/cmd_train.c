/* cmd_train.c — `embody train`: train one model in a run directory, resume it, or start
 * it from another run's weights (transfer). */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "embody/emb_config.h"
#include "embody/emb_run.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: embody train --effector point-mass|arm --task T [options] --out RUN\n"
          "       embody train --resume RUN\n"
          "       embody train --config FILE.json --out RUN [--init-from BASE_RUN]\n\n"
          "Trains a GRU controller on a task by backpropagation through policy and physics.\n"
          "Precedence: flags > --config file > --profile presets (paper: the paper's listing 8).\n\n"
          "run options:\n"
          "  --out RUN                 run directory to create (refused if it holds a run)\n"
          "  --resume RUN              continue an interrupted run from its checkpoint\n"
          "  --init-from BASE_RUN      transfer: start from BASE_RUN/final.ckpt (name-and-shape match)\n"
          "  --config FILE.json        settings file (same keys as the flags, '_' for '-')\n"
          "  --threads N               OpenMP threads (default 1; results do not depend on it)\n"
          "  --stop-after N            checkpoint and stop (exit 3) after N epochs of this invocation\n"
          "  --quiet                   no progress line\n\n"
          "training keys:\n");
  emb_config_print_flags(out);
  fprintf(out,
          "\nexit status: 0 finished, 1 failed (e.g. non-finite loss), 2 bad input, 3 interrupted\n"
          "(SIGINT/SIGTERM: the epoch is finished and a checkpoint written; resume with --resume).\n");
}

int cmd_train(int argc, char **argv) {
  embRunOptions opt = {0};
  opt.threads = 1;
  json_t *flags = json_object();
  const char *config_file = NULL;
  int status = EMB_EXIT_USAGE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int consumed = 0;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      json_decref(flags);
      return EMB_EXIT_OK;
    } else if (!strcmp(a, "--out") || !strcmp(a, "--resume") || !strcmp(a, "--init-from") ||
               !strcmp(a, "--config") || !strcmp(a, "--threads") || !strcmp(a, "--stop-after")) {
      const char *v = arg_value("train", argc, argv, &i);
      if (!v) goto done;
      if (!strcmp(a, "--out")) opt.out_dir = v;
      else if (!strcmp(a, "--resume")) opt.resume_dir = v;
      else if (!strcmp(a, "--init-from")) opt.init_from = v;
      else if (!strcmp(a, "--config")) config_file = v;
      else if (!strcmp(a, "--stop-after")) {
        if (arg_long("train", a, v, &opt.stop_after)) goto done;
        if (opt.stop_after < 1) {
          fprintf(stderr, "embody train: --stop-after must be positive\n");
          goto done;
        }
      } else {
        long n;
        if (arg_long("train", a, v, &n)) goto done;
        if (n < 1 || n > 1024) {
          fprintf(stderr, "embody train: --threads must be in 1..1024, got %ld\n", n);
          goto done;
        }
        opt.threads = (int)n;
      }
    } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
      opt.quiet = 1;
    } else {
      int rc = emb_config_flag(flags, argc, argv, i, &consumed);
      if (rc < 0) goto done;
      if (rc == 0) {
        fprintf(stderr, "embody train: unknown option '%s' (see embody train --help)\n", a);
        goto done;
      }
      i += consumed;
    }
  }
  if (!!opt.out_dir + !!opt.resume_dir != 1) {
    fprintf(stderr, "embody train: give exactly one of --out RUN (new run) or --resume RUN\n");
    goto done;
  }
  if (opt.resume_dir && (opt.init_from || config_file)) {
    fprintf(stderr, "embody train: --resume takes its configuration from the run; drop --init-from/--config\n");
    goto done;
  }
  json_t *settings = flags;
  char source[4200] = "command line";
  if (config_file) {
    json_error_t e;
    json_t *file = json_load_file(config_file, 0, &e);
    if (!file) {
      fprintf(stderr, "embody train: %s:%d:%d: %s\n", config_file, e.line, e.column, e.text);
      goto done;
    }
    if (!json_is_object(file)) {
      fprintf(stderr, "embody train: %s: expected a JSON object of training keys\n", config_file);
      json_decref(file);
      goto done;
    }
    json_object_update(file, flags); /* flags win over the file */
    json_decref(flags);
    flags = settings = file;
    snprintf(source, sizeof source, "%s", config_file);
  }
  opt.settings = opt.resume_dir && json_object_size(settings) == 0 ? NULL : settings;
  opt.settings_source = source;
  status = emb_run_train(&opt);
done:
  json_decref(flags);
  return status;
}
