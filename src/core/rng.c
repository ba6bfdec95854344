/* rng.c — counter-based random numbers: Philox4x32-10 keyed by (seed, purpose, epoch,
 * step, row, element), 53-bit uniforms and Box–Muller normals in double.
 * Not a stateful generator: nothing here has state to save or restore. */
#include "embody/emb_rng.h"

#include <Random123/philox.h>
#include <assert.h>

#define TWO_PI 6.283185307179586476925286766559

embRngKey emb_rng_key(uint64_t seed, embRngPurpose purpose, uint32_t epoch) {
  embRngKey k;
  k.seed = seed;
  k.purpose = (uint32_t)purpose;
  k.epoch = epoch;
  return k;
}

void emb_rng_block(const embRngKey *k, uint32_t step, uint32_t row, uint32_t block,
                   uint32_t out[4]) {
  assert(step <= EMB_RNG_MAX_STEP && k->purpose <= EMB_RNG_MAX_PURPOSE);
  philox4x32_key_t key = {{(uint32_t)(k->seed & 0xffffffffu), (uint32_t)(k->seed >> 32)}};
  philox4x32_ctr_t ctr = {{block, row, (k->purpose << 24) | (step & EMB_RNG_MAX_STEP), k->epoch}};
  philox4x32_ctr_t r = philox4x32(ctr, key);
  for (int i = 0; i < 4; i++) out[i] = r.v[i];
}

/* 53-bit uniform in [0, 1) from two words (MT19937's genrand_res53 construction) */
static inline double u53(uint32_t a, uint32_t b) {
  return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);
}

/* Box–Muller: one block -> two normals (cos and sin branch). 1 − u is in (0, 1]. */
static inline void box_muller(const uint32_t w[4], double *n0, double *n1) {
  double u1 = 1.0 - u53(w[0], w[1]);
  double u2 = u53(w[2], w[3]);
  double rad = sqrt(-2.0 * log(u1));
  double th = TWO_PI * u2;
  *n0 = rad * cos(th);
  *n1 = rad * sin(th);
}

double emb_rng_uniform(const embRngKey *k, uint32_t step, uint32_t row, uint64_t element) {
  uint32_t w[4];
  emb_rng_block(k, step, row, (uint32_t)(element >> 1), w);
  return (element & 1) ? u53(w[2], w[3]) : u53(w[0], w[1]);
}

double emb_rng_normal(const embRngKey *k, uint32_t step, uint32_t row, uint64_t element) {
  uint32_t w[4];
  double n0, n1;
  emb_rng_block(k, step, row, (uint32_t)(element >> 1), w);
  box_muller(w, &n0, &n1);
  return (element & 1) ? n1 : n0;
}

void emb_rng_uniform_fill(const embRngKey *k, uint32_t step, uint32_t row, double *out, int n) {
  uint32_t w[4];
  for (int e = 0; e < n; e += 2) {
    emb_rng_block(k, step, row, (uint32_t)(e >> 1), w);
    out[e] = u53(w[0], w[1]);
    if (e + 1 < n) out[e + 1] = u53(w[2], w[3]);
  }
}

void emb_rng_normal_fill(const embRngKey *k, uint32_t step, uint32_t row, double *out, int n) {
  uint32_t w[4];
  double n0, n1;
  for (int e = 0; e < n; e += 2) {
    emb_rng_block(k, step, row, (uint32_t)(e >> 1), w);
    box_muller(w, &n0, &n1);
    out[e] = n0;
    if (e + 1 < n) out[e + 1] = n1;
  }
}

void emb_rng_normal_rows(const embRngKey *k, uint32_t step, uint32_t row0, int B, int n,
                         double scale, embNum *out) {
  uint32_t w[4];
  double n0, n1;
  for (int b = 0; b < B; b++) {
    embNum *o = out + (size_t)b * n;
    for (int e = 0; e < n; e += 2) {
      emb_rng_block(k, step, row0 + (uint32_t)b, (uint32_t)(e >> 1), w);
      box_muller(w, &n0, &n1);
      o[e] = (embNum)(scale * n0);
      if (e + 1 < n) o[e + 1] = (embNum)(scale * n1);
    }
  }
}

void emb_rng_uniform_rows(const embRngKey *k, uint32_t step, uint32_t row0, int B, int n,
                          double lo, double hi, embNum *out) {
  uint32_t w[4];
  for (int b = 0; b < B; b++) {
    embNum *o = out + (size_t)b * n;
    for (int e = 0; e < n; e += 2) {
      emb_rng_block(k, step, row0 + (uint32_t)b, (uint32_t)(e >> 1), w);
      o[e] = (embNum)(lo + (hi - lo) * u53(w[0], w[1]));
      if (e + 1 < n) o[e + 1] = (embNum)(lo + (hi - lo) * u53(w[2], w[3]));
    }
  }
}
