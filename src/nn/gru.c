/* gru.c — one GRU time step over a batch, forward and backward side by side
 * (PyTorch gate convention: rows of the weights stacked r, z, n; b_hn inside r ⊙ (·)).
 * Cache per row: [ r | z | n | ghn ] with ghn = W_hn h_prev + b_hn.
 * The backward is split in two: the per-step part (gate gradients, dx, dh_prev) and the
 * weight gradients, which a rollout makes once over all T·B rows (one gemm per block
 * instead of one per step); emb_gru_backward is the two for one step. */
#include "embody/emb_nn.h"
#include "nn/act.h"
#include "nn/gemm.h"

void emb_gru_forward(embNum *h, embNum *cache, const embNum *x, const embNum *h_prev,
                     const embParams *p, int B) {
  const int NI = p->sz.n_in, H = p->sz.H1, C = EMB_GRU_CACHE(H);
  const embNum *Wih = p->gru_weight_ih, *Whh = p->gru_weight_hh;
  const embNum *bih = p->gru_bias_ih, *bhh = p->gru_bias_hh;
  /* x W_ih^T into cache[:, 0:3H] ([r z n] input parts); h W_h{r,z}^T added to cache[:, 0:2H];
   * h W_hn^T into cache[:, 3H:4H] */
  nn_gemm(0, 1, B, 3 * H, NI, 1, x, NI, Wih, NI, 0, cache, C);
  nn_gemm(0, 1, B, 2 * H, H, 1, h_prev, H, Whh, H, 1, cache, C);
  nn_gemm(0, 1, B, H, H, 1, h_prev, H, Whh + (size_t)2 * H * H, H, 0, cache + 3 * H, C);
  for (int b = 0; b < B; b++) {
    embNum *c = cache + (size_t)b * C, *hb = h + (size_t)b * H;
    const embNum *hp = h_prev + (size_t)b * H;
#pragma omp simd simdlen(16) /* vectorised whatever the cost model, 16 lanes (AVX-512:
                                 * zmm, GCC alone picks ymm); lanes round as the scalar code */
    for (int j = 0; j < H; j++) {
      embNum r = nn_sigmoid(c[j] + bih[j] + bhh[j]);
      embNum z = nn_sigmoid(c[H + j] + bih[H + j] + bhh[H + j]);
      embNum ghn = c[3 * H + j] + bhh[2 * H + j];
      embNum n = nn_tanh(c[2 * H + j] + bih[2 * H + j] + r * ghn);
      c[j] = r;
      c[H + j] = z;
      c[2 * H + j] = n;
      c[3 * H + j] = ghn;
      hb[j] = n + z * (hp[j] - n); /* (1 − z) n + z h, as PyTorch computes it */
    }
  }
}

void emb_gru_backward_step(embNum *dx, embNum *dh_prev, embNum *dg, const embNum *dh,
                           const embNum *cache, const embNum *h_prev, const embParams *p, int B) {
  const int NI = p->sz.n_in, H = p->sz.H1, C = EMB_GRU_CACHE(H);
  for (int b = 0; b < B; b++) {
    const embNum *c = cache + (size_t)b * C, *hp = h_prev + (size_t)b * H;
    const embNum *d = dh + (size_t)b * H;
    embNum *dhp = dh_prev + (size_t)b * H, *g = dg + (size_t)b * C;
#pragma omp simd simdlen(16)
    for (int j = 0; j < H; j++) {
      /* every cache entry of column j is read before g (which may be the cache) is written */
      embNum r = c[j], z = c[H + j], n = c[2 * H + j], ghn = c[3 * H + j];
      embNum dz = d[j] * (hp[j] - n);
      embNum dan = d[j] * (1 - z) * (1 - n * n);
      embNum dar = dan * ghn * r * (1 - r);
      embNum daz = dz * z * (1 - z);
      dhp[j] += d[j] * z;
      g[j] = dar;
      g[H + j] = daz;
      g[2 * H + j] = dan;
      g[3 * H + j] = dan * r;
    }
  }
  /* input gradient: [dar daz dan] W_ih; state gradient: [dar daz] W_h{r,z} + (dan r) W_hn */
  if (dx) nn_gemm(0, 0, B, NI, 3 * H, 1, dg, C, p->gru_weight_ih, NI, 1, dx, NI);
  nn_gemm(0, 0, B, H, 2 * H, 1, dg, C, p->gru_weight_hh, H, 1, dh_prev, H);
  nn_gemm(0, 0, B, H, H, 1, dg + 3 * H, C, p->gru_weight_hh + (size_t)2 * H * H, H, 1, dh_prev, H);
}

/* bias gradients: column sums of the gate gradients, rows in order, in one pass over
 * the (N, 4H) array: b_ih += [dar daz dan], b_hh += [dar daz (dan r)] */
static void add_bias_sums(embNum *bih, embNum *bhh, const embNum *dg, int N, int H) {
  const int C = EMB_GRU_CACHE(H);
  for (int b = 0; b < N; b++) {
    const embNum *row = dg + (size_t)b * C;
#pragma omp simd
    for (int j = 0; j < 3 * H; j++) bih[j] += row[j];
#pragma omp simd
    for (int j = 0; j < 2 * H; j++) bhh[j] += row[j];
#pragma omp simd
    for (int j = 0; j < H; j++) bhh[2 * H + j] += row[3 * H + j];
  }
}

void emb_gru_backward_weights(embParams *dp, const embNum *dg, const embNum *x, const embNum *h_prev,
                              int N) {
  const int NI = dp->sz.n_in, H = dp->sz.H1, C = EMB_GRU_CACHE(H);
  /* one gemm per block over all N rows (fixed order, one BLAS thread) */
  nn_gemm(1, 0, 3 * H, NI, N, 1, dg, C, x, NI, 1, dp->gru_weight_ih, NI);
  nn_gemm(1, 0, 2 * H, H, N, 1, dg, C, h_prev, H, 1, dp->gru_weight_hh, H);
  nn_gemm(1, 0, H, H, N, 1, dg + 3 * H, C, h_prev, H, 1, dp->gru_weight_hh + (size_t)2 * H * H, H);
  add_bias_sums(dp->gru_bias_ih, dp->gru_bias_hh, dg, N, H);
}

void emb_gru_backward(embNum *dx, embNum *dh_prev, embParams *dp, const embNum *dh,
                      const embNum *cache, const embNum *x, const embNum *h_prev,
                      const embParams *p, int B, embNum *work) {
  emb_gru_backward_step(dx, dh_prev, work, dh, cache, h_prev, p, B);
  emb_gru_backward_weights(dp, work, x, h_prev, B);
}
