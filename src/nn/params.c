/* params.c — the policy's parameters as one flat named block (X-macro EMB_NET_TENSORS):
 * sizes, allocation, pointer setup, lookup by name, and PyTorch-default initialisation
 * drawn from the counter-based generator. Gradients and Adam moments use the same code. */
#include "embody/emb_nn.h"
#include "embody/emb_rng.h"

#include <stdlib.h>
#include <string.h>

static const char *const tensor_names[EMB_NET_NTENSORS] = {
#define EMB_X_NAME(field, name, ndim, rows, cols) name,
    EMB_NET_TENSORS(EMB_X_NAME)
#undef EMB_X_NAME
};

embTensorInfo emb_params_info(embNetSizes sz, int k) {
  const int n_in = sz.n_in, H1 = sz.H1, H2 = sz.H2, M = sz.M;
  embTensorInfo all[EMB_NET_NTENSORS] = {
#define EMB_X_INFO(field, name, ndim, rows, cols) {name, ndim, {rows, cols}, 0, 0},
      EMB_NET_TENSORS(EMB_X_INFO)
#undef EMB_X_INFO
  };
  size_t off = 0;
  for (int j = 0; j < EMB_NET_NTENSORS; j++) {
    all[j].offset = off;
    all[j].size = (size_t)all[j].shape[0] * (size_t)all[j].shape[1];
    off += all[j].size;
  }
  return all[k];
}

size_t emb_params_count(embNetSizes sz) {
  if (sz.n_in < 1 || sz.H1 < 1 || sz.H2 < 1 || sz.M < 1) return 0;
  embTensorInfo last = emb_params_info(sz, EMB_NET_NTENSORS - 1);
  return last.offset + last.size;
}

embNum *emb_params_tensor(const embParams *p, int k) {
  return p->data + emb_params_info(p->sz, k).offset;
}

int emb_params_find(const char *name) {
  for (int k = 0; k < EMB_NET_NTENSORS; k++)
    if (strcmp(tensor_names[k], name) == 0) return k;
  return -1;
}

int emb_params_alloc(embParams *p, embNetSizes sz) {
  memset(p, 0, sizeof *p);
  size_t n = emb_params_count(sz);
  if (n == 0)
    return emb_error(EMB_EINVAL, "network sizes must be >= 1 (inputs %d, hidden %d %d, muscles %d)",
                     sz.n_in, sz.H1, sz.H2, sz.M);
  emb_nn_init();
  p->data = emb_calloc(n, sizeof(embNum));
  if (!p->data) return EMB_ENOMEM;
  p->sz = sz;
  p->n = n;
  int k = 0;
#define EMB_X_POINT(field, name, ndim, rows, cols) p->field = emb_params_tensor(p, k++);
  EMB_NET_TENSORS(EMB_X_POINT)
#undef EMB_X_POINT
  return EMB_OK;
}

void emb_params_free(embParams *p) {
  free(p->data);
  memset(p, 0, sizeof *p);
}

void emb_params_zero(embParams *p) { memset(p->data, 0, p->n * sizeof(embNum)); }

void emb_params_copy(embParams *dst, const embParams *src) {
  memcpy(dst->data, src->data, src->n * sizeof(embNum));
}

void emb_params_axpy(embParams *a, double s, const embParams *b) {
  for (size_t i = 0; i < a->n; i++) a->data[i] = (embNum)(a->data[i] + s * b->data[i]);
}

/* the input size ("fan") of the layer a tensor belongs to (PyTorch reset_parameters) */
static int tensor_fan(embNetSizes sz, int k) {
  const char *name = tensor_names[k];
  if (strncmp(name, "gru.", 4) == 0) return sz.H1;
  if (strncmp(name, "bg.cs.", 6) == 0) return sz.H1;
  return sz.H2; /* bg.loc.*, bg.scale.* */
}

void emb_params_init(embParams *p, uint64_t seed, double h0_scale) {
  embRngKey key = emb_rng_key(seed, EMB_RNG_INIT, 0);
  const int k_h0 = emb_params_find("gru.hidden0");
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(p->sz, k);
    embNum *x = p->data + t.offset;
    if (k == k_h0 && h0_scale == 0.0) {
      memset(x, 0, t.size * sizeof(embNum)); /* the paper's default: θ0 = 0 exactly */
    } else if (k == k_h0) {
      emb_rng_normal_rows(&key, (uint32_t)k, 0, 1, (int)t.size, h0_scale, x);
    } else {
      double bound = 1.0 / sqrt((double)tensor_fan(p->sz, k));
      emb_rng_uniform_rows(&key, (uint32_t)k, 0, 1, (int)t.size, -bound, bound, x);
    }
  }
}
