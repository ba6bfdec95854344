/* emb_rng.h — counter-based random numbers (Philox4x32-10, Random123).
 *
 * Every draw is a pure function of its coordinates
 *     (seed, purpose, epoch, step, row, element)
 * so that the numbers a batch row sees never depend on the thread count, on how the batch
 * is chunked, or on whether the run was resumed (spec: ../shared/spec/tasks.md §4b).
 * There is no generator state to save: a checkpoint only needs (seed, epoch).
 *
 * Keying (docs/nn.md, "Random numbers"):
 *   Philox key     = (seed & 0xffffffff, seed >> 32)
 *   Philox counter = (element / 2, row, purpose << 24 | step, epoch)
 * One Philox call yields 4 x 32 bits = two 53-bit uniforms = two normals (Box–Muller
 * pair), so elements 2k and 2k+1 share a call. Distinct coordinates give distinct
 * counters, and Philox is a bijection of the counter for a fixed key: no two coordinates
 * (in particular no two purposes) share a stream.
 *
 * Uniform and normal draws at the same coordinates come from the same bits: give each
 * purpose one distribution (or disjoint element ranges). Ranges: step < 2^24,
 * purpose < 256, element < 2^33. */
#ifndef EMB_RNG_H
#define EMB_RNG_H

#include "emb_types.h"

/* What a draw is for. Values are part of the keying: never renumber, only append. */
typedef enum {
  EMB_RNG_START = 0,         /* start state of an episode */
  EMB_RNG_GOAL = 1,          /* goal of an episode */
  EMB_RNG_JTR_GOAL = 2,      /* JTR replacement goal after a hit */
  EMB_RNG_VISION_NOISE = 3,  /* noise on the goal and vision blocks of the observation */
  EMB_RNG_PROPRIO_NOISE = 4, /* noise on proprioception */
  EMB_RNG_EFFERENT_NOISE = 5,/* noise on the efference copy */
  EMB_RNG_ACTION_NOISE = 6,  /* noise added to the action sent to the effector */
  EMB_RNG_POLICY_EPS = 7,    /* the policy's reparameterisation eps */
  EMB_RNG_INIT = 8,          /* parameter initialisation */
  EMB_RNG_EVAL = 9,          /* evaluation episodes (start/goal of `embody eval`) */
  EMB_RNG_USER0 = 16,        /* first free value for purposes added later (< 256) */
  EMB_RNG_MAX_PURPOSE = 255
} embRngPurpose;

#define EMB_RNG_MAX_STEP ((1u << 24) - 1u)

/* The fixed part of the coordinates: one key per (seed, purpose, epoch). */
typedef struct {
  uint64_t seed;
  uint32_t purpose; /* an embRngPurpose */
  uint32_t epoch;
} embRngKey;

/* Build a key. */
embRngKey emb_rng_key(uint64_t seed, embRngPurpose purpose, uint32_t epoch);

/* One uniform in [0, 1) with 53 random bits. */
double emb_rng_uniform(const embRngKey *k, uint32_t step, uint32_t row, uint64_t element);

/* One standard normal (Box–Muller in double with the library's own log and sin/cos
 * polynomials, errors below 1 ulp; the same bits on every machine with IEEE doubles). */
double emb_rng_normal(const embRngKey *k, uint32_t step, uint32_t row, uint64_t element);

/* Elements 0..n-1 of (key, step, row): out[e] = emb_rng_uniform(k, step, row, e), two
 * per Philox call. */
void emb_rng_uniform_fill(const embRngKey *k, uint32_t step, uint32_t row, double *out, int n);

/* Elements 0..n-1 of (key, step, row): out[e] = emb_rng_normal(k, step, row, e). */
void emb_rng_normal_fill(const embRngKey *k, uint32_t step, uint32_t row, double *out, int n);

/* A (B, n) block of normals times `scale` in embNum: row b of `out` (stride n) holds
 * elements 0..n-1 of (key, step, row0 + b). The usual call for per-step noise. */
void emb_rng_normal_rows(const embRngKey *k, uint32_t step, uint32_t row0, int B, int n,
                         double scale, embNum *out /*(B,n)*/);

/* The same for uniforms lo + (hi − lo) u, u in [0, 1) (in the float build a value may
 * round up to hi). */
void emb_rng_uniform_rows(const embRngKey *k, uint32_t step, uint32_t row0, int B, int n,
                          double lo, double hi, embNum *out /*(B,n)*/);

/* The general batch call: a (B, n) block of normals times `scale`, row b of `out` (row
 * stride ld >= n) holding elements 0..n-1 of (key, step, rows[b]) — or of row0 + b when
 * `rows` is NULL. Draws are made many at a time in vector code; every value equals the
 * scalar emb_rng_normal at the same coordinates (times scale, rounded to embNum). */
void emb_rng_normal_block(const embRngKey *k, uint32_t step, const uint32_t *rows /*(B) or NULL*/,
                          uint32_t row0, int B, int n, double scale, embNum *out /*(B,ld)*/, int ld);

/* The same for 53-bit uniforms in [0, 1), in double. */
void emb_rng_uniform_block(const embRngKey *k, uint32_t step, const uint32_t *rows /*(B) or NULL*/,
                           uint32_t row0, int B, int n, double *out /*(B,ld)*/, int ld);

/* The raw Philox4x32-10 block (counter block index = element / 2): for tests and docs. */
void emb_rng_block(const embRngKey *k, uint32_t step, uint32_t row, uint32_t block,
                   uint32_t out[4]);

#endif
