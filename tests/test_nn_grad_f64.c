/* test_nn_grad_f64.c — every backward of src/nn against central finite differences
 * (double build): GRU cell w.r.t. x, h_prev and each GRU tensor; head w.r.t. h and each
 * bg.* tensor for exp and softplus (threshold branch included, ReLU on both sides); the
 * initial state tanh(θ0); each loss term. Each check runs with CBLAS and with the naive
 * reference products, and also checks that backward accumulates (+=).
 *
 * Scalar test function: f = Σ G ⊙ output with a fixed random G, so dL/doutput = G. */
#include "harness.h"

#include <string.h>
#include "embody/emb_nn.h"
#include "embody/emb_rng.h"

enum { B = 3, NI = 5, H1 = 4, H2 = 6, M = 3, T = 4 };
static const embNetSizes SZ = {NI, H1, H2, M};
#define FD_H 1e-6
#define ATOL 1e-8
#define RTOL 1e-6

static void fill_normal(double *x, size_t n, uint32_t tag, double scale) {
  embRngKey k = emb_rng_key(99, EMB_RNG_USER0, tag);
  emb_rng_normal_rows(&k, 0, 0, 1, (int)n, scale, x);
}

typedef double (*scalar_fn)(void *ctx);

/* compare grad[i] with the central difference of f along x[i], for all i */
static void check_fd(const char *what, double *x, const double *grad, size_t n, scalar_fn f,
                     void *ctx) {
  /* rounding in f is ~1e-16 |f| / FD_H: the absolute floor scales with |f| */
  const double atol = ATOL * fmax(1.0, fabs(f(ctx)));
  double max_err = 0, max_g = 0;
  size_t worst = 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[i];
    x[i] = v + FD_H;
    double lp = f(ctx);
    x[i] = v - FD_H;
    double lm = f(ctx);
    x[i] = v;
    double fd = (lp - lm) / (2 * FD_H);
    double err = fabs(grad[i] - fd) / (atol + RTOL * fabs(fd));
    if (err > max_err) max_err = err, worst = i;
    if (fabs(grad[i]) > max_g) max_g = fabs(grad[i]);
  }
  printf("  %-22s n=%3zu max|g|=%.3e worst err/tol=%.3f (at %zu)\n", what, n, max_g, max_err,
         worst);
  if (max_err > 1.0) {
    double v = x[worst];
    x[worst] = v + FD_H;
    double lp = f(ctx);
    x[worst] = v - FD_H;
    double lm = f(ctx);
    x[worst] = v;
    fail_msg("%s[%zu]: analytic %.12g vs finite difference %.12g", what, worst, grad[worst],
             (lp - lm) / (2 * FD_H));
  }
  if (!(max_g > 1e-4)) fail_msg("%s: gradient is (almost) zero, the check is vacuous", what);
}

/* ---------------------------------------------------------------- GRU cell */
typedef struct {
  embParams p;
  double x[B * NI], hp[B * H1], G[B * H1], h[B * H1], cache[B * 4 * H1];
} gru_ctx;

static double gru_f(void *vc) {
  gru_ctx *c = vc;
  emb_gru_forward(c->h, c->cache, c->x, c->hp, &c->p, B);
  double s = 0;
  for (int i = 0; i < B * H1; i++) s += c->G[i] * c->h[i];
  return s;
}

static void run_gru(int reference) {
  emb_nn_use_reference_gemm(reference);
  gru_ctx c;
  assert_int_equal(emb_params_alloc(&c.p, SZ), EMB_OK);
  emb_params_init(&c.p, 7, 0.3);
  /* larger weights than the default init, so gates leave their linear range */
  for (size_t i = 0; i < c.p.n; i++) c.p.data[i] *= 2.5;
  fill_normal(c.x, B * NI, 1, 1.0);
  fill_normal(c.hp, B * H1, 2, 0.6);
  fill_normal(c.G, B * H1, 3, 1.0);
  embParams dp;
  assert_int_equal(emb_params_alloc(&dp, SZ), EMB_OK);
  double dx[B * NI], dhp[B * H1], work[4096];
  assert_true(emb_nn_work_size(SZ, B) <= 4096);
  /* sentinel 0.5 in every gradient checks that backward adds instead of overwriting */
  for (size_t i = 0; i < dp.n; i++) dp.data[i] = 0.5;
  for (int i = 0; i < B * NI; i++) dx[i] = 0.5;
  for (int i = 0; i < B * H1; i++) dhp[i] = 0.5;
  gru_f(&c);
  emb_gru_backward(dx, dhp, &dp, c.G, c.cache, c.x, c.hp, &c.p, B, work);
  for (size_t i = 0; i < dp.n; i++) dp.data[i] -= 0.5;
  for (int i = 0; i < B * NI; i++) dx[i] -= 0.5;
  for (int i = 0; i < B * H1; i++) dhp[i] -= 0.5;
  check_fd("gru dx", c.x, dx, B * NI, gru_f, &c);
  check_fd("gru dh_prev", c.hp, dhp, B * H1, gru_f, &c);
  for (int k = 0; k < 4; k++) {
    embTensorInfo t = emb_params_info(SZ, k);
    check_fd(t.name, c.p.data + t.offset, dp.data + t.offset, t.size, gru_f, &c);
  }
  /* tensors the GRU does not touch keep zero gradient */
  for (int k = 4; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(SZ, k);
    for (size_t i = 0; i < t.size; i++) assert_true(dp.data[t.offset + i] == 0.0);
  }
  emb_params_free(&dp);
  emb_params_free(&c.p);
  emb_nn_use_reference_gemm(0);
}

static void test_gru_blas(void **s) { (void)s; run_gru(0); }
static void test_gru_naive(void **s) { (void)s; run_gru(1); }

/* ---------------------------------------------------------------- head */
typedef struct {
  embParams p;
  embPositiveFunc pos;
  double h[B * H1], eps[B * M], G[B * M], a[B * M], cache[B * (H2 + 3 * M)];
} head_ctx;

static double head_f(void *vc) {
  head_ctx *c = vc;
  emb_head_forward(c->a, c->cache, c->h, c->eps, &c->p, c->pos, B);
  double s = 0;
  for (int i = 0; i < B * M; i++) s += c->G[i] * c->a[i];
  return s;
}

static void run_head(embPositiveFunc pos, int reference) {
  emb_nn_use_reference_gemm(reference);
  head_ctx c;
  c.pos = pos;
  assert_int_equal(emb_params_alloc(&c.p, SZ), EMB_OK);
  emb_params_init(&c.p, 11, 0.0);
  for (size_t i = 0; i < c.p.n; i++) c.p.data[i] *= 2.0;
  fill_normal(c.h, B * H1, 4, 1.0);
  fill_normal(c.eps, B * M, 5, 1.0);
  fill_normal(c.G, B * M, 6, 1.0);
  /* ReLU on both sides: half of the striatum units pushed up, half down */
  for (int j = 0; j < H2; j++) c.p.bg_cs_bias[j] = (j % 2) ? 1.5 : -1.5;
  c.p.bg_cs_bias[0] = 0.1; /* a unit that is positive in some rows only */
  if (pos == EMB_POS_SOFTPLUS) c.p.bg_scale_bias[0] = 25.0; /* threshold branch (> 20) */
  head_f(&c);
  int on = 0, off = 0;
  for (int b = 0; b < B; b++)
    for (int j = 0; j < H2; j++) {
      if (c.cache[b * (H2 + 3 * M) + j] > 0) on++; else off++;
    }
  printf("  head %s: ReLU units on %d, off %d\n", pos == EMB_POS_EXP ? "exp" : "softplus", on,
         off);
  assert_true(on > 0 && off > 0);
  if (pos == EMB_POS_SOFTPLUS)
    for (int b = 0; b < B; b++) assert_true(c.cache[b * (H2 + 3 * M) + H2 + 2 * M] > 20);

  embParams dp;
  assert_int_equal(emb_params_alloc(&dp, SZ), EMB_OK);
  double dh[B * H1], work[4096];
  for (size_t i = 0; i < dp.n; i++) dp.data[i] = 0.25;
  for (int i = 0; i < B * H1; i++) dh[i] = 0.25;
  emb_head_backward(dh, &dp, c.G, c.cache, c.h, c.eps, &c.p, pos, B, work);
  for (size_t i = 0; i < dp.n; i++) dp.data[i] -= 0.25;
  for (int i = 0; i < B * H1; i++) dh[i] -= 0.25;
  check_fd("head dh", c.h, dh, B * H1, head_f, &c);
  for (int k = 5; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(SZ, k);
    check_fd(t.name, c.p.data + t.offset, dp.data + t.offset, t.size, head_f, &c);
  }
  for (int k = 0; k < 5; k++) {
    embTensorInfo t = emb_params_info(SZ, k);
    for (size_t i = 0; i < t.size; i++) assert_true(dp.data[t.offset + i] == 0.0);
  }
  emb_params_free(&dp);
  emb_params_free(&c.p);
  emb_nn_use_reference_gemm(0);
}

static void test_head_exp(void **s) { (void)s; run_head(EMB_POS_EXP, 0); run_head(EMB_POS_EXP, 1); }
static void test_head_softplus(void **s) {
  (void)s;
  run_head(EMB_POS_SOFTPLUS, 0);
  run_head(EMB_POS_SOFTPLUS, 1);
}

/* eps = NULL: the deterministic action is mu, and no gradient reaches bg.scale */
static void test_head_deterministic(void **s) {
  (void)s;
  embParams p, dp;
  assert_int_equal(emb_params_alloc(&p, SZ), EMB_OK);
  assert_int_equal(emb_params_alloc(&dp, SZ), EMB_OK);
  emb_params_init(&p, 3, 0.0);
  double h[B * H1], a[B * M], cache[B * (H2 + 3 * M)], G[B * M], dh[B * H1] = {0}, work[4096];
  fill_normal(h, B * H1, 8, 1.0);
  fill_normal(G, B * M, 9, 1.0);
  emb_head_forward(a, cache, h, NULL, &p, EMB_POS_EXP, B);
  for (int b = 0; b < B; b++)
    for (int m = 0; m < M; m++) assert_true(a[b * M + m] == cache[b * (H2 + 3 * M) + H2 + m]);
  emb_head_backward(dh, &dp, G, cache, h, NULL, &p, EMB_POS_EXP, B, work);
  for (int m = 0; m < M; m++) assert_true(dp.bg_scale_bias[m] == 0.0);
  emb_params_free(&p);
  emb_params_free(&dp);
}

/* ---------------------------------------------------------------- h0 = tanh(θ0) */
typedef struct {
  embParams p;
  double G[B * H1], h0[B * H1];
} h0_ctx;

static double h0_f(void *vc) {
  h0_ctx *c = vc;
  emb_h0_forward(c->h0, &c->p, B);
  double s = 0;
  for (int i = 0; i < B * H1; i++) s += c->G[i] * c->h0[i];
  return s;
}

static void test_h0(void **s) {
  (void)s;
  h0_ctx c;
  embParams dp;
  assert_int_equal(emb_params_alloc(&c.p, SZ), EMB_OK);
  assert_int_equal(emb_params_alloc(&dp, SZ), EMB_OK);
  emb_params_init(&c.p, 5, 0.8);
  fill_normal(c.G, B * H1, 10, 1.0);
  h0_f(&c);
  for (int b = 0; b < B; b++)
    for (int j = 0; j < H1; j++) assert_true(c.h0[b * H1 + j] == tanh(c.p.gru_hidden0[j]));
  emb_h0_backward(&dp, c.G, &c.p, B);
  check_fd("gru.hidden0 (tanh)", c.p.gru_hidden0, dp.gru_hidden0, H1, h0_f, &c);
  emb_params_free(&dp);
  emb_params_free(&c.p);
}

/* ---------------------------------------------------------------- loss terms */
#define W 1.7 /* a loss weight != 1, to catch a dropped factor */
#define DT 0.01
typedef struct {
  double h[T * B * H1], h0[B * H1], a[T * B * M], r[T * B], fmax[M];
} loss_ctx;

static double hid_f(void *v) { loss_ctx *c = v; return W * emb_loss_hidden(c->h, T, B, H1); }
static double hd_f(void *v) {
  loss_ctx *c = v;
  return W * emb_loss_hidden_deriv(c->h, c->h0, DT, T, B, H1);
}
static double mus_f(void *v) { loss_ctx *c = v; return W * emb_loss_muscle(c->a, c->fmax, T, B, M); }
static double act_f(void *v) { loss_ctx *c = v; return W * emb_loss_actor(c->r, T, B); }

static void test_losses(void **s) {
  (void)s;
  static loss_ctx c;
  fill_normal(c.h, T * B * H1, 11, 0.5);
  fill_normal(c.h0, B * H1, 12, 0.5);
  fill_normal(c.a, T * B * M, 13, 1.0);
  fill_normal(c.r, T * B, 14, 1.0);
  for (int m = 0; m < M; m++) c.fmax[m] = 100.0 + 50.0 * m;
  static double dh[T * B * H1], dh0[B * H1], da[T * B * M], dr[T * B];

  memset(dh, 0, sizeof dh);
  emb_loss_hidden_backward(dh, W, c.h, T, B, H1);
  check_fd("hidden_loss dh", c.h, dh, T * B * H1, hid_f, &c);

  memset(dh, 0, sizeof dh);
  memset(dh0, 0, sizeof dh0);
  emb_loss_hidden_deriv_backward(dh, dh0, W, c.h, c.h0, DT, T, B, H1);
  check_fd("hidden_deriv dh", c.h, dh, T * B * H1, hd_f, &c);
  check_fd("hidden_deriv dh0", c.h0, dh0, B * H1, hd_f, &c);

  memset(da, 0, sizeof da);
  emb_loss_muscle_backward(da, W, c.a, c.fmax, T, B, M);
  check_fd("muscle_loss da", c.a, da, T * B * M, mus_f, &c);

  memset(dr, 0, sizeof dr);
  emb_loss_actor_backward(dr, W, T, B);
  check_fd("actor_loss dr", c.r, dr, T * B, act_f, &c);

  /* values by hand for a tiny case: T=2, B=1, H=1: h = (1, 3), h0 = 0 */
  double hh[2] = {1, 3}, z0[1] = {0};
  assert_close(emb_loss_hidden(hh, 2, 1, 1), (1.0 + 9.0) / 2.0, 1e-12, 0);
  assert_close(emb_loss_hidden_deriv(hh, z0, 0.5, 2, 1, 1), 4.0 + 16.0, 1e-12, 0);
  double aa[2] = {3, 4}, fm[2] = {1, 1}, rr[2] = {0.5, -2};
  assert_close(emb_loss_muscle(aa, fm, 1, 1, 2), 49.0 / 2.0, 1e-12, 0);
  assert_close(emb_loss_actor(rr, 2, 1), 1.5, 1e-12, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gru_blas),      cmocka_unit_test(test_gru_naive),
      cmocka_unit_test(test_head_exp),      cmocka_unit_test(test_head_softplus),
      cmocka_unit_test(test_head_deterministic), cmocka_unit_test(test_h0),
      cmocka_unit_test(test_losses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
