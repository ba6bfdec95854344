/* test_task_f64.c — finite-difference checks (double build) of the task backward
 * functions: reward (both sides of the target boundary), reward with offsets (COBFGR
 * switch, JTR hit) and observation assembly. */
#include "harness.h"

#include <string.h>

#include "embody/emb_task.h"

static embModel pm, arm;

static int setup(void **s) {
  (void)s;
  emb_model_init(&pm, EMB_POINT_MASS, EMB_MUSCLE_RELU);
  emb_model_init(&arm, EMB_ARM, EMB_MUSCLE_THELEN);
  return 0;
}

static void check_reward(const embTask *task, double fx, double fy, double gx, double gy) {
  embNum f[2] = {fx, fy}, g[2] = {gx, gy}, df[2] = {0, 0};
  emb_reward_distance_backward(task, df, 1.0, f, g);
  const double h = 1e-7;
  for (int a = 0; a < 2; a++) {
    embNum fp[2] = {fx, fy}, fm[2] = {fx, fy};
    fp[a] += h, fm[a] -= h;
    double fd = (emb_reward_distance(task, fp, g, NULL) - emb_reward_distance(task, fm, g, NULL)) / (2 * h);
    assert_close(df[a], fd, 1e-9, 1e-6);
  }
}

static void test_reward_fd(void **s) {
  (void)s;
  embTask t;
  emb_task_init(&t, EMB_RTR, &pm, 0.05);
  check_reward(&t, 0.1, 0.2, 0.13, 0.22);  /* inside the target */
  check_reward(&t, 0.1, 0.2, 0.5, -0.3);   /* outside */
  emb_task_init(&t, EMB_RTR, &arm, 0.05);
  check_reward(&t, -0.2, 0.3, -0.19, 0.305);
  check_reward(&t, -0.2, 0.3, -0.1, 0.45);
}

/* loss = dr * r + doff * (offset created by this step); checks the step backward */
static void check_step(embTaskKind kind, double fx, double fy, int prehold, const double target[2]) {
  embTask t;
  emb_task_init(&t, kind, &pm, 0.05);
  double u[2] = {0.3, 0.9};
  const embNum dr = 0.7, doff = -1.3;
  embGoalState g0;
  emb_goal_reset(&t, &g0, target);
  g0.hold = prehold;
  embStepEvent ev;
  embGoalState g = g0;
  embNum f[2] = {fx, fy};
  emb_task_step(&t, &g, &ev, f, 0.5, u);
  assert_true(ev.switched);
  embNum df[2] = {0, 0};
  emb_task_step_backward(&t, df, &ev, f, dr, doff);
  const double h = 1e-7;
  for (int a = 0; a < 2; a++) {
    double L[2];
    for (int sgn = 0; sgn < 2; sgn++) {
      embGoalState gg = g0;
      embStepEvent e2;
      embNum ff[2] = {fx, fy};
      ff[a] += sgn ? -h : h;
      embNum r = emb_task_step(&t, &gg, &e2, ff, 0.5, u);
      L[sgn] = dr * (r - g0.offset) + doff * (gg.offset - g0.offset);
    }
    assert_close(df[a], (L[0] - L[1]) / (2 * h), 1e-9, 1e-6);
  }
}

static void test_step_offsets_fd(void **s) {
  (void)s;
  double target[2] = {0.4, -0.2};
  check_step(EMB_COBFGR, 0.41, -0.17, 4, target); /* 5th held step: switch */
  check_step(EMB_JTR, 0.38, -0.21, 0, target);    /* hit: new goal */
}

static void test_observe_fd(void **s) {
  (void)s;
  embTask t;
  emb_task_init(&t, EMB_COBFGR, &arm, 0.05);
  const int NS = emb_state_size(&arm), I = t.obs_size, M = arm.M;
  embNum state[128], action[6], goal[2] = {-0.1, 0.3}, w[64];
  for (int i = 0; i < NS; i++) state[i] = 0.1 + 0.01 * i;
  for (int j = 0; j < M; j++) action[j] = 0.2 * j;
  for (int i = 0; i < I; i++) w[i] = 0.3 + 0.05 * i;
  embNum dstate[128] = {0}, daction[6] = {0};
  emb_task_observe_backward(&t, dstate, dstate, daction, w);
  const double h = 1e-6;
  for (int i = 0; i < NS + M; i++) {
    embNum *x = i < NS ? &state[i] : &action[i - NS];
    double L[2];
    for (int sgn = 0; sgn < 2; sgn++) {
      embNum keep = *x, obs[64];
      *x += sgn ? -h : h;
      emb_task_observe(&t, obs, state, goal, state, action, NULL, 1);
      *x = keep;
      L[sgn] = 0;
      for (int k = 0; k < I; k++) L[sgn] += w[k] * obs[k];
    }
    double fd = (L[0] - L[1]) / (2 * h), an = i < NS ? dstate[i] : daction[i - NS];
    assert_close(an, fd, 1e-8, 1e-6);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reward_fd),
      cmocka_unit_test(test_step_offsets_fd),
      cmocka_unit_test(test_observe_fd),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
