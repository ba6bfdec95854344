/* test_sim_golden.c — every MotorNet reference trajectory (reference/motornet/
 * <effector>__<init>__<actions>.csv, 36 files) and every action-gradient file
 * (grad__*.csv, 5 files) reproduced by emb_step / emb_step_backward.
 *
 * Trajectories: every state channel within 1e-4 x (channel's largest |value|) + 1e-7.
 * Gradients of loss = fingertip_x + fingertip_y after step 100 w.r.t. the raw actions:
 * within 1e-4 x (largest |gradient| of the file) + 1e-7, against the float32 `grad_`
 * columns (float build) or the float64 `grad64_` columns (double build:
 * test_sim_golden_f64.c compiles this file with EMB_USE_DOUBLE). Failures name the file,
 * channel, step and values. Finding no file is a failure. */
#include "harness.h"

#include "sim_golden_util.h"

#define REL_TOL 1e-4
#define ABS_TOL 1e-7

typedef struct {
  double worst_ratio; /* max over channels of diff / channel max */
  char where[256];
} Summary;

/* Simulate one reference trajectory; returns the number of failing channels. */
static int check_trajectory(const char *path, Summary *sum) {
  const char *base = base_name(path);
  embModel m;
  if (golden_model(base, &m) != EMB_OK) fail_msg("%s: unknown effector prefix", base);
  embCsvTable t;
  if (emb_csv_read(path, &t) != EMB_OK) fail_msg("%s: %s", base, emb_last_error());
  const int NS = emb_state_size(&m), M = m.M;
  if (t.ncols != 2 + M + NS)
    fail_msg("%s: %d columns, expected step,time + %d actions + %d state columns", base,
             t.ncols, M, NS);
  if (t.nrows < 2) fail_msg("%s: only %d rows", base, t.nrows);
  int col[128], acol[EMB_MAX_MUSCLES];
  char name[64];
  for (int k = 0; k < NS; k++) {
    emb_state_column_name(&m, k, name, sizeof name);
    if ((col[k] = emb_csv_col(&t, name)) < 0) fail_msg("%s: no column '%s'", base, name);
  }
  for (int j = 0; j < M; j++) {
    snprintf(name, sizeof name, "action_%s", m.muscle_names[j]);
    if ((acol[j] = emb_csv_col(&t, name)) < 0) fail_msg("%s: no column '%s'", base, name);
  }
  embNum *traj = calloc((size_t)t.nrows * NS, sizeof(embNum));
  embNum joint[4], u[EMB_MAX_MUSCLES];
  for (int k = 0; k < 4; k++) joint[k] = f32(t.data[col[k]]);
  if (emb_reset(&m, traj, joint, 1) != EMB_OK) fail_msg("%s: reset: %s", base, emb_last_error());
  for (int r = 1; r < t.nrows; r++) {
    for (int j = 0; j < M; j++) u[j] = f32(t.data[(size_t)r * t.ncols + acol[j]]);
    emb_step(&m, traj + (size_t)r * NS, traj + (size_t)(r - 1) * NS, u, NULL, 1);
  }
  int failures = 0;
  for (int k = 0; k < NS; k++) {
    double refmax = 0, dmax = -1;
    int worst = 0;
    for (int r = 0; r < t.nrows; r++) {
      double ref = t.data[(size_t)r * t.ncols + col[k]];
      double d = fabs((double)traj[(size_t)r * NS + k] - ref);
      if (!(d <= dmax)) { /* NaN counts as worst */
        dmax = isnan(d) ? INFINITY : d;
        worst = r;
      }
      refmax = fmax(refmax, fabs(ref));
    }
    double ratio = refmax > 0 ? dmax / refmax : dmax;
    emb_state_column_name(&m, k, name, sizeof name);
    if (ratio > sum->worst_ratio) {
      sum->worst_ratio = ratio;
      snprintf(sum->where, sizeof sum->where, "%s %s step %d", base, name, worst);
    }
    if (!(dmax <= REL_TOL * refmax + ABS_TOL)) {
      failures++;
      print_error("%s: channel %s worst at step %d: got %.9g, reference %.9g (|diff| %.3g > "
                  "tol %.3g = 1e-4 x %.3g + 1e-7)\n",
                  base, name, worst, (double)traj[(size_t)worst * NS + k],
                  t.data[(size_t)worst * t.ncols + col[k]], dmax,
                  REL_TOL * refmax + ABS_TOL, refmax);
    }
  }
  free(traj);
  emb_csv_free(&t);
  return failures;
}

static void test_all_trajectories(void **state) {
  (void)state;
  static const char *const pats[] = {"pointmass24__*.csv", "arm26_hill__*.csv",
                                     "arm26_thelen__*.csv"};
  glob_t g;
  size_t n = golden_glob(&g, pats, 3);
  if (n == 0) fail_msg("no reference trajectories found in %s", MOTORNET_DIR);
  int failures = 0;
  Summary s[3] = {{0, ""}, {0, ""}, {0, ""}};
  for (size_t i = 0; i < n; i++) {
    const char *b = base_name(g.gl_pathv[i]);
    int e = !strncmp(b, "pointmass24", 11) ? 0 : !strncmp(b, "arm26_hill", 10) ? 1 : 2;
    failures += check_trajectory(g.gl_pathv[i], &s[e]);
  }
  printf("[ golden ] %zu trajectory files (%s build); worst |diff| / channel max:\n", n,
         EMB_NUM_NAME);
  for (int e = 0; e < 3; e++) printf("[ golden ]   %.3g  (%s)\n", s[e].worst_ratio, s[e].where);
  globfree(&g);
  if (n != 36) fail_msg("expected the 36 reference trajectories, found %zu", n);
  if (failures) fail_msg("%d channel(s) outside the tolerance (see above)", failures);
}

/* d(fingertip_x + fingertip_y after the last step) / d(raw action) for one grad file */
static int check_gradient(const char *path, double *worst_rel) {
  const char *base = base_name(path);
  embModel m;
  if (golden_model(base, &m) != EMB_OK) fail_msg("%s: unknown effector prefix", base);
  char tpath[1024];
  snprintf(tpath, sizeof tpath, "%s/%s", MOTORNET_DIR, base + 6); /* strip "grad__" */
  embCsvTable g, t;
  if (emb_csv_read(path, &g) != EMB_OK) fail_msg("%s", emb_last_error());
  if (emb_csv_read(tpath, &t) != EMB_OK) fail_msg("%s", emb_last_error());
  const int NS = emb_state_size(&m), M = m.M, T = g.nrows;
  int acol[EMB_MAX_MUSCLES], gcol[EMB_MAX_MUSCLES];
  char name[64];
#ifdef EMB_USE_DOUBLE
  const char *prefix = "grad64_";
#else
  const char *prefix = "grad_";
#endif
  for (int j = 0; j < M; j++) {
    snprintf(name, sizeof name, "action_%s", m.muscle_names[j]);
    if ((acol[j] = emb_csv_col(&g, name)) < 0) fail_msg("%s: no column '%s'", base, name);
    snprintf(name, sizeof name, "%s%s", prefix, m.muscle_names[j]);
    if ((gcol[j] = emb_csv_col(&g, name)) < 0) fail_msg("%s: no column '%s'", base, name);
  }
  embNum joint[4];
  static const char *jn[4] = {"q0", "q1", "dq0", "dq1"};
  for (int k = 0; k < 4; k++) {
    int c = emb_csv_col(&t, jn[k]);
    if (c < 0) fail_msg("%s: no column %s", tpath, jn[k]);
    joint[k] = f32(t.data[c]);
  }
  embNum *traj = calloc((size_t)(T + 1) * NS, sizeof(embNum));
  embNum *act = calloc((size_t)T * M, sizeof(embNum));
  embNum *dact = calloc((size_t)T * M, sizeof(embNum));
  embNum *dn = calloc((size_t)NS, sizeof(embNum)), *dp = calloc((size_t)NS, sizeof(embNum));
  for (int r = 0; r < T; r++)
    for (int j = 0; j < M; j++) act[r * M + j] = f32(g.data[(size_t)r * g.ncols + acol[j]]);
  assert_int_equal(emb_reset(&m, traj, joint, 1), EMB_OK);
  for (int r = 0; r < T; r++)
    emb_step(&m, traj + (size_t)(r + 1) * NS, traj + (size_t)r * NS, act + r * M, NULL, 1);
  dn[EMB_OFF_CART + 0] = dn[EMB_OFF_CART + 1] = 1;
  for (int r = T - 1; r >= 0; r--) {
    memset(dp, 0, sizeof(embNum) * NS);
    emb_step_backward(&m, dp, dact + r * M, dn, traj + (size_t)r * NS, act + r * M, NULL, 1);
    memcpy(dn, dp, sizeof(embNum) * NS);
  }
  double scale = 0, dmax = -1;
  int wr = 0, wj = 0;
  for (int r = 0; r < T; r++)
    for (int j = 0; j < M; j++) {
      double ref = g.data[(size_t)r * g.ncols + gcol[j]];
      double d = fabs((double)dact[r * M + j] - ref);
      scale = fmax(scale, fabs(ref));
      if (!(d <= dmax)) {
        dmax = isnan(d) ? INFINITY : d;
        wr = r;
        wj = j;
      }
    }
  int fail = !(dmax <= REL_TOL * scale + ABS_TOL);
  *worst_rel = dmax / scale;
  printf("[ golden ] %s: worst |d| %.3g (%.3g of max |grad| %.4g) at step %d %s%s\n", base,
         dmax, dmax / scale, scale, wr + 1, prefix, m.muscle_names[wj]);
  if (fail)
    print_error("%s: gradient at step %d muscle %s: got %.9g, reference %.9g (|diff| %.3g > "
                "tol %.3g)\n",
                base, wr + 1, m.muscle_names[wj], (double)dact[wr * M + wj],
                g.data[(size_t)wr * g.ncols + gcol[wj]], dmax, REL_TOL * scale + ABS_TOL);
  free(traj);
  free(act);
  free(dact);
  free(dn);
  free(dp);
  emb_csv_free(&g);
  emb_csv_free(&t);
  return fail;
}

static void test_all_gradients(void **state) {
  (void)state;
  static const char *const pats[] = {"grad__*.csv"};
  glob_t g;
  size_t n = golden_glob(&g, pats, 1);
  if (n == 0) fail_msg("no reference gradient files found in %s", MOTORNET_DIR);
  int failures = 0;
  double w;
  for (size_t i = 0; i < n; i++) failures += check_gradient(g.gl_pathv[i], &w);
  globfree(&g);
  if (n != 5) fail_msg("expected the 5 reference gradient files, found %zu", n);
  if (failures) fail_msg("%d gradient file(s) outside the tolerance (see above)", failures);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_all_trajectories),
      cmocka_unit_test(test_all_gradients),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
