/* rng.c — counter-based random numbers: Philox4x32-10 keyed by (seed, purpose, epoch,
 * step, row, element), 53-bit uniforms and Box–Muller normals in double.
 * Not a stateful generator: nothing here has state to save or restore.
 *
 * Speed: draws are made in batches of "lanes" (one lane = one Philox call = one
 * (row, element pair) coordinate), and every stage — Philox, the 53-bit uniforms, log,
 * sqrt, sin/cos — is plain branch-free C in `#pragma omp simd` loops, so GCC turns it
 * into vector code. log and sin/cos are our own double-precision polynomials (fdlibm's
 * coefficients, errors below 1 ulp) instead of libm calls, which do not vectorise.
 * The scalar calls (emb_rng_uniform, emb_rng_normal) run the same code on one lane;
 * floating-point contraction is off under -std=c11, so a vector lane rounds exactly as
 * the scalar code does: every draw is the same number whichever function produced it.
 * Philox itself is the textbook algorithm (Random123's philox4x32, 10 rounds; checked
 * against Random123 in tests/test_rng.c). */
#include "embody/emb_rng.h"

#include <assert.h>
#include <string.h>

/* CMakeLists.txt compiles this file with -fno-math-errno: sqrt without the errno path
 * (its argument is never negative here), so that GCC can vectorise it; the value is IEEE
 * sqrt either way. */

#define LANES 64 /* lanes per batch (stack arrays) */

embRngKey emb_rng_key(uint64_t seed, embRngPurpose purpose, uint32_t epoch) {
  embRngKey k;
  k.seed = seed;
  k.purpose = (uint32_t)purpose;
  k.epoch = epoch;
  return k;
}

/* ---- Philox4x32-10 over n lanes: counter (c0[i], c1[i], c2, c3), key (k0, k1) ---- */
typedef struct {
  uint32_t c2, c3, k0, k1;
} philoxFixed;

static philoxFixed fixed_part(const embRngKey *k, uint32_t step) {
  assert(step <= EMB_RNG_MAX_STEP && k->purpose <= EMB_RNG_MAX_PURPOSE);
  philoxFixed f;
  f.c2 = (k->purpose << 24) | (step & EMB_RNG_MAX_STEP);
  f.c3 = k->epoch;
  f.k0 = (uint32_t)(k->seed & 0xffffffffu);
  f.k1 = (uint32_t)(k->seed >> 32);
  return f;
}

static void philox_lanes(int n, const uint32_t *c0, const uint32_t *c1, philoxFixed f, uint32_t *w0,
                         uint32_t *w1, uint32_t *w2, uint32_t *w3) {
  /* round keys (key schedule: + (0x9E3779B9, 0xBB67AE85) per round) */
  uint32_t ka[10], kb[10];
  for (int r = 0; r < 10; r++) ka[r] = f.k0 + 0x9E3779B9u * (uint32_t)r, kb[r] = f.k1 + 0xBB67AE85u * (uint32_t)r;
#define PHILOX_ROUND(r)                                                                 \
  do {                                                                                  \
    uint64_t p0 = (uint64_t)0xD2511F53u * x0, p1 = (uint64_t)0xCD9E8D57u * x2;          \
    uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1 ^ ka[r], y2 = (uint32_t)(p0 >> 32) ^ x3 ^ kb[r]; \
    x1 = (uint32_t)p1, x3 = (uint32_t)p0, x0 = y0, x2 = y2;                             \
  } while (0)
#pragma omp simd
  for (int i = 0; i < n; i++) {
    uint32_t x0 = c0[i], x1 = c1[i], x2 = f.c2, x3 = f.c3;
    PHILOX_ROUND(0); PHILOX_ROUND(1); PHILOX_ROUND(2); PHILOX_ROUND(3); PHILOX_ROUND(4);
    PHILOX_ROUND(5); PHILOX_ROUND(6); PHILOX_ROUND(7); PHILOX_ROUND(8); PHILOX_ROUND(9);
    w0[i] = x0, w1[i] = x1, w2[i] = x2, w3[i] = x3;
  }
#undef PHILOX_ROUND
}

void emb_rng_block(const embRngKey *k, uint32_t step, uint32_t row, uint32_t block,
                   uint32_t out[4]) {
  philox_lanes(1, &block, &row, fixed_part(k, step), &out[0], &out[1], &out[2], &out[3]);
}

/* ---- scalar maths, inlined into the lane loops ---- */

/* 53-bit uniform in [0, 1) from two words (MT19937's genrand_res53 construction) */
static inline __attribute__((always_inline)) double u53(uint32_t a, uint32_t b) {
  return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);
}

static inline __attribute__((always_inline)) uint64_t dbits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}
static inline __attribute__((always_inline)) double bitsd(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* natural log of x, x a positive normal double: fdlibm's e_log.c without its special
 * cases (x = 2^k (1 + f), sqrt(2)/2 <= 1 + f < sqrt(2), log(1 + f) = f − hfsq + s(hfsq + R),
 * s = f / (2 + f), R a degree-14 minimax polynomial in s); error < 1 ulp */
static inline __attribute__((always_inline)) double log_pos(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
               Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
               Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
               Lg7 = 1.479819860511658591e-01;
  uint64_t ix = dbits(x);
  int64_t k = (int64_t)(ix >> 52) - 1023;
  uint64_t hx = (ix >> 32) & 0x000fffffu;
  uint64_t i = (hx + 0x95f64u) & 0x100000u; /* mantissa above sqrt(2): use the next exponent */
  double m = bitsd(((hx | (i ^ 0x3ff00000u)) << 32) | (ix & 0xffffffffu));
  k += (int64_t)(i >> 20);
  double f = m - 1.0, s = f / (2.0 + f), dk = (double)k;
  double z = s * s, w = z * z;
  double t1 = w * (Lg2 + w * (Lg4 + w * Lg6)), t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  double R = t2 + t1, hfsq = 0.5 * f * f;
  return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
}

/* sin and cos on |x| <= pi/4: FreeBSD's k_sin.c / k_cos.c kernels (tail y = 0) */
static inline __attribute__((always_inline)) double ksin(double x) {
  const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
               S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
               S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  double z = x * x, w = z * z, r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6), v = z * x;
  return x + v * (S1 + z * r);
}
static inline __attribute__((always_inline)) double kcos(double x) {
  const double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
               C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
               C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  double z = x * x, w = z * z;
  double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  double hz = 0.5 * z, one_hz = 1.0 - hz;
  return one_hz + (((1.0 - one_hz) - hz) + z * r);
}

/* Box–Muller on one Philox block: rad = sqrt(−2 ln u1), u1 = 1 − u(w0, w1) in (0, 1];
 * angle 2π u2, u2 = u(w2, w3): n0 = rad cos, n1 = rad sin. The angle is reduced in
 * turns, exactly: u2 = q/4 + f, q = round(4 u2), |f| <= 1/8, then x = 2π f. */
static inline __attribute__((always_inline)) void box_muller(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3, double *n0,
                              double *n1) {
  const double two_pi = 6.283185307179586476925286766559;
  double u1 = 1.0 - u53(w0, w1), u2 = u53(w2, w3);
  double rad = sqrt(-2.0 * log_pos(u1));
  int q = (int)(4.0 * u2 + 0.5); /* 0..4 */
  double x = two_pi * (u2 - 0.25 * q);
  double s = ksin(x), c = kcos(x);
  int qq = q & 3;
  double sn = (qq & 1) ? c : s, cs = (qq & 1) ? s : c; /* rotate by q quarter turns */
  sn = (qq == 2 || qq == 3) ? -sn : sn;
  cs = (qq == 1 || qq == 2) ? -cs : cs;
  *n0 = rad * cs;
  *n1 = rad * sn;
}

/* ---- lane batches ---- */

/* one lane per (row, block) of a (B rows, nb blocks) grid, row-major, starting at
 * (*b, *blk); advances (*b, *blk) past the n lanes */
static void grid_lanes(int n, int nb, const uint32_t *rows, uint32_t row0, int *b, int *blk, uint32_t *c0,
                       uint32_t *c1, int *bi, int *ki) {
  for (int i = 0; i < n; i++) {
    bi[i] = *b;
    ki[i] = *blk;
    c0[i] = (uint32_t)*blk;
    c1[i] = rows ? rows[*b] : row0 + (uint32_t)*b;
    if (++*blk == nb) *blk = 0, ++*b;
  }
}

static void normal_lanes(int n, const uint32_t *c0, const uint32_t *c1, philoxFixed f, double *n0,
                         double *n1) {
  uint32_t w0[LANES], w1[LANES], w2[LANES], w3[LANES];
  philox_lanes(n, c0, c1, f, w0, w1, w2, w3);
#pragma omp simd
  for (int i = 0; i < n; i++) box_muller(w0[i], w1[i], w2[i], w3[i], &n0[i], &n1[i]);
}

static void uniform_lanes(int n, const uint32_t *c0, const uint32_t *c1, philoxFixed f, double *u0,
                          double *u1) {
  uint32_t w0[LANES], w1[LANES], w2[LANES], w3[LANES];
  philox_lanes(n, c0, c1, f, w0, w1, w2, w3);
#pragma omp simd
  for (int i = 0; i < n; i++) {
    u0[i] = u53(w0[i], w1[i]);
    u1[i] = u53(w2[i], w3[i]);
  }
}

/* the (B, n) grid of draws of (key, step, rows): out(b, e) = lo + scale * draw(e), written
 * to double (outd) or embNum (outn) with row stride ld */
static void draw_grid(int normal, const embRngKey *k, uint32_t step, const uint32_t *rows, uint32_t row0,
                      int B, int n, double lo, double scale, double *outd, embNum *outn, int ld) {
  if (B <= 0 || n <= 0) return;
  const philoxFixed f = fixed_part(k, step);
  const int nb = (n + 1) / 2, total = B * nb;
  uint32_t c0[LANES], c1[LANES];
  int bi[LANES], ki[LANES];
  double v0[LANES], v1[LANES];
  int b = 0, blk = 0;
  for (int j0 = 0; j0 < total; j0 += LANES) {
    int m = total - j0 < LANES ? total - j0 : LANES;
    grid_lanes(m, nb, rows, row0, &b, &blk, c0, c1, bi, ki);
    if (normal)
      normal_lanes(m, c0, c1, f, v0, v1);
    else
      uniform_lanes(m, c0, c1, f, v0, v1);
    for (int i = 0; i < m; i++) {
      size_t o = (size_t)bi[i] * ld + 2 * (size_t)ki[i];
      int second = 2 * ki[i] + 1 < n;
      if (outd) {
        outd[o] = lo + scale * v0[i];
        if (second) outd[o + 1] = lo + scale * v1[i];
      } else {
        outn[o] = (embNum)(lo + scale * v0[i]);
        if (second) outn[o + 1] = (embNum)(lo + scale * v1[i]);
      }
    }
  }
}

/* ---- public calls ---- */

double emb_rng_uniform(const embRngKey *k, uint32_t step, uint32_t row, uint64_t element) {
  uint32_t w[4];
  emb_rng_block(k, step, row, (uint32_t)(element >> 1), w);
  return (element & 1) ? u53(w[2], w[3]) : u53(w[0], w[1]);
}

double emb_rng_normal(const embRngKey *k, uint32_t step, uint32_t row, uint64_t element) {
  uint32_t w[4];
  double n0, n1;
  emb_rng_block(k, step, row, (uint32_t)(element >> 1), w);
  box_muller(w[0], w[1], w[2], w[3], &n0, &n1);
  return (element & 1) ? n1 : n0;
}

void emb_rng_uniform_fill(const embRngKey *k, uint32_t step, uint32_t row, double *out, int n) {
  draw_grid(0, k, step, NULL, row, 1, n, 0.0, 1.0, out, NULL, n);
}

void emb_rng_normal_fill(const embRngKey *k, uint32_t step, uint32_t row, double *out, int n) {
  draw_grid(1, k, step, NULL, row, 1, n, 0.0, 1.0, out, NULL, n);
}

void emb_rng_normal_rows(const embRngKey *k, uint32_t step, uint32_t row0, int B, int n,
                         double scale, embNum *out) {
  draw_grid(1, k, step, NULL, row0, B, n, 0.0, scale, NULL, out, n);
}

void emb_rng_uniform_rows(const embRngKey *k, uint32_t step, uint32_t row0, int B, int n,
                          double lo, double hi, embNum *out) {
  draw_grid(0, k, step, NULL, row0, B, n, lo, hi - lo, NULL, out, n);
}

void emb_rng_normal_block(const embRngKey *k, uint32_t step, const uint32_t *rows, uint32_t row0,
                          int B, int n, double scale, embNum *out, int ld) {
  draw_grid(1, k, step, rows, row0, B, n, 0.0, scale, NULL, out, ld);
}

void emb_rng_uniform_block(const embRngKey *k, uint32_t step, const uint32_t *rows, uint32_t row0,
                           int B, int n, double *out, int ld) {
  draw_grid(0, k, step, rows, row0, B, n, 0.0, 1.0, out, NULL, ld);
}
