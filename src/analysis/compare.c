/* compare.c — the comparisons of spec/metrics.md §2 from the usable runs of a grid:
 * AUC tables per seed, transfer gains, no-transfer and after-transfer effector
 * differences, TTP per task, and the arm-vs-point-mass tests per target task.
 * Transfer run T(A->B) of seed k is compared with NT(B) of seed k (same seed). */
#include "analysis/analysis.h"

#include <math.h>
#include <string.h>

anStat an_stat(const double *x, int n) {
  double buf[AN_MAX_SEEDS * AN_NT];
  int k = 0;
  for (int i = 0; i < n && k < (int)(sizeof buf / sizeof buf[0]); i++)
    if (isfinite(x[i])) buf[k++] = x[i];
  anStat s = {k, NAN, NAN};
  emb_mean_sd(buf, k, &s.mean, &s.sd);
  return s;
}

/* the finite values of x[0..n) into out; returns their count */
static int finite_values(const double *x, int n, double *out) {
  int k = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i])) out[k++] = x[i];
  return k;
}

void an_compare(const anGrid *g, anResults *r) {
  int S = g->nseeds;
  for (int e = 0; e < AN_NE; e++)
    for (int b = 0; b < AN_NT; b++)
      for (int s = 0; s < AN_MAX_SEEDS; s++) {
        r->nt_auc[e][b][s] = NAN;
        for (int a = 0; a < AN_NT; a++) r->t_auc[e][b][a][s] = r->gain[e][b][a][s] = NAN;
      }
  for (int i = 0; i < g->nruns; i++) {
    const anRun *u = &g->runs[i];
    if (!u->usable) continue;
    if (u->transfer) r->t_auc[u->eff][u->task_i][u->base_i][u->seed_i] = u->m.auc;
    else r->nt_auc[u->eff][u->task_i][u->seed_i] = u->m.auc;
  }
  /* gains, per seed, and their seed statistics */
  for (int e = 0; e < AN_NE; e++)
    for (int b = 0; b < AN_NT; b++) {
      r->nt_auc_stat[e][b] = an_stat(r->nt_auc[e][b], S);
      for (int a = 0; a < AN_NT; a++) {
        for (int s = 0; s < S; s++) {
          double nt = r->nt_auc[e][b][s], t = r->t_auc[e][b][a][s];
          r->gain[e][b][a][s] = (a != b && nt != 0) ? 100.0 * (t - nt) / nt : NAN;
        }
        r->gain_stat[e][b][a] = an_stat(r->gain[e][b][a], S);
      }
    }
  /* effector differences (arm - point mass), per seed */
  for (int b = 0; b < AN_NT; b++) {
    double d[AN_MAX_SEEDS], pa[AN_MAX_SEEDS], pb[AN_MAX_SEEDS];
    for (int s = 0; s < S; s++) d[s] = r->nt_auc[1][b][s] - r->nt_auc[0][b][s];
    r->nt_diff[b] = an_stat(d, S);
    int na = finite_values(r->nt_auc[0][b], S, pa), nb = finite_values(r->nt_auc[1][b], S, pb);
    emb_welch_test(&r->nt_test[b], pa, na, pb, nb);
    double all[AN_NT * AN_MAX_SEEDS];
    int nall = 0;
    r->at_positive_cells[b] = r->at_cells[b] = 0;
    for (int a = 0; a < AN_NT; a++) {
      for (int s = 0; s < S; s++) {
        d[s] = r->t_auc[1][b][a][s] - r->t_auc[0][b][a][s];
        if (isfinite(d[s])) all[nall++] = d[s];
      }
      r->at_diff[b][a] = an_stat(d, S);
      if (a != b && r->at_diff[b][a].n > 0) {
        r->at_cells[b]++;
        r->at_positive_cells[b] += r->at_diff[b][a].mean > 0;
      }
      /* per pair: arm gains vs point-mass gains over seeds (claim 2) */
      na = finite_values(r->gain[1][b][a], S, pa);
      nb = finite_values(r->gain[0][b][a], S, pb);
      emb_welch_test(&r->pair_test[b][a], pa, na, pb, nb);
    }
    r->at_diff_task[b] = an_stat(all, nall);
    /* per target task: all bases and seeds (Fig. 7 right) */
    double ga[AN_NT * AN_MAX_SEEDS], gp[AN_NT * AN_MAX_SEEDS];
    int nga = 0, ngp = 0;
    for (int a = 0; a < AN_NT; a++) {
      nga += finite_values(r->gain[1][b][a], S, ga + nga);
      ngp += finite_values(r->gain[0][b][a], S, gp + ngp);
    }
    emb_welch_test(&r->target_welch[b], ga, nga, gp, ngp);
    emb_mann_whitney_exact(&r->target_mwu[b], ga, nga, gp, ngp);
  }
  /* TTP of the no-transfer runs (task difficulty) */
  for (int e = 0; e < AN_NE; e++)
    for (int b = 0; b < AN_NT; b++) {
      double v[AN_MAX_SEEDS];
      int k = 0;
      r->ttp_runs[e][b] = r->ttp_not_reached[e][b] = 0;
      for (int i = 0; i < g->nruns; i++) {
        const anRun *u = &g->runs[i];
        if (!u->usable || u->transfer || u->eff != e || u->task_i != b) continue;
        r->ttp_runs[e][b]++;
        if (u->m.ttp < 0) r->ttp_not_reached[e][b]++;
        else if (k < AN_MAX_SEEDS) v[k++] = u->m.ttp;
      }
      r->ttp[e][b] = an_stat(v, k);
    }
}
