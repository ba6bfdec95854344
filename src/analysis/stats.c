/* stats.c — Welch's t-test, exact Mann–Whitney U, star codes (spec/metrics.md §2).
 * The t distribution comes from GSL; the exact U distribution from the counting
 * recursion f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u) (Mann & Whitney 1947). */
#include "embody/emb_stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embody/emb_types.h"

void emb_mean_sd(const double *x, int n, double *mean, double *sd) {
  double m = 0.0;
  for (int i = 0; i < n; i++) m += x[i];
  m = n > 0 ? m / n : NAN;
  double v = 0.0;
  for (int i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
  if (mean) *mean = m;
  if (sd) *sd = n > 1 ? sqrt(v / (n - 1)) : NAN;
}

int emb_welch_test(embWelchResult *r, const double *a, int na, const double *b, int nb) {
  memset(r, 0, sizeof *r);
  r->na = na;
  r->nb = nb;
  emb_mean_sd(a, na, &r->mean_a, &r->sd_a);
  emb_mean_sd(b, nb, &r->mean_b, &r->sd_b);
  r->diff = r->mean_a - r->mean_b;
  r->t = r->df = r->p = r->ci_low = r->ci_high = NAN;
  if (na < 2 || nb < 2) return EMB_OK;
  double qa = r->sd_a * r->sd_a / na, qb = r->sd_b * r->sd_b / nb;
  double se = sqrt(qa + qb);
  if (!(se > 0)) return EMB_OK;
  r->tested = 1;
  r->t = r->diff / se;
  r->df = (qa + qb) * (qa + qb) / (qa * qa / (na - 1) + qb * qb / (nb - 1));
  r->p = 2.0 * gsl_cdf_tdist_Q(fabs(r->t), r->df);
  if (r->p > 1.0) r->p = 1.0;
  double tq = gsl_cdf_tdist_Qinv(0.5 * (1.0 - EMB_CI_LEVEL), r->df);
  r->ci_low = r->diff - tq * se;
  r->ci_high = r->diff + tq * se;
  return EMB_OK;
}

/* U of sample a with mid-ranks for ties: U_a = R_a - na(na+1)/2 */
static double u_statistic(const double *a, int na, const double *b, int nb) {
  double u = 0.0; /* sum over pairs: 1 if a > b, 1/2 if equal (same as mid-rank form) */
  for (int i = 0; i < na; i++)
    for (int j = 0; j < nb; j++) u += a[i] > b[j] ? 1.0 : (a[i] == b[j] ? 0.5 : 0.0);
  return u;
}

/* P(U <= k) under H0 for sample sizes m, n: counts of the (m+n choose m) orderings */
static int u_cdf(int m, int n, int k, double *cdf) {
  int mn = m * n;
  /* f[j][u] for the current number of a-values i and j b-values, j = 0..n */
  double *f = calloc((size_t)(n + 1) * (size_t)(mn + 1), sizeof *f);
  double *g = calloc((size_t)(n + 1) * (size_t)(mn + 1), sizeof *g);
  if (!f || !g) {
    free(f);
    free(g);
    return emb_error(EMB_ENOMEM, "Mann-Whitney table %d x %d", m, n);
  }
#define F(arr, j, u) arr[(size_t)(j) * (size_t)(mn + 1) + (size_t)(u)]
  for (int j = 0; j <= n; j++) F(f, j, 0) = 1.0; /* i = 0: one ordering, U = 0 */
  for (int i = 1; i <= m; i++) {
    /* g = f(i, ., .): f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u) */
    for (int j = 0; j <= n; j++)
      for (int u = 0; u <= i * j; u++) {
        double v = (u - j >= 0) ? F(f, j, u - j) : 0.0;
        if (j > 0 && u <= i * (j - 1)) v += F(g, j - 1, u);
        F(g, j, u) = v;
      }
    double *t = f; f = g; g = t;
    memset(g, 0, (size_t)(n + 1) * (size_t)(mn + 1) * sizeof *g);
  }
  double total = 0.0, below = 0.0;
  for (int u = 0; u <= mn; u++) {
    total += F(f, n, u);
    if (u <= k) below += F(f, n, u);
  }
#undef F
  free(f);
  free(g);
  *cdf = below / total;
  return EMB_OK;
}

int emb_mann_whitney_exact(embMwuResult *r, const double *a, int na, const double *b,
                           int nb) {
  memset(r, 0, sizeof *r);
  r->na = na;
  r->nb = nb;
  r->u = r->p = NAN;
  if (na < 1 || nb < 1) return EMB_OK;
  r->u = u_statistic(a, na, b, nb);
  long cells = (long)(nb + 1) * ((long)na * nb + 1);
  if (cells > EMB_MWU_MAX_CELLS) return EMB_OK;
  /* scipy 1.10: U = max(U_a, U_b) truncated to an integer; p = 2 * sf(U) and
   * sf(U) = P(U' >= U) = cdf(na*nb - U) by the symmetry of the null distribution */
  double ub = (double)na * nb - r->u;
  long umax = (long)(r->u > ub ? r->u : ub);
  double cdf = NAN;
  int st = u_cdf(na, nb, (int)((long)na * nb - umax), &cdf);
  if (st) return st;
  r->p = 2.0 * cdf;
  if (r->p > 1.0) r->p = 1.0;
  r->tested = 1;
  return EMB_OK;
}

const char *emb_star_code(double p) {
  if (isnan(p)) return "n/a";
  if (p < 0.001) return "***";
  if (p < 0.01) return "**";
  if (p < 0.05) return "*";
  return "ns";
}
