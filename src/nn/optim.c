/* optim.c — torch.optim.AdamW (single-tensor path), clip_grad_norm_ and the closed form
 * of CosineAnnealingLR, each one loop over the flat parameter block. */
#include "embody/emb_nn.h"

#include <string.h>

int emb_adamw_alloc(embAdamW *o, embNetSizes sz) {
  memset(o, 0, sizeof *o);
  int st = emb_params_alloc(&o->m, sz);
  if (st == EMB_OK) st = emb_params_alloc(&o->v, sz);
  if (st != EMB_OK) {
    emb_adamw_free(o);
    return st;
  }
  o->beta1 = EMB_ADAMW_BETA1;
  o->beta2 = EMB_ADAMW_BETA2;
  o->eps = EMB_ADAMW_EPS;
  o->weight_decay = EMB_ADAMW_WEIGHT_DECAY;
  o->step = 0;
  return EMB_OK;
}

void emb_adamw_free(embAdamW *o) {
  emb_params_free(&o->m);
  emb_params_free(&o->v);
  o->step = 0;
}

/* Mirrors torch/optim/adamw.py `_single_tensor_adamw`: elementwise arithmetic in the
 * parameter's type, bias corrections in double (Python floats). */
void emb_adamw_update(embNum *p, const embNum *g, embNum *m, embNum *v, size_t n, long step,
                      double lr, double beta1, double beta2, double eps, double weight_decay) {
  const embNum decay = (embNum)(1.0 - lr * weight_decay);
  const embNum w1 = (embNum)(1.0 - beta1), b2 = (embNum)beta2, w2 = (embNum)(1.0 - beta2);
  const double bc1 = 1.0 - pow(beta1, (double)step), bc2 = 1.0 - pow(beta2, (double)step);
  const embNum step_size = (embNum)(lr / bc1), bc2_sqrt = (embNum)sqrt(bc2), e = (embNum)eps;
  for (size_t i = 0; i < n; i++) {
    p[i] *= decay;
    m[i] += w1 * (g[i] - m[i]); /* lerp(m, g, 1 − β1), weight < 0.5 branch */
    v[i] = v[i] * b2 + w2 * g[i] * g[i];
    embNum denom = emb_sqrt(v[i]) / bc2_sqrt + e;
    p[i] -= step_size * (m[i] / denom);
  }
}

void emb_adamw_step(embAdamW *o, embParams *p, const embParams *g, double lr) {
  o->step++;
  emb_adamw_update(p->data, g->data, o->m.data, o->v.data, p->n, o->step, lr, o->beta1,
                   o->beta2, o->eps, o->weight_decay);
}

double emb_grad_norm(const embNum *g, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (double)g[i] * g[i];
  return sqrt(s);
}

double emb_clip_grad_norm(embParams *g, double max_norm) {
  double norm = emb_grad_norm(g->data, g->n);
  if (max_norm > 0 && isfinite(norm) && norm > max_norm) {
    const embNum scale = (embNum)(max_norm / (norm + EMB_CLIP_EPS));
    for (size_t i = 0; i < g->n; i++) g->data[i] *= scale;
  }
  return norm;
}

double emb_cosine_lr(double lr, double lr_min, long epoch, long t_max) {
  if (isnan(lr_min) || t_max <= 0) return lr;
  return lr_min + (lr - lr_min) * (1.0 + cos(M_PI * (double)epoch / (double)t_max)) / 2.0;
}
