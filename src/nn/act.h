/* act.h — the network's scalar non-linearities, one definition for every caller.
 * Private to src/nn. */
#ifndef EMB_NN_ACT_H
#define EMB_NN_ACT_H

#include "embody/emb_types.h"

static inline embNum nn_sigmoid(embNum x) { return (embNum)1 / ((embNum)1 + emb_exp(-x)); }
static inline embNum nn_tanh(embNum x) { return emb_tanh(x); }

/* PyTorch's softplus (beta 1, threshold 20) and its derivative */
#define NN_SOFTPLUS_THRESHOLD 20
static inline embNum nn_softplus(embNum x) {
  return x > NN_SOFTPLUS_THRESHOLD ? x : emb_log1p(emb_exp(x));
}
static inline embNum nn_softplus_deriv(embNum x) {
  if (x > NN_SOFTPLUS_THRESHOLD) return 1;
  embNum e = emb_exp(x);
  return e / (e + 1);
}

#endif
