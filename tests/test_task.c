/* test_task.c — scripted tests pinning the goal logic of the tasks (tasks.md §4–§5). */
#include "harness.h"

#include <string.h>

#include "embody/emb_task.h"

static embModel pm, arm;
static embTask task;

static int setup(void **s) {
  (void)s;
  assert_int_equal(emb_model_init(&pm, EMB_POINT_MASS, EMB_MUSCLE_RELU), 0);
  assert_int_equal(emb_model_init(&arm, EMB_ARM, EMB_MUSCLE_THELEN), 0);
  return 0;
}

static void test_names_and_sizes(void **s) {
  (void)s;
  assert_int_equal(emb_task_parse("cobfgr"), EMB_COBFGR);
  assert_int_equal(emb_task_parse("CenterOutAndBackWithFixedGoalReach"), EMB_COBFGR);
  assert_int_equal(emb_task_parse("JumpingTargetReach"), EMB_JTR);
  assert_int_equal(emb_task_parse("nope"), -1);
  assert_int_equal(emb_task_init(&task, EMB_RTR, &pm, 0.05), 0);
  assert_int_equal(task.obs_size, 16);
  assert_close(task.radius, 0.08, 1e-12, 0);
  assert_int_equal(emb_task_init(&task, EMB_COBFGR, &arm, 0.05), 0);
  assert_int_equal(task.obs_size, 23);
  assert_close(task.radius, 0.02, 1e-12, 0);
  /* arm centre (-0.20, 0.35) m = joints (65.93, 102.31) degrees */
  assert_close(task.centre_joint[0] * 180 / M_PI, 65.93, 0.01, 0);
  assert_close(task.centre_joint[1] * 180 / M_PI, 102.31, 0.01, 0);
}

static void test_reward_values(void **s) {
  (void)s;
  assert_int_equal(emb_task_init(&task, EMB_RTR, &pm, 0.05), 0);
  embNum g[2] = {0.5f, 0.5f}, f_in[2] = {0.5f, 0.54f}, f_out[2] = {0.5f, 0.66f}, e;
  assert_close(emb_reward_distance(&task, f_in, g, &e), (1 - 0.25) * 0.01, 1e-8, 0); /* e = 0.5 */
  assert_close(emb_reward_distance(&task, f_out, g, &e), (2 - 2 * 2.0) * 0.01, 1e-7, 0); /* e = 2 */
  embNum df[2] = {0, 0};
  emb_reward_distance_backward(&task, df, 1, g, g); /* zero distance: zero gradient */
  assert_true(df[0] == 0 && df[1] == 0);
}

static void test_cobjgr_jumps_in_same_sample(void **s) {
  (void)s;
  assert_int_equal(emb_task_init(&task, EMB_COBJGR, &pm, 0.05), 0);
  embGoalState g;
  embStepEvent ev;
  double target[2] = {0.5, 0.5}, u[2] = {0, 0};
  emb_goal_reset(&task, &g, target);
  embNum far[2] = {0, 0}, near[2] = {0.5f, 0.52f};
  emb_task_step(&task, &g, &ev, far, 0.01, u);
  assert_false(ev.switched);
  assert_close(g.rewarded_goal[0], 0.5, 1e-7, 0);
  embNum r = emb_task_step(&task, &g, &ev, near, 0.02, u);
  assert_true(ev.switched);
  /* the reward is against the old goal, the goal recorded for this sample is the centre */
  assert_close(r, (1 - 0.0625) * 0.01, 1e-8, 0);
  assert_true(g.rewarded_goal[0] == 0 && g.rewarded_goal[1] == 0);
  assert_true(g.visual_goal[0] == 0 && g.visual_goal[1] == 0);
}

static void test_cobfgr_switch_after_five_held_steps(void **s) {
  (void)s;
  assert_int_equal(emb_task_init(&task, EMB_COBFGR, &pm, 0.05), 0);
  embGoalState g;
  embStepEvent ev;
  double target[2] = {0.5, -0.3}, u[2] = {0, 0};
  emb_goal_reset(&task, &g, target);
  embNum f[2] = {0.5f, -0.27f};
  embNum rewards[8];
  for (int k = 0; k < 8; k++) {
    rewards[k] = emb_task_step(&task, &g, &ev, f, 0.01 * (k + 1), u);
    if (k < 4) {
      assert_false(ev.switched);
      assert_close(g.rewarded_goal[0], 0.5, 1e-7, 0);
    }
    if (k == 4) { /* 5th held step: the rewarded goal switches to the centre */
      assert_true(ev.switched);
      assert_true(g.rewarded_goal[0] == 0 && g.rewarded_goal[1] == 0);
      assert_close(g.visual_goal[0], 0.5, 1e-7, 0); /* the visual goal never changes */
    }
  }
  /* the reward sequence stays continuous through the switch (the offset) */
  for (int k = 1; k < 8; k++) assert_close(rewards[k], rewards[0], 1e-7, 0);
  assert_int_equal(g.hold, 0); /* away from the new (centre) goal */
}

static void test_dcor_rewards_centre_until_delay(void **s) {
  (void)s;
  assert_int_equal(emb_task_init(&task, EMB_DCOR, &pm, 0.05), 0);
  embGoalState g;
  embStepEvent ev;
  double target[2] = {0.6, 0.2}, u[2] = {0, 0};
  emb_goal_reset(&task, &g, target);
  assert_true(g.rewarded_goal[0] == 0 && g.rewarded_goal[1] == 0); /* reset sample: centre */
  assert_close(g.visual_goal[0], 0.6, 1e-7, 0);
  embNum f[2] = {0, 0};
  double elapsed = 0;
  for (int step = 1; step <= 30; step++) {
    elapsed += 0.01;
    emb_task_step(&task, &g, &ev, f, elapsed, u);
    int waiting = g.rewarded_goal[0] == 0;
    if (step <= 25 && !waiting) fail_msg("step %d (%.17g s): target rewarded before the delay", step, elapsed);
    if (step > 25 && waiting) fail_msg("step %d (%.17g s): centre still rewarded after 0.25 s", step, elapsed);
  }
}

static void test_jtr_new_goal_on_hit_and_counting(void **s) {
  (void)s;
  assert_int_equal(emb_task_init(&task, EMB_JTR, &pm, 0.05), 0);
  embGoalState g;
  embStepEvent ev;
  double target[2] = {0.1, 0.1}, u[2] = {0.75, 0.25};
  emb_goal_reset(&task, &g, target);
  embNum f[2] = {0.1f, 0.13f};
  embNum r1 = emb_task_step(&task, &g, &ev, f, 0.01, u);
  assert_true(ev.switched);
  assert_int_equal(g.goals_reached, 1);
  assert_int_equal(g.goals_shown, 2);
  assert_close(g.rewarded_goal[0], -0.8 + 0.75 * 1.6, 1e-6, 0);
  assert_close(g.rewarded_goal[1], -0.8 + 0.25 * 1.6, 1e-6, 0);
  assert_close(g.visual_goal[0], g.rewarded_goal[0], 0, 0);
  embNum r2 = emb_task_step(&task, &g, &ev, f, 0.02, u); /* far from the new goal: no hit */
  assert_false(ev.switched);
  assert_close(r2, r1, 1e-7, 0); /* continuity through the offset */
}

static void test_ik_errors(void **s) {
  (void)s;
  double q[2];
  assert_int_not_equal(emb_inverse_kinematics(&arm, 2.0, 0.0, q), 0); /* out of reach */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_and_sizes),
      cmocka_unit_test(test_reward_values),
      cmocka_unit_test(test_cobjgr_jumps_in_same_sample),
      cmocka_unit_test(test_cobfgr_switch_after_five_held_steps),
      cmocka_unit_test(test_dcor_rewards_centre_until_delay),
      cmocka_unit_test(test_jtr_new_goal_on_hit_and_counting),
      cmocka_unit_test(test_ik_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
