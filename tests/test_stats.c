/* test_stats.c — Welch's t-test and the exact Mann–Whitney U test against the scipy
 * reference cases in ../shared/reference/metrics/tests.csv (p-values 1e-9 relative),
 * plus closed-form properties of the confidence interval and the U distribution. */
#include "harness.h"

#include <string.h>

#include "analysis/csv_table.h"
#include "embody/emb_stats.h"

static int parse_sample(const char *text, double *out, int max) {
  int n = 0;
  const char *p = text;
  char *end;
  for (;;) {
    double v = strtod(p, &end);
    if (end == p) break;
    if (n >= max) fail_msg("sample too long: %s", text);
    out[n++] = v;
    p = end;
  }
  return n;
}

static void test_reference_cases(void **state) {
  (void)state;
  csvTable t;
  assert_int_equal(csv_read(&t, EMB_REFERENCE_DIR "/metrics/tests.csv"), 0);
  if (t.nrows < 8) fail_msg("tests.csv has %d cases, expected 8", t.nrows);
  const char *cols[] = {"a", "b", "welch_t", "welch_df", "welch_p", "mwu_u", "mwu_p_exact"};
  int c[7];
  for (int k = 0; k < 7; k++)
    if ((c[k] = csv_column(&t, cols[k])) < 0) fail_msg("tests.csv lacks column %s", cols[k]);
  for (int r = 0; r < t.nrows; r++) {
    double a[64], b[64];
    int na = parse_sample(t.rows[r][c[0]], a, 64), nb = parse_sample(t.rows[r][c[1]], b, 64);
    assert_true(na >= 2 && nb >= 2);
    embWelchResult w;
    embMwuResult u;
    assert_int_equal(emb_welch_test(&w, a, na, b, nb), 0);
    assert_int_equal(emb_mann_whitney_exact(&u, a, na, b, nb), 0);
    print_message("case %d: t=%.12g df=%.12g p=%.12g  U=%g p_exact=%.12g  %s\n", r, w.t, w.df,
                  w.p, u.u, u.p, emb_star_code(w.p));
    assert_true(w.tested && u.tested);
    assert_close(w.t, atof(t.rows[r][c[2]]), 0, 1e-9);
    assert_close(w.df, atof(t.rows[r][c[3]]), 0, 1e-9);
    assert_close(w.p, atof(t.rows[r][c[4]]), 0, 1e-9);
    assert_close(u.u, atof(t.rows[r][c[5]]), 0, 0);
    assert_close(u.p, atof(t.rows[r][c[6]]), 0, 1e-9);
    /* the 95 % interval excludes 0 exactly when p < 0.05 */
    assert_int_equal(w.ci_low > 0 || w.ci_high < 0, w.p < 0.05);
    assert_close(0.5 * (w.ci_low + w.ci_high), w.diff, 1e-12, 1e-12);
  }
  csv_free(&t);
}

static void test_closed_forms(void **state) {
  (void)state;
  /* complete separation of 3 vs 4: U = 12, p = 2 / C(7,3) = 2/35 */
  double a[4] = {5, 6, 7, 8}, b[3] = {1, 2, 3};
  embMwuResult u;
  assert_int_equal(emb_mann_whitney_exact(&u, a, 4, b, 3), 0);
  assert_close(u.u, 12, 0, 0);
  assert_close(u.p, 2.0 / 35.0, 0, 1e-14);
  /* identical samples: U = na*nb/2, p = 1 */
  assert_int_equal(emb_mann_whitney_exact(&u, a, 4, a, 4), 0);
  assert_close(u.u, 8, 0, 0);
  assert_close(u.p, 1.0, 0, 1e-14);
  /* 10 vs 10 complete separation: p = 2 / C(20,10) */
  double c[10], d[10];
  for (int i = 0; i < 10; i++) c[i] = i, d[i] = 100 + i;
  assert_int_equal(emb_mann_whitney_exact(&u, c, 10, d, 10), 0);
  assert_close(u.u, 0, 0, 0);
  assert_close(u.p, 2.0 / 184756.0, 0, 1e-12);
  /* Welch with equal sizes and variances: df = 2(n-1), t = diff / sqrt(2 s^2 / n) */
  double x[3] = {1, 2, 3}, y[3] = {3, 4, 5};
  embWelchResult w;
  assert_int_equal(emb_welch_test(&w, x, 3, y, 3), 0);
  assert_close(w.df, 4, 0, 1e-12);
  assert_close(w.t, -2.0 / sqrt(2.0 / 3.0), 0, 1e-12);
  /* t_{0.975, 4} = 2.7764451051977987 */
  assert_close(w.ci_high - w.diff, 2.7764451051977987 * sqrt(2.0 / 3.0), 0, 1e-10);
  /* undefined cases are flagged, never a crash */
  assert_int_equal(emb_welch_test(&w, x, 1, y, 3), 0);
  assert_false(w.tested);
  assert_true(isnan(w.p));
  assert_int_equal(emb_welch_test(&w, a, 2, a, 2), 0); /* 5,6 vs 5,6: t = 0 */
  assert_true(w.tested);
  assert_close(w.p, 1.0, 0, 1e-12);
  double k1[2] = {1, 1}, k2[2] = {2, 2};
  assert_int_equal(emb_welch_test(&w, k1, 2, k2, 2), 0); /* zero standard error */
  assert_false(w.tested);
  assert_string_equal(emb_star_code(0.0009), "***");
  assert_string_equal(emb_star_code(0.001), "**");
  assert_string_equal(emb_star_code(0.0099), "**");
  assert_string_equal(emb_star_code(0.049), "*");
  assert_string_equal(emb_star_code(0.05), "ns");
  assert_string_equal(emb_star_code(NAN), "n/a");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_cases),
      cmocka_unit_test(test_closed_forms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
