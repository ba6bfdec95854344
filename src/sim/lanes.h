/* lanes.h — SIMD across batch rows: the lane vector type `vnum` (EMB_LANES rows of
 * embNum side by side, GCC vector extensions), selections, PyTorch-style clamp/max/min
 * gradients, and deterministic vector exp and sin/cos.
 *
 * Every stage of the effector step is written once, on vnum (sim/stage_*.h). Each lane
 * does exactly the IEEE operations the one-row code would do (no FMA contraction under
 * -std=c11, no reassociation, true divisions), so a row's result does not depend on the
 * lane it occupies or on how rows are grouped into blocks (a partial block is padded).
 *
 * Transcendentals: the float build uses its own polynomial exp and sin/cos (Cephes
 * coefficients, about 1 ulp; identical in every lane, so bit-reproducible); the double
 * build calls libm per lane, keeping it MotorNet-in-float64 exact. Not a public header. */
#ifndef EMB_SIM_LANES_H
#define EMB_SIM_LANES_H

#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "embody/emb_types.h"

/* vector width: the widest the target compiles natively (no ABI surprises elsewhere) */
#if defined(__AVX512F__)
#define EMB_VEC_BYTES 64
#elif defined(__AVX__)
#define EMB_VEC_BYTES 32
#else
#define EMB_VEC_BYTES 16
#endif

#ifdef EMB_USE_DOUBLE
typedef int64_t embLaneInt;
#else
typedef int32_t embLaneInt;
#endif
#define EMB_LANES ((int)(EMB_VEC_BYTES / sizeof(embNum)))

typedef embNum vnum __attribute__((vector_size(EMB_VEC_BYTES)));
typedef embLaneInt vmask __attribute__((vector_size(EMB_VEC_BYTES))); /* -1 true, 0 false */

static inline vnum vset1(embNum x) { return x - (vnum){0}; } /* x - (+0) == x, even -0 */
static inline vnum vsel(vmask c, vnum a, vnum b) { /* c ? a : b, lane by lane */
  return (vnum)((c & (vmask)a) | (~c & (vmask)b));
}
static inline vnum vmax(vnum a, vnum b) { return vsel(a > b, a, b); } /* EMB_MAX */
static inline vnum vmin(vnum a, vnum b) { return vsel(a < b, a, b); } /* EMB_MIN */
static inline vnum vclamp(vnum x, embNum lo, embNum hi) {            /* x<lo?lo:(x>hi?hi:x) */
  return vsel(x < lo, vset1(lo), vsel(x > hi, vset1(hi), x));
}
static inline vnum vone_if(vmask c) { return vsel(c, vset1(1), vset1(0)); }
static inline int vany(vmask c) {
  embLaneInt r = 0;
  for (int l = 0; l < EMB_LANES; l++) r |= c[l];
  return r != 0;
}

/* PyTorch's local derivatives (spec §9): clamp passes on [lo, hi] inclusive;
 * maximum(x, b) / minimum(x, b) pass 1 strictly inside, half at a tie */
static inline vnum vclamp_grad(vnum x, embNum lo, embNum hi) {
  return vone_if((x >= lo) & (x <= hi));
}
static inline vnum vmax_grad(vnum x, embNum b) {
  return vsel(x > b, vset1(1), vsel(x == b, vset1((embNum)0.5), vset1(0)));
}
static inline vnum vmin_grad(vnum x, embNum b) {
  return vsel(x < b, vset1(1), vsel(x == b, vset1((embNum)0.5), vset1(0)));
}

static inline vnum vsqrt(vnum x) {
  vnum r;
  for (int l = 0; l < EMB_LANES; l++) r[l] = emb_sqrt(x[l]);
  return r;
}

#ifdef EMB_USE_DOUBLE

static inline vnum vexp(vnum x) {
  vnum r;
  for (int l = 0; l < EMB_LANES; l++) r[l] = exp(x[l]);
  return r;
}
static inline void vsincos(vnum x, vnum *s, vnum *c) {
  for (int l = 0; l < EMB_LANES; l++) {
    (*s)[l] = sin(x[l]);
    (*c)[l] = cos(x[l]);
  }
}

#else

/* round to nearest (even) for |t| < 2^22, exact in IEEE float without -ffast-math */
static inline vnum vround(vnum t) {
  const float big = 12582912.0f; /* 1.5 * 2^23 */
  vnum a = vsel(t < 0, -t, t);
  vnum r = (a + big) - big;
  return vsel(t < 0, -r, r);
}

/* 2^n for integer-valued n in [-75, 64] (normal floats) */
static inline vnum vexp2i(vnum n) {
  vmask e = __builtin_convertvector(n, vmask) + 127;
  return (vnum)(e << 23);
}

/* exp, Cephes expf: x = n ln2 + r, |r| <= ln2/2, degree-7 polynomial, scaled by 2^n in two
 * factors (so the result underflows to subnormals and overflows to inf correctly).
 * Max error about 1 ulp against the true value; NaN in, NaN out. */
static inline vnum vexp(vnum x) {
  const float log2e = 1.44269504088896341f, c1 = 0.693359375f, c2 = -2.12194440e-4f;
  vnum xc = vclamp(x, -104.0f, 89.0f);
  vnum n = vround(xc * log2e);
  vnum r = (xc - n * c1) - n * c2;
  vnum p = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r +
              4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) + r +
           1.0f;
  vnum n1 = vround(n * 0.5f - 0.25f); /* floor(n / 2) */
  vnum y = (p * vexp2i(n1)) * vexp2i(n - n1);
  y = vsel(x > 89.0f, vset1(INFINITY), vsel(x < -104.0f, vset1(0), y));
  return vsel(x != x, x, y);
}

/* sin and cos, Cephes sinf/cosf: reduction by multiples of pi/4 in three parts (good for
 * |x| <= 8192), minimax polynomials on [-pi/4, pi/4]; other lanes (huge, inf, NaN) take
 * libm, which depends only on the value, never on the lane. */
static inline void vsincos(vnum x, vnum *s, vnum *c) {
  const float fopi = 1.27323954473516f, dp1 = 0.78515625f, dp2 = 2.4187564849853515625e-4f,
              dp3 = 3.77489497744594108e-8f;
  const vmask sign = (vmask){0} + INT32_MIN;
  vmask neg = ((vmask)x & sign) != 0; /* sign bit: sin(-0) = -0 */
  vnum ax = (vnum)((vmask)x & ~sign);
  vmask ok = ax <= 8192.0f;
  ax = vsel(ok, ax, vset1(0));
  vmask j = __builtin_convertvector(ax * fopi, vmask);
  j = (j + 1) & ~1;
  vnum y = __builtin_convertvector(j, vnum);
  vnum r = ((ax - y * dp1) - y * dp2) - y * dp3;
  vnum z = r * r;
  vnum ps = ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * r + r;
  vnum pc = ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f) *
                z * z -
            0.5f * z + 1.0f;
  vmask swap = (j & 2) != 0;
  vnum sm = vsel(swap, pc, ps), cm = vsel(swap, ps, pc);
  vmask sneg = ((j & 4) != 0) ^ neg, cneg = ((j + 2) & 4) != 0;
  *s = (vnum)((vmask)sm ^ (sneg & sign));
  *c = (vnum)((vmask)cm ^ (cneg & sign));
  if (vany(~ok))
    for (int l = 0; l < EMB_LANES; l++)
      if (!ok[l]) {
        (*s)[l] = sinf(x[l]);
        (*c)[l] = cosf(x[l]);
      }
}

#endif

/* --- rows <-> lanes ---------------------------------------------------------------- */

/* shuffle indices of the transpose stages (sim_transpose): stage b = 1, 2, 4, 8 swaps bit b
 * of the row index with bit b of the column index */
#define EMB_T_LO(e, b) (((e) & (b)) ? EMB_LANES + (e) - (b) : (e))
#define EMB_T_HI(e, b) (((e) & (b)) ? EMB_LANES + (e) : (e) + (b))
#define EMB_T_16(F, b)                                                                       \
  F(0, b), F(1, b), F(2, b), F(3, b), F(4, b), F(5, b), F(6, b), F(7, b), F(8, b), F(9, b),  \
      F(10, b), F(11, b), F(12, b), F(13, b), F(14, b), F(15, b)
static const embLaneInt emb_t_idx[2][4][16] = {
    {{EMB_T_16(EMB_T_LO, 1)}, {EMB_T_16(EMB_T_LO, 2)}, {EMB_T_16(EMB_T_LO, 4)}, {EMB_T_16(EMB_T_LO, 8)}},
    {{EMB_T_16(EMB_T_HI, 1)}, {EMB_T_16(EMB_T_HI, 2)}, {EMB_T_16(EMB_T_HI, 4)}, {EMB_T_16(EMB_T_HI, 8)}}};

/* in-register transpose of an EMB_LANES x EMB_LANES block: r[i][e] -> r[e][i] */
static inline void lanes_transpose(vnum *r) {
#pragma GCC unroll 4
  for (int st = 0, b = 1; b < EMB_LANES; st++, b <<= 1) {
    vmask lo, hi;
    memcpy(&lo, emb_t_idx[0][st], sizeof lo);
    memcpy(&hi, emb_t_idx[1][st], sizeof hi);
#pragma GCC unroll 16
    for (int i = 0; i < EMB_LANES; i++)
      if (!(i & b)) {
        vnum a = __builtin_shuffle(r[i], r[i + b], lo), c = __builtin_shuffle(r[i], r[i + b], hi);
        r[i] = a;
        r[i + b] = c;
      }
  }
}

/* the first cnt (< EMB_LANES) entries of p into a vector (others 0), and back: masked
 * moves where AVX-512 has them (no access beyond p[cnt - 1]), else lane by lane */
static inline vnum vload_part(const embNum *p, int cnt) {
#if defined(__AVX512F__) && !defined(EMB_USE_DOUBLE)
  return (vnum)_mm512_maskz_loadu_ps((__mmask16)((1u << cnt) - 1), p);
#elif defined(__AVX512F__)
  return (vnum)_mm512_maskz_loadu_pd((__mmask8)((1u << cnt) - 1), p);
#else
  vnum x = vset1(0);
  for (int k = 0; k < cnt; k++) x[k] = p[k];
  return x;
#endif
}
static inline void vstore_part(embNum *p, vnum x, int cnt) {
#if defined(__AVX512F__) && !defined(EMB_USE_DOUBLE)
  _mm512_mask_storeu_ps(p, (__mmask16)((1u << cnt) - 1), (__m512)x);
#elif defined(__AVX512F__)
  _mm512_mask_storeu_pd(p, (__mmask8)((1u << cnt) - 1), (__m512d)x);
#else
  for (int k = 0; k < cnt; k++) p[k] = x[k];
#endif
}

/* Rows to lanes: lane l of dst[k] = src[row(l) * stride + k0 + k] for k < count, with
 * row(l) = l for the n real rows and n - 1 for the padding lanes of a partial block.
 * EMB_LANES columns at a time through the register transpose; a last, narrower window
 * moves only its own columns (never touching memory beyond them, and never overlapping
 * the previous window: overlapping moves would stall store-to-load forwarding). */
static inline void lanes_load(vnum *dst, const embNum *src, int stride, int n, int k0,
                              int count) {
  const int W = EMB_LANES, k1 = k0 + count;
  for (int c = k0; c < k1; c += W) {
    const int cnt = k1 - c < W ? k1 - c : W;
    vnum r[EMB_LANES];
    if (cnt == W) {
#pragma GCC unroll 16
      for (int l = 0; l < W; l++)
        memcpy(&r[l], src + (size_t)(l < n ? l : n - 1) * stride + c, sizeof(vnum));
    } else {
#pragma GCC unroll 16
      for (int l = 0; l < W; l++) r[l] = vload_part(src + (size_t)(l < n ? l : n - 1) * stride + c, cnt);
    }
    lanes_transpose(r);
#pragma GCC unroll 16
    for (int k = 0; k < W; k++)
      if (k < cnt) dst[c - k0 + k] = r[k];
  }
}

/* Lanes to rows: dst[row l][k0 + k] = lane l of v[k] (add: +=) for the n real rows, other
 * columns untouched. */
static inline void lanes_put(embNum *dst, const vnum *v, int stride, int n, int k0, int count,
                             int add) {
  const int W = EMB_LANES, k1 = k0 + count;
  for (int c = k0; c < k1; c += W) {
    const int cnt = k1 - c < W ? k1 - c : W;
    vnum r[EMB_LANES];
#pragma GCC unroll 16
    for (int k = 0; k < W; k++) r[k] = k < cnt ? v[c - k0 + k] : vset1(0);
    lanes_transpose(r);
    for (int l = 0; l < n; l++) {
      embNum *row = dst + (size_t)l * stride + c;
      vnum x = r[l];
      if (cnt == W) {
        if (add) {
          vnum y;
          memcpy(&y, row, sizeof y);
          x = y + x;
        }
        memcpy(row, &x, sizeof x);
      } else {
        if (add) x = vload_part(row, cnt) + x;
        vstore_part(row, x, cnt);
      }
    }
  }
}
static inline void lanes_store(embNum *dst, const vnum *v, int stride, int n, int k0, int count) {
  lanes_put(dst, v, stride, n, k0, count, 0);
}
static inline void lanes_add(embNum *dst, const vnum *v, int stride, int n, int k0, int count) {
  lanes_put(dst, v, stride, n, k0, count, 1);
}

#endif
