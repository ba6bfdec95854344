/* figures.c — the figures of spec/metrics.md §4, each as <name>.csv (the plotted data),
 * <name>.gp (a gnuplot script drawing <name>.png and <name>.svg) and the two images, in
 * <report>/figures. Figures without any data are skipped (and listed as such); a
 * gnuplot failure fails the analysis. */
#include "analysis/analysis.h"

/* file names are bounded (AN_PATH); a truncated caption or title is harmless */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csv_table.h"
#include "embody/emb_types.h"

#define C_PM "#d95f02"      /* point mass */
#define C_PM_LIGHT "#fdc086"
#define C_ARM "#1b63a8"     /* arm */
#define C_ARM_LIGHT "#9ecae1"
#define DIVERGING "set palette defined (0 \"#b2182b\", 0.25 \"#ef8a62\", 0.5 \"#f7f7f7\", " \
                  "0.75 \"#91cf60\", 1 \"#1a9850\")"

typedef struct {
  const anGrid *g;
  const anResults *r;
  json_t *list;
  int failed;
} Ctx;

static const char *EFF_COLOR[AN_NE] = {C_PM, C_ARM};
static const char *EFF_LIGHT[AN_NE] = {C_PM_LIGHT, C_ARM_LIGHT};

static FILE *open_fig(const Ctx *c, const char *name, const char *ext) {
  char path[AN_PATH + 128];
  snprintf(path, sizeof path, "%s/%s.%s", c->g->figdir, name, ext);
  FILE *f = fopen(path, "w");
  if (!f) emb_error(EMB_EIO, "cannot write %s", path);
  return f;
}

static void nanum(FILE *f, double x) {
  if (isfinite(x)) fprintf(f, "%.10g", x);
  else fputs("NaN", f);
}

/* the script preamble: both terminals in one loop so `gnuplot <name>.gp` re-plots */
static FILE *begin_script(const Ctx *c, const char *name, const char *what, int w, int h) {
  FILE *f = open_fig(c, name, "gp");
  if (!f) return NULL;
  fprintf(f,
          "# %s\n# written by embody analyze; data in %s.csv. Re-plot (in this directory):\n"
          "#   gnuplot %s.gp    -> %s.png and %s.svg\n"
          "set encoding utf8\nset datafile separator comma\nset datafile missing 'NaN'\n"
          "do for [fmt in \"png svg\"] {\n"
          "if (fmt eq \"png\") {\n"
          "  set terminal pngcairo size %d,%d noenhanced font \"DejaVu Sans,11\" "
          "background rgb \"white\"\n"
          "} else {\n"
          "  set terminal svg size %d,%d noenhanced font \"DejaVu Sans,11\" "
          "background rgb \"white\"\n"
          "}\n"
          "set output \"%s.\".fmt\nreset\nset datafile separator comma\n"
          "set grid lc rgb \"#e0e0e0\"\nset key noenhanced\n",
          what, name, name, name, name, w, h, w, h, name);
  return f;
}

/* close the script, run gnuplot, record the figure */
static void finish(Ctx *c, FILE *f, const char *name, const char *title, const char *caption,
                   const char *data2) {
  fprintf(f, "unset multiplot\nset output\n}\n");
  int bad = ferror(f);
  fclose(f);
  if (c->failed) return; /* gnuplot already failed: one message is enough */
  if (bad) {
    emb_error(EMB_EIO, "error writing %s/%s.gp", c->g->figdir, name);
    c->failed = EMB_EIO;
    return;
  }
  int st = an_gnuplot_run(c->g->figdir, name);
  if (st) {
    c->failed = st;
    return;
  }
  char png[300], svg[300], csv[300], gp[300];
  snprintf(png, sizeof png, "figures/%s.png", name);
  snprintf(svg, sizeof svg, "figures/%s.svg", name);
  snprintf(csv, sizeof csv, "figures/%s.csv", name);
  snprintf(gp, sizeof gp, "figures/%s.gp", name);
  json_t *data = json_pack("[s]", csv);
  if (data2) {
    char d2[300];
    snprintf(d2, sizeof d2, "figures/%s", data2);
    json_array_append_new(data, json_string(d2));
  }
  json_array_append_new(c->list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "name", name,
                                           "title", title, "caption", caption, "png", png,
                                           "svg", svg, "data", data, "script", gp));
}

static void skipped(Ctx *c, const char *name, const char *title, const char *why) {
  json_array_append_new(c->list, json_pack("{s:s, s:s, s:s}", "name", name, "title", title,
                                           "skipped", why));
}

/* mean curve over the usable runs matching (eff, task, base or -1 for NT); returns n */
static int mean_curve(const anGrid *g, int e, int task, int base, double **out) {
  int n = 0, k = 0;
  for (int i = 0; i < g->nruns; i++) {
    const anRun *u = &g->runs[i];
    if (!u->usable || u->eff != e || u->task_i != task) continue;
    if ((base < 0) != !u->transfer || (base >= 0 && u->base_i != base)) continue;
    n = (n == 0 || u->n < n) ? u->n : n;
  }
  if (n == 0) return 0;
  double *m = calloc((size_t)n, sizeof *m);
  if (!m) return 0;
  for (int i = 0; i < g->nruns; i++) {
    const anRun *u = &g->runs[i];
    if (!u->usable || u->eff != e || u->task_i != task) continue;
    if ((base < 0) != !u->transfer || (base >= 0 && u->base_i != base)) continue;
    for (int t = 0; t < n; t++) m[t] += u->y[t];
    k++;
  }
  for (int t = 0; t < n; t++) m[t] /= k;
  *out = m;
  return n;
}

/* smoothed copy with the task's window (raw copy when too short to smooth) */
static double *smooth(const double *y, int n, int window) {
  double *s = malloc((size_t)n * sizeof *s);
  if (!s) return NULL;
  int w = emb_savgol_effective_window(window, n);
  if (w <= EMB_SAVGOL_ORDER || emb_savgol_filter(s, y, n, w, EMB_SAVGOL_ORDER))
    memcpy(s, y, (size_t)n * sizeof *s);
  return s;
}

static const char *ylabel_perf = "fraction of targets reached (tar_frac)";

/* Fig. 4a-f: no-transfer learning curves, arm vs point mass, one panel per task */
static void fig_learning_nt(Ctx *c) {
  const char *name = "learning_no_transfer";
  const char *title = "No-transfer learning curves: arm vs point mass";
  double *mean[AN_NE][AN_NT] = {{0}}, *sm[AN_NE][AN_NT] = {{0}};
  int len[AN_NE][AN_NT] = {{0}}, tasks = 0, has[AN_NT] = {0};
  for (int b = 0; b < AN_NT; b++) {
    for (int e = 0; e < AN_NE; e++) {
      len[e][b] = mean_curve(c->g, e, b, -1, &mean[e][b]);
      if (len[e][b]) sm[e][b] = smooth(mean[e][b], len[e][b], c->g->windows[b]);
      has[b] |= len[e][b] > 0 && sm[e][b];
    }
    tasks += has[b];
  }
  if (!tasks) {
    skipped(c, name, title, "no finished no-transfer runs");
    return;
  }
  FILE *d = open_fig(c, name, "csv");
  if (!d) {
    c->failed = EMB_EIO;
    goto out;
  }
  fprintf(d, "task,epoch,point_mass_mean,point_mass_smoothed,arm_mean,arm_smoothed\n");
  for (int b = 0; b < AN_NT; b++) {
    int n = len[0][b] > len[1][b] ? len[0][b] : len[1][b];
    for (int t = 0; t < n; t++) {
      fprintf(d, "%s,%d", an_tasks[b], t);
      for (int e = 0; e < AN_NE; e++) {
        fputc(',', d);
        nanum(d, t < len[e][b] ? mean[e][b][t] : NAN);
        fputc(',', d);
        nanum(d, t < len[e][b] ? sm[e][b][t] : NAN);
      }
      fputc('\n', d);
    }
  }
  fclose(d);
  int cols = tasks > 3 ? 3 : tasks, rows = (tasks + cols - 1) / cols;
  FILE *f = begin_script(c, name, title, 420 * cols, 340 * rows + 60);
  if (!f) {
    c->failed = EMB_EIO;
    goto out;
  }
  fprintf(f, "set multiplot layout %d,%d title \"%s (mean over seeds; thin: raw, thick: "
             "Savitzky-Golay smoothed)\"\n"
             "set xlabel \"epoch\"\nset ylabel \"%s\"\nset key bottom right\n",
          rows, cols, title, ylabel_perf);
  for (int b = 0; b < AN_NT; b++) {
    if (!has[b]) continue;
    fprintf(f, "set title \"%s\"\nplot ", an_tasks[b]);
    int first = 1;
    for (int e = 0; e < AN_NE; e++) {
      if (!len[e][b]) continue;
      int col = 3 + 2 * e;
      fprintf(f,
              "%s\"%s.csv\" skip 1 using (strcol(1) eq \"%s\" ? $2 : NaN):(column(%d)) with "
              "lines lw 1 lc rgb \"%s\" notitle, \\\n  \"%s.csv\" skip 1 using (strcol(1) "
              "eq \"%s\" ? $2 : NaN):(column(%d)) with lines lw 2.5 lc rgb \"%s\" title "
              "\"%s\"",
              first ? "" : ", \\\n  ", name, an_tasks[b], col, EFF_LIGHT[e], name,
              an_tasks[b], col + 1, EFF_COLOR[e], an_effector_labels[e]);
      first = 0;
    }
    fprintf(f, "\n");
  }
  finish(c, f, name, title,
         "Per-epoch fraction of targets reached of the no-transfer runs, mean over seeds, "
         "raw and smoothed (paper Fig. 4a-f).", NULL);
out:
  for (int e = 0; e < AN_NE; e++)
    for (int b = 0; b < AN_NT; b++) free(mean[e][b]), free(sm[e][b]);
}

/* Fig. 1b-c: transfer vs no-transfer for one base/target pair, one panel per effector */
static void fig_learning_pair(Ctx *c, int a, int b) {
  char name[128], title[256];
  snprintf(name, sizeof name, "learning_transfer_%s-to-%s", an_tasks[a], an_tasks[b]);
  snprintf(title, sizeof title, "Transfer %s -> %s vs no transfer on %s", an_tasks[a],
           an_tasks[b], an_tasks[b]);
  double *y[AN_NE][2] = {{0}}, *s[AN_NE][2] = {{0}};
  int len[AN_NE][2] = {{0}}, panels = 0, n = 0;
  for (int e = 0; e < AN_NE; e++) {
    len[e][0] = mean_curve(c->g, e, b, -1, &y[e][0]);
    len[e][1] = mean_curve(c->g, e, b, a, &y[e][1]);
    for (int k = 0; k < 2; k++) {
      if (len[e][k]) s[e][k] = smooth(y[e][k], len[e][k], c->g->windows[b]);
      if (len[e][k] > n) n = len[e][k];
    }
    panels += len[e][0] > 0 || len[e][1] > 0;
  }
  FILE *d = NULL, *f = NULL;
  if (!panels) {
    skipped(c, name, title, "no finished runs for this pair");
    goto out;
  }
  d = open_fig(c, name, "csv");
  if (!d) {
    c->failed = EMB_EIO;
    goto out;
  }
  fprintf(d, "epoch_on_target,point_mass_no_transfer,point_mass_no_transfer_smoothed,"
             "point_mass_transfer,point_mass_transfer_smoothed,arm_no_transfer,"
             "arm_no_transfer_smoothed,arm_transfer,arm_transfer_smoothed\n");
  for (int t = 0; t < n; t++) {
    fprintf(d, "%d", t);
    for (int e = 0; e < AN_NE; e++)
      for (int k = 0; k < 2; k++) {
        fputc(',', d);
        nanum(d, t < len[e][k] ? y[e][k][t] : NAN);
        fputc(',', d);
        nanum(d, t < len[e][k] ? s[e][k][t] : NAN);
      }
    fputc('\n', d);
  }
  fclose(d);
  f = begin_script(c, name, title, 460 * panels, 420);
  if (!f) {
    c->failed = EMB_EIO;
    goto out;
  }
  fprintf(f, "set multiplot layout 1,%d title \"%s (mean over seeds; thin: raw, thick: "
             "smoothed)\"\nset xlabel \"epochs of training on %s\"\nset ylabel \"%s\"\n"
             "set key bottom right\n", panels, title, an_tasks[b], ylabel_perf);
  for (int e = 0; e < AN_NE; e++) {
    if (!len[e][0] && !len[e][1]) continue;
    fprintf(f, "set title \"%s\"\nplot ", an_effector_labels[e]);
    int first = 1;
    const char *lab[2] = {"no transfer", "transfer from "};
    const char *col[2] = {"#7f7f7f", EFF_COLOR[e]};
    const char *light[2] = {"#cfcfcf", EFF_LIGHT[e]};
    for (int k = 0; k < 2; k++) {
      if (!len[e][k]) continue;
      int cc = 2 + 4 * e + 2 * k;
      fprintf(f,
              "%s\"%s.csv\" skip 1 using 1:%d with lines lw 1 lc rgb \"%s\" notitle, \\\n"
              "  \"%s.csv\" skip 1 using 1:%d with lines lw 2.5 lc rgb \"%s\" title \"%s%s\"",
              first ? "" : ", \\\n  ", name, cc, light[k], name, cc + 1, col[k], lab[k],
              k ? an_tasks[a] : "");
      first = 0;
    }
    fprintf(f, "\n");
  }
  finish(c, f, name, title,
         "Learning curve of the transfer model on the target task (its transfer segment) "
         "against the no-transfer model of the same task (paper Fig. 1b-c).", NULL);
out:
  for (int e = 0; e < AN_NE; e++)
    for (int k = 0; k < 2; k++) free(y[e][k]), free(s[e][k]);
}

/* common 6x6 heatmap: rows = target task (top to bottom), columns = base task */
static void heatmap(Ctx *c, const char *name, const char *title, const char *cblabel,
                    const anStat m[AN_NT][AN_NT], double range, const char *caption) {
  int cells = 0;
  for (int b = 0; b < AN_NT; b++)
    for (int a = 0; a < AN_NT; a++) cells += a != b && m[b][a].n > 0;
  if (!cells) {
    skipped(c, name, title, "no finished transfer runs with their no-transfer baselines");
    return;
  }
  FILE *d = open_fig(c, name, "csv");
  if (!d) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(d, "target_index,base_index,target_task,base_task,mean,sd,n\n");
  for (int b = 0; b < AN_NT; b++)
    for (int a = 0; a < AN_NT; a++) {
      if (a == b || m[b][a].n == 0) continue;
      fprintf(d, "%d,%d,%s,%s,", b, a, an_tasks[b], an_tasks[a]);
      nanum(d, m[b][a].mean);
      fputc(',', d);
      nanum(d, m[b][a].sd);
      fprintf(d, ",%d\n", m[b][a].n);
    }
  fclose(d);
  FILE *f = begin_script(c, name, title, 760, 640);
  if (!f) {
    c->failed = EMB_EIO;
    return;
  }
  if (!(range > 0)) range = 1;
  fprintf(f, "set title \"%s\"\nset xlabel \"base task (trained first)\"\n"
             "set ylabel \"transfer task (trained second)\"\nset cblabel \"%s\"\n"
             "set xrange [-0.5:5.5]\nset yrange [5.5:-0.5]\nset cbrange [%g:%g]\n%s\n"
             "set size ratio 1\nunset grid\nset tics nomirror out\nset xtics (",
          title, cblabel, -range, range, DIVERGING);
  for (int t = 0; t < AN_NT; t++) fprintf(f, "%s\"%s\" %d", t ? ", " : "", an_tasks[t], t);
  fprintf(f, ")\nset ytics (");
  for (int t = 0; t < AN_NT; t++) fprintf(f, "%s\"%s\" %d", t ? ", " : "", an_tasks[t], t);
  fprintf(f, ")\n");
  for (int t = 0; t < AN_NT; t++)
    fprintf(f, "set object %d rect from %g,%g to %g,%g fc rgb \"#d9d9d9\" fs solid 1.0 "
               "noborder back\n", t + 1, t - 0.5, t - 0.5, t + 0.5, t + 0.5);
  fprintf(f, "set style fill solid 1.0 border lc rgb \"white\"\n"
             "plot \"%s.csv\" skip 1 using 2:1:(0.5):(0.5):5 with boxxyerror fc palette "
             "notitle, \\\n  \"%s.csv\" skip 1 using 2:1:(sprintf(\"%%.1f\", $5)) with labels "
             "font \",11\" notitle\n", name, name);
  finish(c, f, name, title, caption, NULL);
}

static void fig_heatmaps(Ctx *c) {
  const anResults *r = c->r;
  double range = 0;
  for (int e = 0; e < AN_NE; e++)
    for (int b = 0; b < AN_NT; b++)
      for (int a = 0; a < AN_NT; a++)
        if (a != b && r->gain_stat[e][b][a].n > 0 && fabs(r->gain_stat[e][b][a].mean) > range)
          range = fabs(r->gain_stat[e][b][a].mean);
  for (int e = 0; e < AN_NE; e++) {
    char name[64], title[128];
    snprintf(name, sizeof name, "gain_heatmap_%s", an_effectors[e]);
    snprintf(title, sizeof title, "Transfer gain of the %s: AUC improvement over no transfer",
             an_effector_labels[e]);
    heatmap(c, name, title, "gain in AUC (%), 0 = no benefit", r->gain_stat[e], range,
            "Percentage improvement in AUC of each transfer model over the no-transfer model "
            "of its target task, mean over seeds; both heatmaps share one colour scale "
            "centred at 0 (paper Fig. 6).");
  }
  double r2 = 0;
  for (int b = 0; b < AN_NT; b++)
    for (int a = 0; a < AN_NT; a++)
      if (a != b && r->at_diff[b][a].n > 0 && fabs(r->at_diff[b][a].mean) > r2)
        r2 = fabs(r->at_diff[b][a].mean);
  heatmap(c, "after_transfer_difference", "After transfer: AUC of the arm minus AUC of the "
          "point mass", "AUC(arm) - AUC(point mass) (tar_frac x epochs)", r->at_diff, r2,
          "Difference of the transfer models' AUCs across effectors, mean over seeds; "
          "positive = the arm learned more (paper Fig. 5).");
}

/* Fig. 4g: no-transfer AUC difference per task, log-scaled magnitude */
static void fig_nt_difference(Ctx *c) {
  const char *name = "no_transfer_auc_difference";
  const char *title = "No transfer: AUC of the arm minus AUC of the point mass";
  double lo = INFINITY, hi = 0;
  for (int b = 0; b < AN_NT; b++) {
    double m = fabs(c->r->nt_diff[b].mean);
    if (c->r->nt_diff[b].n > 0 && m > 0) lo = fmin(lo, m), hi = fmax(hi, m);
  }
  if (!(hi > 0)) {
    skipped(c, name, title, "no task with both effectors' no-transfer runs finished");
    return;
  }
  double floor_ = pow(10, floor(log10(lo)) - 0.5);
  FILE *d = open_fig(c, name, "csv");
  if (!d) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(d, "task_index,task,difference_mean,difference_sd,n,magnitude,sign\n");
  for (int b = 0; b < AN_NT; b++) {
    const anStat *s = &c->r->nt_diff[b];
    if (s->n == 0) continue;
    fprintf(d, "%d,%s,", b, an_tasks[b]);
    nanum(d, s->mean);
    fputc(',', d);
    nanum(d, s->sd);
    fprintf(d, ",%d,", s->n);
    nanum(d, fabs(s->mean) > floor_ ? fabs(s->mean) : floor_);
    fprintf(d, ",%d\n", s->mean > 0 ? 1 : (s->mean < 0 ? -1 : 0));
  }
  fclose(d);
  FILE *f = begin_script(c, name, title, 820, 520);
  if (!f) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(f, "set title \"%s (mean over seeds)\"\nset xlabel \"task\"\n"
             "set ylabel \"|AUC difference| (tar_frac x epochs, log scale)\"\n"
             "set logscale y\nset yrange [%g:%g]\nset xrange [-0.6:5.6]\nset xtics (",
          title, floor_, hi * 4);
  for (int t = 0; t < AN_NT; t++) fprintf(f, "%s\"%s\" %d", t ? ", " : "", an_tasks[t], t);
  fprintf(f, ")\nset style fill solid 0.85 border -1\nset key top left\n"
             "plot \"%s.csv\" skip 1 using 1:($7 < 0 ? $6 : NaN):($1-0.35):($1+0.35):(%g):"
             "($7 < 0 ? $6 : NaN) with boxxyerror lc rgb \"%s\" title \"point mass ahead "
             "(difference < 0)\", \\\n  \"%s.csv\" skip 1 using 1:($7 >= 0 ? $6 : NaN):"
             "($1-0.35):($1+0.35):(%g):($7 >= 0 ? $6 : NaN) with boxxyerror lc rgb \"%s\" "
             "title \"arm ahead (difference >= 0)\", \\\n  \"%s.csv\" skip 1 using 1:($6*1.5):"
             "(sprintf(\"%%+.4g\", $3)) with labels notitle\n",
          name, floor_, C_PM, name, floor_, C_ARM, name);
  finish(c, f, name, title,
         "AUC(no-transfer arm) - AUC(no-transfer point mass) per task; bar height is the "
         "magnitude on a log scale, colour the sign, label the signed value (paper Fig. 4g).",
         NULL);
}

/* grouped bars (point mass, arm) per task with error bars and labels above */
static void fig_ttp(Ctx *c) {
  const char *name = "ttp_per_task";
  const char *title = "Task difficulty: time to plateau of the no-transfer runs";
  int any = 0;
  double top = 0;
  for (int e = 0; e < AN_NE; e++)
    for (int b = 0; b < AN_NT; b++) {
      any += c->r->ttp_runs[e][b] > 0;
      if (c->r->ttp[e][b].n > 0)
        top = fmax(top, c->r->ttp[e][b].mean + (isfinite(c->r->ttp[e][b].sd)
                                                     ? c->r->ttp[e][b].sd : 0));
    }
  if (!any) {
    skipped(c, name, title, "no finished no-transfer runs");
    return;
  }
  if (!(top > 0)) top = 1;
  FILE *d = open_fig(c, name, "csv");
  if (!d) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(d, "task_index,task,point_mass_ttp_mean,point_mass_ttp_sd,point_mass_reached,"
             "point_mass_runs,arm_ttp_mean,arm_ttp_sd,arm_reached,arm_runs,"
             "point_mass_label,arm_label\n");
  for (int b = 0; b < AN_NT; b++) {
    fprintf(d, "%d,%s", b, an_tasks[b]);
    for (int e = 0; e < AN_NE; e++) {
      fputc(',', d);
      nanum(d, c->r->ttp[e][b].mean);
      fputc(',', d);
      nanum(d, c->r->ttp[e][b].n > 1 ? c->r->ttp[e][b].sd : 0);
      fprintf(d, ",%d,%d", c->r->ttp[e][b].n, c->r->ttp_runs[e][b]);
    }
    for (int e = 0; e < AN_NE; e++) {
      if (c->r->ttp_runs[e][b] == 0) fprintf(d, ",no runs");
      else if (c->r->ttp[e][b].n < c->r->ttp_runs[e][b])
        fprintf(d, ",%d/%d reached", c->r->ttp[e][b].n, c->r->ttp_runs[e][b]);
      else fprintf(d, ",");
    }
    fputc('\n', d);
  }
  fclose(d);
  FILE *f = begin_script(c, name, title, 820, 520);
  if (!f) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(f, "set title \"%s (mean +- sd over seeds)\"\nset xlabel \"task\"\n"
             "set ylabel \"time to plateau (epochs)\"\nset yrange [0:%g]\n"
             "set xrange [-0.6:5.6]\nset xtics (", title, top * 1.25);
  for (int t = 0; t < AN_NT; t++) fprintf(f, "%s\"%s\" %d", t ? ", " : "", an_tasks[t], t);
  fprintf(f, ")\nset style fill solid 0.85 border -1\nset key below\nplot ");
  for (int e = 0; e < AN_NE; e++) {
    double off = e == 0 ? -0.19 : 0.19;
    int mc = 3 + 4 * e;
    fprintf(f,
            "%s\"%s.csv\" skip 1 using ($1%+g):(column(%d)/2):($1%+g):($1%+g):(0):"
            "(column(%d)) with boxxyerror lc rgb \"%s\" title \"%s\", \\\n"
            "  \"%s.csv\" skip 1 using ($1%+g):(column(%d)):(column(%d)) with yerrorbars "
            "lc rgb \"black\" pt 0 notitle, \\\n"
            "  \"%s.csv\" skip 1 using ($1%+g):(%g):(stringcolumn(%d)) with labels "
            "rotate by 90 left font \",9\" notitle",
            e ? ", \\\n  " : "", name, off, mc, off - 0.17, off + 0.17, mc, EFF_COLOR[e],
            an_effector_labels[e], name, off, mc, mc + 1, name, off, top * 0.02, 11 + e);
  }
  fprintf(f, "\n");
  finish(c, f, name, title,
         "Time to plateau (TTP) of the no-transfer runs per task and effector; runs that "
         "never reached a plateau are counted in the labels, not averaged (paper Fig. 7 "
         "left).", NULL);
}

/* Fig. 7 right: arm vs point-mass gain per target task with stars (Welch) */
static void fig_gain_comparison(Ctx *c) {
  const char *name = "gain_arm_vs_point_mass";
  const char *title = "Transfer gain per target task: arm vs point mass";
  double lo = 0, hi = 0;
  int any = 0;
  for (int b = 0; b < AN_NT; b++) {
    const embWelchResult *w = &c->r->target_welch[b];
    double m[2] = {w->mean_a, w->mean_b}, s[2] = {w->sd_a, w->sd_b};
    for (int k = 0; k < 2; k++)
      if (isfinite(m[k])) {
        any = 1;
        double sd = isfinite(s[k]) ? s[k] : 0;
        hi = fmax(hi, m[k] + sd);
        lo = fmin(lo, m[k] - sd);
      }
  }
  if (!any) {
    skipped(c, name, title, "no transfer gains");
    return;
  }
  double pad = 0.08 * (hi - lo > 0 ? hi - lo : 1);
  FILE *d = open_fig(c, name, "csv");
  if (!d) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(d, "task_index,task,arm_gain_mean,arm_gain_sd,n_arm,point_mass_gain_mean,"
             "point_mass_gain_sd,n_point_mass,difference,ci95_low,ci95_high,welch_p,"
             "mwu_p_exact,stars,star_y\n");
  for (int b = 0; b < AN_NT; b++) {
    const embWelchResult *w = &c->r->target_welch[b];
    fprintf(d, "%d,%s,", b, an_tasks[b]);
    nanum(d, w->mean_a);
    fputc(',', d);
    nanum(d, w->na > 1 ? w->sd_a : 0);
    fprintf(d, ",%d,", w->na);
    nanum(d, w->mean_b);
    fputc(',', d);
    nanum(d, w->nb > 1 ? w->sd_b : 0);
    fprintf(d, ",%d,", w->nb);
    double v[] = {w->diff, w->ci_low, w->ci_high, w->p, c->r->target_mwu[b].p};
    for (int k = 0; k < 5; k++) {
      nanum(d, v[k]);
      fputc(',', d);
    }
    double top = -INFINITY;
    double m[2] = {w->mean_a, w->mean_b}, s[2] = {w->sd_a, w->sd_b};
    for (int k = 0; k < 2; k++)
      if (isfinite(m[k])) top = fmax(top, m[k] + (isfinite(s[k]) ? s[k] : 0));
    fprintf(d, "%s,", (w->na > 0 && w->nb > 0) ? emb_star_code(w->p) : "");
    nanum(d, isfinite(top) ? fmax(top, 0) + pad : NAN);
    fputc('\n', d);
  }
  fclose(d);
  FILE *f = begin_script(c, name, title, 820, 540);
  if (!f) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(f, "set title \"%s\\n(mean +- sd over bases and seeds; stars: Welch t-test)\"\n"
             "set xlabel \"target (transfer) task\"\nset ylabel \"gain in AUC over no "
             "transfer (%%)\"\nset yrange [%g:%g]\nset xrange [-0.6:5.6]\nset xzeroaxis lt -1\n"
             "set xtics (", title, fmin(lo, 0) - pad, hi + 3 * pad);
  for (int t = 0; t < AN_NT; t++) fprintf(f, "%s\"%s\" %d", t ? ", " : "", an_tasks[t], t);
  fprintf(f, ")\nset style fill solid 0.85 border -1\nset key below\nplot ");
  int mcol[2] = {6, 3}; /* point mass, arm */
  for (int e = 0; e < AN_NE; e++) {
    double off = e == 0 ? -0.19 : 0.19;
    int mc = mcol[e];
    fprintf(f,
            "%s\"%s.csv\" skip 1 using ($1%+g):(column(%d)/2):($1%+g):($1%+g):"
            "(column(%d) < 0 ? column(%d) : 0):(column(%d) > 0 ? column(%d) : 0) with "
            "boxxyerror lc rgb \"%s\" title \"%s\", \\\n"
            "  \"%s.csv\" skip 1 using ($1%+g):(column(%d)):(column(%d)) with yerrorbars "
            "lc rgb \"black\" pt 0 notitle",
            e ? ", \\\n  " : "", name, off, mc, off - 0.17, off + 0.17, mc, mc, mc, mc,
            EFF_COLOR[e], an_effector_labels[e], name, off, mc, mc + 1);
  }
  fprintf(f, ", \\\n  \"%s.csv\" skip 1 using 1:15:(stringcolumn(14)) with labels "
             "font \",13\" notitle\n", name);
  finish(c, f, name, title,
         "Mean transfer gain per target task over all base tasks and seeds, arm vs point "
         "mass; stars from Welch's t-test (ns, * p<0.05, ** p<0.01, *** p<0.001); the "
         "exact Mann-Whitney p-values are in the data file (paper Fig. 7 right, Fig. 8).",
         NULL);
}

/* Fig. 3: fingertip paths, targets and the effector in the xy plane for one run */
static void fig_trajectory(Ctx *c, const anRun *u) {
  char name[300], title[400];
  snprintf(name, sizeof name, "trajectories_%s", u->id);
  snprintf(title, sizeof title, "Fingertip paths of the trained %s on %s%s%s (run %s)",
           u->eff >= 0 ? an_effector_labels[u->eff] : u->effector, u->task,
           u->transfer ? ", transferred from " : "", u->transfer ? u->base_task : "", u->id);
  csvTable t;
  if (csv_read(&t, u->traj)) {
    skipped(c, name, title, emb_last_error());
    return;
  }
  const char *need[] = {"episode", "step", "fingertip_x", "fingertip_y", "goal_x", "goal_y",
                        "q0", "q1"};
  int col[8];
  for (int k = 0; k < 8; k++)
    if ((col[k] = csv_column(&t, need[k])) < 0) {
      char why[256];
      snprintf(why, sizeof why, "%s has no column %s", u->traj, need[k]);
      skipped(c, name, title, why);
      csv_free(&t);
      return;
    }
  char dname[340];
  snprintf(dname, sizeof dname, "%s_effector", name);
  FILE *d = open_fig(c, name, "csv"), *de = open_fig(c, dname, "csv");
  if (!d || !de) {
    if (d) fclose(d);
    if (de) fclose(de);
    csv_free(&t);
    c->failed = EMB_EIO;
    return;
  }
  fprintf(d, "episode,step,fingertip_x,fingertip_y,goal_x,goal_y\n");
  fprintf(de, "episode,x_from,y_from,x_to,y_to\n");
  int episodes = 0, last_ep = -1, arm = u->eff == 1;
  double prev[8] = {0};
  int have_prev = 0;
  for (int r = 0; r <= t.nrows; r++) {
    double v[8] = {0};
    int ep = -1;
    if (r < t.nrows) {
      for (int k = 0; k < 8; k++) v[k] = atof(t.rows[r][col[k]]);
      ep = (int)v[0];
    }
    /* episode ended: draw the effector at its last step */
    if (have_prev && ep != last_ep) {
      if (arm) {
        double ex = EMB_ARM_L1 * cos(prev[6]), ey = EMB_ARM_L1 * sin(prev[6]);
        fprintf(de, "%d,0,0,%.6g,%.6g\n%d,%.6g,%.6g,%.6g,%.6g\n", last_ep, ex, ey, last_ep, ex,
                ey, prev[2], prev[3]);
      } else {
        fprintf(de, "%d,%.6g,%.6g,%.6g,%.6g\n", last_ep, prev[2], prev[3], prev[2], prev[3]);
      }
    }
    if (r == t.nrows) break;
    if (ep != last_ep) {
      episodes++;
      last_ep = ep;
    }
    if (episodes > EMB_TRAJ_MAX_EPISODES) break;
    fprintf(d, "%d,%d,%.6g,%.6g,%.6g,%.6g\n", ep, (int)v[1], v[2], v[3], v[4], v[5]);
    memcpy(prev, v, sizeof prev);
    have_prev = 1;
  }
  fclose(d);
  fclose(de);
  csv_free(&t);
  if (!have_prev) {
    skipped(c, name, title, "trajectories.csv has no rows");
    return;
  }
  FILE *f = begin_script(c, name, title, 760, 700);
  if (!f) {
    c->failed = EMB_EIO;
    return;
  }
  fprintf(f, "set title \"%s\"\nset xlabel \"x position (m)\"\nset ylabel \"y position (m)\"\n"
             "set size ratio -1\nset key below maxrows 3\nplot ",
          title);
  /* the effector first (underneath), then the paths, then the targets on top */
  if (arm)
    fprintf(f, "\"%s.csv\" skip 1 using 2:3:($4-$2):($5-$3) with vectors nohead lw 5 "
               "lc rgb \"#b0b0b0\" title \"arm at the last step (upper arm, forearm)\", \\\n"
               "  \"%s.csv\" skip 1 using 4:5 with points pt 7 ps 0.9 lc rgb \"#808080\" "
               "notitle, \\\n  \"%s.csv\" skip 1 every ::0::0 using (0):(0) with points pt 5 "
               "ps 1.6 lc rgb \"black\" title \"shoulder\", \\\n", dname, dname, dname);
  else
    fprintf(f, "\"%s.csv\" skip 1 using 4:5 with points pt 7 ps 2.2 lc rgb \"#b0b0b0\" "
               "title \"point mass at the last step\", \\\n", dname);
  fprintf(f, "  for [k in \"");
  /* episode ids actually written (first EMB_TRAJ_MAX_EPISODES) */
  {
    char dpath[AN_PATH + 400];
    snprintf(dpath, sizeof dpath, "%s/%s.csv", c->g->figdir, name);
    csvTable tt;
    int last = -1, first = 1;
    if (!csv_read(&tt, dpath)) {
      for (int r = 0; r < tt.nrows; r++) {
        int ep = atoi(tt.rows[r][0]);
        if (ep != last) fprintf(f, "%s%d", first ? "" : " ", ep), first = 0;
        last = ep;
      }
      csv_free(&tt);
    }
  }
  fprintf(f, "\"] \"%s.csv\" skip 1 using (column(1) == k+0 ? $3 : NaN):4 with lines lw 2 "
             "title sprintf(\"episode %%s\", k), \\\n", name);
  fprintf(f, "  \"%s.csv\" skip 1 using 5:6 with points pt 6 ps 2.2 lw 2 lc rgb \"#e6a000\" "
             "title \"target\"\n", name);
  char cap[512];
  snprintf(cap, sizeof cap,
           "Fingertip paths in the xy plane for the first %d evaluation episodes of run %s, "
           "targets as circles and the effector drawn at each episode's last step "
           "(paper Fig. 3).", EMB_TRAJ_MAX_EPISODES, u->id);
  char d2[400];
  snprintf(d2, sizeof d2, "%s.csv", dname);
  finish(c, f, name, title, cap, d2);
}

int an_write_figures(const anGrid *g, const anResults *r, const embAnalyzeOptions *o,
                     json_t *list) {
  Ctx c = {g, r, list, 0};
  if (an_mkdir_p(g->figdir)) return EMB_EIO;
  fig_learning_nt(&c);
  /* transfer-vs-no-transfer pairs: the requested ones, else the defaults; when none of
   * those has data, the first pair that has */
  static const char defaults[][2][16] = EMB_DEFAULT_PAIRS;
  int np = o->npairs, done = 0;
  for (int k = 0; k < (np ? np : (int)(sizeof defaults / sizeof defaults[0])); k++) {
    const char *bs = np ? o->pairs[k][0] : defaults[k][0];
    const char *ts = np ? o->pairs[k][1] : defaults[k][1];
    int a = an_task_index(bs), b = an_task_index(ts);
    if (a < 0 || b < 0 || a == b) continue;
    size_t before = json_array_size(list);
    fig_learning_pair(&c, a, b);
    json_t *last = json_array_get(list, before);
    done += last && !json_object_get(last, "skipped");
  }
  if (!done && !np)
    for (int b = 0; b < AN_NT && !done; b++)
      for (int a = 0; a < AN_NT && !done; a++)
        if (a != b && r->gain_stat[0][b][a].n + r->gain_stat[1][b][a].n > 0) {
          fig_learning_pair(&c, a, b);
          done = 1;
        }
  fig_heatmaps(&c);
  fig_nt_difference(&c);
  fig_ttp(&c);
  fig_gain_comparison(&c);
  for (int i = 0; i < g->nruns; i++)
    if (g->runs[i].has_traj) fig_trajectory(&c, &g->runs[i]);
  return c.failed;
}
