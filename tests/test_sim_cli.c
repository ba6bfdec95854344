/* test_sim_cli.c — `embody sim`: reproduces reference trajectories through the CLI (same
 * header, states within the golden tolerance), and rejects bad input with exit status 2
 * and a message naming the file and line or the flag. */
#include "harness.h"

#include <string.h>
#include <unistd.h>

#include "sim_golden_util.h"

static char dir[256];

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/emb_sim_cli_XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* run the CLI, return exit status, stderr in err */
static int run_cli(const char *args, char *err, size_t n) {
  char cmd[4096], errpath[512];
  snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
  snprintf(cmd, sizeof cmd, "%s sim %s 2>'%s' >/dev/null", EMB_CLI_PATH, args, errpath);
  int st = run_status(cmd);
  FILE *f = fopen(errpath, "r");
  size_t k = f ? fread(err, 1, n - 1, f) : 0;
  err[k] = 0;
  if (f) fclose(f);
  return st;
}

static void write_file(const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void check_reference(const char *file, const char *flags) {
  char ref[1024], act[512], out[512], args[2048], err[4096];
  snprintf(ref, sizeof ref, "%s/%s", MOTORNET_DIR, file);
  embModel m;
  assert_int_equal(golden_model(file, &m), EMB_OK);
  embCsvTable t, o;
  if (emb_csv_read(ref, &t) != EMB_OK) fail_msg("%s", emb_last_error());
  /* actions file: the reference's action columns, rows 1.. */
  snprintf(act, sizeof act, "%s/actions.csv", dir);
  FILE *f = fopen(act, "w");
  assert_non_null(f);
  for (int j = 0; j < m.M; j++) fprintf(f, "%s%s", j ? "," : "", m.muscle_names[j]);
  fputc('\n', f);
  for (int r = 1; r < t.nrows; r++)
    for (int j = 0; j < m.M; j++)
      fprintf(f, "%.9g%s", t.data[(size_t)r * t.ncols + 2 + j], j + 1 < m.M ? "," : "\n");
  fclose(f);
  snprintf(out, sizeof out, "%s/traj.csv", dir);
  snprintf(args, sizeof args, "%s --init %.9g,%.9g,%.9g,%.9g --actions '%s' --out '%s'", flags,
           t.data[2 + m.M], t.data[3 + m.M], t.data[4 + m.M], t.data[5 + m.M], act, out);
  int st = run_cli(args, err, sizeof err);
  if (st != 0) fail_msg("embody sim %s: exit %d: %s", args, st, err);
  if (emb_csv_read(out, &o) != EMB_OK) fail_msg("%s", emb_last_error());
  assert_int_equal(o.ncols, t.ncols);
  assert_int_equal(o.nrows, t.nrows);
  for (int c = 0; c < t.ncols; c++)
    if (strcmp(o.names[c], t.names[c]))
      fail_msg("%s: column %d is '%s', reference '%s'", file, c, o.names[c], t.names[c]);
  for (int c = 2 + m.M; c < t.ncols; c++) {
    double refmax = 0, dmax = 0;
    for (int r = 0; r < t.nrows; r++) {
      refmax = fmax(refmax, fabs(t.data[(size_t)r * t.ncols + c]));
      dmax = fmax(dmax, fabs(o.data[(size_t)r * t.ncols + c] - t.data[(size_t)r * t.ncols + c]));
    }
    if (!(dmax <= 1e-4 * refmax + 1e-7))
      fail_msg("%s via the CLI: column %s off by %.3g (max %.3g)", file, t.names[c], dmax, refmax);
  }
  emb_csv_free(&t);
  emb_csv_free(&o);
}

static void test_reproduces_reference(void **state) {
  (void)state;
  check_reference("pointmass24__moving__random.csv", "--effector point-mass");
  check_reference("arm26_hill__sho30_elb100__steps.csv", "--effector arm --muscle kistemaker");
  check_reference("arm26_thelen__moving__random.csv", "--effector arm"); /* thelen default */
}

static void expect_error(const char *args, const char *needle) {
  char err[4096], full[2048];
  snprintf(full, sizeof full, args, dir, dir, dir);
  int st = run_cli(full, err, sizeof err);
  if (st != 2) fail_msg("embody sim %s: exit %d, expected 2 (stderr: %s)", full, st, err);
  if (!strstr(err, needle))
    fail_msg("embody sim %s: error message lacks '%s':\n%s", full, needle, err);
}

static void test_bad_input(void **state) {
  (void)state;
  write_file("ok.csv", "a,b,c,d\n0.1,0.2,0.3,0.4\n0,0,0,0\n");
  write_file("cols.csv", "a,b,c,d\n0.1,0.2,0.3,0.4\n0.1,0.2,0.3\n");
  write_file("nan.csv", "a,b,c,d\n0.1,0.2,0.3,0.4\n0.1,zero,0.3,0.4\n");
  write_file("nonfinite.csv", "a,b,c,d\n0.1,0.2,0.3,0.4\n0.1,0.2,nan,0.4\n");
  write_file("three.csv", "a,b,c\n0.1,0.2,0.3\n");
  const char *pm = "--effector point-mass --init 0,0,0,0 --out %s/o.csv --actions %s/";
  char a[1024];
  snprintf(a, sizeof a, "%scols.csv", pm);
  expect_error(a, "cols.csv:3: 3 fields, but the header has 4 columns");
  snprintf(a, sizeof a, "%snan.csv", pm);
  expect_error(a, "nan.csv:3: column 2 ('b') is not a number: 'zero'");
  snprintf(a, sizeof a, "%snonfinite.csv", pm);
  expect_error(a, "nonfinite.csv:3: action c is not a finite number");
  snprintf(a, sizeof a, "%sthree.csv", pm);
  expect_error(a, "3 columns, but the point-mass has 4 muscles");
  snprintf(a, sizeof a, "%smissing.csv", pm);
  expect_error(a, "cannot open");
  expect_error("--effector point-mass --init 1.5,0,0,0 --out %s/o.csv --actions %s/ok.csv",
               "position 0 = 1.5 is outside its bounds [-1, 1]");
  expect_error("--effector arm --init 1,3,0,0 --out %s/o.csv --actions %s/ok.csv",
               "position 1 = 3 is outside its bounds");
  expect_error("--effector point-mass --init 0,0,0 --out %s/o.csv --actions %s/ok.csv",
               "--init expects 4 comma-separated numbers");
  expect_error("--effector hand --init 0,0,0,0 --out %s/o.csv --actions %s/ok.csv",
               "--effector expects point-mass or arm");
  expect_error("--effector arm --muscle hill --init 1,1,0,0 --out %s/o.csv --actions %s/ok.csv",
               "--muscle expects thelen or kistemaker");
  expect_error("--effector point-mass --muscle thelen --init 0,0,0,0 --out %s/o.csv "
               "--actions %s/ok.csv", "applies to the arm");
  expect_error("--effector point-mass --init 0,0,0,0 --actions %s/ok.csv", "missing --out");
  expect_error("--effector point-mass --init 0,0,0,0 --out %s/o.csv --actions %s/ok.csv "
               "--force-field 1", "--force-field expects 2 comma-separated numbers");
  expect_error("--frobnicate", "unknown option '--frobnicate'");
  char err[4096];
  assert_int_equal(run_cli("--help", err, sizeof err), 0);
}

/* a constant endpoint force moves a point mass at rest: x(t) = F t^2-ish, exactly
 * v_k = k F dt / m and x_k = sum of old velocities times dt */
static void test_force_field(void **state) {
  (void)state;
  char args[1024], err[4096], out[512];
  write_file("zeros.csv", "a,b,c,d\n0,0,0,0\n0,0,0,0\n0,0,0,0\n");
  snprintf(out, sizeof out, "%s/ff.csv", dir);
  snprintf(args, sizeof args,
           "--effector point-mass --init 0,0,0,0 --actions %s/zeros.csv --out %s "
           "--force-field 2,-1", dir, out);
  assert_int_equal(run_cli(args, err, sizeof err), 0);
  embCsvTable o;
  assert_int_equal(emb_csv_read(out, &o), EMB_OK);
  int vx = emb_csv_col(&o, "dq0"), vy = emb_csv_col(&o, "dq1"), x = emb_csv_col(&o, "q0");
  assert_int_equal(o.nrows, 4);
  assert_close(o.data[3 * o.ncols + vx], 3 * 2 * 0.01, 1e-7, 1e-6);
  assert_close(o.data[3 * o.ncols + vy], -3 * 1 * 0.01, 1e-7, 1e-6);
  assert_close(o.data[3 * o.ncols + x], (0 + 0.02 + 0.04) * 0.01, 1e-8, 1e-6);
  emb_csv_free(&o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reproduces_reference),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_force_field),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
