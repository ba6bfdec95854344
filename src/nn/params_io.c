/* params_io.c — parameter blocks to and from tensor files: describe (for writing), strict
 * load (resume: every tensor present with its exact shape) and transfer (copy the tensors
 * whose name and shape match, report the others; training.md §5). */
#include "embody/emb_nn_io.h"

#include <stdio.h>
#include <string.h>

static int full_name(char *out, const char *prefix, const char *name) {
  int len = snprintf(out, EMB_TF_NAME_MAX, "%s%s", prefix ? prefix : "", name);
  return len > 0 && len < EMB_TF_NAME_MAX;
}

int emb_params_to_tensors(const embParams *p, const char *prefix, embTensor *out) {
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(p->sz, k);
    int64_t shape[2] = {t.shape[0], t.shape[1]};
    out[k] = emb_tensor_make("", EMB_DT_NUM, p->data + t.offset, t.ndim, shape);
    if (!full_name(out[k].name, prefix, t.name))
      return emb_error(EMB_EINVAL, "tensor name prefix '%s' is too long", prefix);
  }
  return EMB_OK;
}

/* 1 when f's tensor has the block tensor's shape (1-D tensors: (rows,)) */
static int same_shape(const embTensor *f, const embTensorInfo *t) {
  if (f->ndim != t->ndim) return 0;
  for (int d = 0; d < t->ndim; d++)
    if (f->shape[d] != t->shape[d]) return 0;
  return 1;
}

static void shape_text(char *out, size_t len, const int64_t *shape, int ndim) {
  size_t o = (size_t)snprintf(out, len, "(");
  for (int d = 0; d < ndim && o < len; d++)
    o += (size_t)snprintf(out + o, len - o, d ? ",%lld" : "%lld", (long long)shape[d]);
  if (o < len) snprintf(out + o, len - o, ndim == 1 ? ",)" : ")");
}

static void copy_tensor(embNum *dst, const embTensor *src, size_t n) {
  for (size_t i = 0; i < n; i++)
    dst[i] = src->dtype == EMB_DT_F32 ? (embNum)((const float *)src->data)[i]
                                      : (embNum)((const double *)src->data)[i];
}

int emb_params_load(embParams *p, const embTensorFile *f, const char *prefix, const char *path) {
  const embTensor *src[EMB_NET_NTENSORS];
  char name[EMB_TF_NAME_MAX], have[64], want[64];
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(p->sz, k);
    if (!full_name(name, prefix, t.name))
      return emb_error(EMB_EINVAL, "tensor name prefix '%s' is too long", prefix);
    src[k] = emb_tf_find(f, name);
    if (!src[k]) return emb_error(EMB_EFORMAT, "%s: tensor '%s' is missing", path, name);
    if (src[k]->dtype != EMB_DT_F32 && src[k]->dtype != EMB_DT_F64)
      return emb_error(EMB_EFORMAT, "%s: tensor '%s' is %s, expected a float type", path, name,
                       emb_dtype_name(src[k]->dtype));
    if (!same_shape(src[k], &t)) {
      int64_t s[2] = {t.shape[0], t.shape[1]};
      shape_text(have, sizeof have, src[k]->shape, src[k]->ndim);
      shape_text(want, sizeof want, s, t.ndim);
      return emb_error(EMB_EFORMAT, "%s: tensor '%s' has shape %s, this network needs %s", path,
                       name, have, want);
    }
  }
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(p->sz, k);
    copy_tensor(p->data + t.offset, src[k], t.size);
  }
  return EMB_OK;
}

int emb_params_transfer(embParams *dst, const embTensorFile *f, const char *prefix,
                        embTransferReport *rep) {
  char name[EMB_TF_NAME_MAX], have[48], want[48];
  int copied = 0;
  memset(rep, 0, sizeof *rep);
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo t = emb_params_info(dst->sz, k);
    const embTensor *src = full_name(name, prefix, t.name) ? emb_tf_find(f, name) : NULL;
    int64_t s[2] = {t.shape[0], t.shape[1]};
    if (!src) {
      snprintf(rep->reason[k], sizeof rep->reason[k], "absent in the source");
    } else if (src->dtype != EMB_DT_F32 && src->dtype != EMB_DT_F64) {
      snprintf(rep->reason[k], sizeof rep->reason[k], "%s in the source, not a float type",
               emb_dtype_name(src->dtype));
    } else if (!same_shape(src, &t)) {
      shape_text(have, sizeof have, src->shape, src->ndim);
      shape_text(want, sizeof want, s, t.ndim);
      snprintf(rep->reason[k], sizeof rep->reason[k], "shape %s in the source, %s here", have,
               want);
    } else {
      copy_tensor(dst->data + t.offset, src, t.size);
      rep->copied[k] = 1;
      copied++;
    }
  }
  return copied;
}
