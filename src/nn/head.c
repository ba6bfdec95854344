/* head.c — the "basal ganglia" head and the learnable initial state, forward and
 * backward side by side (training.md §1):
 *   s = ReLU(W_cs h + b_cs), mu = W_loc s + b_loc, sigma = pos(W_s s + b_s),
 *   action = mu + sigma ⊙ eps;   h0 = tanh(θ0).
 * Cache per row: [ s (H2) | mu (M) | scale pre-activation (M) | sigma (M) ]. */
#include "embody/emb_nn.h"
#include "nn/act.h"
#include "nn/gemm.h"

#include <string.h>

size_t emb_nn_work_size(embNetSizes sz, int B) {
  size_t gru = (size_t)B * EMB_GRU_CACHE(sz.H1);
  size_t head = (size_t)B * (sz.M + sz.H2);
  return gru > head ? gru : head;
}

#define HEAD_PACK_MAX 1024 /* numbers of [W_loc; W_scale] packed on the stack */

void emb_head_forward(embNum *action, embNum *cache, const embNum *h, const embNum *eps,
                      const embParams *p, embPositiveFunc pos, int B) {
  const int H1 = p->sz.H1, H2 = p->sz.H2, M = p->sz.M, C = EMB_HEAD_CACHE(H2, M);
  nn_gemm(0, 1, B, H2, H1, 1, h, H1, p->bg_cs_weight, H1, 0, cache, C);
  for (int b = 0; b < B; b++) {
    embNum *s = cache + (size_t)b * C;
    for (int j = 0; j < H2; j++) {
      embNum v = s[j] + p->bg_cs_bias[j];
      s[j] = v > 0 ? v : 0;
    }
  }
  /* [mu | pre] = s [W_loc; W_scale]^T: one product with the two weights packed (they are
   * not adjacent in the parameter block), two when they do not fit the stack buffer */
  if (2 * M * H2 <= HEAD_PACK_MAX) {
    embNum w2[HEAD_PACK_MAX];
    memcpy(w2, p->bg_loc_weight, sizeof(embNum) * M * H2);
    memcpy(w2 + M * H2, p->bg_scale_weight, sizeof(embNum) * M * H2);
    nn_gemm(0, 1, B, 2 * M, H2, 1, cache, C, w2, H2, 0, cache + H2, C);
  } else {
    nn_gemm(0, 1, B, M, H2, 1, cache, C, p->bg_loc_weight, H2, 0, cache + H2, C);
    nn_gemm(0, 1, B, M, H2, 1, cache, C, p->bg_scale_weight, H2, 0, cache + H2 + M, C);
  }
  for (int b = 0; b < B; b++) {
    embNum *c = cache + (size_t)b * C, *a = action + (size_t)b * M;
    embNum *mu = c + H2, *pre = c + H2 + M, *sigma = c + H2 + 2 * M;
    for (int m = 0; m < M; m++) {
      mu[m] += p->bg_loc_bias[m];
      pre[m] += p->bg_scale_bias[m];
      sigma[m] = pos == EMB_POS_SOFTPLUS ? nn_softplus(pre[m]) : emb_exp(pre[m]);
      a[m] = eps ? mu[m] + sigma[m] * eps[(size_t)b * M + m] : mu[m];
    }
  }
}

void emb_head_backward_step(embNum *dh, embNum *dpre, embNum *ds, const embNum *daction,
                            const embNum *cache, const embNum *eps, const embParams *p,
                            embPositiveFunc pos, int B) {
  const int H1 = p->sz.H1, H2 = p->sz.H2, M = p->sz.M, C = EMB_HEAD_CACHE(H2, M);
  for (int b = 0; b < B; b++) {
    const embNum *c = cache + (size_t)b * C, *pre = c + H2 + M, *sigma = c + H2 + 2 * M;
    for (int m = 0; m < M; m++) {
      embNum dsig = eps ? daction[(size_t)b * M + m] * eps[(size_t)b * M + m] : 0;
      embNum dpos = pos == EMB_POS_SOFTPLUS ? nn_softplus_deriv(pre[m]) : sigma[m];
      dpre[(size_t)b * M + m] = dsig * dpos;
    }
  }
  /* d(s) from the loc and scale layers, then the ReLU: gradient where s > 0 */
  nn_gemm(0, 0, B, H2, M, 1, daction, M, p->bg_loc_weight, H2, 0, ds, H2);
  nn_gemm(0, 0, B, H2, M, 1, dpre, M, p->bg_scale_weight, H2, 1, ds, H2);
  for (int b = 0; b < B; b++) {
    const embNum *s = cache + (size_t)b * C;
    for (int j = 0; j < H2; j++)
      if (!(s[j] > 0)) ds[(size_t)b * H2 + j] = 0;
  }
  nn_gemm(0, 0, B, H1, H2, 1, ds, H2, p->bg_cs_weight, H1, 1, dh, H1);
}

/* column sums of an (N, n) array added to out (n), rows in order */
static void add_colsum(embNum *out, const embNum *a, int N, int n) {
  for (int b = 0; b < N; b++)
    for (int j = 0; j < n; j++) out[j] += a[(size_t)b * n + j];
}

void emb_head_backward_weights(embParams *dp, const embNum *daction, const embNum *dpre,
                               const embNum *ds, const embNum *cache, const embNum *h, int N) {
  const int H1 = dp->sz.H1, H2 = dp->sz.H2, M = dp->sz.M, C = EMB_HEAD_CACHE(H2, M);
  nn_gemm(1, 0, M, H2, N, 1, daction, M, cache, C, 1, dp->bg_loc_weight, H2);
  nn_gemm(1, 0, M, H2, N, 1, dpre, M, cache, C, 1, dp->bg_scale_weight, H2);
  nn_gemm(1, 0, H2, H1, N, 1, ds, H2, h, H1, 1, dp->bg_cs_weight, H1);
  add_colsum(dp->bg_loc_bias, daction, N, M);
  add_colsum(dp->bg_scale_bias, dpre, N, M);
  add_colsum(dp->bg_cs_bias, ds, N, H2);
}

void emb_head_backward(embNum *dh, embParams *dp, const embNum *daction, const embNum *cache,
                       const embNum *h, const embNum *eps, const embParams *p,
                       embPositiveFunc pos, int B, embNum *work) {
  embNum *dpre = work, *ds = work + (size_t)B * p->sz.M;
  emb_head_backward_step(dh, dpre, ds, daction, cache, eps, p, pos, B);
  emb_head_backward_weights(dp, daction, dpre, ds, cache, h, B);
}

void emb_h0_forward(embNum *h0, const embParams *p, int B) {
  const int H = p->sz.H1;
  for (int j = 0; j < H; j++) h0[j] = nn_tanh(p->gru_hidden0[j]);
  for (int b = 1; b < B; b++)
    for (int j = 0; j < H; j++) h0[(size_t)b * H + j] = h0[j];
}

void emb_h0_backward(embParams *dp, const embNum *dh0, const embParams *p, int B) {
  const int H = p->sz.H1;
  for (int j = 0; j < H; j++) {
    embNum sum = 0;
    for (int b = 0; b < B; b++) sum += dh0[(size_t)b * H + j];
    embNum t = nn_tanh(p->gru_hidden0[j]);
    dp->gru_hidden0[j] += (1 - t * t) * sum;
  }
}
