/* analysis.h — private types of `embody analyze`: the loaded grid (plan + run
 * directories), the comparisons computed from it, the claims, and the writers
 * (tables/JSON, gnuplot figures, HTML report). One file per job:
 *   grid_load.c  plan.json and run directories -> anGrid
 *   compare.c    AUC tables, gains, effector differences, tests -> anResults
 *   claims.c     the six claims of spec/metrics.md §3 with verdicts
 *   tables.c     summary.csv, the matrix CSVs, metrics.json
 *   gnuplot.c    running gnuplot through popen; figures.c the figures
 *   report_html.c index.html;  analyze.c the driver (emb_analyze). */
#ifndef EMB_ANALYSIS_PRIVATE_H
#define EMB_ANALYSIS_PRIVATE_H

#include <jansson.h>
#include <limits.h>

#include "embody/emb_analysis.h"
#include "embody/emb_metrics.h"
#include "embody/emb_stats.h"

#define AN_NT 6          /* tasks, in this order everywhere (rows/columns of matrices) */
#define AN_NE 2          /* effectors: 0 point mass, 1 arm */
#define AN_MAX_SEEDS 64  /* [chosen] seeds a grid may hold */
#define AN_PATH 4096

extern const char *const an_tasks[AN_NT];
extern const char *const an_effectors[AN_NE];
extern const char *const an_effector_labels[AN_NE];
int an_task_index(const char *name);     /* -1 if unknown */
int an_effector_index(const char *name); /* -1 if unknown */

typedef struct {
  char id[256], kind[32], effector[64], task[32], base_task[32];
  int eff, task_i, base_i; /* indices into an_effectors / an_tasks, -1 if unknown */
  long seed;
  int seed_i;              /* index into anGrid.seeds */
  int transfer;            /* kind == "transfer" */
  long epochs;             /* epochs of the run's own training (the transfer segment) */
  char dir[AN_PATH];
  char state[32];          /* missing | running | interrupted | failed | done | unknown */
  char note[512];          /* why a run is not used, curve problems */
  double wall_seconds;     /* NaN when unknown */
  long epochs_done, epochs_total; /* -1 when unknown */
  int n;                   /* rows of the analysed segment */
  double *y;               /* tar_frac of the analysed segment (n) */
  int window;              /* smoothing window requested for this run */
  int has_metrics;
  embCurveMetrics m;
  double final_perf;       /* mean tar_frac over the last EMB_FINAL_FRACTION of the segment */
  int usable;              /* done, full segment, metrics: enters the comparisons */
  char traj[AN_PATH];      /* eval/trajectories.csv when present */
  int has_traj;
} anRun;

typedef struct {
  char dir[AN_PATH], out[AN_PATH], figdir[AN_PATH];
  char profile[64];
  int paper_profile;
  json_t *plan;
  int nruns;
  anRun *runs;
  int nseeds;
  long seeds[AN_MAX_SEEDS];
  int task_in_plan[AN_NT], eff_in_plan[AN_NE];
  int windows[AN_NT];      /* smoothing window per task (from the plan's epochs) */
  long task_epochs[AN_NT]; /* epochs per task (0 = no run) */
  int counts_by_state[8];
} anGrid;

typedef struct { int n; double mean, sd; } anStat;

typedef enum { AN_SUPPORTED, AN_NOT_SUPPORTED, AN_NOT_ENOUGH } anVerdict;

typedef struct {
  int number;
  const char *text;        /* the claim, as in metrics.md §3 */
  const char *rule;        /* how it is checked */
  char measured[2048];     /* the numbers */
  anVerdict verdict;
  int direction_only;      /* one seed: "direction only, no test" */
} anClaim;

typedef struct {
  /* per seed, NaN when missing: [effector][target][base][seed], base = target for NT */
  double nt_auc[AN_NE][AN_NT][AN_MAX_SEEDS];
  double t_auc[AN_NE][AN_NT][AN_NT][AN_MAX_SEEDS];
  double gain[AN_NE][AN_NT][AN_NT][AN_MAX_SEEDS];
  anStat nt_auc_stat[AN_NE][AN_NT];
  anStat gain_stat[AN_NE][AN_NT][AN_NT];
  anStat nt_diff[AN_NT];              /* AUC(NT_arm) - AUC(NT_pm) per seed */
  embWelchResult nt_test[AN_NT];      /* a = point mass, b = arm NT AUCs (claim 1) */
  anStat at_diff[AN_NT][AN_NT];       /* AUC(T_arm(A->B)) - AUC(T_pm(A->B)) per seed */
  anStat at_diff_task[AN_NT];         /* the same over all bases and seeds of target B */
  int at_positive_cells[AN_NT], at_cells[AN_NT];
  embWelchResult pair_test[AN_NT][AN_NT]; /* a = arm gains, b = pm gains, per pair */
  anStat ttp[AN_NE][AN_NT];           /* NT runs that reached a plateau */
  int ttp_not_reached[AN_NE][AN_NT], ttp_runs[AN_NE][AN_NT];
  embWelchResult target_welch[AN_NT]; /* a = arm, b = pm gains over bases and seeds */
  embMwuResult target_mwu[AN_NT];
  anClaim claims[6];
} anResults;

/* grid_load.c */
int an_grid_load(anGrid *g, const char *dir, const char *out);
void an_grid_free(anGrid *g);
/* compare.c */
void an_compare(const anGrid *g, anResults *r);
anStat an_stat(const double *x, int n); /* over the finite values */
/* claims.c */
void an_claims(const anGrid *g, anResults *r);
const char *an_verdict_name(anVerdict v);
/* tables.c */
int an_write_tables(const anGrid *g, const anResults *r, json_t **metrics_out);
/* figures.c: writes the figures, appends {name, title, caption, files} to list */
int an_write_figures(const anGrid *g, const anResults *r, const embAnalyzeOptions *o,
                     json_t *list);
/* gnuplot.c: run figdir/<name>.gp, check the exit status and the PNG/SVG files */
int an_gnuplot_run(const char *figdir, const char *name);
/* report_html.c */
int an_write_html(const anGrid *g, const anResults *r, json_t *metrics, json_t *figures);

/* small helpers (grid_load.c) */
int an_mkdir_p(const char *path);
int an_file_exists(const char *path);

#endif
