/* test_rng.c — Philox keying: known-answer block, determinism, purpose independence,
 * fill functions equal the scalar draws, uniform range, moments of many draws. */
#include "harness.h"

#include <Random123/philox.h>
#include <string.h>
#include "embody/emb_rng.h"

/* Random123's kat_vectors: philox4x32 10 rounds, counter 0, key 0. Our keying maps
 * (seed 0, purpose 0, epoch 0, step 0, row 0, block 0) to that counter and key. */
static void test_known_answer(void **state) {
  (void)state;
  embRngKey k = emb_rng_key(0, (embRngPurpose)0, 0);
  uint32_t w[4];
  emb_rng_block(&k, 0, 0, 0, w);
  const uint32_t expect[4] = {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u};
  for (int i = 0; i < 4; i++)
    if (w[i] != expect[i]) fail_msg("word %d: %08x, expected %08x", i, w[i], expect[i]);
}

static void test_deterministic_and_fill_consistent(void **state) {
  (void)state;
  embRngKey k = emb_rng_key(12345, EMB_RNG_ACTION_NOISE, 7);
  double a[9], b[9], u[9];
  emb_rng_normal_fill(&k, 3, 11, a, 9);
  emb_rng_normal_fill(&k, 3, 11, b, 9);
  emb_rng_uniform_fill(&k, 3, 11, u, 9);
  for (int e = 0; e < 9; e++) {
    assert_true(memcmp(&a[e], &b[e], sizeof(double)) == 0);
    double s = emb_rng_normal(&k, 3, 11, (uint64_t)e);
    assert_true(memcmp(&a[e], &s, sizeof(double)) == 0);
    double us = emb_rng_uniform(&k, 3, 11, (uint64_t)e);
    assert_true(memcmp(&u[e], &us, sizeof(double)) == 0);
  }
  /* the rows helper: row 11 of a block starting at row 10 */
  embNum rows[3 * 9];
  emb_rng_normal_rows(&k, 3, 10, 3, 9, 2.0, rows);
  for (int e = 0; e < 9; e++) assert_close(rows[9 + e], 2.0 * a[e], 1e-6, 1e-6);
  embNum ur[2 * 5];
  emb_rng_uniform_rows(&k, 3, 11, 2, 5, -1.0, 3.0, ur);
  for (int e = 0; e < 5; e++) assert_close(ur[e], -1.0 + 4.0 * u[e], 1e-6, 1e-6);
}

/* every coordinate changes the draw; no two purposes share a stream */
static void test_coordinates_independent(void **state) {
  (void)state;
  enum { N = 64, NP = 10 };
  static double streams[NP][N];
  for (int p = 0; p < NP; p++) {
    embRngKey k = emb_rng_key(5, (embRngPurpose)p, 2);
    emb_rng_uniform_fill(&k, 1, 0, streams[p], N);
  }
  for (int p = 0; p < NP; p++)
    for (int q = p + 1; q < NP; q++) {
      int same = 0;
      for (int e = 0; e < N; e++) same += streams[p][e] == streams[q][e];
      if (same) fail_msg("purposes %d and %d share %d of %d draws", p, q, same, N);
    }
  embRngKey k = emb_rng_key(5, EMB_RNG_GOAL, 2);
  double base = emb_rng_uniform(&k, 1, 0, 0);
  embRngKey k2 = emb_rng_key(6, EMB_RNG_GOAL, 2), k3 = emb_rng_key(5, EMB_RNG_GOAL, 3);
  assert_true(base != emb_rng_uniform(&k2, 1, 0, 0)); /* seed */
  assert_true(base != emb_rng_uniform(&k3, 1, 0, 0)); /* epoch */
  assert_true(base != emb_rng_uniform(&k, 2, 0, 0));  /* step */
  assert_true(base != emb_rng_uniform(&k, 1, 1, 0));  /* row */
  assert_true(base != emb_rng_uniform(&k, 1, 0, 1));  /* element */
  embRngKey khi = emb_rng_key(5ull + (1ull << 32), EMB_RNG_GOAL, 2);
  assert_true(base != emb_rng_uniform(&khi, 1, 0, 0)); /* high seed bits */
}

static void test_moments(void **state) {
  (void)state;
  enum { ROWS = 400, N = 500 };
  static double buf[N];
  double su = 0, su2 = 0, umin = 1, umax = 0, sn = 0, sn2 = 0, sn3 = 0, sn4 = 0;
  long cnt = 0;
  embRngKey ku = emb_rng_key(1, EMB_RNG_START, 0), kn = emb_rng_key(1, EMB_RNG_POLICY_EPS, 0);
  for (int r = 0; r < ROWS; r++) {
    emb_rng_uniform_fill(&ku, 0, (uint32_t)r, buf, N);
    for (int e = 0; e < N; e++) {
      double u = buf[e];
      if (!(u >= 0.0 && u < 1.0)) fail_msg("uniform %g outside [0,1)", u);
      su += u; su2 += u * u;
      umin = fmin(umin, u); umax = fmax(umax, u);
    }
    emb_rng_normal_fill(&kn, 0, (uint32_t)r, buf, N);
    for (int e = 0; e < N; e++) {
      double x = buf[e];
      sn += x; sn2 += x * x; sn3 += x * x * x; sn4 += x * x * x * x;
    }
    cnt += N;
  }
  double mu = su / cnt, vu = su2 / cnt - mu * mu;
  double mn = sn / cnt, vn = sn2 / cnt - mn * mn, sk = sn3 / cnt, ku4 = sn4 / cnt;
  printf("uniform: mean %.5f var %.5f min %.2e max %.8f; normal: mean %.5f var %.5f "
         "E[x^3] %.4f E[x^4] %.4f (n = %ld)\n", mu, vu, umin, umax, mn, vn, sk, ku4, cnt);
  /* n = 2e5: standard errors ~ 6.5e-4 (uniform mean), 2.2e-3 (normal mean, var) */
  assert_close(mu, 0.5, 4e-3, 0);
  assert_close(vu, 1.0 / 12.0, 2e-3, 0);
  assert_close(mn, 0.0, 1e-2, 0);
  assert_close(vn, 1.0, 1.5e-2, 0);
  assert_close(sk, 0.0, 4e-2, 0);
  assert_close(ku4, 3.0, 8e-2, 0);
  assert_true(umin < 1e-4 && umax > 1.0 - 1e-4);
}

/* our vectorisable Philox equals Random123's philox4x32 on many counters and keys */
static void test_philox_equals_random123(void **state) {
  (void)state;
  for (int i = 0; i < 2000; i++) {
    uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
    uint32_t purpose = (uint32_t)(i % 256), epoch = (uint32_t)(i * 7919u), step = (uint32_t)(i * 31u) & EMB_RNG_MAX_STEP;
    uint32_t row = (uint32_t)(i * 2654435761u), block = (uint32_t)(i * 40503u);
    embRngKey k = emb_rng_key(seed, (embRngPurpose)purpose, epoch);
    uint32_t w[4];
    emb_rng_block(&k, step, row, block, w);
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t ctr = {{block, row, (purpose << 24) | step, epoch}};
    philox4x32_ctr_t r = philox4x32(ctr, key);
    for (int j = 0; j < 4; j++)
      if (w[j] != r.v[j]) fail_msg("case %d word %d: %08x, Random123 %08x", i, j, w[j], r.v[j]);
  }
}

/* our log and sin/cos polynomials against libm: the normals agree to a few 1e-16 */
static void test_normals_match_libm(void **state) {
  (void)state;
  embRngKey k = emb_rng_key(77, EMB_RNG_POLICY_EPS, 3);
  double worst = 0, worst_abs = 0;
  for (uint32_t row = 0; row < 2000; row++)
    for (uint32_t blk = 0; blk < 8; blk++) {
      uint32_t w[4];
      emb_rng_block(&k, 5, row, blk, w);
      double u1 = 1.0 - ((double)(w[0] >> 5) * 67108864.0 + (double)(w[1] >> 6)) / 9007199254740992.0;
      double u2 = ((double)(w[2] >> 5) * 67108864.0 + (double)(w[3] >> 6)) / 9007199254740992.0;
      double rad = sqrt(-2.0 * log(u1)), th = 6.283185307179586476925286766559 * u2;
      double ref[2] = {rad * cos(th), rad * sin(th)};
      for (int e = 0; e < 2; e++) {
        double v = emb_rng_normal(&k, 5, row, 2 * blk + (uint32_t)e), d = fabs(v - ref[e]);
        /* libm's angle 2π·u2 is itself rounded (up to 4.4e-16 absolute): compare with
         * an absolute bound scaled by the radius, plus a relative one */
        double tol = 4e-15 * rad + 4e-16 * fabs(ref[e]);
        if (d > tol) fail_msg("row %u elem %u: %.17g, libm %.17g (diff %.3g)", row, 2 * blk + e, v, ref[e], d);
        if (d > worst_abs) worst_abs = d;
        if (d / (rad + 1e-300) > worst) worst = d / rad;
      }
    }
  printf("normals vs libm Box-Muller: max |diff| %.3g, max |diff|/radius %.3g\n", worst_abs, worst);
}

/* the batch call (row ids, stride, odd n) gives the scalar draws' bits */
static void test_block_equals_scalar(void **state) {
  (void)state;
  embRngKey k = emb_rng_key(3, EMB_RNG_VISION_NOISE, 9);
  enum { B = 37, N = 7, LD = 11 };
  uint32_t rows[B];
  for (int b = 0; b < B; b++) rows[b] = (uint32_t)(1000 - 13 * b);
  embNum out[B * LD];
  double uo[B * LD];
  for (int i = 0; i < B * LD; i++) out[i] = -99, uo[i] = -99;
  emb_rng_normal_block(&k, 4, rows, 0, B, N, 0.5, out, LD);
  emb_rng_uniform_block(&k, 4, rows, 0, B, N, uo, LD);
  for (int b = 0; b < B; b++) {
    for (int e = 0; e < N; e++) {
      embNum want = (embNum)(0.5 * emb_rng_normal(&k, 4, rows[b], (uint64_t)e));
      if (memcmp(&out[b * LD + e], &want, sizeof want))
        fail_msg("row %d elem %d: %.9g, scalar %.9g", b, e, (double)out[b * LD + e], (double)want);
      double u = emb_rng_uniform(&k, 4, rows[b], (uint64_t)e);
      if (memcmp(&uo[b * LD + e], &u, sizeof u)) fail_msg("uniform row %d elem %d differs", b, e);
    }
    for (int e = N; e < LD; e++) assert_true(out[b * LD + e] == -99 && uo[b * LD + e] == -99);
  }
  /* NULL rows = consecutive rows from row0; equals the rows helper */
  embNum blk[B * N], rh[B * N];
  emb_rng_normal_block(&k, 4, NULL, 500, B, N, 1.0, blk, N);
  emb_rng_normal_rows(&k, 4, 500, B, N, 1.0, rh);
  assert_true(memcmp(blk, rh, sizeof blk) == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_answer),
      cmocka_unit_test(test_deterministic_and_fill_consistent),
      cmocka_unit_test(test_coordinates_independent),
      cmocka_unit_test(test_moments),
      cmocka_unit_test(test_philox_equals_random123),
      cmocka_unit_test(test_normals_match_libm),
      cmocka_unit_test(test_block_equals_scalar),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
