/* test_sim_lanes.c — the SIMD layer under the effector step (src/sim/lanes.h), float
 * build: accuracy of the own vector exp and sin/cos against double-precision libm (and
 * their special values), the rows <-> lanes transfers against a plain loop (every
 * stride, range and partial block the step uses), and a row's step and backward being
 * bit-identical whether it is stepped alone (a padded block) or at any lane of a full
 * block. */
#include "harness.h"

#include <float.h>
#include <string.h>

#include "embody/emb_effector.h"
#include "sim/lanes.h"

static uint64_t rs = 987654321;
static double urand(void) {
  rs = rs * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(rs >> 11) / 9007199254740992.0;
}

/* float ulp at |r| (subnormal spacing below the normal range) */
static double ulp_of(double r) {
  r = fabs(r);
  if (r < 0x1p-126) return 0x1p-149;
  int e;
  frexp(r, &e); /* r = f 2^e, f in [0.5, 1) */
  return ldexp(1, e - 24);
}

/* one value through every lane, lane 0 back */
static float ex(float x) { return vexp(vset1(x))[0]; }
static void sc(float x, float *s, float *c) {
  vnum vs, vc;
  vsincos(vset1(x), &vs, &vc);
  *s = vs[0], *c = vc[0];
}

static void test_exp_accuracy(void **state) {
  (void)state;
  const int N = 400000;
  double worst = 0, worst_x = 0;
  for (int i = 0; i < N; i += EMB_LANES) {
    vnum x;
    for (int l = 0; l < EMB_LANES; l++) x[l] = (float)(-104 + 193.0 * (i + l) / N);
    vnum y = vexp(x);
    for (int l = 0; l < EMB_LANES; l++) {
      double ref = exp((double)x[l]);
      if (ref > FLT_MAX) {
        if (!isinf(y[l])) fail_msg("exp(%.9g) = %.9g, expected inf", (double)x[l], (double)y[l]);
        continue;
      }
      double e = fabs(y[l] - ref) / ulp_of(ref);
      if (e > worst) worst = e, worst_x = x[l];
    }
  }
  printf("[ lanes ] vexp: worst error %.3f ulp (at x = %.9g) over [-104, 89]\n", worst, worst_x);
  if (!(worst <= 1.5)) fail_msg("vexp error %.3f ulp at x = %.9g (> 1.5 ulp)", worst, worst_x);
  /* special values */
  assert_true(isnan(ex(NAN)));
  assert_true(isinf(ex(INFINITY)) && ex(INFINITY) > 0);
  assert_true(ex(-INFINITY) == 0 && ex(0) == 1 && ex(-0.0f) == 1);
  assert_true(isinf(ex(200)) && ex(-200) == 0);
  assert_close(ex(1), 2.718281828, 0, 1.2e-7);
  assert_true(ex(-100) > 0 && ex(-100) < 0x1p-126); /* subnormal, not flushed */
}

static void test_sincos_accuracy(void **state) {
  (void)state;
  const int N = 400000;
  double worst = 0, worst_x = 0;
  for (int i = 0; i < N; i += EMB_LANES) {
    vnum x, s, c;
    for (int l = 0; l < EMB_LANES; l++) x[l] = (float)(-40 + 80.0 * (i + l) / N);
    vsincos(x, &s, &c);
    for (int l = 0; l < EMB_LANES; l++) {
      /* error in ulps of the result, but at least of 2^-24 (the reduction's absolute
       * error near a zero of sin or cos is what float arguments allow) */
      double rs_ = sin((double)x[l]), rc = cos((double)x[l]);
      double es = fabs(s[l] - rs_) / fmax(ulp_of(rs_), 0x1p-26);
      double ec = fabs(c[l] - rc) / fmax(ulp_of(rc), 0x1p-26);
      if (es > worst) worst = es, worst_x = x[l];
      if (ec > worst) worst = ec, worst_x = x[l];
    }
  }
  printf("[ lanes ] vsincos: worst error %.3f ulp (at x = %.9g) over [-40, 40]\n", worst,
         worst_x);
  if (!(worst <= 2.0)) fail_msg("vsincos error %.3f ulp at x = %.9g (> 2 ulp)", worst, worst_x);
  /* exact points, huge arguments (libm fallback), non-finite, signed zero */
  float sn, cs;
  sc(0, &sn, &cs);
  assert_true(sn == 0 && !signbit(sn) && cs == 1);
  sc(-0.0f, &sn, &cs);
  assert_true(sn == 0 && signbit(sn) && cs == 1);
  sc(1e6f, &sn, &cs);
  assert_true(sn == sinf(1e6f) && cs == cosf(1e6f));
  sc(-3e5f, &sn, &cs);
  assert_true(sn == sinf(-3e5f) && cs == cosf(-3e5f));
  sc(NAN, &sn, &cs);
  assert_true(isnan(sn) && isnan(cs));
  sc(INFINITY, &sn, &cs);
  assert_true(isnan(sn) && isnan(cs));
}

/* lanes_load / lanes_store / lanes_add against plain loops */
static void test_transfers(void **state) {
  (void)state;
  const int strides[] = {1, 4, 6, 16, 17, 40, 74};
  float src[20 * 80], dst[20 * 80], ref[20 * 80];
  vnum v[80];
  for (size_t s = 0; s < sizeof strides / sizeof strides[0]; s++) {
    const int st = strides[s];
    for (int n = 1; n <= EMB_LANES; n++)
      for (int k0 = 0; k0 < st; k0 += 1 + st / 5)
        for (int cnt = 1; k0 + cnt <= st; cnt += 1 + st / 7) {
          for (int i = 0; i < 20 * 80; i++) src[i] = (float)urand(), dst[i] = ref[i] = (float)urand();
          lanes_load(v, src, st, n, k0, cnt);
          for (int k = 0; k < cnt; k++)
            for (int l = 0; l < EMB_LANES; l++)
              if (v[k][l] != src[(l < n ? l : n - 1) * st + k0 + k])
                fail_msg("load stride %d n %d cols [%d,%d): lane %d col %d wrong", st, n, k0,
                         k0 + cnt, l, k0 + k);
          for (int add = 0; add < 2; add++) {
            add ? lanes_add(dst, v, st, n, k0, cnt) : lanes_store(dst, v, st, n, k0, cnt);
            for (int l = 0; l < n; l++)
              for (int k = 0; k < cnt; k++) {
                float x = src[l * st + k0 + k];
                ref[l * st + k0 + k] = add ? ref[l * st + k0 + k] + x : x;
              }
            if (memcmp(dst, ref, sizeof dst))
              fail_msg("%s stride %d n %d cols [%d,%d): wrong or touched other entries",
                       add ? "add" : "store", st, n, k0, k0 + cnt);
          }
        }
  }
}

/* every row stepped alone == the same row inside a batch (any lane, padded or not) */
static void test_lane_independence(void **state) {
  (void)state;
  const embMuscleKind mk[3] = {EMB_MUSCLE_RELU, EMB_MUSCLE_KISTEMAKER, EMB_MUSCLE_THELEN};
  const embNum load[2] = {2.0f, -1.0f};
  enum { B = 37, T = 20 };
  for (int e = 0; e < 3; e++) {
    embModel m;
    emb_model_init(&m, e ? EMB_ARM : EMB_POINT_MASS, mk[e]);
    const int NS = emb_state_size(&m), M = m.M;
    embNum q[B * 4], s[B * 80], s1[80], u[B * 6], dn[B * 80], ds[B * 80], du[B * 6];
    for (int b = 0; b < B; b++)
      for (int d = 0; d < 2; d++) {
        q[4 * b + d] = m.pos_lb[d] + (embNum)urand() * (m.pos_ub[d] - m.pos_lb[d]);
        q[4 * b + 2 + d] = (embNum)(4 * urand() - 2);
      }
    assert_int_equal(emb_reset(&m, s, q, B), EMB_OK);
    for (int t = 0; t < T; t++) {
      for (int k = 0; k < B * M; k++) u[k] = (embNum)(1.2 * urand() - 0.1);
      for (int k = 0; k < B * NS; k++) dn[k] = (embNum)(urand() - 0.5), ds[k] = 0;
      memset(du, 0, sizeof du);
      const embNum *ld = t % 2 ? load : NULL;
      emb_step_backward(&m, ds, du, dn, s, u, ld, B);
      for (int b = 0; b < B; b++) {
        embNum ds1[80] = {0}, du1[6] = {0};
        emb_step_backward(&m, ds1, du1, dn + b * NS, s + b * NS, u + b * M, ld, 1);
        if (memcmp(ds1, ds + b * NS, sizeof(embNum) * NS) || memcmp(du1, du + b * M, sizeof(embNum) * M))
          fail_msg("%s step %d: backward of row %d alone differs from in the batch", m.name, t, b);
      }
      embNum next[B * 80];
      emb_step(&m, next, s, u, ld, B);
      for (int b = 0; b < B; b++) {
        emb_step(&m, s1, s + b * NS, u + b * M, ld, 1);
        if (memcmp(s1, next + b * NS, sizeof(embNum) * NS))
          fail_msg("%s step %d: row %d alone differs from in the batch", m.name, t, b);
      }
      memcpy(s, next, sizeof(embNum) * B * NS);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exp_accuracy),
      cmocka_unit_test(test_sincos_accuracy),
      cmocka_unit_test(test_transfers),
      cmocka_unit_test(test_lane_independence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
