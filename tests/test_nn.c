/* test_nn.c — the parameter block (names, shapes, offsets, lookup, initialisation as a
 * pure function of the seed) and CBLAS against the plain-loop reference for the GRU and
 * head, forward and backward (float build, the one training uses). */
#include "harness.h"

#include <string.h>
#include "embody/emb_nn.h"
#include "embody/emb_rng.h"

static const char *const expected_names[EMB_NET_NTENSORS] = {
    "gru.weight_ih", "gru.weight_hh", "gru.bias_ih",  "gru.bias_hh",
    "gru.hidden0",   "bg.cs.weight",  "bg.cs.bias",   "bg.loc.weight",
    "bg.loc.bias",   "bg.scale.weight", "bg.scale.bias"};

static void test_layout(void **s) {
  (void)s;
  embNetSizes sz = {22, 32, 16, 6};
  const int shapes[EMB_NET_NTENSORS][2] = {{96, 22}, {96, 32}, {96, 1}, {96, 1}, {32, 1},
                                           {16, 32}, {16, 1},  {6, 16}, {6, 1},  {6, 16},
                                           {6, 1}};
  size_t off = 0;
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(sz, k);
    assert_string_equal(t.name, expected_names[k]);
    assert_int_equal(t.shape[0], shapes[k][0]);
    assert_int_equal(t.shape[1], shapes[k][1]);
    assert_int_equal(t.ndim, shapes[k][1] == 1 && k != 0 ? 1 : 2);
    assert_int_equal(t.offset, off);
    off += t.size;
    assert_int_equal(emb_params_find(t.name), k);
  }
  assert_int_equal(emb_params_find("gru.weight"), -1);
  /* 3*32*(22+32+2) + 32 + 16*33 + 2*6*17 */
  assert_int_equal(emb_params_count(sz), 5376 + 32 + 528 + 204);
  assert_int_equal(emb_params_count(sz), off);
  embParams p;
  assert_int_equal(emb_params_alloc(&p, sz), EMB_OK);
  assert_true(p.gru_weight_ih == p.data && p.bg_scale_bias == p.data + p.n - 6);
  assert_true(p.bg_cs_weight == emb_params_tensor(&p, emb_params_find("bg.cs.weight")));
  emb_params_free(&p);
  embNetSizes bad = {0, 32, 16, 6};
  emb_set_error_handler((embErrorHandler)0);
  assert_int_equal(emb_params_alloc(&p, bad), EMB_EINVAL);
  assert_true(strstr(emb_last_error(), "sizes") != NULL);
}

static void test_init(void **s) {
  (void)s;
  embNetSizes sz = {23, 128, 16, 6};
  embParams a, b, c;
  assert_int_equal(emb_params_alloc(&a, sz), EMB_OK);
  assert_int_equal(emb_params_alloc(&b, sz), EMB_OK);
  assert_int_equal(emb_params_alloc(&c, sz), EMB_OK);
  emb_params_init(&a, 42, 0.0);
  emb_params_init(&b, 42, 0.0);
  emb_params_init(&c, 43, 0.5);
  assert_memory_equal(a.data, b.data, a.n * sizeof(embNum));
  size_t differ = 0;
  for (size_t i = 0; i < a.n; i++) differ += a.data[i] != c.data[i];
  assert_true(differ > a.n * 99 / 100);
  for (int j = 0; j < 128; j++) assert_true(a.gru_hidden0[j] == 0.0f);
  const double fan[EMB_NET_NTENSORS] = {128, 128, 128, 128, 0, 128, 128, 16, 16, 16, 16};
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    if (k == 4) continue;
    embTensorInfo t = emb_params_info(sz, k);
    double bound = 1.0 / sqrt(fan[k]), m = 0, v = 0, mx = 0;
    for (size_t i = 0; i < t.size; i++) {
      double x = a.data[t.offset + i];
      m += x; v += x * x; mx = fmax(mx, fabs(x));
    }
    m /= t.size; v /= t.size;
    if (mx > bound) fail_msg("%s: |w| %g exceeds 1/sqrt(fan) = %g", t.name, mx, bound);
    if (t.size >= 1000) { /* U(-b,b): mean 0, variance b^2/3 */
      assert_close(m, 0.0, 4.0 * bound / sqrt(3.0 * t.size), 0);
      assert_close(v, bound * bound / 3.0, 0.1 * bound * bound / 3.0, 0);
      assert_true(mx > 0.99 * bound);
    }
  }
  double hm = 0, hv = 0;
  for (int j = 0; j < 128; j++) hm += c.gru_hidden0[j], hv += c.gru_hidden0[j] * c.gru_hidden0[j];
  printf("hidden0 with h0_scale 0.5: mean %.4f, rms %.4f\n", hm / 128, sqrt(hv / 128));
  assert_close(sqrt(hv / 128), 0.5, 0.15, 0);
  emb_params_free(&a);
  emb_params_free(&b);
  emb_params_free(&c);
}

static void fill(embNum *x, size_t n, uint32_t tag, double scale) {
  embRngKey k = emb_rng_key(1, EMB_RNG_USER0, tag);
  emb_rng_normal_rows(&k, 0, 0, 1, (int)n, scale, x);
}

/* one GRU + head step, forward and backward, returning every output concatenated */
static void step(embNum *out, const embParams *p, int B, const embNum *x, const embNum *hp,
                 const embNum *eps, const embNum *G, embParams *dp, embNum *work) {
  const embNetSizes z = p->sz;
  embNum *h = out, *gc = h + B * z.H1, *a = gc + B * 4 * z.H1, *hc = a + B * z.M;
  embNum *dx = hc + B * (z.H2 + 3 * z.M), *dhp = dx + B * z.n_in, *dh = dhp + B * z.H1;
  memset(dx, 0, sizeof(embNum) * B * (z.n_in + 2 * z.H1));
  emb_params_zero(dp);
  emb_gru_forward(h, gc, x, hp, p, B);
  emb_head_forward(a, hc, h, eps, p, EMB_POS_EXP, B);
  emb_head_backward(dh, dp, G, hc, h, eps, p, EMB_POS_EXP, B, work);
  emb_gru_backward(dx, dhp, dp, dh, gc, x, hp, p, B, work);
}

/* CBLAS against the plain loops; H2 = 100 takes the head's unpacked path (2 M H2 > 1024) */
static void blas_vs_naive(embNetSizes sz) {
  const int B = 64;
  embParams p, d1, d2;
  assert_int_equal(emb_params_alloc(&p, sz), EMB_OK);
  assert_int_equal(emb_params_alloc(&d1, sz), EMB_OK);
  assert_int_equal(emb_params_alloc(&d2, sz), EMB_OK);
  emb_params_init(&p, 9, 0.2);
  size_t nx = B * sz.n_in, nh = B * sz.H1, nm = B * sz.M;
  embNum *x = malloc(nx * sizeof *x), *hp = malloc(nh * sizeof *hp);
  embNum *eps = malloc(nm * sizeof *eps), *G = malloc(nm * sizeof *G);
  embNum *work = malloc(emb_nn_work_size(sz, B) * sizeof *work);
  size_t nout = nh + 4 * nh + nm + B * (sz.H2 + 3 * sz.M) + nx + 2 * nh;
  embNum *o1 = malloc(nout * sizeof *o1), *o2 = malloc(nout * sizeof *o2);
  fill(x, nx, 1, 1.0);
  fill(hp, nh, 2, 0.5);
  fill(eps, nm, 3, 1.0);
  fill(G, nm, 4, 1.0);
  step(o1, &p, B, x, hp, eps, G, &d1, work);
  emb_nn_use_reference_gemm(1);
  step(o2, &p, B, x, hp, eps, G, &d2, work);
  emb_nn_use_reference_gemm(0);
  /* float sums in different orders: compare against the scale of each array */
  double dout = 0, sout = 0, dg = 0, sg = 0;
  for (size_t i = 0; i < nout; i++) dout = fmax(dout, fabs(o1[i] - o2[i])), sout = fmax(sout, fabs(o2[i]));
  for (size_t i = 0; i < p.n; i++)
    dg = fmax(dg, fabs(d1.data[i] - d2.data[i])), sg = fmax(sg, fabs(d2.data[i]));
  double worst = fmax(dout / sout, dg / sg);
  printf("CBLAS vs naive: max |diff| %.3g (outputs, max |x| %.3g), %.3g (grads, max |g| %.3g)\n",
         dout, sout, dg, sg);
  assert_true(worst < 1e-5);
  /* same inputs, same bits */
  step(o2, &p, B, x, hp, eps, G, &d2, work);
  assert_memory_equal(o1, o2, nout * sizeof(embNum));
  assert_memory_equal(d1.data, d2.data, p.n * sizeof(embNum));
  free(x); free(hp); free(eps); free(G); free(work); free(o1); free(o2);
  emb_params_free(&p); emb_params_free(&d1); emb_params_free(&d2);
}

static void test_blas_vs_naive(void **s) {
  (void)s;
  blas_vs_naive((embNetSizes){23, 128, 16, 6});
  blas_vs_naive((embNetSizes){23, 40, 100, 6});
}

/* weight gradients made once over T steps of rows (as the rollout does) equal the sum of
 * the per-step backward's; the step part may overwrite the cache with the gate gradients */
static void test_backward_batched_over_time(void **s) {
  (void)s;
  embNetSizes sz = {7, 12, 5, 3};
  enum { T = 6, B = 9 };
  const int NI = sz.n_in, H = sz.H1, H2 = sz.H2, M = sz.M, GC = EMB_GRU_CACHE(12), HC = EMB_HEAD_CACHE(5, 3);
  embParams p, d1, d2;
  assert_int_equal(emb_params_alloc(&p, sz), EMB_OK);
  assert_int_equal(emb_params_alloc(&d1, sz), EMB_OK);
  assert_int_equal(emb_params_alloc(&d2, sz), EMB_OK);
  emb_params_init(&p, 4, 0.3);
  static embNum x[T * B * 7], hs[(T + 1) * B * 12], gc[T * B * 48], hc[T * B * 14], eps[T * B * 3], a[B * 3];
  static embNum da[T * B * 3], dh[T * B * 12], dx1[B * 7], dx2[B * 7], dhp1[B * 12], dhp2[B * 12];
  static embNum dpre[T * B * 3], ds[T * B * 5], dg[T * B * 48], work[4096];
  assert_true(emb_nn_work_size(sz, B) <= 4096);
  fill(x, T * B * NI, 11, 1.0);
  fill(hs, B * H, 12, 0.5);
  fill(eps, T * B * M, 13, 1.0);
  fill(da, T * B * M, 14, 1.0);
  fill(dh, T * B * H, 15, 1.0);
  for (int t = 0; t < T; t++) {
    emb_gru_forward(hs + (t + 1) * B * H, gc + t * B * GC, x + t * B * NI, hs + t * B * H, &p, B);
    emb_head_forward(a, hc + t * B * HC, hs + (t + 1) * B * H, eps + t * B * M, &p, EMB_POS_EXP, B);
  }
  emb_params_zero(&d1);
  emb_params_zero(&d2);
  for (int t = T - 1; t >= 0; t--) {
    embNum dht1[B * 12], dht2[B * 12];
    memcpy(dht1, dh + t * B * H, sizeof dht1);
    memcpy(dht2, dh + t * B * H, sizeof dht2);
    /* per step, everything at once */
    emb_head_backward(dht1, &d1, da + t * B * M, hc + t * B * HC, hs + (t + 1) * B * H, eps + t * B * M, &p,
                      EMB_POS_EXP, B, work);
    memset(dx1, 0, sizeof dx1), memset(dhp1, 0, sizeof dhp1);
    emb_gru_backward(dx1, dhp1, &d1, dht1, gc + t * B * GC, x + t * B * NI, hs + t * B * H, &p, B, work);
    /* split: step parts now (separate dg first, then in place), weights later */
    emb_head_backward_step(dht2, dpre + t * B * M, ds + t * B * H2, da + t * B * M, hc + t * B * HC, eps + t * B * M,
                           &p, EMB_POS_EXP, B);
    memset(dx2, 0, sizeof dx2), memset(dhp2, 0, sizeof dhp2);
    emb_gru_backward_step(dx2, dhp2, dg + t * B * GC, dht2, gc + t * B * GC, hs + t * B * H, &p, B);
    assert_memory_equal(dx1, dx2, sizeof dx1);
    assert_memory_equal(dhp1, dhp2, sizeof dhp1);
    memset(dx2, 0, sizeof dx2), memset(dhp2, 0, sizeof dhp2);
    embNum *c = gc + t * B * GC;
    emb_gru_backward_step(dx2, dhp2, c, dht2, c, hs + t * B * H, &p, B); /* in place */
    assert_memory_equal(dx1, dx2, sizeof dx1);
    assert_memory_equal(dhp1, dhp2, sizeof dhp1);
    assert_memory_equal(c, dg + t * B * GC, sizeof(embNum) * B * GC);
  }
  emb_gru_backward_weights(&d2, gc, x, hs, T * B);
  emb_head_backward_weights(&d2, da, dpre, ds, hc, hs + B * H, T * B);
  /* float sums in another order: compare against the scale of each tensor */
  double worst = 0;
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo ti = emb_params_info(sz, k);
    double dmax = 0, smax = 1e-30;
    for (size_t i = 0; i < ti.size; i++)
      dmax = fmax(dmax, fabs(d1.data[ti.offset + i] - d2.data[ti.offset + i])), smax = fmax(smax, fabs(d1.data[ti.offset + i]));
    worst = fmax(worst, dmax / smax);
  }
  printf("weight gradients batched over %d steps vs per step: max |diff| / max |g| per tensor %.3g\n", T, worst);
  assert_true(worst < 1e-5);
  for (int k = 0; k < EMB_NET_NTENSORS; k++) { /* every tensor but hidden0 got a gradient */
    embTensorInfo ti = emb_params_info(sz, k);
    double mx = 0;
    for (size_t i = 0; i < ti.size; i++) mx = fmax(mx, fabs(d2.data[ti.offset + i]));
    if (k != 4 && !(mx > 0)) fail_msg("tensor %s has no gradient", ti.name);
  }
  emb_params_free(&p); emb_params_free(&d1); emb_params_free(&d2);
}

/* the fused hidden-loss functions equal the separate ones */
static void test_hidden_terms_fused(void **s) {
  (void)s;
  enum { T = 7, B = 5, H = 6 };
  static embNum h[T * B * H], h0[B * H], d1[T * B * H], d2[T * B * H], e1[B * H], e2[B * H];
  fill(h, T * B * H, 21, 0.7);
  fill(h0, B * H, 22, 0.7);
  double hid, der;
  emb_loss_hidden_terms(&hid, &der, h, h0, 0.01, T, B, H);
  assert_true(hid == emb_loss_hidden(h, T, B, H));
  assert_true(der == emb_loss_hidden_deriv(h, h0, 0.01, T, B, H));
  memset(d1, 0, sizeof d1), memset(e1, 0, sizeof e1);
  emb_loss_hidden_backward(d1, 3.0, h, T, B, H);
  emb_loss_hidden_deriv_backward(d1, e1, 0.2, h, h0, 0.01, T, B, H);
  for (size_t i = 0; i < T * B * H; i++) d2[i] = 1e9f, e2[i % (B * H)] = 1e9f; /* written, not added */
  emb_loss_hidden_terms_backward(d2, e2, 3.0, 0.2, h, h0, 0.01, T, B, H);
  for (size_t i = 0; i < T * B * H; i++)
    if (d1[i] != d2[i]) fail_msg("dh[%zu]: fused %.9g, separate %.9g", i, (double)d2[i], (double)d1[i]);
  for (size_t i = 0; i < B * H; i++)
    if (e1[i] != e2[i]) fail_msg("dh0[%zu]: fused %.9g, separate %.9g", i, (double)e2[i], (double)e1[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_init),
      cmocka_unit_test(test_blas_vs_naive),
      cmocka_unit_test(test_backward_batched_over_time),
      cmocka_unit_test(test_hidden_terms_fused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
