/* emb_nn_io.h — parameter blocks to and from tensor files: strict load (resume) and
 * name-and-shape transfer (training.md §5). */
#ifndef EMB_NN_IO_H
#define EMB_NN_IO_H

#include "emb_nn.h"
#include "emb_tensorfile.h"

/* Describe the tensors of p as file entries named prefix + name (e.g. "adam.m." +
 * "gru.weight_ih"), dtype EMB_DT_NUM, data borrowed from p. out has EMB_NET_NTENSORS
 * entries. EMB_EINVAL when a name would be too long. */
int emb_params_to_tensors(const embParams *p, const char *prefix, embTensor *out);

/* Load every tensor of p from f (names prefix + name). Each must exist with exactly the
 * same shape; float32/float64 are converted to embNum. `path` only names the file in
 * error messages. EMB_EFORMAT naming the tensor otherwise (p unchanged then). */
int emb_params_load(embParams *p, const embTensorFile *f, const char *prefix,
                    const char *path);

/* What emb_params_transfer did with tensor k of the destination. */
typedef struct {
  int copied[EMB_NET_NTENSORS];        /* 1: copied from the source */
  char reason[EMB_NET_NTENSORS][128];  /* when not copied: "absent in the source",
                                          "shape (96,22) in the source, (384,23) here" */
} embTransferReport;

/* Copy every tensor of dst whose name (prefix + name in f) and shape match; the others
 * keep their values. Returns the number copied. */
int emb_params_transfer(embParams *dst, const embTensorFile *f, const char *prefix,
                        embTransferReport *rep);

#endif
