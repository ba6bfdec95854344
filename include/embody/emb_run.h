/* emb_run.h — a training run in its run directory (docs/file-formats.md): config.json,
 * curve.csv, progress.json, checkpoint.ckpt, final.ckpt, log.txt; fresh start, resume,
 * transfer, signals (SIGINT/SIGTERM finish the epoch, checkpoint and stop), progress. */
#ifndef EMB_RUN_H
#define EMB_RUN_H

#include <jansson.h>

typedef struct {
  json_t *settings;          /* user settings (file + flags), borrowed */
  const char *settings_source; /* "command line", "FILE.json", ... for errors */
  const char *out_dir;       /* fresh run: the run directory */
  const char *resume_dir;    /* resume: the run directory (settings may only repeat it) */
  const char *init_from;     /* transfer: the base run directory */
  int quiet;
  int threads;               /* OpenMP threads (results do not depend on it) */
  long stop_after;           /* > 0: checkpoint and stop (status 3) after this many epochs
                                in this invocation (time-sliced cluster jobs, tests) */
} embRunOptions;

/* Exit statuses of emb_run_train (also the CLI's). */
#define EMB_RUN_DONE 0
#define EMB_RUN_FAILED 1
#define EMB_RUN_BAD_INPUT 2
#define EMB_RUN_INTERRUPTED 3

/* Train (or resume) a run. Returns one of the statuses above; messages go to stderr and
 * to the run's log.txt. */
int emb_run_train(const embRunOptions *opt);

#endif
