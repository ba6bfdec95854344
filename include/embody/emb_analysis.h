/* emb_analysis.h — `embody analyze`: turn a grid directory (docs/file-formats.md) into
 * the paper's numbers (spec/metrics.md): per-run metrics, transfer-gain matrices,
 * effector differences, statistics, the claim table, gnuplot figures and an HTML
 * report. See docs/analysis.md for every output and definition. */
#ifndef EMB_ANALYSIS_H
#define EMB_ANALYSIS_H

#define EMB_FINAL_FRACTION 0.05      /* [chosen] final performance = mean tar_frac over the
                                        last 5 % of a run's epochs (at least one) */
#define EMB_BAND_WIDENING 5.0        /* "about X-Y %": band widened by 5 points (§2) */
#define EMB_NEGLIGIBLE_GAIN 5.0      /* [chosen] claim 4: "negligible" = mean gain <= 5 % */
#define EMB_CLAIM_ALPHA 0.05         /* "greater than" claims: Welch p < 0.05 (§2) */
#define EMB_HALF_LOW 2               /* "about half" of 6 tasks = 2..4 (§2) */
#define EMB_HALF_HIGH 4
#define EMB_TRAJ_MAX_EPISODES 8      /* [chosen] episodes drawn per trajectory figure */
#define EMB_ARM_L1 0.309             /* arm segment lengths (m), for drawing the arm */
#define EMB_ARM_L2 0.333
#define EMB_MAX_PAIRS 8

typedef struct {
  const char *grid_dir;   /* the grid directory (plan.json, runs/) */
  const char *out_dir;    /* NULL: <grid_dir>/report */
  int figures;            /* 0: skip gnuplot (tables, JSON and HTML only) */
  int npairs;             /* transfer-vs-no-transfer learning-curve figures */
  char pairs[EMB_MAX_PAIRS][2][16]; /* {base, target}; npairs 0 = the defaults */
  int quiet;
} embAnalyzeOptions;

/* default transfer pairs for the learning-curve figures [chosen] */
#define EMB_DEFAULT_PAIRS {{"COR", "COBJGR"}, {"RTR", "DCOR"}}

void emb_analyze_options_default(embAnalyzeOptions *o);

/* analyse a grid. Bad input (no grid directory, no or malformed plan.json): EMB_EINVAL or
 * EMB_EFORMAT. Failures (an output cannot be written, gnuplot fails): EMB_EIO or
 * EMB_ENOMEM. Missing, unfinished or broken runs never fail the analysis: they are
 * reported as such. */
int emb_analyze(const embAnalyzeOptions *o);

#endif
