/* tensorfile.c — the tensor file format of emb_tensorfile.h: an atomic writer (temp file,
 * fsync, rename, fsync of the directory) and a verifying reader (magic, version, lengths,
 * CRC-32). Byte layout: docs/nn.md, "Tensor files". Host must be little-endian. */
#include "embody/emb_tensorfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tensorfile.c writes the host's bytes: a little-endian host is required"
#endif

#define DAMAGED_HINT "delete it to fall back to an earlier checkpoint (or restart the run)"

size_t emb_dtype_size(embDtype dt) {
  switch (dt) {
  case EMB_DT_F32: return 4;
  case EMB_DT_F64: return 8;
  case EMB_DT_I64: return 8;
  case EMB_DT_U8: return 1;
  default: return 0;
  }
}

const char *emb_dtype_name(embDtype dt) {
  switch (dt) {
  case EMB_DT_F32: return "float32";
  case EMB_DT_F64: return "float64";
  case EMB_DT_I64: return "int64";
  case EMB_DT_U8: return "uint8";
  default: return "unknown";
  }
}

int64_t emb_tensor_nelem(const embTensor *t) {
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++) n *= t->shape[d];
  return n;
}

embTensor emb_tensor_make(const char *name, embDtype dt, const void *data, int ndim,
                          const int64_t *shape) {
  embTensor t;
  memset(&t, 0, sizeof t);
  snprintf(t.name, sizeof t.name, "%s", name);
  t.dtype = dt;
  t.ndim = ndim;
  for (int d = 0; d < ndim && d < EMB_TF_MAX_NDIM; d++) t.shape[d] = shape[d];
  t.data = (void *)data;
  return t;
}

/* ------------------------------------------------------------------------ writing */

typedef struct {
  FILE *f;
  uint32_t crc;
  int failed;
} sink;

static void put(sink *s, const void *buf, size_t len) {
  if (s->failed || len == 0) return;
  if (fwrite(buf, 1, len, s->f) != len) s->failed = errno ? errno : EIO;
  s->crc = emb_crc32(s->crc, buf, len);
}
static void put_u32(sink *s, uint32_t v) { put(s, &v, 4); }
static void put_u64(sink *s, uint64_t v) { put(s, &v, 8); }

static int check_tensors(const char *path, const embTensor *t, int n) {
  if (n < 0 || (n > 0 && !t)) return emb_error(EMB_EINVAL, "%s: invalid tensor list", path);
  for (int i = 0; i < n; i++) {
    size_t len = strnlen(t[i].name, EMB_TF_NAME_MAX);
    if (len == 0 || len >= EMB_TF_NAME_MAX)
      return emb_error(EMB_EINVAL, "%s: tensor %d has an empty or too long name", path, i);
    if (emb_dtype_size(t[i].dtype) == 0 || t[i].ndim < 0 || t[i].ndim > EMB_TF_MAX_NDIM)
      return emb_error(EMB_EINVAL, "%s: tensor '%s' has an invalid dtype or ndim", path,
                       t[i].name);
    for (int d = 0; d < t[i].ndim; d++)
      if (t[i].shape[d] < 0)
        return emb_error(EMB_EINVAL, "%s: tensor '%s' has a negative dimension", path,
                         t[i].name);
    if (emb_tensor_nelem(&t[i]) > 0 && !t[i].data)
      return emb_error(EMB_EINVAL, "%s: tensor '%s' has no data", path, t[i].name);
    for (int j = 0; j < i; j++)
      if (strcmp(t[i].name, t[j].name) == 0)
        return emb_error(EMB_EINVAL, "%s: tensor name '%s' used twice", path, t[i].name);
  }
  return EMB_OK;
}

/* fsync the directory holding path, so that the rename itself is durable */
static int sync_dir(const char *path) {
  char *copy = strdup(path);
  if (!copy) return ENOMEM;
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
  free(copy);
  if (fd < 0) return errno;
  int rc = fsync(fd) ? errno : 0;
  close(fd);
  return rc == EINVAL ? 0 : rc; /* some file systems cannot sync directories */
}

int emb_tf_write(const char *path, const char *meta, const embTensor *t, int n) {
  int st = check_tensors(path, t, n);
  if (st != EMB_OK) return st;
  if (!meta) meta = "{}";

  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp) return emb_error(EMB_ENOMEM, "%s: out of memory", path);
  snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    char *copy = strdup(path);
    st = emb_error(EMB_EIO,
                   "cannot write %s: cannot create a file in directory '%s' (%s); check that "
                   "it exists and is writable",
                   path, copy ? dirname(copy) : "?", strerror(e));
    free(copy);
    free(tmp);
    return st;
  }
  sink s = {fdopen(fd, "wb"), 0, 0};
  if (!s.f) {
    close(fd);
    unlink(tmp);
    free(tmp);
    return emb_error(EMB_EIO, "cannot write %s: %s", path, strerror(errno));
  }

  put(&s, EMB_TF_MAGIC, 8);
  put_u32(&s, EMB_TF_VERSION);
  put_u64(&s, strlen(meta));
  put(&s, meta, strlen(meta));
  put_u32(&s, (uint32_t)n);
  for (int i = 0; i < n; i++) {
    uint32_t len = (uint32_t)strlen(t[i].name);
    put_u32(&s, len);
    put(&s, t[i].name, len);
    put_u32(&s, (uint32_t)t[i].dtype);
    put_u32(&s, (uint32_t)t[i].ndim);
    for (int d = 0; d < t[i].ndim; d++) put_u64(&s, (uint64_t)t[i].shape[d]);
    put(&s, t[i].data, (size_t)emb_tensor_nelem(&t[i]) * emb_dtype_size(t[i].dtype));
  }
  uint32_t crc = s.crc;
  put_u32(&s, crc);

  int e = s.failed;
  if (!e && fflush(s.f)) e = errno;
  if (!e && fsync(fileno(s.f))) e = errno;
  if (fclose(s.f) && !e) e = errno;
  if (!e && rename(tmp, path)) e = errno;
  if (e) {
    unlink(tmp);
    free(tmp);
    return emb_error(EMB_EIO, "cannot write %s: %s (the previous file, if any, is unchanged)",
                     path, strerror(e));
  }
  free(tmp);
  e = sync_dir(path);
  if (e) return emb_error(EMB_EIO, "wrote %s but could not sync its directory: %s", path, strerror(e));
  return EMB_OK;
}

/* ------------------------------------------------------------------------ reading */

typedef struct {
  const unsigned char *buf;
  size_t pos, end; /* end = start of the CRC */
} cursor;

static int take(cursor *c, void *out, size_t len) {
  if (len > c->end - c->pos) return 0;
  if (out) memcpy(out, c->buf + c->pos, len);
  c->pos += len;
  return 1;
}

void emb_tf_free(embTensorFile *f) {
  if (!f) return;
  for (int i = 0; i < f->n; i++) free(f->t[i].data);
  free(f->t);
  free(f->meta);
  memset(f, 0, sizeof *f);
}

/* parse everything between the header and the CRC; on failure a message in why */
static int parse(cursor *c, embTensorFile *out, char *why, size_t wlen) {
  uint64_t meta_len;
  uint32_t n;
  if (!take(c, &meta_len, 8) || meta_len > c->end - c->pos) {
    snprintf(why, wlen, "truncated in the metadata");
    return EMB_EFORMAT;
  }
  out->meta = malloc((size_t)meta_len + 1);
  if (!out->meta) return EMB_ENOMEM;
  take(c, out->meta, (size_t)meta_len);
  out->meta[meta_len] = 0;
  if (!take(c, &n, 4)) {
    snprintf(why, wlen, "truncated before the tensor count");
    return EMB_EFORMAT;
  }
  if (n > (c->end - c->pos) / 12) { /* each tensor needs at least 12 bytes */
    snprintf(why, wlen, "tensor count %u does not fit in the file (truncated?)", n);
    return EMB_EFORMAT;
  }
  out->t = calloc(n ? n : 1, sizeof *out->t);
  if (!out->t) return EMB_ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    embTensor *t = &out->t[i];
    uint32_t len, dtype, ndim;
    if (!take(c, &len, 4) || len == 0 || len >= EMB_TF_NAME_MAX || !take(c, t->name, len)) {
      snprintf(why, wlen, "tensor %u: bad or truncated name", i);
      return EMB_EFORMAT;
    }
    t->name[len] = 0;
    if (!take(c, &dtype, 4) || !take(c, &ndim, 4) || emb_dtype_size((embDtype)dtype) == 0 ||
        ndim > EMB_TF_MAX_NDIM) {
      snprintf(why, wlen, "tensor '%s': bad or truncated dtype/ndim", t->name);
      return EMB_EFORMAT;
    }
    t->dtype = (embDtype)dtype;
    t->ndim = (int)ndim;
    uint64_t bytes = emb_dtype_size(t->dtype);
    for (uint32_t d = 0; d < ndim; d++) {
      uint64_t dim;
      if (!take(c, &dim, 8)) {
        snprintf(why, wlen, "tensor '%s': truncated shape", t->name);
        return EMB_EFORMAT;
      }
      if (dim > 0 && bytes > (uint64_t)(c->end) / dim) {
        snprintf(why, wlen, "tensor '%s': shape larger than the file (truncated?)", t->name);
        return EMB_EFORMAT;
      }
      t->shape[d] = (int64_t)dim;
      bytes *= dim;
    }
    if (bytes > c->end - c->pos) {
      snprintf(why, wlen, "tensor '%s': truncated data (%llu bytes needed, %zu left)", t->name,
               (unsigned long long)bytes, c->end - c->pos);
      return EMB_EFORMAT;
    }
    t->data = malloc(bytes ? (size_t)bytes : 1);
    if (!t->data) return EMB_ENOMEM;
    out->n = (int)i + 1; /* from here on emb_tf_free releases it */
    take(c, t->data, (size_t)bytes);
    for (uint32_t j = 0; j < i; j++)
      if (strcmp(out->t[j].name, t->name) == 0) {
        snprintf(why, wlen, "tensor name '%s' appears twice", t->name);
        return EMB_EFORMAT;
      }
  }
  if (c->pos != c->end) {
    snprintf(why, wlen, "%zu unexpected bytes after the last tensor", c->end - c->pos);
    return EMB_EFORMAT;
  }
  return EMB_OK;
}

int emb_tf_read(const char *path, embTensorFile *out) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) return emb_error(EMB_EIO, "cannot open %s: %s", path, strerror(errno));
  unsigned char *buf = NULL;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) buf = malloc(size ? (size_t)size : 1);
  int ok = buf && fread(buf, 1, (size_t)size, f) == (size_t)size;
  fclose(f);
  if (!ok) {
    free(buf);
    return emb_error(EMB_EIO, "cannot read %s", path);
  }

  const size_t header = 8 + 4, crc_len = 4;
  int st = EMB_OK;
  char why[256] = "";
  if ((size_t)size < 8 || memcmp(buf, EMB_TF_MAGIC, 8) != 0) {
    st = emb_error(EMB_EFORMAT, "%s is not an embody tensor file (it does not start with '%s')",
                   path, EMB_TF_MAGIC);
  } else if ((size_t)size < header + 8 + 4 + crc_len) {
    st = emb_error(EMB_EFORMAT, "%s: truncated (%ld bytes); " DAMAGED_HINT, path, size);
  } else {
    uint32_t version, stored;
    memcpy(&version, buf + 8, 4);
    memcpy(&stored, buf + size - crc_len, 4);
    uint32_t crc = emb_crc32(0, buf, (size_t)size - crc_len);
    cursor c = {buf, header, (size_t)size - crc_len};
    if (version != EMB_TF_VERSION) {
      st = emb_error(EMB_EFORMAT,
                     "%s: format version %u, this embody reads version %u (use the embody "
                     "version that wrote it)",
                     path, version, EMB_TF_VERSION);
    } else if (crc != stored) {
      /* say "truncated" when the structure runs past the end, else "corrupted" */
      embTensorFile tmp;
      memset(&tmp, 0, sizeof tmp);
      int pst = parse(&c, &tmp, why, sizeof why);
      emb_tf_free(&tmp);
      if (pst == EMB_EFORMAT && strstr(why, "truncated"))
        st = emb_error(EMB_EFORMAT, "%s: truncated (%s) and CRC mismatch; " DAMAGED_HINT, path,
                       why);
      else
        st = emb_error(EMB_EFORMAT, "%s: CRC mismatch (file corrupted); " DAMAGED_HINT, path);
    } else {
      st = parse(&c, out, why, sizeof why);
      if (st == EMB_ENOMEM)
        st = emb_error(EMB_ENOMEM, "%s: out of memory reading it", path);
      else if (st != EMB_OK)
        st = emb_error(st, "%s: malformed (%s) although its CRC matches; " DAMAGED_HINT, path, why);
    }
  }
  free(buf);
  if (st != EMB_OK) emb_tf_free(out);
  return st;
}

const embTensor *emb_tf_find(const embTensorFile *f, const char *name) {
  for (int i = 0; i < f->n; i++)
    if (strcmp(f->t[i].name, name) == 0) return &f->t[i];
  return NULL;
}
