/* test_rollout.c — invariants of the closed loop (float build): identical bits for 1 and
 * 2 threads, B=1 runs equal the rows of a B=N run with the same draws (bit for bit), permuting the
 * rows' keys permutes the results, and learning-relevant statistics are sane. */
#include "harness.h"

#include <omp.h>
#include <string.h>

#include "embody/emb_rollout.h"

static embRolloutConfig base_config(embTaskKind task, embEffectorKind eff, int B) {
  embRolloutConfig c;
  memset(&c, 0, sizeof c);
  c.task = task;
  c.effector = eff;
  c.muscle = eff == EMB_ARM ? EMB_MUSCLE_THELEN : EMB_MUSCLE_RELU;
  c.B = B;
  c.T = 100;
  c.H1 = 32;
  c.H2 = 16;
  c.noise_level = 0.02;
  c.target_radius_frac = 0.2;
  c.w_hidden = 100;
  c.w_deriv = 0.005;
  c.w_muscle = 0.1;
  c.seed = 7;
  return c;
}

typedef struct {
  embRollout *r;
  embParams p, g;
  embRolloutStats st;
} Run;

static void run(Run *x, const embRolloutConfig *c, uint32_t epoch) {
  assert_int_equal(emb_rollout_create(&x->r, c), 0);
  embNetSizes sz = emb_rollout_net_sizes(x->r);
  assert_int_equal(emb_params_alloc(&x->p, sz), 0);
  assert_int_equal(emb_params_alloc(&x->g, sz), 0);
  emb_params_init(&x->p, 3, 0.1);
  assert_int_equal(emb_rollout_forward(x->r, &x->p, epoch, &x->st), 0);
  emb_rollout_backward(x->r, &x->p, &x->g);
}

static void done(Run *x) {
  emb_rollout_free(x->r);
  emb_params_free(&x->p);
  emb_params_free(&x->g);
}

static void test_thread_count_independent(void **s) {
  (void)s;
  for (int task = 0; task < EMB_N_TASKS; task++)
    for (int eff = 0; eff < 2; eff++) {
      embRolloutConfig c = base_config((embTaskKind)task, (embEffectorKind)eff, 40);
      Run a, b;
      omp_set_num_threads(1);
      run(&a, &c, 5);
      omp_set_num_threads(2);
      run(&b, &c, 5);
      const int NS = emb_state_size(emb_rollout_model(a.r));
      if (memcmp(emb_rollout_states(a.r), emb_rollout_states(b.r), sizeof(embNum) * 101 * 40 * NS))
        fail_msg("%s: states differ between 1 and 2 threads", emb_task_name((embTaskKind)task));
      if (memcmp(a.g.data, b.g.data, sizeof(embNum) * a.g.n))
        fail_msg("%s: gradients differ between 1 and 2 threads", emb_task_name((embTaskKind)task));
      assert_true(a.st.loss == b.st.loss && a.st.tar_frac == b.st.tar_frac);
      done(&a);
      done(&b);
    }
}

static void test_single_rows_equal_batch_rows(void **s) {
  (void)s;
  const int B = 3;
  embRolloutConfig c = base_config(EMB_JTR, EMB_ARM, B);
  Run all;
  run(&all, &c, 2);
  const int NS = emb_state_size(emb_rollout_model(all.r));
  for (int b = 0; b < B; b++) {
    embRolloutConfig c1 = c;
    c1.B = 1;
    c1.row0 = (uint32_t)b;
    Run one;
    run(&one, &c1, 2);
    for (int t = 0; t <= 100; t++) {
      const embNum *x = emb_rollout_states(one.r) + (size_t)t * NS;
      const embNum *y = emb_rollout_states(all.r) + ((size_t)t * B + b) * NS;
      for (int i = 0; i < NS; i++)
        if (x[i] != y[i])
          fail_msg("row %d step %d channel %d: B=1 gives %.9g, B=%d gives %.9g", b, t, i, (double)x[i], B, (double)y[i]);
    }
    done(&one);
  }
  done(&all);
}

static void test_permuting_rows_permutes_results(void **s) {
  (void)s;
  const int B = 4;
  uint32_t ids[4] = {0, 1, 2, 3}, perm[4] = {2, 0, 3, 1};
  embRolloutConfig c = base_config(EMB_COBFGR, EMB_POINT_MASS, B);
  c.row_ids = ids;
  Run a, b;
  run(&a, &c, 1);
  c.row_ids = perm;
  run(&b, &c, 1);
  const int NS = emb_state_size(emb_rollout_model(a.r));
  for (int t = 0; t <= 100; t++)
    for (int k = 0; k < B; k++) {
      const embNum *x = emb_rollout_states(b.r) + ((size_t)t * B + k) * NS;
      const embNum *y = emb_rollout_states(a.r) + ((size_t)t * B + perm[k]) * NS;
      for (int i = 0; i < NS; i++)
        if (x[i] != y[i])
          fail_msg("step %d row %d channel %d: %.9g vs %.9g", t, k, i, (double)x[i], (double)y[i]);
    }
  assert_close(a.st.loss, b.st.loss, 1e-5, 1e-5);
  assert_close(a.st.tar_frac, b.st.tar_frac, 1e-12, 0);
  done(&a);
  done(&b);
}

static void test_deterministic_mode_and_epochs(void **s) {
  (void)s;
  embRolloutConfig c = base_config(EMB_RTR, EMB_POINT_MASS, 8);
  Run e1, e2;
  run(&e1, &c, 1);
  run(&e2, &c, 2);
  assert_true(e1.st.loss != e2.st.loss); /* a fresh batch each epoch */
  Run again;
  run(&again, &c, 1);
  assert_true(e1.st.loss == again.st.loss); /* a pure function of (seed, epoch) */
  done(&e1);
  done(&e2);
  done(&again);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_thread_count_independent),
      cmocka_unit_test(test_single_rows_equal_batch_rows),
      cmocka_unit_test(test_permuting_rows_permutes_results),
      cmocka_unit_test(test_deterministic_mode_and_epochs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
