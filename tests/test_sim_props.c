/* test_sim_props.c — properties of the effectors (float build): PyTorch's half-gradient
 * rule at an exact tie with a position bound (synthetic: the golden files cannot see it),
 * the `where` at velocity zeroing, activation staying in range, a point mass at rest
 * staying at rest, inverse kinematics (round trip across the arm's goal box and clear
 * errors), identical rows giving identical results, and results independent of how the
 * rows are split across OpenMP threads. */
#include "harness.h"

#include <omp.h>
#include <string.h>

#include "embody/emb_effector.h"

static uint64_t rs = 12345;
static double urand(void) {
  rs = rs * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(rs >> 11) / 9007199254740992.0;
}

static void models(embModel m[3]) {
  emb_model_init(&m[0], EMB_POINT_MASS, EMB_MUSCLE_RELU);
  emb_model_init(&m[1], EMB_ARM, EMB_MUSCLE_KISTEMAKER);
  emb_model_init(&m[2], EMB_ARM, EMB_MUSCLE_THELEN);
}

/* A joint resting exactly on a bound with zero velocity: the new position
 * min(max(q + 0*h, lb), ub) ties with the bound, and PyTorch sends half the gradient. */
static void test_half_gradient_at_tie(void **state) {
  (void)state;
  embModel ms[3];
  models(ms);
  for (int e = 0; e < 3; e++) {
    const embModel *m = &ms[e];
    const int NS = emb_state_size(m);
    for (int d = 0; d < 2; d++)
      for (int side = 0; side < 2; side++) {
        embNum q[4] = {0, 0, 0, 0};
        if (m->kind == EMB_ARM) q[0] = 1.0f, q[1] = 1.2f;
        q[d] = side ? m->pos_ub[d] : m->pos_lb[d];
        embNum s[128], dn[128] = {0}, ds[128] = {0}, du[6] = {0}, a[6] = {0};
        assert_int_equal(emb_reset(m, s, q, 1), EMB_OK);
        dn[EMB_OFF_JOINT + d] = 1; /* d loss / d q_d(next) = 1 */
        emb_step_backward(m, ds, du, dn, s, a, NULL, 1);
        if (ds[d] != 0.5f || ds[2 + d] != 0.5f * m->dt)
          fail_msg("%s q%d resting on its %s bound: d/dq = %g, d/dqd = %g; expected 0.5 and "
                   "0.5*dt = %g (PyTorch's tie rule)",
                   m->name, d, side ? "upper" : "lower", (double)ds[d], (double)ds[2 + d],
                   0.5 * m->dt);
        /* one ulp inside the bound there is no tie: the full gradient */
        q[d] = side ? nextafterf(m->pos_ub[d], 0) : nextafterf(m->pos_lb[d], 1);
        memset(ds, 0, sizeof ds);
        assert_int_equal(emb_reset(m, s, q, 1), EMB_OK);
        emb_step_backward(m, ds, du, dn, s, a, NULL, 1);
        if (ds[d] != 1.0f) fail_msg("%s q%d inside its bound: d/dq = %g, expected 1", m->name, d,
                                    (double)ds[d]);
        (void)NS;
      }
  }
}

/* moving out through a bound: the velocity is zeroed (where) and gets no gradient, the
 * clamped position none either */
static void test_where_at_velocity_zeroing(void **state) {
  (void)state;
  embModel m;
  emb_model_init(&m, EMB_POINT_MASS, EMB_MUSCLE_RELU);
  embNum q[4] = {0.999f, 0, 1.0f, 0}, s[64], n[64], dn[64] = {0}, ds[64] = {0}, du[4] = {0};
  embNum a[4] = {0, 0, 0, 0};
  assert_int_equal(emb_reset(&m, s, q, 1), EMB_OK);
  emb_step(&m, n, s, a, NULL, 1);
  assert_true(n[0] == 1.0f && n[2] == 0.0f);
  dn[0] = 1; /* position */
  dn[2] = 1; /* velocity */
  emb_step_backward(&m, ds, du, dn, s, a, NULL, 1);
  if (ds[0] != 0 || ds[2] != 0)
    fail_msg("clipped position / zeroed velocity must pass no gradient: d/dx %g, d/dvx %g",
             (double)ds[0], (double)ds[2]);
}

static void test_activation_in_range(void **state) {
  (void)state;
  embModel ms[3];
  models(ms);
  for (int e = 0; e < 3; e++) {
    const embModel *m = &ms[e];
    const int NS = emb_state_size(m), M = m->M, B = 16;
    embNum s[16 * 128], q[16 * 4], a[16 * 6];
    for (int b = 0; b < B; b++)
      for (int d = 0; d < 2; d++) {
        q[4 * b + d] = m->pos_lb[d] + urand() * (m->pos_ub[d] - m->pos_lb[d]);
        q[4 * b + 2 + d] = 0;
      }
    assert_int_equal(emb_reset(m, s, q, B), EMB_OK);
    for (int t = 0; t < 300; t++) {
      for (int k = 0; k < B * M; k++) a[k] = -0.5 + 2 * urand(); /* often out of [0, 1] */
      emb_step(m, s, s, a, NULL, B);
      for (int b = 0; b < B; b++)
        for (int j = 0; j < M; j++) {
          embNum act = s[b * NS + EMB_OFF_MUSCLE + j];
          if (!(act >= m->min_act && act <= 1))
            fail_msg("%s step %d row %d muscle %d: activation %g outside [%g, 1]", m->name, t,
                     b, j, (double)act, (double)m->min_act);
        }
      for (int b = 0; b < B; b++)
        for (int d = 0; d < 2; d++) {
          embNum p = s[b * NS + d];
          if (!(p >= m->pos_lb[d] && p <= m->pos_ub[d]))
            fail_msg("%s step %d row %d: q%d = %g outside its bounds", m->name, t, b, d,
                     (double)p);
        }
    }
  }
}

static void test_point_mass_rest(void **state) {
  (void)state;
  embModel m;
  emb_model_init(&m, EMB_POINT_MASS, EMB_MUSCLE_RELU);
  const embNum pts[4][4] = {{0, 0, 0, 0}, {0.3f, -0.5f, 0, 0}, {-1, 1, 0, 0}, {0.9f, 0.7f, 0, 0}};
  embNum s[4 * 64], s0[4 * 64], a[16] = {0};
  assert_int_equal(emb_reset(&m, s, &pts[0][0], 4), EMB_OK);
  memcpy(s0, s, sizeof s);
  for (int t = 0; t < 100; t++) emb_step(&m, s, s, a, NULL, 4);
  for (int k = 0; k < 4 * emb_state_size(&m); k++)
    if (s[k] != s0[k])
      fail_msg("point mass at rest with zero action moved: element %d %g -> %g", k,
               (double)s0[k], (double)s[k]);
}

static void test_inverse_kinematics(void **state) {
  (void)state;
  embModel m;
  emb_model_init(&m, EMB_ARM, EMB_MUSCLE_THELEN);
  double worst = 0;
  int n = 0;
  for (int i = 0; i <= 40; i++)
    for (int k = 0; k <= 30; k++, n++) {
      double x = -0.40 + 0.40 * i / 40, y = 0.20 + 0.30 * k / 30, q[2];
      if (emb_inverse_kinematics(&m, x, y, q) != EMB_OK)
        fail_msg("no inverse kinematics for goal-box point (%g, %g): %s", x, y, emb_last_error());
      embNum joint[4] = {(embNum)q[0], (embNum)q[1], 0, 0}, cart[4];
      emb_forward_kinematics(&m, cart, joint, 1);
      double err = hypot(cart[0] - x, cart[1] - y);
      worst = fmax(worst, err);
      if (err > 1e-6) fail_msg("FK(IK(%g, %g)) = (%.9g, %.9g): error %.3g m", x, y,
                               (double)cart[0], (double)cart[1], err);
    }
  printf("[ ik ] %d goal-box points, worst |FK(IK(p)) - p| = %.3g m\n", n, worst);
  double q[2];
  /* unreachable: too far, too close to the shoulder; reachable but outside the joints */
  const double bad[][2] = {{0.7, 0.2}, {0.0, 0.01}, {0.3, -0.3}, {-0.3, -0.3}};
  for (int b = 0; b < 4; b++) {
    int rc = emb_inverse_kinematics(&m, bad[b][0], bad[b][1], q);
    if (rc != EMB_ERANGE)
      fail_msg("IK of (%g, %g) returned %d, expected EMB_ERANGE", bad[b][0], bad[b][1], rc);
    if (!strstr(emb_last_error(), "reach") && !strstr(emb_last_error(), "joint ranges"))
      fail_msg("unclear IK error: %s", emb_last_error());
  }
  assert_int_equal(emb_inverse_kinematics(&m, NAN, 0.3, q), EMB_ERANGE);
  embModel pm;
  emb_model_init(&pm, EMB_POINT_MASS, EMB_MUSCLE_RELU);
  assert_int_equal(emb_inverse_kinematics(&pm, 0.25, -0.5, q), EMB_OK);
  assert_true(q[0] == 0.25 && q[1] == -0.5);
  assert_int_equal(emb_inverse_kinematics(&pm, 1.5, 0, q), EMB_ERANGE);
}

static void test_reset_rejects_out_of_bounds(void **state) {
  (void)state;
  embModel m;
  emb_model_init(&m, EMB_ARM, EMB_MUSCLE_THELEN);
  embNum s[2 * 128], q[8] = {1, 1, 0, 0, 1, 3.0f, 0, 0};
  assert_int_equal(emb_reset(&m, s, q, 2), EMB_ERANGE);
  assert_non_null(strstr(emb_last_error(), "row 1"));
}

/* random initial states (in bounds), random actions; T steps forward, then backward */
static void rollout(const embModel *m, embNum *S, embNum *U, embNum *dU, embNum *dS0, int B,
                    int T, int chunks, const embNum *load) {
  const int NS = emb_state_size(m), M = m->M;
  embNum *dn = calloc((size_t)B * NS, sizeof(embNum)), *dp = calloc((size_t)B * NS, sizeof(embNum));
  /* rows split into `chunks` contiguous pieces, each piece by one thread */
#pragma omp parallel for num_threads(chunks) schedule(static, 1)
  for (int c = 0; c < chunks; c++) {
    int b0 = B * c / chunks, b1 = B * (c + 1) / chunks;
    for (int t = 0; t < T; t++)
      emb_step(m, S + ((size_t)(t + 1) * B + b0) * NS, S + ((size_t)t * B + b0) * NS,
               U + ((size_t)t * B + b0) * M, load, b1 - b0);
  }
  for (int k = 0; k < B * NS; k++) dn[k] = (k % 7) * 0.1f - 0.3f;
  memset(dU, 0, sizeof(embNum) * (size_t)T * B * M);
  for (int t = T - 1; t >= 0; t--) {
    memset(dp, 0, sizeof(embNum) * (size_t)B * NS);
#pragma omp parallel for num_threads(chunks) schedule(static, 1)
    for (int c = 0; c < chunks; c++) {
      int b0 = B * c / chunks, b1 = B * (c + 1) / chunks;
      emb_step_backward(m, dp + (size_t)b0 * NS, dU + ((size_t)t * B + b0) * M,
                        dn + (size_t)b0 * NS, S + ((size_t)t * B + b0) * NS,
                        U + ((size_t)t * B + b0) * M, load, b1 - b0);
    }
    memcpy(dn, dp, sizeof(embNum) * (size_t)B * NS);
  }
  memcpy(dS0, dn, sizeof(embNum) * (size_t)B * NS);
  free(dn);
  free(dp);
}

static void test_rows_identical_and_chunking(void **state) {
  (void)state;
  embModel ms[3];
  models(ms);
  const int B = 24, T = 50;
  const embNum load[2] = {1.5f, -2.0f};
  for (int e = 0; e < 3; e++) {
    const embModel *m = &ms[e];
    const int NS = emb_state_size(m), M = m->M;
    size_t nS = (size_t)(T + 1) * B * NS, nU = (size_t)T * B * M;
    embNum *S1 = calloc(nS, sizeof(embNum)), *S2 = calloc(nS, sizeof(embNum));
    embNum *U = calloc(nU, sizeof(embNum)), *dU1 = calloc(nU, sizeof(embNum)),
           *dU2 = calloc(nU, sizeof(embNum));
    embNum *d01 = calloc((size_t)B * NS, sizeof(embNum)), *d02 = calloc((size_t)B * NS, sizeof(embNum));
    embNum q[24 * 4];
    /* rows 0..7 identical, the others random */
    for (int b = 0; b < B; b++)
      for (int d = 0; d < 2; d++) {
        double f = b < 8 ? 0.5 : urand();
        q[4 * b + d] = m->pos_lb[d] + (embNum)f * (m->pos_ub[d] - m->pos_lb[d]);
        q[4 * b + 2 + d] = b < 8 ? 0.1f : (embNum)(urand() - 0.5);
      }
    for (int t = 0; t < T; t++)
      for (int b = 0; b < B; b++)
        for (int j = 0; j < M; j++)
          U[((size_t)t * B + b) * M + j] = b < 8 ? (embNum)(0.1 + 0.05 * j) : (embNum)urand();
    assert_int_equal(emb_reset(m, S1, q, B), EMB_OK);
    memcpy(S2, S1, sizeof(embNum) * (size_t)B * NS);
    rollout(m, S1, U, dU1, d01, B, T, 1, load);
    /* identical rows 0..7 */
    for (int b = 1; b < 8; b++) {
      if (memcmp(S1 + (size_t)T * B * NS, S1 + ((size_t)T * B + b) * NS, sizeof(embNum) * NS))
        fail_msg("%s: identical rows 0 and %d differ after %d steps", m->name, b, T);
    }
    /* 2, 3 and 5 chunks on as many threads give the same bits as one */
    const int chunk_counts[3] = {2, 3, 5};
    for (int c = 0; c < 3; c++) {
      rollout(m, S2, U, dU2, d02, B, T, chunk_counts[c], load);
      if (memcmp(S1, S2, sizeof(embNum) * nS) || memcmp(dU1, dU2, sizeof(embNum) * nU) ||
          memcmp(d01, d02, sizeof(embNum) * (size_t)B * NS))
        fail_msg("%s: results with %d row chunks/threads differ from one thread", m->name,
                 chunk_counts[c]);
    }
    free(S1), free(S2), free(U), free(dU1), free(dU2), free(d01), free(d02);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_half_gradient_at_tie),
      cmocka_unit_test(test_where_at_velocity_zeroing),
      cmocka_unit_test(test_activation_in_range),
      cmocka_unit_test(test_point_mass_rest),
      cmocka_unit_test(test_inverse_kinematics),
      cmocka_unit_test(test_reset_rejects_out_of_bounds),
      cmocka_unit_test(test_rows_identical_and_chunking),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
