/* test_metrics_cli.c — `embody metrics` on every reference curve (--json keys against
 * metrics.csv), the transfer-segment flag --from, and its error messages for a missing
 * file, a missing column and a non-number (file and line named, exit status 2). */
#include "harness.h"

#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "analysis/csv_table.h"

#define REF EMB_REFERENCE_DIR "/metrics/"

/* run a command, capture stdout+stderr, return its exit status */
static int capture(const char *cmd, char *buf, size_t cap) {
  char full[4096];
  snprintf(full, sizeof full, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  assert_non_null(p);
  size_t n = fread(buf, 1, cap - 1, p);
  buf[n] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_json_matches_reference(void **state) {
  (void)state;
  csvTable m;
  assert_int_equal(csv_read(&m, REF "metrics.csv"), 0);
  assert_int_equal(m.nrows, 8);
  for (int r = 0; r < m.nrows; r++) {
    const char *name = m.rows[r][csv_column(&m, "curve")];
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd, "%s metrics %scurves.csv --column %s --json", EMB_CLI_PATH,
             REF, name);
    int st = capture(cmd, out, sizeof out);
    if (st != 0) fail_msg("%s -> %d\n%s", cmd, st, out);
    json_error_t err;
    json_t *j = json_loads(out, 0, &err);
    if (!j) fail_msg("not JSON (%s):\n%s", err.text, out);
    double auc = atof(m.rows[r][csv_column(&m, "auc")]);
    assert_close(json_number_value(json_object_get(j, "auc")), auc, auc == 0 ? 1e-9 : 0, 1e-6);
    assert_close(json_number_value(json_object_get(j, "peak")),
                 atof(m.rows[r][csv_column(&m, "smoothed_peak")]), 1e-8, 0);
    assert_int_equal(json_integer_value(json_object_get(j, "raw_peak_index")),
                     atoi(m.rows[r][csv_column(&m, "raw_peak_index")]));
    assert_int_equal(json_integer_value(json_object_get(j, "peak_index")),
                     atoi(m.rows[r][csv_column(&m, "smoothed_peak_index")]));
    assert_int_equal(json_integer_value(json_object_get(j, "window")),
                     atoi(m.rows[r][csv_column(&m, "window")]));
    int ttp = atoi(m.rows[r][csv_column(&m, "ttp")]);
    json_t *jt = json_object_get(j, "ttp");
    if (ttp < 0) {
      if (!json_is_null(jt)) fail_msg("%s: ttp should be null (not reached)", name);
    } else {
      assert_int_equal(json_integer_value(jt), ttp);
    }
    /* the short curve says that its window was reduced */
    json_t *note = json_object_get(j, "note");
    if (!strcmp(name, "short_300") &&
        (!json_is_string(note) || !strstr(json_string_value(note), "largest odd")))
      fail_msg("short_300: the output does not say the window was reduced:\n%s", out);
    json_decref(j);
  }
  csv_free(&m);
}

static void test_from_and_errors(void **state) {
  (void)state;
  char dir[] = "/tmp/emb_metrics_cli_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256], cmd[1024], out[8192];
  /* a transfer-style curve: 20 base rows (value 9) and 30 transfer rows (value 0.5) */
  snprintf(path, sizeof path, "%s/curve.csv", dir);
  FILE *f = fopen(path, "w");
  fprintf(f, "epoch,loss,tar_frac,segment\n");
  for (int e = 0; e < 50; e++) fprintf(f, "%d,1.0,%g,%s\n", e, e < 20 ? 9.0 : 0.5,
                                       e < 20 ? "base" : "transfer");
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s metrics %s --from 20 --json", EMB_CLI_PATH, path);
  assert_int_equal(capture(cmd, out, sizeof out), 0);
  json_t *j = json_loads(out, 0, NULL);
  assert_non_null(j);
  assert_close(json_number_value(json_object_get(j, "auc")), 0.5 * 29, 1e-12, 0);
  assert_int_equal(json_integer_value(json_object_get(j, "n")), 30);
  json_decref(j);
  /* text output works too */
  snprintf(cmd, sizeof cmd, "%s metrics %s --column loss --window 7", EMB_CLI_PATH, path);
  assert_int_equal(capture(cmd, out, sizeof out), 0);
  if (!strstr(out, "AUC:")) fail_msg("no AUC line:\n%s", out);
  /* missing file */
  snprintf(cmd, sizeof cmd, "%s metrics %s/none.csv", EMB_CLI_PATH, dir);
  assert_int_equal(capture(cmd, out, sizeof out), 2);
  if (!strstr(out, "none.csv")) fail_msg("missing-file message does not name it:\n%s", out);
  /* missing column */
  snprintf(cmd, sizeof cmd, "%s metrics %s --column nope", EMB_CLI_PATH, path);
  assert_int_equal(capture(cmd, out, sizeof out), 2);
  if (!strstr(out, "'nope'") || !strstr(out, "tar_frac"))
    fail_msg("missing-column message:\n%s", out);
  /* a non-number on line 4 */
  f = fopen(path, "w");
  fprintf(f, "epoch,tar_frac\n0,0.1\n1,0.2\n2,oops\n");
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s metrics %s", EMB_CLI_PATH, path);
  assert_int_equal(capture(cmd, out, sizeof out), 2);
  if (!strstr(out, "curve.csv:4") || !strstr(out, "oops"))
    fail_msg("non-number message does not name file:line and value:\n%s", out);
  /* bad flags */
  snprintf(cmd, sizeof cmd, "%s metrics %s --window x", EMB_CLI_PATH, path);
  assert_int_equal(capture(cmd, out, sizeof out), 2);
  snprintf(cmd, sizeof cmd, "%s metrics %s --order 99", EMB_CLI_PATH, path);
  assert_int_equal(capture(cmd, out, sizeof out), 2);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_matches_reference),
      cmocka_unit_test(test_from_and_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
