/* test_analyze.c — `embody analyze` on synthetic grid directories whose results are known
 * in closed form.
 *
 * Every no-transfer curve is y_t = k[e][s] * (1 - exp(-t / tau_B)), every transfer curve
 * T_e(A->B) of seed s is (1 + G/100) times the no-transfer curve of B (same seed), with
 * G = gbase[e][B] + 0.4 (A - 2.5) + seedoff[e][s]; trapezoidal AUC is linear, so the gain
 * of that run is exactly G, the gain matrix mean is gbase + 0.4 (A - 2.5) (the seed
 * offsets average to 0) and its sd is that of the seed offsets. The numbers are chosen
 * so that the claims have known verdicts (grid A), and a second grid (one seed, runs
 * missing, unfinished or broken) exercises "direction only" and "not enough data".
 * `test_analyze --generate DIR` only writes grid A (for trying the command by hand). */
#include "harness.h"

#include <dirent.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embody/emb_metrics.h"

/* paths in this test are short; silence the static truncation analysis */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static const char *TASKS[6] = {"RTR", "COR", "COBJGR", "COBFGR", "DCOR", "JTR"};
static const char *EFF[2] = {"point-mass", "arm"};
static const double GBASE[2][6] = {{10, 12, 17, 2.7, -1, 9},   /* point mass */
                                   {60, 55, 32, 3.0, 12, 50}}; /* arm */
static const double SEEDOFF[2][3] = {{-0.8, 0, 0.8}, {-1, 0, 1}};

static double kfac(int e, int s) { return e == 0 ? 0.6 + 0.01 * s : 0.45 + 0.015 * s; }
static int epochs_of(int b) { return (b == 3 || b == 4) ? 120 : 60; }
static double shape(int b, int t) { return 1 - exp(-t / (epochs_of(b) / 10.0)); }
static double gain_of(int e, int b, int a, int s) {
  return GBASE[e][b] + 0.4 * (a - 2.5) + SEEDOFF[e][s];
}
/* F_B = trapezoid of the shape over the task's epochs */
static double shape_auc(int b) {
  double y[200];
  for (int t = 0; t < epochs_of(b); t++) y[t] = shape(b, t);
  return emb_auc_trapezoid(y, NULL, epochs_of(b));
}

static void mkdirs(const char *p) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", p);
  if (run_status(cmd) != 0) fail_msg("cannot create %s", p);
}

static void write_progress(const char *dir, const char *state, int done, int total) {
  char p[1100];
  snprintf(p, sizeof p, "%s/progress.json", dir);
  FILE *f = fopen(p, "w");
  fprintf(f, "{\"state\": \"%s\", \"epochs_done\": %d, \"epochs_total\": %d, "
             "\"wall_seconds\": %g, \"error\": null}\n", state, done, total, 1.5 + done);
  fclose(f);
}

/* one run directory; a = -1 for no transfer. rows < 0: all rows */
static void write_run(const char *grid, int e, int b, int a, int s, const char *state,
                      int rows) {
  char id[128], dir[1100], p[1200];
  if (a < 0) snprintf(id, sizeof id, "%s__%s__s%d", EFF[e], TASKS[b], s);
  else snprintf(id, sizeof id, "%s__%s-to-%s__s%d", EFF[e], TASKS[a], TASKS[b], s);
  snprintf(dir, sizeof dir, "%s/runs/%s", grid, id);
  mkdirs(dir);
  snprintf(p, sizeof p, "%s/config.json", dir);
  FILE *f = fopen(p, "w");
  fprintf(f, "{\"effector\": \"%s\", \"task\": \"%s\", \"seed\": %d, \"epochs\": %d, "
             "\"profile\": \"demo\"}\n", EFF[e], TASKS[b], s, epochs_of(b));
  fclose(f);
  snprintf(p, sizeof p, "%s/curve.csv", dir);
  f = fopen(p, "w");
  fprintf(f, "epoch,loss,actor_loss,hidden_loss,hidden_deriv_loss,muscle_loss,tar_frac,"
             "grad_norm,lr,segment\n");
  int epoch = 0;
  if (a >= 0) /* the base run's rows */
    for (int t = 0; t < epochs_of(a); t++, epoch++)
      fprintf(f, "%d,1,1,0,0,0,%.17g,1,0.001,base\n", epoch, kfac(e, s) * shape(a, t));
  int n = rows < 0 ? epochs_of(b) : rows;
  double mult = a >= 0 ? 1 + gain_of(e, b, a, s) / 100 : 1;
  for (int t = 0; t < n; t++, epoch++)
    fprintf(f, "%d,1,1,0,0,0,%.17g,1,0.001,%s\n", epoch, mult * kfac(e, s) * shape(b, t),
            a >= 0 ? "transfer" : "train");
  fclose(f);
  write_progress(dir, state, n, epochs_of(b));
  if (!strcmp(state, "done")) {
    snprintf(p, sizeof p, "%s/final.ckpt", dir);
    f = fopen(p, "w");
    fclose(f);
  }
}

/* eval export: 3 episodes of a reach towards a goal */
static void write_traj(const char *grid, int e, int b, int s) {
  char dir[1100], p[1200];
  snprintf(dir, sizeof dir, "%s/runs/%s__%s__s%d/eval", grid, EFF[e], TASKS[b], s);
  mkdirs(dir);
  snprintf(p, sizeof p, "%s/trajectories.csv", dir);
  FILE *f = fopen(p, "w");
  fprintf(f, "episode,step,time,fingertip_x,fingertip_y,goal_x,goal_y,q0,q1,extra\n");
  for (int ep = 0; ep < 3; ep++)
    for (int k = 0; k < 20; k++) {
      double u = k / 19.0, q0, q1, x, y, gx, gy;
      if (e == 1) {
        q0 = 0.6 + 0.3 * ep * u;
        q1 = 1.5 - 0.4 * u;
        x = 0.309 * cos(q0) + 0.333 * cos(q0 + q1);
        y = 0.309 * sin(q0) + 0.333 * sin(q0 + q1);
        double Q0 = 0.6 + 0.3 * ep, Q1 = 1.1;
        gx = 0.309 * cos(Q0) + 0.333 * cos(Q0 + Q1);
        gy = 0.309 * sin(Q0) + 0.333 * sin(Q0 + Q1);
      } else {
        gx = 0.1 * cos(2.1 * ep);
        gy = 0.1 * sin(2.1 * ep);
        x = q0 = gx * u;
        y = q1 = gy * u;
      }
      fprintf(f, "%d,%d,%g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,0\n", ep, k, 0.01 * k, x, y, gx, gy,
              q0, q1);
    }
  fclose(f);
}

/* plan.json for the full grid over the given seeds */
static void write_plan(const char *grid, int nseeds) {
  char p[1100];
  snprintf(p, sizeof p, "%s/plan.json", grid);
  FILE *f = fopen(p, "w");
  fprintf(f, "{\"version\": 1, \"profile\": \"demo\", \"effectors\": [\"point-mass\", "
             "\"arm\"], \"tasks\": [\"RTR\", \"COR\", \"COBJGR\", \"COBFGR\", \"DCOR\", "
             "\"JTR\"], \"seeds\": [");
  for (int s = 0; s < nseeds; s++) fprintf(f, "%s%d", s ? ", " : "", s);
  fprintf(f, "], \"train_overrides\": {}, \"runs\": [\n");
  int first = 1;
  for (int s = 0; s < nseeds; s++)
    for (int e = 0; e < 2; e++)
      for (int b = 0; b < 6; b++)
        for (int a = -1; a < 6; a++) {
          if (a == b) continue;
          char id[128], dep[128];
          if (a < 0) {
            snprintf(id, sizeof id, "%s__%s__s%d", EFF[e], TASKS[b], s);
            fprintf(f, "%s{\"id\": \"%s\", \"kind\": \"no-transfer\", \"effector\": \"%s\", "
                       "\"task\": \"%s\", \"base_task\": null, \"seed\": %d, \"depends_on\": "
                       "null, \"dir\": \"runs/%s\", \"config\": {\"epochs\": %d, \"task\": "
                       "\"%s\"}}", first ? "" : ",\n", id, EFF[e], TASKS[b], s, id,
                    epochs_of(b), TASKS[b]);
          } else {
            snprintf(id, sizeof id, "%s__%s-to-%s__s%d", EFF[e], TASKS[a], TASKS[b], s);
            snprintf(dep, sizeof dep, "%s__%s__s%d", EFF[e], TASKS[a], s);
            fprintf(f, "%s{\"id\": \"%s\", \"kind\": \"transfer\", \"effector\": \"%s\", "
                       "\"task\": \"%s\", \"base_task\": \"%s\", \"seed\": %d, \"depends_on\": "
                       "\"%s\", \"dir\": \"runs/%s\", \"config\": {\"epochs\": %d}}",
                    first ? "" : ",\n", id, EFF[e], TASKS[b], TASKS[a], s, dep, id,
                    epochs_of(b));
          }
          first = 0;
        }
  fprintf(f, "\n]}\n");
  fclose(f);
}

static void make_grid_a(const char *grid) {
  mkdirs(grid);
  write_plan(grid, 3);
  for (int s = 0; s < 3; s++)
    for (int e = 0; e < 2; e++)
      for (int b = 0; b < 6; b++)
        for (int a = -1; a < 6; a++)
          if (a != b) write_run(grid, e, b, a, s, "done", -1);
  write_traj(grid, 1, 0, 0);
  write_traj(grid, 0, 0, 0);
}

static char tmp[] = "/tmp/emb_analyze_XXXXXX";

static int setup(void **state) {
  (void)state;
  if (!mkdtemp(tmp)) return -1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  return run_status(cmd) == 0 ? 0 : -1;
}

static json_t *load_json(const char *path) {
  json_error_t err;
  json_t *j = json_load_file(path, 0, &err);
  if (!j) fail_msg("%s: %s (line %d)", path, err.text, err.line);
  return j;
}

static const char *verdict(json_t *m, int k) {
  return json_string_value(json_object_get(json_array_get(json_object_get(m, "claims"), k - 1),
                                           "verdict"));
}

static long fsize(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* every src="..." and href="..." of the page names an existing file, none is remote */
static int check_links(const char *report) {
  char p[1200];
  snprintf(p, sizeof p, "%s/index.html", report);
  FILE *f = fopen(p, "r");
  assert_non_null(f);
  static char html[1 << 20];
  size_t n = fread(html, 1, sizeof html - 1, f);
  html[n] = 0;
  fclose(f);
  int links = 0;
  const char *attrs[2] = {"src=\"", "href=\""};
  for (int k = 0; k < 2; k++)
    for (const char *q = strstr(html, attrs[k]); q; q = strstr(q + 1, attrs[k])) {
      q += strlen(attrs[k]);
      const char *end = strchr(q, '"');
      char target[512];
      snprintf(target, sizeof target, "%.*s", (int)(end - q), q);
      if (strstr(target, "://")) fail_msg("index.html links outside the report: %s", target);
      snprintf(p, sizeof p, "%s/%s", report, target);
      if (fsize(p) <= 0) fail_msg("index.html links to %s, which is missing or empty", target);
      links++;
    }
  return links;
}

static void test_grid_with_known_gains(void **state) {
  (void)state;
  char grid[256], report[300], cmd[1200];
  snprintf(grid, sizeof grid, "%s/gridA", tmp);
  make_grid_a(grid);
  snprintf(report, sizeof report, "%s/report", grid);
  snprintf(cmd, sizeof cmd, "%s analyze %s --quiet", EMB_CLI_PATH, grid);
  assert_int_equal(run_status(cmd), 0);
  char p[1200];
  snprintf(p, sizeof p, "%s/metrics.json", report);
  json_t *m = load_json(p);

  /* gain matrices: mean gbase + 0.4 (A - 2.5), sd of the seed offsets, n = 3 */
  json_t *gm = json_object_get(json_object_get(m, "gain_matrix_pct"), "effectors");
  for (int e = 0; e < 2; e++) {
    json_t *mean = json_object_get(json_object_get(gm, EFF[e]), "mean");
    json_t *sd = json_object_get(json_object_get(gm, EFF[e]), "sd");
    for (int b = 0; b < 6; b++)
      for (int a = 0; a < 6; a++) {
        json_t *v = json_array_get(json_array_get(mean, b), a);
        if (a == b) {
          assert_true(json_is_null(v));
          continue;
        }
        assert_close(json_number_value(v), GBASE[e][b] + 0.4 * (a - 2.5), 1e-9, 0);
        assert_close(json_number_value(json_array_get(json_array_get(sd, b), a)),
                     e ? 1.0 : 0.8, 1e-9, 0);
      }
  }
  /* effector differences and the after-transfer matrix, in closed form */
  json_t *ntd = json_object_get(m, "no_transfer_difference_arm_minus_point_mass");
  json_t *atd = json_object_get(json_object_get(m, "after_transfer_difference_arm_minus_point_mass"),
                                "mean");
  for (int b = 0; b < 6; b++) {
    double F = shape_auc(b), d = 0;
    for (int s = 0; s < 3; s++) d += (kfac(1, s) - kfac(0, s)) * F / 3;
    assert_close(json_number_value(json_object_get(json_object_get(ntd, TASKS[b]), "mean")), d,
                 1e-9, 1e-12);
    for (int a = 0; a < 6; a++) {
      if (a == b) continue;
      double want = 0;
      for (int s = 0; s < 3; s++)
        want += F * (kfac(1, s) * (1 + gain_of(1, b, a, s) / 100) -
                     kfac(0, s) * (1 + gain_of(0, b, a, s) / 100)) / 3;
      assert_close(json_number_value(json_array_get(json_array_get(atd, b), a)), want, 1e-9,
                   1e-12);
    }
  }
  /* arm vs point mass per target: means over bases and seeds, COBFGR not significant */
  json_t *avp = json_object_get(json_object_get(m, "arm_vs_point_mass_gain"), "per_target_task");
  for (int b = 0; b < 6; b++) {
    json_t *t = json_object_get(avp, TASKS[b]);
    double ma = 0, mp = 0;
    for (int a = 0; a < 6; a++)
      if (a != b) ma += (GBASE[1][b] + 0.4 * (a - 2.5)) / 5, mp += (GBASE[0][b] + 0.4 * (a - 2.5)) / 5;
    assert_close(json_number_value(json_object_get(t, "mean_a")), ma, 1e-9, 0);
    assert_close(json_number_value(json_object_get(t, "mean_b")), mp, 1e-9, 0);
    assert_int_equal(json_integer_value(json_object_get(t, "n_a")), 15);
    double p_w = json_number_value(json_object_get(t, "welch_p"));
    double p_u = json_number_value(json_object_get(t, "mwu_p_exact"));
    print_message("%-6s arm %.3f pm %.3f  Welch p %.3g  MWU p %.3g  %s\n", TASKS[b], ma, mp, p_w,
                  p_u, json_string_value(json_object_get(t, "stars")));
    if (b == 3) assert_true(p_w > 0.05);
    else assert_true(p_w < 0.001 && p_u < 0.001);
  }
  /* verdicts: 2 fails on the COBFGR pairs (diff 0.3, not significant); the others hold */
  const char *want[6] = {"supported", "not supported", "supported", "supported", "supported",
                         "supported"};
  for (int k = 1; k <= 6; k++) {
    if (strcmp(verdict(m, k), want[k - 1]))
      fail_msg("claim %d: %s, expected %s (%s)", k, verdict(m, k), want[k - 1],
               json_string_value(json_object_get(
                   json_array_get(json_object_get(m, "claims"), k - 1), "measured")));
  }
  /* summary: one row per run (216) plus the header; TTP equals the library's value */
  snprintf(p, sizeof p, "%s/summary.csv", report);
  FILE *f = fopen(p, "r");
  assert_non_null(f);
  char line[2048];
  int rows = 0;
  while (fgets(line, sizeof line, f)) rows++;
  fclose(f);
  assert_int_equal(rows, 1 + 3 * 2 * 36);
  json_t *runs = json_object_get(m, "runs");
  json_t *r0 = json_array_get(runs, 0); /* point-mass__RTR__s0 */
  assert_string_equal(json_string_value(json_object_get(r0, "id")), "point-mass__RTR__s0");
  double y[60];
  for (int t = 0; t < 60; t++) y[t] = kfac(0, 0) * shape(0, t);
  embMetricOptions o;
  emb_metric_options_default(&o);
  o.window = 11; /* demo profile: 500 * 60 / 5000 = 6 -> at least 11 */
  embCurveMetrics cm;
  assert_int_equal(emb_curve_metrics(&cm, NULL, y, NULL, 60, &o), 0);
  json_t *mm = json_object_get(r0, "metrics");
  assert_int_equal(json_integer_value(json_object_get(mm, "window")), 11);
  assert_int_equal(json_integer_value(json_object_get(mm, "ttp")), cm.ttp);
  assert_close(json_number_value(json_object_get(mm, "auc")), cm.auc, 1e-9, 0);

  /* every figure: non-empty PNG and SVG, data CSV and script */
  const char *figs[] = {"learning_no_transfer", "learning_transfer_COR-to-COBJGR",
                        "learning_transfer_RTR-to-DCOR", "gain_heatmap_point-mass",
                        "gain_heatmap_arm", "after_transfer_difference",
                        "no_transfer_auc_difference", "ttp_per_task", "gain_arm_vs_point_mass",
                        "trajectories_arm__RTR__s0", "trajectories_point-mass__RTR__s0"};
  const char *ext[] = {"png", "svg", "csv", "gp"};
  for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++)
    for (int k = 0; k < 4; k++) {
      snprintf(p, sizeof p, "%s/figures/%s.%s", report, figs[i], ext[k]);
      if (fsize(p) <= 0) fail_msg("figure file %s is missing or empty", p);
    }
  assert_int_equal(json_array_size(json_object_get(m, "figures")), sizeof figs / sizeof figs[0]);
  int links = check_links(report);
  print_message("index.html: %d links and images, all present\n", links);
  assert_true(links >= 11 * 4);
  /* the non-paper profile is stated at the top of the page */
  snprintf(p, sizeof p, "%s/index.html", report);
  f = fopen(p, "r");
  static char html[1 << 20];
  size_t n = fread(html, 1, sizeof html - 1, f);
  html[n] = 0;
  fclose(f);
  char *banner = strstr(html, "Non-paper profile"), *claims = strstr(html, "id=\"claims\"");
  assert_non_null(banner);
  assert_non_null(claims);
  assert_true(banner < claims);
  assert_true(claims < strstr(html, "id=\"figures\""));
  json_decref(m);

  /* a re-plot from the written script works on its own */
  snprintf(cmd, sizeof cmd, "cd %s/figures && gnuplot gain_heatmap_arm.gp", report);
  assert_int_equal(run_status(cmd), 0);
}

/* one seed, with missing, unfinished and broken runs: never a crash */
static void test_incomplete_grid(void **state) {
  (void)state;
  char grid[256], cmd[1200], p[1200];
  snprintf(grid, sizeof grid, "%s/gridB", tmp);
  mkdirs(grid);
  write_plan(grid, 1);
  for (int e = 0; e < 2; e++)
    for (int b = 0; b < 6; b++)
      for (int a = -1; a < 6; a++) {
        if (a == b) continue;
        if (e == 1 && b == 0 && a == 1) continue; /* missing: arm COR->RTR */
        if (e == 0 && b == 5 && a == 0) {         /* unfinished: 10 of 60 epochs */
          write_run(grid, e, b, a, 0, "running", 10);
          continue;
        }
        write_run(grid, e, b, a, 0, "done", -1);
      }
  /* broken curve for point-mass RTR->COR; interrupted arm DCOR without progress */
  snprintf(p, sizeof p, "%s/runs/point-mass__RTR-to-COR__s0/curve.csv", grid);
  FILE *f = fopen(p, "a");
  fprintf(f, "999,1,1,0,0,0,oops,1,0.001,transfer\n");
  fclose(f);
  snprintf(p, sizeof p, "%s/runs/arm__DCOR__s0/progress.json", grid);
  unlink(p);
  snprintf(p, sizeof p, "%s/runs/arm__DCOR__s0/final.ckpt", grid);
  unlink(p);
  snprintf(cmd, sizeof cmd, "%s analyze %s --out %s/out --quiet", EMB_CLI_PATH, grid, grid);
  assert_int_equal(run_status(cmd), 0);
  snprintf(p, sizeof p, "%s/out/metrics.json", grid);
  json_t *m = load_json(p);
  json_t *states = json_object_get(m, "run_states");
  assert_int_equal(json_integer_value(json_object_get(states, "missing")), 1);
  assert_int_equal(json_integer_value(json_object_get(states, "running")), 1);
  assert_int_equal(json_integer_value(json_object_get(states, "unknown")), 1);
  /* the broken curve is named with its line */
  json_t *runs = json_object_get(m, "runs");
  size_t i;
  json_t *r;
  int found = 0;
  json_array_foreach(runs, i, r) {
    const char *id = json_string_value(json_object_get(r, "id"));
    if (!strcmp(id, "point-mass__RTR-to-COR__s0")) {
      found = 1;
      assert_false(json_is_true(json_object_get(r, "used")));
      const char *note = json_string_value(json_object_get(r, "note"));
      if (!strstr(note, "curve.csv:") || !strstr(note, "oops")) fail_msg("note: %s", note);
    }
    if (!strcmp(id, "point-mass__RTR-to-JTR__s0")) {
      assert_string_equal(json_string_value(json_object_get(r, "state")), "running");
      assert_false(json_is_true(json_object_get(r, "used")));
    }
  }
  assert_true(found);
  /* one seed: claim 1 by direction only; DCOR lacks the arm's baseline -> not enough data;
   * claim 2 direction-only with pairs missing */
  json_t *c1 = json_array_get(json_object_get(m, "claims"), 0);
  assert_true(json_is_true(json_object_get(c1, "direction_only")));
  assert_string_equal(verdict(m, 1), "not enough data");
  assert_string_equal(verdict(m, 2), "not enough data");
  assert_true(json_is_true(json_object_get(json_array_get(json_object_get(m, "claims"), 1),
                                           "direction_only")));
  assert_string_equal(verdict(m, 3), "supported");
  json_decref(m);
  snprintf(p, sizeof p, "%s/out", grid);
  check_links(p);
}

static void test_bad_input(void **state) {
  (void)state;
  char grid[256], cmd[1400], p[1200];
  snprintf(cmd, sizeof cmd, "%s analyze %s/nowhere --quiet 2>/dev/null", EMB_CLI_PATH, tmp);
  assert_int_equal(run_status(cmd), 2);
  snprintf(grid, sizeof grid, "%s/gridC", tmp);
  mkdirs(grid);
  snprintf(cmd, sizeof cmd, "%s analyze %s --quiet 2>/dev/null", EMB_CLI_PATH, grid);
  assert_int_equal(run_status(cmd), 2); /* no plan.json */
  snprintf(p, sizeof p, "%s/plan.json", grid);
  FILE *f = fopen(p, "w");
  fprintf(f, "{\"runs\": [ {\"id\": 3} ]}");
  fclose(f);
  assert_int_equal(run_status(cmd), 2); /* malformed run */
  f = fopen(p, "w");
  fprintf(f, "{\"runs\": [ ");
  fclose(f);
  assert_int_equal(run_status(cmd), 2); /* not JSON */
  /* an empty plan analyses to "not enough data" everywhere, figures skipped */
  f = fopen(p, "w");
  fprintf(f, "{\"version\": 1, \"profile\": \"paper\", \"runs\": []}");
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s analyze %s --quiet", EMB_CLI_PATH, grid);
  assert_int_equal(run_status(cmd), 0);
  snprintf(p, sizeof p, "%s/report/metrics.json", grid);
  json_t *m = load_json(p);
  for (int k = 1; k <= 6; k++) assert_string_equal(verdict(m, k), "not enough data");
  json_decref(m);
  /* gnuplot missing: the failure is reported (exit status 1), not ignored */
  snprintf(cmd, sizeof cmd, "PATH=/nonexistent %s analyze %s/gridA --out %s/noplot --quiet "
           "2>/dev/null", EMB_CLI_PATH, tmp, tmp);
  assert_int_equal(run_status(cmd), 1);
  snprintf(cmd, sizeof cmd, "%s analyze %s/gridA --pair RTR:RTR 2>/dev/null", EMB_CLI_PATH, tmp);
  assert_int_equal(run_status(cmd), 2);
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "--generate")) {
    make_grid_a(argv[2]);
    return 0;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grid_with_known_gains),
      cmocka_unit_test(test_incomplete_grid),
      cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
