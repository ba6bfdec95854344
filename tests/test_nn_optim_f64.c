/* test_nn_optim_f64.c — AdamW against values worked out by hand / in plain Python floats
 * following torch.optim.AdamW's single-tensor update (no torch here), gradient-norm
 * clipping as torch.nn.utils.clip_grad_norm_, and the cosine schedule (double build). */
#include "harness.h"

#include <string.h>
#include "embody/emb_nn.h"

/* Three steps, lr 1e-3, 2e-3, 5e-4, weight decay 0.01, betas (0.9, 0.999), eps 1e-8.
 * Expected values from plain Python floats:
 *   p *= 1 - lr*wd; m += (1-b1)*(g-m); v = v*b2 + (1-b2)*g*g
 *   p -= lr/(1-b1**t) * m / (sqrt(v)/sqrt(1-b2**t) + eps)
 * Step 1 by hand: p1 = p0 (1 − lr wd) − lr g / (|g| + eps), e.g. 0.5 → 0.4989950001. */
static void test_adamw_three_steps(void **s) {
  (void)s;
  double p[4] = {0.5, -1.25, 2.0, 0.0}, m[4] = {0}, v[4] = {0};
  const double g[3][4] = {{0.1, -0.3, 2.5, 1e-3}, {-0.2, 0.4, 1.0, -5e-4}, {0.05, 0.05, -3.0, 0.0}};
  const double lr[3] = {1e-3, 2e-3, 5e-4};
  const double expect[3][4] = {
      {0.49899500010000003, -1.2489875000333333, 1.9989800000040001, -0.00099999000009999908},
      {0.49971722720776779, -1.2493495410906597, 1.9971428700042952, -0.0015326373408412746},
      {0.49978307394799037, -1.2494495182908207, 1.9971388293894359, -0.00163556773409916}};
  assert_close(0.5 * (1 - 1e-3 * 0.01) - 1e-3 * 0.1 / (0.1 + 1e-8), expect[0][0], 1e-15, 0);
  for (int t = 0; t < 3; t++) {
    emb_adamw_update(p, g[t], m, v, 4, t + 1, lr[t], EMB_ADAMW_BETA1, EMB_ADAMW_BETA2,
                     EMB_ADAMW_EPS, EMB_ADAMW_WEIGHT_DECAY);
    for (int i = 0; i < 4; i++) assert_close(p[i], expect[t][i], 1e-15, 1e-13);
  }
}

/* the embParams wrapper: step counter, m and v kept between calls, defaults */
static void test_adamw_state(void **s) {
  (void)s;
  embNetSizes sz = {2, 3, 2, 2};
  embParams p, g;
  embAdamW o;
  assert_int_equal(emb_params_alloc(&p, sz), EMB_OK);
  assert_int_equal(emb_params_alloc(&g, sz), EMB_OK);
  assert_int_equal(emb_adamw_alloc(&o, sz), EMB_OK);
  assert_true(o.beta1 == 0.9 && o.beta2 == 0.999 && o.eps == 1e-8 && o.weight_decay == 0.01);
  for (size_t i = 0; i < p.n; i++) p.data[i] = 1.0, g.data[i] = (i % 2) ? 0.5 : -0.5;
  emb_adamw_step(&o, &p, &g, 1e-2);
  emb_adamw_step(&o, &p, &g, 1e-2);
  assert_int_equal(o.step, 2);
  /* constant gradient: m̂ = g, v̂ = g², each step moves lr*sign(g) (up to eps) after decay */
  double p1 = 1.0 * (1 - 1e-4) - 1e-2 * 0.5 / (0.5 + 1e-8);
  double p2 = p1 * (1 - 1e-4) - 1e-2 * 0.5 / (0.5 + 1e-8);
  assert_close(p.data[1], p2, 1e-14, 0);
  assert_close(o.m.data[1], 0.5 * (1 - 0.9 * 0.9), 1e-15, 0);
  assert_close(o.v.data[1], 0.25 * (1 - 0.999 * 0.999), 1e-15, 0);
  emb_adamw_free(&o);
  emb_params_free(&p);
  emb_params_free(&g);
}

static void test_clip(void **s) {
  (void)s;
  embNetSizes sz = {1, 1, 1, 1};
  embParams g;
  assert_int_equal(emb_params_alloc(&g, sz), EMB_OK);
  emb_params_zero(&g);
  g.data[0] = 3.0;
  g.data[g.n - 1] = -4.0;
  double norm = emb_clip_grad_norm(&g, 1.0);
  assert_close(norm, 5.0, 1e-15, 0);
  assert_close(g.data[0], 3.0 / (5.0 + 1e-6), 1e-15, 0);
  assert_close(g.data[g.n - 1], -4.0 / (5.0 + 1e-6), 1e-15, 0);
  /* below the threshold: unchanged, norm still returned */
  norm = emb_clip_grad_norm(&g, 10.0);
  assert_close(norm, 1.0 / (1.0 + 2e-7), 1e-12, 0);
  assert_true(g.data[0] == 3.0 / (5.0 + 1e-6));
  /* non-finite norm: returned, gradient untouched */
  g.data[1] = NAN;
  norm = emb_clip_grad_norm(&g, 1.0);
  assert_true(isnan(norm));
  assert_true(g.data[0] == 3.0 / (5.0 + 1e-6));
  emb_params_free(&g);
}

static void test_cosine(void **s) {
  (void)s;
  assert_close(emb_cosine_lr(1e-3, 1e-5, 0, 100), 1e-3, 1e-18, 0);
  assert_close(emb_cosine_lr(1e-3, 1e-5, 50, 100), (1e-3 + 1e-5) / 2, 1e-18, 0);
  assert_close(emb_cosine_lr(1e-3, 1e-5, 100, 100), 1e-5, 1e-18, 0);
  assert_close(emb_cosine_lr(1e-3, 0.0, 25, 100), 1e-3 * (1 + sqrt(0.5)) / 2, 1e-18, 0);
  assert_true(emb_cosine_lr(1e-3, NAN, 77, 100) == 1e-3); /* lr_min null: constant */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_adamw_three_steps),
      cmocka_unit_test(test_adamw_state),
      cmocka_unit_test(test_clip),
      cmocka_unit_test(test_cosine),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
