/* bench_nn.c — one GRU + head forward and backward through T = 100 steps (the network
 * part of a training epoch, without the effector), for the paper's two network shapes:
 * B = 128, H1 32, H2 16, I 22, M 6 and B = 512, H1 128, H2 16, I 23, M 6. Prints ms per
 * pass, the matrix-product FLOPs, GFLOP/s and a hash of the gradient (it must not change
 * when the code is made faster). One thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "embody/emb_nn.h"
#include "embody/emb_rng.h"

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void bench(int B, embNetSizes sz, int T, int reps) {
  const int NI = sz.n_in, H = sz.H1, H2 = sz.H2, M = sz.M;
  embParams p, dp;
  emb_params_alloc(&p, sz);
  emb_params_alloc(&dp, sz);
  emb_params_init(&p, 0, 0.1);
  size_t bh = (size_t)B * H;
  embNum *x = malloc(sizeof(embNum) * T * B * NI), *eps = malloc(sizeof(embNum) * T * B * M);
  embNum *da = malloc(sizeof(embNum) * T * B * M), *hs = malloc(sizeof(embNum) * (T + 1) * bh);
  embNum *gc = malloc(sizeof(embNum) * T * B * EMB_GRU_CACHE(H));
  embNum *hc = malloc(sizeof(embNum) * T * B * EMB_HEAD_CACHE(H2, M));
  embNum *a = malloc(sizeof(embNum) * B * M), *dh = malloc(sizeof(embNum) * (T + 1) * bh);
  embNum *dx = malloc(sizeof(embNum) * B * NI);
  embNum *work = malloc(sizeof(embNum) * emb_nn_work_size(sz, B));
  embRngKey k = emb_rng_key(1, EMB_RNG_USER0, 0);
  for (int t = 0; t < T; t++) {
    emb_rng_normal_rows(&k, (uint32_t)t, 0, B, NI, 1.0, x + (size_t)t * B * NI);
    emb_rng_normal_rows(&k, (uint32_t)(T + t), 0, B, M, 1.0, eps + (size_t)t * B * M);
    emb_rng_normal_rows(&k, (uint32_t)(2 * T + t), 0, B, M, 0.01, da + (size_t)t * B * M);
  }
  double *times = malloc(sizeof(double) * reps);
  for (int rep = 0; rep < reps; rep++) {
    double t0 = now();
    emb_h0_forward(hs, &p, B);
    for (int t = 0; t < T; t++) {
      emb_gru_forward(hs + (t + 1) * bh, gc + (size_t)t * B * EMB_GRU_CACHE(H),
                      x + (size_t)t * B * NI, hs + t * bh, &p, B);
      emb_head_forward(a, hc + (size_t)t * B * EMB_HEAD_CACHE(H2, M), hs + (t + 1) * bh,
                       eps + (size_t)t * B * M, &p, EMB_POS_EXP, B);
    }
    emb_params_zero(&dp);
    memset(dh, 0, sizeof(embNum) * (T + 1) * bh);
    for (int t = T - 1; t >= 0; t--) {
      emb_head_backward(dh + (t + 1) * bh, &dp, da + (size_t)t * B * M,
                        hc + (size_t)t * B * EMB_HEAD_CACHE(H2, M), hs + (t + 1) * bh,
                        eps + (size_t)t * B * M, &p, EMB_POS_EXP, B, work);
      memset(dx, 0, sizeof(embNum) * B * NI);
      emb_gru_backward(dx, dh + t * bh, &dp, dh + (t + 1) * bh,
                       gc + (size_t)t * B * EMB_GRU_CACHE(H), x + (size_t)t * B * NI,
                       hs + t * bh, &p, B, work);
    }
    emb_h0_backward(&dp, dh, &p, B);
    times[rep] = now() - t0;
  }
  qsort(times, reps, sizeof(double), cmp);
  /* matrix-product FLOPs: forward 2*B*(3H(I+H) + H2 H + 2 M H2) per step, backward 2x */
  double fwd = 2.0 * B * (3.0 * H * (NI + H) + (double)H2 * H + 2.0 * M * H2);
  double flops = 3.0 * fwd * T;
  uint64_t hash = fnv1a(dp.data, dp.n * sizeof(embNum), BENCH_FNV_OFFSET);
  printf("nn fwd+bwd T=%d B=%d I=%d H1=%d H2=%d M=%d: median %.3f ms (min %.3f), %.1f MFLOP, "
         "%.2f GFLOP/s, grad hash %016llx\n",
         T, B, NI, H, H2, M, 1e3 * times[reps / 2], 1e3 * times[0], flops * 1e-6,
         flops / times[reps / 2] * 1e-9, (unsigned long long)hash);
  free(times); free(x); free(eps); free(da); free(hs); free(gc); free(hc); free(a); free(dh);
  free(dx); free(work);
  emb_params_free(&p);
  emb_params_free(&dp);
}

/* random numbers: ns per normal of the batch call (the rollout's per-step noise shape,
 * (B, M) blocks) and of libm Box–Muller on the same Philox words, for reference */
static void bench_rng(void) {
  enum { B = 128, N = 6, REPS = 2000 };
  static embNum out[B * N];
  embRngKey k = emb_rng_key(1, EMB_RNG_POLICY_EPS, 0);
  double t0 = now(), acc = 0;
  for (int r = 0; r < REPS; r++) {
    emb_rng_normal_block(&k, (uint32_t)r, NULL, 0, B, N, 1.0, out, N);
    acc += out[r % (B * N)];
  }
  double ns_block = (now() - t0) / ((double)REPS * B * N) * 1e9;
  t0 = now();
  double acc2 = 0;
  for (int r = 0; r < REPS; r++)
    for (int b = 0; b < B; b++)
      for (int e = 0; e < N; e += 2) {
        uint32_t w[4];
        emb_rng_block(&k, (uint32_t)r, (uint32_t)b, (uint32_t)(e >> 1), w);
        double u1 = 1.0 - ((double)(w[0] >> 5) * 67108864.0 + (double)(w[1] >> 6)) / 9007199254740992.0;
        double u2 = ((double)(w[2] >> 5) * 67108864.0 + (double)(w[3] >> 6)) / 9007199254740992.0;
        double rad = sqrt(-2.0 * log(u1));
        acc2 += rad * cos(6.283185307179586 * u2) + rad * sin(6.283185307179586 * u2);
      }
  double ns_libm = (now() - t0) / ((double)REPS * B * N) * 1e9;
  printf("rng: %.2f ns per normal (emb_rng_normal_block, (%d,%d) blocks); scalar libm Box-Muller %.2f ns "
         "(checksums %.6g %.6g)\n", ns_block, B, N, ns_libm, acc, acc2);
}

int main(void) {
  emb_nn_init();
  bench_rng();
  bench(128, (embNetSizes){22, 32, 16, 6}, 100, 21);
  bench(512, (embNetSizes){23, 128, 16, 6}, 100, 7);
  return 0;
}
