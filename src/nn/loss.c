/* loss.c — the four loss terms of training.md §2 over a whole rollout, each with its
 * backward next to it. Sums run in double in a fixed order (t, b, i; the hidden-state
 * terms with 8 interleaved partial sums per step, combined in a fixed tree). */
#include "embody/emb_nn.h"

double emb_loss_actor(const embNum *r, int T, int B) {
  double sum = 0;
  for (size_t k = 0; k < (size_t)T * B; k++) sum += r[k];
  return -sum / B;
}

void emb_loss_actor_backward(embNum *dr, double w, int T, int B) {
  const embNum g = (embNum)(-w / B);
  for (size_t k = 0; k < (size_t)T * B; k++) dr[k] += g;
}

double emb_loss_hidden(const embNum *h, int T, int B, int H) {
  double sums[2] = {0, 0};
  const size_t BH = (size_t)B * H;
  for (int t = 0; t < T; t++) emb_loss_hidden_terms_step(sums, h + t * BH, h + t * BH, BH);
  return sums[0] / ((double)T * B * H);
}

void emb_loss_hidden_backward(embNum *dh, double w, const embNum *h, int T, int B, int H) {
  const double c = 2.0 * w / ((double)T * B * H);
  for (size_t k = 0; k < (size_t)T * B * H; k++) dh[k] += (embNum)(c * h[k]);
}

double emb_loss_hidden_deriv(const embNum *h, const embNum *h0, double dt, int T, int B,
                             int H) {
  double hid, der;
  emb_loss_hidden_terms(&hid, &der, h, h0, dt, T, B, H);
  return der;
}

void emb_loss_hidden_deriv_backward(embNum *dh, embNum *dh0, double w, const embNum *h,
                                    const embNum *h0, double dt, int T, int B, int H) {
  const size_t BH = (size_t)B * H;
  const double c = 2.0 * w / ((double)B * H * dt * dt);
  for (int t = 0; t < T; t++) {
    const embNum *cur = h + t * BH, *prev = t ? h + (t - 1) * BH : h0;
    embNum *dcur = dh + t * BH, *dprev = t ? dh + (t - 1) * BH : dh0;
    for (size_t k = 0; k < BH; k++) {
      double g = c * ((double)cur[k] - prev[k]);
      dcur[k] += (embNum)g;
      if (dprev) dprev[k] -= (embNum)g;
    }
  }
}

#define SUM_LANES 8 /* partial sums per step: the loop vectorises, the order stays fixed */

void emb_loss_hidden_terms_step(double sums[2], const embNum *cur, const embNum *prev, size_t n) {
  double ah[SUM_LANES] = {0}, ad[SUM_LANES] = {0};
  size_t k = 0;
  for (; k + SUM_LANES <= n; k += SUM_LANES)
    for (int l = 0; l < SUM_LANES; l++) {
      double c = cur[k + l], d = c - prev[k + l];
      ah[l] += c * c;
      ad[l] += d * d;
    }
  for (int l = 0; k < n; k++, l++) {
    double c = cur[k], d = c - prev[k];
    ah[l] += c * c;
    ad[l] += d * d;
  }
  sums[0] += ((ah[0] + ah[1]) + (ah[2] + ah[3])) + ((ah[4] + ah[5]) + (ah[6] + ah[7]));
  sums[1] += ((ad[0] + ad[1]) + (ad[2] + ad[3])) + ((ad[4] + ad[5]) + (ad[6] + ad[7]));
}

void emb_loss_hidden_terms(double *hidden, double *deriv, const embNum *h, const embNum *h0, double dt,
                           int T, int B, int H) {
  const size_t BH = (size_t)B * H;
  double sums[2] = {0, 0};
  for (int t = 0; t < T; t++) emb_loss_hidden_terms_step(sums, h + t * BH, t ? h + (t - 1) * BH : h0, BH);
  *hidden = sums[0] / ((double)T * B * H);
  *deriv = sums[1] / ((double)B * H * dt * dt);
}

void emb_loss_hidden_terms_grad_step(embNum *d, const embNum *prev, const embNum *cur, const embNum *next,
                                     double w_hidden, double w_deriv, double dt, int T, int B, int H) {
  const size_t n = (size_t)B * H;
  const double ch = 2.0 * w_hidden / ((double)T * B * H), cd = 2.0 * w_deriv / ((double)B * H * dt * dt);
  if (!cur) { /* h0: only the first difference */
#pragma omp simd
    for (size_t k = 0; k < n; k++) d[k] = -(embNum)(cd * ((double)next[k] - prev[k]));
  } else if (next) {
#pragma omp simd
    for (size_t k = 0; k < n; k++)
      d[k] = ((embNum)(ch * cur[k]) + (embNum)(cd * ((double)cur[k] - prev[k]))) -
             (embNum)(cd * ((double)next[k] - cur[k]));
  } else {
#pragma omp simd
    for (size_t k = 0; k < n; k++) d[k] = (embNum)(ch * cur[k]) + (embNum)(cd * ((double)cur[k] - prev[k]));
  }
}

void emb_loss_hidden_terms_backward(embNum *dh, embNum *dh0, double w_hidden, double w_deriv,
                                    const embNum *h, const embNum *h0, double dt, int T, int B, int H) {
  const size_t BH = (size_t)B * H;
  emb_loss_hidden_terms_grad_step(dh0, h0, NULL, h, w_hidden, w_deriv, dt, T, B, H);
  for (int t = 0; t < T; t++)
    emb_loss_hidden_terms_grad_step(dh + t * BH, t ? h + (t - 1) * BH : h0, h + t * BH,
                                    t + 1 < T ? h + (t + 1) * BH : NULL, w_hidden, w_deriv, dt, T, B, H);
}

/* f̂ = fmax / ‖fmax‖₂ in double */
static void unit_fmax(double *fh, const embNum *fmax, int M) {
  double nrm = 0;
  for (int m = 0; m < M; m++) nrm += (double)fmax[m] * fmax[m];
  nrm = sqrt(nrm);
  for (int m = 0; m < M; m++) fh[m] = nrm > 0 ? fmax[m] / nrm : 0;
}

double emb_loss_muscle(const embNum *a, const embNum *fmax, int T, int B, int M) {
  double fh[64];
  if (M > 64) return NAN;
  unit_fmax(fh, fmax, M);
  double sum = 0;
  for (size_t k = 0; k < (size_t)T * B; k++) {
    double e = 0;
    for (int m = 0; m < M; m++) e += a[k * M + m] * fh[m];
    sum += e * e;
  }
  return sum / B;
}

void emb_loss_muscle_backward(embNum *da, double w, const embNum *a, const embNum *fmax,
                              int T, int B, int M) {
  double fh[64];
  if (M > 64) return;
  unit_fmax(fh, fmax, M);
  const double c = 2.0 * w / B;
  for (size_t k = 0; k < (size_t)T * B; k++) {
    double e = 0;
    for (int m = 0; m < M; m++) e += a[k * M + m] * fh[m];
    for (int m = 0; m < M; m++) da[k * M + m] += (embNum)(c * e * fh[m]);
  }
}
