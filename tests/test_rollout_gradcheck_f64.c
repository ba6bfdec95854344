/* test_rollout_gradcheck_f64.c — whole-rollout gradient check for every task x effector
 * (double build): full 100 steps, all noise on, with the discrete events present. */
#include "harness.h"

#include "embody/emb_gradcheck.h"

static void check(embTaskKind task, embEffectorKind eff, embMuscleKind mus) {
  embGradcheckResult r;
  assert_int_equal(emb_gradcheck(task, eff, mus, 1, &r), 0);
  printf("  %-6s %-10s rel_err %.3e (analytic %.10g, numeric %.10g), jumps %ld, limit contacts %ld\n",
         emb_task_name(task), eff == EMB_ARM ? "arm" : "point-mass", r.rel_err, r.analytic, r.numeric, r.jumps,
         r.limit_contacts);
  if (!r.events_ok) fail_msg("rollout had no events for %s (jumps %ld, limit contacts %ld)", emb_task_name(task), r.jumps, r.limit_contacts);
  if (!(r.rel_err <= EMB_GRADCHECK_TOLERANCE)) fail_msg("relative error %.3e > %.1e", r.rel_err, EMB_GRADCHECK_TOLERANCE);
}

#define TASK_TESTS(T)                                                                     \
  static void test_pm_##T(void **s) { (void)s; check(EMB_##T, EMB_POINT_MASS, EMB_MUSCLE_RELU); } \
  static void test_arm_##T(void **s) { (void)s; check(EMB_##T, EMB_ARM, EMB_MUSCLE_THELEN); }
TASK_TESTS(RTR)
TASK_TESTS(COR)
TASK_TESTS(COBJGR)
TASK_TESTS(COBFGR)
TASK_TESTS(DCOR)
TASK_TESTS(JTR)
static void test_arm_kistemaker_COBFGR(void **s) { (void)s; check(EMB_COBFGR, EMB_ARM, EMB_MUSCLE_KISTEMAKER); }

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pm_RTR),    cmocka_unit_test(test_arm_RTR),    cmocka_unit_test(test_pm_COR),
      cmocka_unit_test(test_arm_COR),   cmocka_unit_test(test_pm_COBJGR),  cmocka_unit_test(test_arm_COBJGR),
      cmocka_unit_test(test_pm_COBFGR), cmocka_unit_test(test_arm_COBFGR), cmocka_unit_test(test_pm_DCOR),
      cmocka_unit_test(test_arm_DCOR),  cmocka_unit_test(test_pm_JTR),     cmocka_unit_test(test_arm_JTR),
      cmocka_unit_test(test_arm_kistemaker_COBFGR),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
