/* emb_stats.h — two-sample statistics for the analysis (spec/metrics.md §2): Welch's
 * t-test with a 95 % confidence interval of the mean difference (GSL t distribution),
 * the exact two-sided Mann–Whitney U test (scipy method='exact'), star codes. */
#ifndef EMB_STATS_H
#define EMB_STATS_H

#define EMB_CI_LEVEL 0.95            /* confidence level of the difference interval */
#define EMB_MWU_MAX_CELLS 4000000L   /* [chosen] largest na*nb*(na*nb+1) counting table */

typedef struct {
  int na, nb;
  double mean_a, mean_b, sd_a, sd_b; /* sd with ddof = 1 (NaN for n < 2) */
  double diff;                       /* mean_a - mean_b */
  int tested;                        /* 0 when the test is undefined (n < 2 or zero
                                        standard error): t, df, p, CI are NaN */
  double t, df, p;                   /* Welch t, Welch–Satterthwaite df, two-sided p */
  double ci_low, ci_high;            /* EMB_CI_LEVEL interval of diff (Welch) */
} embWelchResult;

typedef struct {
  int na, nb;
  int tested;    /* 0 when a sample is empty or too large for the exact table */
  double u;      /* U of sample a (ties get mid-ranks) */
  double p;      /* exact two-sided p (scipy: 2 * P(U >= max(U_a, U_b)), clipped to 1) */
} embMwuResult;

/* mean and sample standard deviation (ddof 1; NaN for n < 2, mean NaN for n == 0) */
void emb_mean_sd(const double *x, int n, double *mean, double *sd);

/* Welch's two-sample t-test (scipy ttest_ind(a, b, equal_var=False)) */
int emb_welch_test(embWelchResult *r, const double *a, int na, const double *b, int nb);

/* exact Mann–Whitney U test, two-sided (scipy mannwhitneyu(method='exact')) */
int emb_mann_whitney_exact(embMwuResult *r, const double *a, int na, const double *b,
                           int nb);

/* "***" p < 0.001, "**" p < 0.01, "*" p < 0.05, "ns" otherwise, "n/a" for NaN */
const char *emb_star_code(double p);

#endif
