/* launch.h — start a run's train process, classify its end (private to src/grid). */
#ifndef EMB_GRID_LAUNCH_H
#define EMB_GRID_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

#include "embody/emb_grid.h"

enum { GRID_LAUNCH_STARTED = 0, GRID_LAUNCH_BUSY, GRID_LAUNCH_DONE, GRID_LAUNCH_ERROR };

typedef struct {
  pid_t pid;
  int resumed;     /* started with --resume from checkpoint.ckpt */
  double started;  /* wall clock */
} gridLaunch;

/* Lock run k, then fork/exec `exe train ...` with output appended to logs/<id>.log.
 * Returns GRID_LAUNCH_STARTED (out filled), _BUSY (another process holds the lock),
 * _DONE (final.ckpt exists) or _ERROR (message reported). */
int grid_launch(const embGridPlan *plan, const char *dir, int k, const char *exe, int threads,
                gridLaunch *out);

/* Classify a finished train process (waitpid status) as DONE, INTERRUPTED or FAILED;
 * a failure writes runs/<id>/error.txt. stopping: the grid itself stopped it (a death
 * by signal then counts as interrupted). summary gets e.g. "exit status 2 (bad input)". */
int grid_record_exit(const embGridPlan *plan, const char *dir, int k, int wstatus, int stopping,
                     char *summary, size_t size);

#endif
