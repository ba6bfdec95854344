/* test_grid_plan.c — the grid plan (training.md §5): run counts, ids, dependencies and
 * configs; plan.json round trip; the changed-plan message; train flag pass-through; the
 * SLURM arrays (aftercorr pairing of transfers with their bases) in a dry run. */
#include "harness.h"

#include <string.h>
#include <unistd.h>

#include "embody/emb_config.h"
#include "embody/emb_grid.h"
#include "embody/emb_types.h"

static char tmpdir[256];

static int setup(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/emb_grid_plan_XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}
static int teardown(void **state) {
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

static void test_full_plan_shape(void **state) {
  (void)state;
  embGridPlan p;
  long seeds[3] = {0, 1, 2};
  assert_int_equal(emb_grid_plan_build(&p, "paper", NULL, NULL, seeds, 3, NULL), 0);
  /* 2 effectors x (6 no-transfer + 30 transfer) per seed = 72 per seed */
  assert_int_equal(p.n_runs, 3 * 72);
  int nt = 0, tr = 0;
  for (int k = 0; k < p.n_runs; k++) {
    const embGridRun *r = &p.runs[k];
    if (!r->transfer) {
      nt++;
      assert_int_equal(r->depends_on, -1);
      char id[EMB_GRID_ID];
      snprintf(id, sizeof id, "%s__%s__s%ld", r->effector, r->task, r->seed);
      assert_string_equal(r->id, id);
    } else {
      tr++;
      assert_true(r->depends_on >= 0 && r->depends_on < k);
      const embGridRun *b = &p.runs[r->depends_on];
      /* T(A -> B) of seed k starts from NT(A) of the same seed and effector */
      assert_int_equal(b->transfer, 0);
      assert_string_equal(b->task, r->base_task);
      assert_string_equal(b->effector, r->effector);
      assert_int_equal(b->seed, r->seed);
      assert_string_not_equal(r->task, r->base_task);
      char id[EMB_GRID_ID];
      snprintf(id, sizeof id, "%s__%s-to-%s__s%ld", r->effector, r->base_task, r->task, r->seed);
      assert_string_equal(r->id, id);
    }
    /* the request config: the run's own task, effector, seed, profile */
    assert_string_equal(json_string_value(json_object_get(r->config, "task")), r->task);
    assert_string_equal(json_string_value(json_object_get(r->config, "effector")), r->effector);
    assert_int_equal(json_integer_value(json_object_get(r->config, "seed")), r->seed);
    assert_string_equal(json_string_value(json_object_get(r->config, "profile")), "paper");
    assert_int_equal(emb_grid_plan_find(&p, r->id), k);
  }
  assert_int_equal(nt, 3 * 12);
  assert_int_equal(tr, 3 * 60);
  /* every ordered pair appears exactly once per effector and seed */
  for (int a = 0; a < 6; a++)
    for (int b = 0; b < 6; b++) {
      if (a == b) continue;
      char id[EMB_GRID_ID];
      snprintf(id, sizeof id, "arm__%s-to-%s__s2", p.tasks[a], p.tasks[b]);
      if (emb_grid_plan_find(&p, id) < 0) fail_msg("missing transfer %s", id);
    }
  /* ordering weight: the paper's 35,000-epoch tasks */
  assert_int_equal(emb_paper_epochs_by_name("COBFGR"), 35000);
  assert_int_equal(emb_paper_epochs_by_name("DCOR"), 35000);
  assert_int_equal(emb_paper_epochs_by_name("RTR"), 5000);
  emb_grid_plan_free(&p);
}

static void test_bad_plan_inputs(void **state) {
  (void)state;
  embGridPlan p;
  long s0[1] = {0}, dup[2] = {1, 1}, neg[1] = {-1};
  emb_set_error_handler(NULL);
  assert_int_not_equal(emb_grid_plan_build(&p, "fast", NULL, NULL, s0, 1, NULL), 0);
  assert_non_null(strstr(emb_last_error(), "unknown profile 'fast'"));
  assert_int_not_equal(emb_grid_plan_build(&p, "demo", "octopus", NULL, s0, 1, NULL), 0);
  assert_non_null(strstr(emb_last_error(), "unknown effector 'octopus'"));
  assert_int_not_equal(emb_grid_plan_build(&p, "demo", NULL, "RTR,XYZ", s0, 1, NULL), 0);
  assert_non_null(strstr(emb_last_error(), "unknown task 'XYZ'"));
  assert_int_not_equal(emb_grid_plan_build(&p, "demo", NULL, "RTR,RandomTargetReach", s0, 1, NULL), 0);
  assert_non_null(strstr(emb_last_error(), "listed twice"));
  assert_int_not_equal(emb_grid_plan_build(&p, "demo", NULL, NULL, dup, 2, NULL), 0);
  assert_int_not_equal(emb_grid_plan_build(&p, "demo", NULL, NULL, neg, 1, NULL), 0);
  json_t *ov = json_pack("{s:s}", "task", "RTR");
  assert_int_not_equal(emb_grid_plan_build(&p, "demo", NULL, NULL, s0, 1, ov), 0);
  assert_non_null(strstr(emb_last_error(), "'task' is set by the grid plan"));
  json_decref(ov);
  /* long task names map to the short ones */
  assert_int_equal(emb_grid_plan_build(&p, "demo", "arm", "CenterOutReach,JTR", s0, 1, NULL), 0);
  assert_int_equal(p.n_runs, 4);
  assert_string_equal(p.runs[0].id, "arm__COR__s0");
  assert_string_equal(p.runs[2].id, "arm__COR-to-JTR__s0");
  emb_grid_plan_free(&p);
}

static void test_train_flags(void **state) {
  (void)state;
  char *argv[] = {"x", "--epochs", "3", "--hidden-sizes", "64", "16", "--force-field", "1.5",
                  "-2", "--lr-min", "none", "--muscle", "kistemaker", "--frob", "1",
                  "--epochs", "three"};
  int argc = (int)(sizeof argv / sizeof argv[0]);
  json_t *ov = json_object();
  int i = 1;
  assert_int_equal(emb_grid_train_flag(ov, argc, argv, &i), 0);
  assert_int_equal(i, 2); /* on the last value consumed */
  i = 3;
  assert_int_equal(emb_grid_train_flag(ov, argc, argv, &i), 0);
  assert_int_equal(i, 5);
  i = 6;
  assert_int_equal(emb_grid_train_flag(ov, argc, argv, &i), 0);
  i = 9;
  assert_int_equal(emb_grid_train_flag(ov, argc, argv, &i), 0);
  i = 11;
  assert_int_equal(emb_grid_train_flag(ov, argc, argv, &i), 0);
  i = 13;
  assert_int_equal(emb_grid_train_flag(ov, argc, argv, &i), 1); /* not a train flag */
  i = 15;
  assert_int_equal(emb_grid_train_flag(ov, argc, argv, &i), 2); /* bad value */
  char *text = json_dumps(ov, JSON_COMPACT | JSON_SORT_KEYS);
  assert_string_equal(text, "{\"epochs\":3,\"force_field\":[1.5,-2.0],"
                            "\"hidden_sizes\":[64,16],\"lr_min\":null,\"muscle\":\"kistemaker\"}");
  free(text);
  /* overrides reach every run's config and its ordering weight */
  embGridPlan p;
  long s0[1] = {4};
  json_object_del(ov, "muscle"); /* the point mass has ReLU muscles only */
  assert_int_equal(emb_grid_plan_build(&p, "demo", "point-mass", "RTR,DCOR", s0, 1, ov), 0);
  for (int k = 0; k < p.n_runs; k++) {
    assert_int_equal(json_integer_value(json_object_get(p.runs[k].config, "epochs")), 3);
    assert_int_equal(p.runs[k].est_epochs, 3);
  }
  emb_grid_plan_free(&p);
  /* an override train would refuse is refused when planning, naming the key */
  json_object_set_new(ov, "batch_size", json_integer(0));
  emb_set_error_handler(NULL);
  assert_int_not_equal(emb_grid_plan_build(&p, "demo", "point-mass", "RTR", s0, 1, ov), 0);
  if (!strstr(emb_last_error(), "batch_size")) fail_msg("message: %s", emb_last_error());
  json_decref(ov);
  /* without overrides the ordering weight is the profile's epochs: demo keeps the
   * paper's 7:1 ratio between COBFGR/DCOR and the others */
  assert_int_equal(emb_grid_plan_build(&p, "demo", "arm", "RTR,COBFGR", s0, 1, NULL), 0);
  assert_true(p.runs[1].est_epochs == 7 * p.runs[0].est_epochs);
  assert_true(p.runs[0].est_epochs > 0 && p.runs[0].est_epochs < 5000);
  emb_grid_plan_free(&p);
}

static void test_plan_roundtrip_and_diff(void **state) {
  (void)state;
  embGridPlan a, b, c;
  long s[2] = {0, 7};
  json_t *ov = json_pack("{s:i}", "epochs", 5);
  assert_int_equal(emb_grid_plan_build(&a, "quick", NULL, "RTR,COR,DCOR", s, 2, ov), 0);
  assert_int_equal(emb_grid_plan_write(&a, tmpdir), 0);
  assert_int_equal(emb_grid_requests_write(&a, tmpdir, 1), 0);
  assert_int_equal(emb_grid_plan_read(&b, tmpdir), 0);
  char msg[2048];
  assert_int_equal(emb_grid_plan_diff(&a, &b, msg, sizeof msg), 0);
  assert_int_equal(b.n_runs, a.n_runs);
  for (int k = 0; k < a.n_runs; k++) {
    assert_string_equal(a.runs[k].id, b.runs[k].id);
    assert_int_equal(a.runs[k].depends_on, b.runs[k].depends_on);
    assert_true(json_equal(a.runs[k].config, b.runs[k].config));
  }
  /* the request file is exactly the run's config */
  char path[400];
  snprintf(path, sizeof path, "%s/requests/%s.json", tmpdir, a.runs[5].id);
  json_t *req = json_load_file(path, 0, NULL);
  assert_non_null(req);
  assert_true(json_equal(req, a.runs[5].config));
  json_decref(req);
  /* a different plan is named key by key */
  json_object_set_new(ov, "epochs", json_integer(6));
  assert_int_equal(emb_grid_plan_build(&c, "demo", NULL, "RTR,COR,DCOR", s, 2, ov), 0);
  assert_int_equal(emb_grid_plan_diff(&b, &c, msg, sizeof msg), 1);
  if (!strstr(msg, "profile: plan has \"quick\", command gives \"demo\"") ||
      !strstr(msg, "train_overrides: plan has {\"epochs\":5}, command gives {\"epochs\":6}") ||
      strstr(msg, "tasks") || strstr(msg, "seeds"))
    fail_msg("unexpected diff message:%s", msg);
  emb_grid_plan_free(&a);
  emb_grid_plan_free(&b);
  emb_grid_plan_free(&c);
  json_decref(ov);
  /* a damaged plan.json is refused with the file named */
  snprintf(path, sizeof path, "%s/plan.json", tmpdir);
  FILE *f = fopen(path, "w");
  fputs("{\"version\": 1, \"profile\": \"demo\"", f);
  fclose(f);
  emb_set_error_handler(NULL);
  assert_int_not_equal(emb_grid_plan_read(&a, tmpdir), 0);
  assert_non_null(strstr(emb_last_error(), "plan.json"));
}

/* dry run: one base array (longest first), T-1 transfer arrays whose element i is a
 * transfer from base element i, submitted with aftercorr */
static void test_slurm_dry_run(void **state) {
  (void)state;
  embGridPlan p;
  long s[1] = {0};
  assert_int_equal(emb_grid_plan_build(&p, "paper", NULL, "RTR,COBFGR,JTR", s, 1, NULL), 0);
  embGridSlurm o = {.partition = "gpu", .time = "2:00:00", .dry_run = 1};
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  assert_int_equal(emb_grid_slurm(&p, tmpdir, "/usr/bin/embody", &o, out), 0);
  fclose(out);
  const char *need[] = {
      "#SBATCH --array=0-5", "#SBATCH --signal=B:TERM@120", "#SBATCH --requeue",
      "#SBATCH --partition=gpu", "#SBATCH --time=2:00:00",
      /* bases: COBFGR (35,000 epochs) first, for point mass (1) then arm (10) */
      "runs=(1 10 0 2 9 11)",
      "--dependency=aftercorr:<bases-jobid> --kill-on-invalid-dep=yes",
      "grid worker '", "--requeue"};
  for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
    if (!strstr(buf, need[i])) fail_msg("dry run lacks '%s':\n%s", need[i], buf);
  /* two transfer arrays; element i of each depends on base element i */
  int arrays = 0;
  for (const char *q = buf; (q = strstr(q, "--dependency=aftercorr")); q++) arrays++;
  assert_int_equal(arrays, 2);
  const char *t1 = strstr(buf, "--- ");
  t1 = t1 ? strstr(t1 + 4, "transfers-1.sbatch ---") : NULL;
  assert_non_null(t1);
  const char *r1 = strstr(t1, "runs=(");
  int idx[6];
  assert_int_equal(sscanf(r1, "runs=(%d %d %d %d %d %d)", &idx[0], &idx[1], &idx[2], &idx[3],
                          &idx[4], &idx[5]), 6);
  int bases[6] = {1, 10, 0, 2, 9, 11};
  for (int i = 0; i < 6; i++) assert_int_equal(p.runs[idx[i]].depends_on, bases[i]);
  free(buf);
  emb_grid_plan_free(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_plan_shape),
      cmocka_unit_test(test_bad_plan_inputs),
      cmocka_unit_test(test_train_flags),
      cmocka_unit_test_setup_teardown(test_plan_roundtrip_and_diff, setup, teardown),
      cmocka_unit_test_setup_teardown(test_slurm_dry_run, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
