/* gru.c — one GRU time step over a batch, forward and backward side by side
 * (PyTorch gate convention: rows of the weights stacked r, z, n; b_hn inside r ⊙ (·)).
 * Cache per row: [ n | r | z | ghn ] with ghn = W_hn h_prev + b_hn. */
#include "embody/emb_nn.h"
#include "nn/act.h"
#include "nn/gemm.h"

void emb_gru_forward(embNum *h, embNum *cache, const embNum *x, const embNum *h_prev,
                     const embParams *p, int B) {
  const int NI = p->sz.n_in, H = p->sz.H1, C = EMB_GRU_CACHE(H);
  const embNum *Wih = p->gru_weight_ih, *Whh = p->gru_weight_hh;
  const embNum *bih = p->gru_bias_ih, *bhh = p->gru_bias_hh;
  /* [r z] pre-activations: x W_i{r,z}^T + h W_h{r,z}^T into cache[:, H:3H] */
  nn_gemm(0, 1, B, 2 * H, NI, 1, x, NI, Wih, NI, 0, cache + H, C);
  nn_gemm(0, 1, B, 2 * H, H, 1, h_prev, H, Whh, H, 1, cache + H, C);
  /* x W_in^T into cache[:, 0:H]; h W_hn^T into cache[:, 3H:4H] */
  nn_gemm(0, 1, B, H, NI, 1, x, NI, Wih + (size_t)2 * H * NI, NI, 0, cache, C);
  nn_gemm(0, 1, B, H, H, 1, h_prev, H, Whh + (size_t)2 * H * H, H, 0, cache + 3 * H, C);
  for (int b = 0; b < B; b++) {
    embNum *c = cache + (size_t)b * C, *hb = h + (size_t)b * H;
    const embNum *hp = h_prev + (size_t)b * H;
#pragma omp simd /* vectorised whatever the cost model; lanes round as the scalar code */
    for (int j = 0; j < H; j++) {
      embNum r = nn_sigmoid(c[H + j] + bih[j] + bhh[j]);
      embNum z = nn_sigmoid(c[2 * H + j] + bih[H + j] + bhh[H + j]);
      embNum ghn = c[3 * H + j] + bhh[2 * H + j];
      embNum n = nn_tanh(c[j] + bih[2 * H + j] + r * ghn);
      c[j] = n;
      c[H + j] = r;
      c[2 * H + j] = z;
      c[3 * H + j] = ghn;
      hb[j] = n + z * (hp[j] - n); /* (1 − z) n + z h, as PyTorch computes it */
    }
  }
}

/* column sums of a (B, n) array added to out (n), rows in order */
static void add_colsum(embNum *out, const embNum *a, int B, int n) {
  for (int b = 0; b < B; b++)
    for (int j = 0; j < n; j++) out[j] += a[(size_t)b * n + j];
}

void emb_gru_backward(embNum *dx, embNum *dh_prev, embParams *dp, const embNum *dh,
                      const embNum *cache, const embNum *x, const embNum *h_prev,
                      const embParams *p, int B, embNum *work) {
  const int NI = p->sz.n_in, H = p->sz.H1, C = EMB_GRU_CACHE(H), G = 3 * H;
  embNum *dgi = work;                 /* (B,3H) d(input pre-activations) [r z n] */
  embNum *dgh = work + (size_t)B * G; /* (B,3H) d(recurrent pre-activations) */
  for (int b = 0; b < B; b++) {
    const embNum *c = cache + (size_t)b * C, *hp = h_prev + (size_t)b * H;
    const embNum *d = dh + (size_t)b * H;
    embNum *dhp = dh_prev + (size_t)b * H, *gi = dgi + (size_t)b * G, *gh = dgh + (size_t)b * G;
#pragma omp simd
    for (int j = 0; j < H; j++) {
      embNum n = c[j], r = c[H + j], z = c[2 * H + j], ghn = c[3 * H + j];
      embNum dz = d[j] * (hp[j] - n);
      embNum dan = d[j] * (1 - z) * (1 - n * n);
      embNum dar = dan * ghn * r * (1 - r);
      embNum daz = dz * z * (1 - z);
      dhp[j] += d[j] * z;
      gi[j] = dar;
      gi[H + j] = daz;
      gi[2 * H + j] = dan;
      gh[j] = dar;
      gh[H + j] = daz;
      gh[2 * H + j] = dan * r;
    }
  }
  /* weight gradients: one gemm each over the batch (fixed order, one BLAS thread) */
  nn_gemm(1, 0, G, NI, B, 1, dgi, G, x, NI, 1, dp->gru_weight_ih, NI);
  nn_gemm(1, 0, G, H, B, 1, dgh, G, h_prev, H, 1, dp->gru_weight_hh, H);
  add_colsum(dp->gru_bias_ih, dgi, B, G);
  add_colsum(dp->gru_bias_hh, dgh, B, G);
  /* input and state gradients */
  if (dx) nn_gemm(0, 0, B, NI, G, 1, dgi, G, p->gru_weight_ih, NI, 1, dx, NI);
  nn_gemm(0, 0, B, H, G, 1, dgh, G, p->gru_weight_hh, H, 1, dh_prev, H);
}
