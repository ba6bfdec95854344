/* emb_tensorfile.h — a small documented binary file of named tensors plus a JSON
 * metadata string, protected by a CRC32 and written atomically. Checkpoints and final
 * models are such files (docs/nn.md, "Tensor files", gives the byte layout for numpy).
 *
 * Layout (all integers little-endian, no padding):
 *   magic "EMBCKPT1" (8 bytes) | u32 version (1) | u64 meta_len | meta (UTF-8 JSON) |
 *   u32 n_tensors | n x { u32 name_len | name | u32 dtype | u32 ndim | u64 shape[ndim] |
 *   data (C order, little-endian) } | u32 crc32 (zlib's CRC-32 of every byte before it)
 *
 * Writing: temp file in the same directory, fflush + fsync, rename over the target, fsync
 * the directory — a crash at any instant leaves either the old or the new file.
 * Reading: checks magic, version, every length against the file size, and the CRC; each
 * error names the file and what is wrong. */
#ifndef EMB_TENSORFILE_H
#define EMB_TENSORFILE_H

#include "emb_types.h"

#define EMB_TF_MAGIC "EMBCKPT1"
#define EMB_TF_VERSION 1u
#define EMB_TF_MAX_NDIM 8
#define EMB_TF_NAME_MAX 128 /* including the terminating NUL */

typedef enum { EMB_DT_F32 = 0, EMB_DT_F64 = 1, EMB_DT_I64 = 2, EMB_DT_U8 = 3 } embDtype;

/* The dtype of embNum in this build. */
#ifdef EMB_USE_DOUBLE
#define EMB_DT_NUM EMB_DT_F64
#else
#define EMB_DT_NUM EMB_DT_F32
#endif

typedef struct {
  char name[EMB_TF_NAME_MAX];
  embDtype dtype;
  int ndim;                         /* 0 (scalar) .. EMB_TF_MAX_NDIM */
  int64_t shape[EMB_TF_MAX_NDIM];
  void *data;                       /* nelem * itemsize bytes; owned by a read file */
} embTensor;

typedef struct {
  char *meta;        /* NUL-terminated JSON text */
  int n;
  embTensor *t;      /* (n) */
} embTensorFile;

/* Bytes per element of a dtype (0 for an unknown one); its name ("float32" ...). */
size_t emb_dtype_size(embDtype dt);
const char *emb_dtype_name(embDtype dt);

/* Number of elements of a tensor (product of its shape; 1 for ndim 0). */
int64_t emb_tensor_nelem(const embTensor *t);

/* Fill a tensor descriptor (name copied, data borrowed). ndim <= 2 covers most uses. */
embTensor emb_tensor_make(const char *name, embDtype dt, const void *data, int ndim,
                          const int64_t *shape);

/* Write atomically (see above). meta may be NULL (written as "{}"). Tensor names must be
 * unique, non-empty and shorter than EMB_TF_NAME_MAX. Errors (EMB_EINVAL, EMB_EIO) name
 * the path; the target is untouched on failure. */
int emb_tf_write(const char *path, const char *meta, const embTensor *t, int n);

/* Read and verify a file into *out (zeroed on failure). EMB_EIO when it cannot be opened
 * or read, EMB_EFORMAT for wrong magic/version, truncation, bad lengths or CRC mismatch;
 * each message names the file and the fix. Free with emb_tf_free. */
int emb_tf_read(const char *path, embTensorFile *out);
void emb_tf_free(embTensorFile *f);

/* The tensor called `name`, or NULL. */
const embTensor *emb_tf_find(const embTensorFile *f, const char *name);

/* zlib-compatible CRC-32 (polynomial 0xEDB88320): crc = emb_crc32(crc, buf, len),
 * starting from crc = 0. Python: zlib.crc32(bytes). */
uint32_t emb_crc32(uint32_t crc, const void *buf, size_t len);

#endif
