/* bench_step.c — effector speed: row-steps per second of emb_step (forward only) and of
 * emb_step + emb_step_backward (a 100-step rollout forward, then backward through it),
 * for each effector at B = 128 on one thread, plus an FNV-1a hash of the final state and
 * of the gradient w.r.t. the initial state (the result of the timed work). Target (issue
 * #2): arm forward + backward >= 5e6 row-steps/s per core.
 *
 * Each figure is the best of REPEATS timings of >= 0.1 s (the machine is shared: the
 * best is the least disturbed). `bench_step CHUNK` calls the effector on CHUNK rows at a
 * time, as the closed loop does (src/train/rollout.c: 16); the default is all 128. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "embody/emb_effector.h"

#define B 128
#define T 100
#define REPEATS 5
#define MIN_SECONDS 0.1

static int chunk = B; /* rows per effector call */

static void bench(const char *label, embEffectorKind kind, embMuscleKind mk) {
  embModel m;
  emb_model_init(&m, kind, mk);
  const int NS = emb_state_size(&m), M = m.M;
  embNum *S = malloc(sizeof(embNum) * (size_t)(T + 1) * B * NS);
  embNum *U = malloc(sizeof(embNum) * (size_t)T * B * M);
  embNum *dU = malloc(sizeof(embNum) * (size_t)T * B * M);
  embNum *dn = malloc(sizeof(embNum) * (size_t)B * NS), *dp = malloc(sizeof(embNum) * (size_t)B * NS);
  embNum q[B * 4];
  uint64_t r = 88172645463325252ull;
  for (int b = 0; b < B; b++)
    for (int d = 0; d < 2; d++) {
      r ^= r << 13, r ^= r >> 7, r ^= r << 17;
      q[4 * b + d] = m.pos_lb[d] + (embNum)(0.2 + 0.6 * (r >> 11) / 9007199254740992.0) *
                                       (m.pos_ub[d] - m.pos_lb[d]);
      q[4 * b + 2 + d] = 0;
    }
  for (size_t k = 0; k < (size_t)T * B * M; k++) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17;
    U[k] = (embNum)(0.3 * (r >> 11) / 9007199254740992.0);
  }
  emb_reset(&m, S, q, B);
  /* forward only */
  double fwd = 0, fb = 0;
  for (int rep = 0; rep < REPEATS; rep++) {
    int reps = 0;
    double t0 = now(), el;
    do {
      for (int t = 0; t < T; t++)
        for (int c = 0; c < B; c += chunk)
          emb_step(&m, S + ((size_t)(t + 1) * B + c) * NS, S + ((size_t)t * B + c) * NS,
                   U + ((size_t)t * B + c) * M, NULL, B - c < chunk ? B - c : chunk);
      reps++;
    } while ((el = now() - t0) < MIN_SECONDS);
    if ((double)reps * T * B / el > fwd) fwd = (double)reps * T * B / el;
  }
  /* forward + backward */
  for (int rep = 0; rep < REPEATS; rep++) {
    int reps = 0;
    double t0 = now(), el;
    do {
      for (int t = 0; t < T; t++)
        for (int c = 0; c < B; c += chunk)
          emb_step(&m, S + ((size_t)(t + 1) * B + c) * NS, S + ((size_t)t * B + c) * NS,
                   U + ((size_t)t * B + c) * M, NULL, B - c < chunk ? B - c : chunk);
      memset(dn, 0, sizeof(embNum) * B * NS);
      for (int b = 0; b < B; b++) dn[b * NS + EMB_OFF_CART] = dn[b * NS + EMB_OFF_CART + 1] = 1;
      memset(dU, 0, sizeof(embNum) * (size_t)T * B * M);
      for (int t = T - 1; t >= 0; t--) {
        memset(dp, 0, sizeof(embNum) * B * NS);
        for (int c = 0; c < B; c += chunk)
          emb_step_backward(&m, dp + (size_t)c * NS, dU + ((size_t)t * B + c) * M,
                            dn + (size_t)c * NS, S + ((size_t)t * B + c) * NS,
                            U + ((size_t)t * B + c) * M, NULL, B - c < chunk ? B - c : chunk);
        embNum *x = dn;
        dn = dp;
        dp = x;
      }
      reps++;
    } while ((el = now() - t0) < MIN_SECONDS);
    if ((double)reps * T * B / el > fb) fb = (double)reps * T * B / el;
  }
  uint64_t h = fnv1a(S + (size_t)T * B * NS, sizeof(embNum) * B * NS, BENCH_FNV_OFFSET);
  h = fnv1a(dn, sizeof(embNum) * B * NS, h);
  printf("%-14s B=%d  forward %8.3g row-steps/s   forward+backward %8.3g row-steps/s   "
         "hash %016llx\n", label, B, fwd, fb, (unsigned long long)h);
  free(S), free(U), free(dU), free(dn), free(dp);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    chunk = atoi(argv[1]);
    if (chunk < 1 || chunk > B) {
      fprintf(stderr, "usage: bench_step [CHUNK]  (rows per effector call, 1..%d)\n", B);
      return 2;
    }
  }
  printf("bench_step (%s build, one thread, %d-step rollouts, %d rows per call, best of %d)\n",
         EMB_NUM_NAME, T, chunk, REPEATS);
  bench("pointmass24", EMB_POINT_MASS, EMB_MUSCLE_RELU);
  bench("arm26_thelen", EMB_ARM, EMB_MUSCLE_THELEN);
  bench("arm26_hill", EMB_ARM, EMB_MUSCLE_KISTEMAKER);
  return 0;
}
