/* test_metrics.c — learning-curve metrics against the scipy/numpy reference values in
 * ../shared/reference/metrics/ (all eight curves: smoothed values 1e-9 abs, AUC 1e-6
 * rel, indices exact), plus closed-form checks of the Savitzky–Golay semantics. */
#include "harness.h"

#include <string.h>

#include "analysis/csv_table.h"
#include "embody/emb_config.h"
#include "embody/emb_metrics.h"

#define REF EMB_REFERENCE_DIR "/metrics/"

/* the reference curves are float32 values printed with 9 digits: round to float first
 * so that we smooth exactly the numbers scipy smoothed */
static double *ref_curve(const csvTable *t, const char *name, int *n) {
  int col = csv_column(t, name);
  if (col < 0) fail_msg("curves.csv has no column %s", name);
  double *y;
  assert_int_equal(csv_column_numbers(t, col, 0, &y, n), 0);
  for (int i = 0; i < *n; i++) y[i] = (double)(float)y[i];
  return y;
}

static void test_reference_curves(void **state) {
  (void)state;
  csvTable curves, metrics, smooth;
  assert_int_equal(csv_read(&curves, REF "curves.csv"), 0);
  assert_int_equal(csv_read(&metrics, REF "metrics.csv"), 0);
  assert_int_equal(csv_read(&smooth, REF "savgol.csv"), 0);
  if (metrics.nrows != 8) fail_msg("metrics.csv has %d curves, expected 8", metrics.nrows);
  int checked = 0;
  for (int r = 0; r < metrics.nrows; r++) {
    char **row = metrics.rows[r];
    const char *name = row[csv_column(&metrics, "curve")];
    int n;
    double *y = ref_curve(&curves, name, &n);
    assert_int_equal(n, atoi(row[csv_column(&metrics, "n")]));
    embMetricOptions o;
    emb_metric_options_default(&o);
    embCurveMetrics m;
    double *s = malloc((size_t)n * sizeof *s);
    assert_int_equal(emb_curve_metrics(&m, s, y, NULL, n, &o), 0);
    int window = atoi(row[csv_column(&metrics, "window")]);
    if (m.window != window) fail_msg("%s: window %d, expected %d", name, m.window, window);
    assert_int_equal(m.window_reduced, n < 500);
    double auc = atof(row[csv_column(&metrics, "auc")]);
    assert_close(m.auc, auc, auc == 0 ? 1e-9 : 0, 1e-6);
    assert_close(m.raw_peak, atof(row[csv_column(&metrics, "raw_peak")]), 1e-9, 1e-8);
    assert_close(m.peak, atof(row[csv_column(&metrics, "smoothed_peak")]), 1e-9, 0);
    int idx[4] = {m.raw_peak_index, m.peak_index, m.ttp};
    const char *cols[3] = {"raw_peak_index", "smoothed_peak_index", "ttp"};
    for (int k = 0; k < 3; k++) {
      int want = atoi(row[csv_column(&metrics, cols[k])]);
      if (idx[k] != want) fail_msg("%s: %s = %d, expected %d", name, cols[k], idx[k], want);
    }
    /* every smoothed value */
    int ns;
    double *ref_s;
    assert_int_equal(csv_column_numbers(&smooth, csv_column(&smooth, name), 0, &ref_s, &ns),
                     0);
    assert_int_equal(ns, n);
    double worst = 0;
    int where = 0;
    for (int i = 0; i < n; i++)
      if (fabs(s[i] - ref_s[i]) > worst) worst = fabs(s[i] - ref_s[i]), where = i;
    print_message("%-10s n=%5d W=%3d auc=%.9g peak=%.12g@%d ttp=%d max|smoothed-ref|=%.2e@%d\n",
                  name, n, m.window, m.auc, m.peak, m.peak_index, m.ttp, worst, where);
    if (worst > 1e-9)
      fail_msg("%s: smoothed value %d = %.15g, reference %.15g (diff %.3g > 1e-9)", name,
               where, s[where], ref_s[where], worst);
    free(ref_s);
    free(s);
    free(y);
    checked++;
  }
  assert_int_equal(checked, 8);
  csv_free(&curves);
  csv_free(&metrics);
  csv_free(&smooth);
}

/* a cubic is reproduced exactly by an order-3 filter: interior samples of an even
 * window are evaluated at i + 0.5 (scipy's half-sample shift), edges at i */
static void test_savgol_cubic_semantics(void **state) {
  (void)state;
  const int n = 40;
  double y[40], s[40];
  for (int W = 5; W <= 12; W++) {
    for (int i = 0; i < n; i++) y[i] = 0.3 - 0.01 * i + 0.002 * i * i - 1e-4 * i * i * i;
    assert_int_equal(emb_savgol_filter(s, y, n, W, 3), 0);
    int h = W / 2;
    for (int i = 0; i < n; i++) {
      double t = (W % 2 == 0 && i >= h && i < n - h) ? i + 0.5 : i;
      double want = 0.3 - 0.01 * t + 0.002 * t * t - 1e-4 * t * t * t;
      if (fabs(s[i] - want) > 1e-11)
        fail_msg("W=%d i=%d: %.15g, cubic at t=%.1f is %.15g", W, i, s[i], t, want);
    }
  }
  /* order 1 with an odd window on a quadratic: interior = moving fit, known closed form
   * y = i^2 -> mean of (i+k)^2 over k=-1..1 = i^2 + 2/3 */
  for (int i = 0; i < n; i++) y[i] = (double)i * i;
  assert_int_equal(emb_savgol_filter(s, y, n, 3, 1), 0);
  for (int i = 1; i < n - 1; i++) assert_close(s[i], (double)i * i + 2.0 / 3.0, 1e-9, 0);
}

static void test_gradient_auc_windows(void **state) {
  (void)state;
  double y[5] = {1, 2, 4, 7, 11}, g[5];
  emb_gradient(g, y, 5);
  double want[5] = {1, 1.5, 2.5, 3.5, 4};
  for (int i = 0; i < 5; i++) assert_close(g[i], want[i], 1e-15, 0);
  assert_close(emb_auc_trapezoid(y, NULL, 5), 1.5 + 3 + 5.5 + 9, 1e-12, 0);
  double x[5] = {0, 2, 3, 5, 6};
  assert_close(emb_auc_trapezoid(y, x, 5), 3 + 3 + 11 + 9, 1e-12, 0);
  assert_int_equal(emb_savgol_effective_window(500, 300), 299);
  assert_int_equal(emb_savgol_effective_window(500, 299), 299);
  assert_int_equal(emb_savgol_effective_window(500, 500), 500);
  assert_int_equal(emb_profile_window("paper", "COBFGR", 100), 500);
  assert_int_equal(emb_profile_window("quick", "RTR", 500), 50);
  assert_int_equal(emb_profile_window("quick", "DCOR", 3500), 50);
  assert_int_equal(emb_profile_window("demo", "DCOR", 200), 11);
  assert_int_equal(emb_paper_epochs_by_name("JTR"), 5000);
  assert_int_equal(emb_paper_epochs_by_name("COBFGR"), 35000);
}

/* TTP: never 0 for a flat zero curve; a plateau is found where the slope settles */
static void test_ttp_rules(void **state) {
  (void)state;
  embMetricOptions o;
  emb_metric_options_default(&o);
  o.window = 11;
  double y[200];
  embCurveMetrics m;
  for (int i = 0; i < 200; i++) y[i] = 0;
  assert_int_equal(emb_curve_metrics(&m, NULL, y, NULL, 200, &o), 0);
  assert_int_equal(m.ttp, -1);
  for (int i = 0; i < 200; i++) y[i] = i < 100 ? 0.008 * i : 0.8;
  assert_int_equal(emb_curve_metrics(&m, NULL, y, NULL, 200, &o), 0);
  /* the smoothed ramp reaches 0.72 (= 0.8 - 10 %) at i = 90 but still rises by 0.008
   * per epoch; it is flat from about i = 100 + W/2 */
  if (m.ttp < 100 || m.ttp > 106) fail_msg("ttp = %d, expected in [100, 106]", m.ttp);
  /* a short curve (n < order + 1 window) is left unsmoothed, said so */
  double z[3] = {0.1, 0.3, 0.2};
  assert_int_equal(emb_curve_metrics(&m, NULL, z, NULL, 3, &o), 0);
  assert_int_equal(m.smoothed, 0);
  assert_int_equal(m.window, 3);
  assert_int_equal(m.peak_index, 1);
  double bad[2] = {0.1, NAN};
  assert_int_not_equal(emb_curve_metrics(&m, NULL, bad, NULL, 2, &o), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_curves),
      cmocka_unit_test(test_savgol_cubic_semantics),
      cmocka_unit_test(test_gradient_auc_windows),
      cmocka_unit_test(test_ttp_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
