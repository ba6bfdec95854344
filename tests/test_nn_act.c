/* test_nn_act.c — the float build's polynomial exp / sigmoid / tanh (src/nn/act.h):
 * accuracy against double-precision libm on a dense grid, and identical bits from the
 * vectorised loop and from one-at-a-time scalar calls. */
#include "harness.h"

#include <string.h>

#include "nn/act.h"

enum { N = 200001 };
static float xs[N], vec_s[N], vec_t[N];

/* kept out of line: one value at a time, never vectorised */
__attribute__((noinline)) static float scalar_sigmoid(volatile float x) { return nn_sigmoid(x); }
__attribute__((noinline)) static float scalar_tanh(volatile float x) { return nn_tanh(x); }

static void test_accuracy_and_lanes(void **s) {
  (void)s;
  for (int i = 0; i < N; i++) xs[i] = -30.0f + 60.0f * (float)i / (N - 1);
#pragma omp simd
  for (int i = 0; i < N; i++) {
    vec_s[i] = nn_sigmoid(xs[i]);
    vec_t[i] = nn_tanh(xs[i]);
  }
  double es = 0, et = 0, ee = 0;
  for (int i = 0; i < N; i++) {
    double x = xs[i];
    es = fmax(es, fabs(vec_s[i] - 1.0 / (1.0 + exp(-x))));
    et = fmax(et, fabs(vec_t[i] - tanh(x)) / fmax(fabs(tanh(x)), 1e-30));
    if (fabs(x) < 20) ee = fmax(ee, fabs(nn_exp(xs[i]) - exp(x)) / exp(x));
    float ss = scalar_sigmoid(xs[i]), st = scalar_tanh(xs[i]);
    if (memcmp(&ss, &vec_s[i], 4) || memcmp(&st, &vec_t[i], 4))
      fail_msg("x = %.9g: vector lanes %.9g %.9g, scalar %.9g %.9g", x, vec_s[i], vec_t[i], ss, st);
  }
  printf("max errors over [-30, 30]: sigmoid abs %.3g, tanh rel %.3g, exp rel (|x|<20) %.3g\n",
         es, et, ee);
  assert_true(es < 1e-7);
  assert_true(et < 5e-7);
  assert_true(ee < 2.5e-7);
  /* tiny arguments keep their relative accuracy; limits are exact */
  assert_close(nn_tanh(1e-6f), 1e-6, 0, 1e-6);
  assert_true(nn_tanh(50.0f) == 1.0f && nn_tanh(-50.0f) == -1.0f);
  assert_true(nn_sigmoid(-200.0f) >= 0.0f && nn_sigmoid(200.0f) == 1.0f);
  assert_true(nn_sigmoid(0.0f) == 0.5f && nn_tanh(0.0f) == 0.0f);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_accuracy_and_lanes)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
