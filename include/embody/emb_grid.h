/* emb_grid.h — the study's grid of training runs (training.md §5): plan it, run it with
 * local worker processes or as SLURM job arrays, watch it, restart it.
 *
 * A grid directory holds plan.json (every run, its train config and its dependency),
 * requests/<id>.json (the config handed to `embody train --config`), runs/<id>/ (one
 * run directory each, docs/file-formats.md), logs/<id>.log (what each train process
 * printed), locks/<id>.lock (held while a run's train process lives) and slurm/ (sbatch
 * scripts). Everything the grid knows about a run's state is read back from these files,
 * so a grid run locally, on SLURM, or killed half-way reads the same. See docs/grid.md. */
#ifndef EMB_GRID_H
#define EMB_GRID_H

#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#define EMB_GRID_PLAN_VERSION 1
#define EMB_GRID_MAX_EFFECTORS 2
#define EMB_GRID_MAX_TASKS 6
#define EMB_GRID_NAME 24
#define EMB_GRID_ID 96
#define EMB_GRID_DEFAULT_SEEDS 3        /* [chosen] training.md §5: n_seeds default */
#define EMB_GRID_DEFAULT_PROFILE "paper"
#define EMB_GRID_SIGNAL_SECS 120        /* [chosen] SLURM warns this long before the limit */

/* exit statuses of `embody train` (the contract in the helper brief) */
#define EMB_TRAIN_EXIT_OK 0
#define EMB_TRAIN_EXIT_FAIL 1
#define EMB_TRAIN_EXIT_USAGE 2
#define EMB_TRAIN_EXIT_INTERRUPTED 3

typedef struct {
  char id[EMB_GRID_ID];        /* <eff>__<task>__s<seed> or <eff>__<base>-to-<task>__s<seed> */
  int transfer;                /* 0: no-transfer run (also the base of transfers), 1: transfer */
  char effector[EMB_GRID_NAME];
  char task[EMB_GRID_NAME];
  char base_task[EMB_GRID_NAME]; /* "" for a no-transfer run */
  long seed;
  int depends_on;              /* plan index of the base run, -1 for none */
  long est_epochs;             /* the run's resolved epochs: its ordering weight */
  json_t *config;              /* the train keys of this run (owned) */
} embGridRun;

typedef struct {
  char profile[EMB_GRID_NAME];
  int n_effectors;
  char effectors[EMB_GRID_MAX_EFFECTORS][EMB_GRID_NAME];
  int n_tasks;
  char tasks[EMB_GRID_MAX_TASKS][EMB_GRID_NAME];
  int n_seeds;
  long *seeds;
  json_t *overrides;           /* train keys given on the grid's command line (owned) */
  int n_runs;
  embGridRun *runs;
} embGridPlan;

/* ---- planning (src/grid/plan.c, plan_io.c) ---- */

/* Build the plan: for each seed and effector, one no-transfer run per task (in the
 * order given) then every ordered pair A != B as a transfer depending on NT(A).
 * effectors/tasks are comma-separated lists (NULL: all; task long names accepted);
 * overrides (may be NULL; not stolen) holds train keys applied to every run. */
int emb_grid_plan_build(embGridPlan *plan, const char *profile, const char *effectors,
                        const char *tasks, const long *seeds, int n_seeds,
                        const json_t *overrides);
void emb_grid_plan_free(embGridPlan *plan);

/* Resolve r->config as `embody train` would (presets, profile, overrides) and set
 * r->est_epochs to its epochs, the run's ordering weight; returns non-zero (message
 * reported) when train would refuse the configuration. */
int emb_grid_run_epochs(embGridRun *r);
/* Canonical short task name ("RTR") for a short or long name, NULL if unknown. */
const char *emb_grid_task_name(const char *name);

/* Parse one train flag (argv[*i], e.g. "--epochs", "--hidden-sizes H1 H2") and its
 * values into overrides[key] with `embody train`'s flag table (emb_config_flag);
 * advances *i past the values. Returns 0, 1 if argv[*i] is not a train flag, 2 on a bad
 * value (message printed). */
int emb_grid_train_flag(json_t *overrides, int argc, char **argv, int *i);

/* plan.json and requests/<id>.json */
int emb_grid_plan_write(const embGridPlan *plan, const char *dir);
int emb_grid_plan_read(embGridPlan *plan, const char *dir);
/* Write requests/<id>.json for every run whose file is missing (all when force). */
int emb_grid_requests_write(const embGridPlan *plan, const char *dir, int force);
/* Compare two plans: 0 when equal, else 1 and a message naming what differs. */
int emb_grid_plan_diff(const embGridPlan *old_plan, const embGridPlan *new_plan, char *msg,
                       size_t msg_size);
/* Index of the run with this id, -1 if none. */
int emb_grid_plan_find(const embGridPlan *plan, const char *id);

/* ---- run states, read from the grid directory (src/grid/run_state.c) ---- */

typedef enum {
  EMB_RUN_QUEUED = 0,   /* not started (or started, killed before its first checkpoint) */
  EMB_RUN_RUNNING,      /* a train process holds its lock */
  EMB_RUN_DONE,         /* final.ckpt exists */
  EMB_RUN_FAILED,       /* runs/<id>/error.txt exists */
  EMB_RUN_BLOCKED,      /* its base failed or is blocked */
  EMB_RUN_INTERRUPTED   /* checkpoint.ckpt without final.ckpt: resumable */
} embRunState;

typedef struct {
  embRunState state;
  long epochs_done;      /* own epochs (a transfer run's base rows not counted), -1 unknown */
  long epochs_total;     /* -1 unknown */
  double wall_seconds;   /* from progress.json, -1 unknown */
  char error[200];       /* first line of error.txt for failed runs */
} embRunInfo;

const char *emb_run_state_name(embRunState s);
/* Probe every run; blocked states are derived from the dependencies. */
int emb_grid_probe(const embGridPlan *plan, const char *dir, embRunInfo *info);

/* ---- executing runs (src/grid/launch.c, local.c, worker.c) ---- */

typedef struct {
  const char *exe;        /* the embody program (NULL: $EMBODY_EXE, else /proc/self/exe) */
  int jobs;               /* parallel train processes (local run) */
  int quiet;              /* no progress lines */
  int threads;            /* train --threads (0: cores/jobs locally, $SLURM_CPUS_PER_TASK or 1
                           * in a worker) */
} embGridExec;

/* Resolve the embody executable: opt, else $EMBODY_EXE, else /proc/self/exe. */
int emb_grid_exe(const char *opt, char *out, size_t size);

/* Run the grid locally; returns the process exit status (0 all done, 1 some failed or
 * blocked, 3 interrupted by a signal). */
int emb_grid_run_local(const embGridPlan *plan, const char *dir, const embGridExec *ex);

/* Run plan run k in the foreground (the SLURM array element), resuming if possible.
 * requeue: on interruption inside a SLURM job, `scontrol requeue $SLURM_JOB_ID`. */
int emb_grid_worker(const embGridPlan *plan, const char *dir, int k, const embGridExec *ex,
                    int requeue);

/* ---- reporting (src/grid/status.c) ---- */

/* Print the table and a summary; returns 0 when every run is done, else 1. */
int emb_grid_status(const embGridPlan *plan, const char *dir, FILE *out);

/* ---- SLURM (src/grid/slurm.c) ---- */

typedef struct {
  const char *partition, *time, *mem, *account; /* NULL: not given */
  int cpus;               /* --cpus-per-task (default 1) */
  int signal_secs;        /* --signal=B:TERM@secs (default EMB_GRID_SIGNAL_SECS) */
  int dry_run;
} embGridSlurm;

/* Write DIR/slurm/<array>.sbatch and submit them (or print them when dry_run). */
int emb_grid_slurm(const embGridPlan *plan, const char *dir, const char *exe,
                   const embGridSlurm *opt, FILE *out);

#endif
