/* act.h — the network's scalar non-linearities, one definition for every caller.
 * Private to src/nn.
 *
 * Float build: exp, sigmoid and tanh are branch-free polynomial versions (Cephes expf and
 * tanhf coefficients) that GCC vectorises inside the GRU loops. Because the same C code
 * runs in the scalar and the vector lanes, and -std=c11 keeps floating-point contraction
 * off (no silent FMA), every lane rounds exactly like the scalar path: results do not
 * depend on the vector width or on loop peeling. Accuracy (tests/test_nn_act.c): exp
 * within 2 ulp, |sigmoid error| < 1e-7, tanh relative error < 5e-7.
 * Double build (gradient checks): libm's exp and tanh. */
#ifndef EMB_NN_ACT_H
#define EMB_NN_ACT_H

#include "embody/emb_types.h"

#ifdef EMB_USE_DOUBLE
static inline embNum nn_exp(embNum x) { return exp(x); }
static inline embNum nn_tanh(embNum x) { return tanh(x); }
#else
/* Cephes expf: x = n ln2 + r, |r| <= ln2/2, e^r by a degree-6 polynomial, times 2^n built
 * in the exponent bits. Input clamped to [-87, 88] (results stay normal and finite). */
static inline float nn_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  /* n = nearest integer to x log2(e): adding and removing 1.5*2^23 rounds to an integer
   * in the default rounding mode and, unlike floorf, vectorises */
  float fn = (1.44269504088896341f * x + 12582912.0f) - 12582912.0f;
  float r = x - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r2 + r + 1.0f;
  union { int32_t i; float f; } scale; /* 2^n; type punning through a union is C11 */
  scale.i = ((int32_t)fn + 127) << 23;
  return p * scale.f;
}

/* Cephes tanhf: odd polynomial for |x| < 0.625, else 1 − 2/(e^{2|x|} + 1); both computed,
 * one selected (branch-free for the vectoriser). */
static inline float nn_tanh(float x) {
  float ax = x < 0 ? -x : x;
  float s = x * x;
  float poly = (((((-5.70498872745e-3f * s + 2.06390887954e-2f) * s - 5.37397155531e-2f) * s +
                  1.33314422036e-1f) * s - 3.33332819422e-1f) * s) * x + x;
  float big = 1.0f - 2.0f / (nn_exp(ax + ax) + 1.0f);
  big = x < 0 ? -big : big;
  return ax < 0.625f ? poly : big;
}
#endif

static inline embNum nn_sigmoid(embNum x) { return (embNum)1 / ((embNum)1 + nn_exp(-x)); }

/* PyTorch's softplus (beta 1, threshold 20) and its derivative (libm: M values per row) */
#define NN_SOFTPLUS_THRESHOLD 20
static inline embNum nn_softplus(embNum x) {
  return x > NN_SOFTPLUS_THRESHOLD ? x : emb_log1p(emb_exp(x));
}
static inline embNum nn_softplus_deriv(embNum x) {
  if (x > NN_SOFTPLUS_THRESHOLD) return 1;
  embNum e = emb_exp(x);
  return e / (e + 1);
}

#endif
