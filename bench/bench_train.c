/* bench_train.c — training-epoch speed, one thread: milliseconds per epoch for the
 * rollout + backward alone and for a whole `embody train` epoch (with clipping and
 * AdamW), for the point mass and the arm on RTR (B 128, hidden 32/16) and the arm with
 * the COBFGR preset (B 512, hidden 128/16); the matrix-product FLOPs per epoch and the
 * GFLOP/s achieved against this machine's single-core sgemm rate; projected times of
 * paper-preset runs; and a hash of the parameters after the timed epochs.
 * Usage: bench_train [EPOCHS [CASE-SUBSTRING]] (e.g. `bench_train 50 "arm RTR"` to profile one case). */
#include <cblas.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "embody/emb_train.h"

/* single-core sgemm rate at a GRU-like shape (B x K times K x 3H) */
static double sgemm_gflops(int m, int k, int n) {
  float *a = calloc((size_t)m * k, 4), *b = calloc((size_t)k * n, 4), *c = calloc((size_t)m * n, 4);
  for (int i = 0; i < m * k; i++) a[i] = 0.001f * (i % 97);
  for (int i = 0; i < k * n; i++) b[i] = 0.002f * (i % 89);
  int reps = (int)(2e9 / (2.0 * m * k * n)) + 1;
  double t0 = now();
  for (int r = 0; r < reps; r++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, c, n);
  double s = now() - t0;
  free(a), free(b), free(c);
  return 2.0 * m * k * n * reps / s * 1e-9;
}

/* matrix-product FLOPs of one epoch: forward gemms, and twice that for the backward */
static double epoch_flops(int B, int T, int n_in, int H1, int H2, int M) {
  double fwd = 2.0 * B * 3 * H1 * (n_in + H1) + 2.0 * B * H2 * H1 + 2.0 * 2 * B * M * H2;
  return 3.0 * fwd * T;
}

static const char *only; /* argv[2]: run only the cases whose name contains it (profiling) */

static double bench_case(const char *name, const char *eff, const char *task, int epochs, double sgemm_rate,
                         double *ms_epoch_out) {
  *ms_epoch_out = 1;
  if (only && !strstr(name, only)) return 1;
  json_t *s = json_pack("{s:s, s:s, s:i}", "effector", eff, "task", task, "seed", 1);
  embTrainConfig c;
  if (emb_config_resolve(&c, s, "bench")) exit(1);
  json_decref(s);
  embTrainer t;
  if (emb_trainer_init(&t, &c)) exit(1);
  embRolloutStats st;
  for (int e = 0; e < 2; e++) emb_trainer_epoch(&t, NULL); /* warm-up */
  /* rollout + backward only */
  double t0 = now();
  for (int e = 0; e < epochs; e++) {
    emb_rollout_forward(t.rollout, &t.params, (uint32_t)e, &st);
    emb_params_zero(&t.grads);
    emb_rollout_backward(t.rollout, &t.params, &t.grads);
  }
  double ms_rb = (now() - t0) / epochs * 1e3;
  /* whole epochs as `embody train` runs them */
  t0 = now();
  for (int e = 0; e < epochs; e++) emb_trainer_epoch(&t, NULL);
  double ms_ep = (now() - t0) / epochs * 1e3;
  embNetSizes sz = emb_rollout_net_sizes(t.rollout);
  double fl = epoch_flops((int)c.batch_size, EMB_EPISODE_STEPS, sz.n_in, sz.H1, sz.H2, sz.M);
  double gf = fl / (ms_rb * 1e-3) * 1e-9;
  printf("%-22s B %4ld H %3ld/%-3ld  rollout+backward %8.2f ms  epoch %8.2f ms  %6.1f epochs/s  "
         "%.3g GFLOP/epoch  %6.2f GFLOP/s (%.0f%% of sgemm)  paper run (%ld epochs) %.1f min  hash %016llx\n",
         name, c.batch_size, c.hidden_sizes[0], c.hidden_sizes[1], ms_rb, ms_ep, 1e3 / ms_ep, fl * 1e-9, gf,
         100 * gf / sgemm_rate, c.epochs, c.epochs * ms_ep / 6e4,
         (unsigned long long)fnv1a(t.params.data, t.params.n * sizeof(embNum), BENCH_FNV_OFFSET));
  *ms_epoch_out = ms_ep;
  emb_trainer_free(&t);
  return ms_ep;
}

int main(int argc, char **argv) {
  int epochs = argc > 1 ? atoi(argv[1]) : 20;
  only = argc > 2 ? argv[2] : NULL;
  omp_set_num_threads(1);
  emb_nn_init();
  double rate_small = sgemm_gflops(128, 54, 96), rate_big = sgemm_gflops(512, 151, 384);
  printf("single-core sgemm: %.1f GFLOP/s at 128x54x96, %.1f GFLOP/s at 512x151x384 (one thread)\n", rate_small,
         rate_big);
  double pm, arm, cob;
  bench_case("point mass RTR", "point-mass", "RTR", epochs, rate_small, &pm);
  bench_case("arm RTR", "arm", "RTR", epochs, rate_small, &arm);
  bench_case("arm COBFGR (preset)", "arm", "COBFGR", EMB_MAX(2, epochs / 8), rate_big, &cob);
  /* the whole paper grid per effector and seed: 6 NT runs + 30 transfers; every target
   * task is trained 6 times (1 NT + 5 transfers) */
  if (only) return 0; /* the summary needs every case */
  double per_eff_arm = 6 * (4 * 5000 * arm + 35000 * arm + 35000 * cob) / 1e3;
  printf("summary: arm RTR %.1f epochs/s, arm COBFGR %.1f epochs/s; paper-preset arm grid (one seed, 36 runs) %.1f "
         "core-hours\n",
         1e3 / arm, 1e3 / cob, per_eff_arm / 3600);
  return 0;
}
