/* test_tensorfile.c — tensor files: CRC-32 known answer, round trip of every dtype (and
 * scalars, empty tensors, metadata), refusal of flipped bytes, truncation, wrong magic and
 * version, reporting of unwritable directories, no temp files left behind; and the
 * parameter-block helpers (strict load, name-and-shape transfer). */
#include "harness.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "embody/emb_nn_io.h"
#include "embody/emb_tensorfile.h"

static char dir[256];
static char captured[1024];
static void capture(int code, const char *msg) {
  (void)code;
  snprintf(captured, sizeof captured, "%s", msg);
}

static int setup(void **s) {
  (void)s;
  snprintf(dir, sizeof dir, "%s/tf_test_XXXXXX", EMB_BINARY_DIR);
  if (!mkdtemp(dir)) return -1;
  emb_set_error_handler(capture);
  return 0;
}

static int teardown(void **s) {
  (void)s;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  emb_set_error_handler(NULL);
  return run_status(cmd);
}

static unsigned char *slurp(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)*size);
  assert_int_equal(fread(b, 1, (size_t)*size, f), (size_t)*size);
  fclose(f);
  return b;
}

static void spit(const char *path, const unsigned char *b, long size) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, (size_t)size, f), (size_t)size);
  fclose(f);
}

static void test_crc32(void **s) {
  (void)s;
  assert_int_equal(emb_crc32(0, "123456789", 9), 0xCBF43926u);
  /* incremental equals one-shot */
  assert_int_equal(emb_crc32(emb_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

/* a file with one tensor of each dtype, a scalar and an empty tensor */
static const float f32[6] = {1.5f, -2.0f, 3.25f, 0.0f, -0.0f, 1e-30f};
static const double f64[3] = {3.141592653589793, -1e300, 2.5e-310};
static const int64_t i64[4] = {0, -1, INT64_MAX, INT64_MIN};
static const uint8_t u8[5] = {0, 1, 127, 128, 255};
static const double scalar = 42.0;

static void write_sample(const char *path) {
  int64_t s23[2] = {2, 3}, s3[1] = {3}, s22[2] = {2, 2}, s5[1] = {5}, s0[2] = {0, 7};
  embTensor t[6] = {
      emb_tensor_make("weights/a", EMB_DT_F32, f32, 2, s23),
      emb_tensor_make("b", EMB_DT_F64, f64, 1, s3),
      emb_tensor_make("counts", EMB_DT_I64, i64, 2, s22),
      emb_tensor_make("flags", EMB_DT_U8, u8, 1, s5),
      emb_tensor_make("epoch", EMB_DT_F64, &scalar, 0, NULL),
      emb_tensor_make("empty", EMB_DT_F32, NULL, 2, s0),
  };
  assert_int_equal(emb_tf_write(path, "{\"epoch\": 12, \"note\": \"é\"}", t, 6), EMB_OK);
}

static void test_round_trip(void **s) {
  (void)s;
  char path[300];
  snprintf(path, sizeof path, "%s/a.ckpt", dir);
  write_sample(path);
  embTensorFile f;
  assert_int_equal(emb_tf_read(path, &f), EMB_OK);
  assert_string_equal(f.meta, "{\"epoch\": 12, \"note\": \"é\"}");
  assert_int_equal(f.n, 6);
  const embTensor *a = emb_tf_find(&f, "weights/a");
  assert_non_null(a);
  assert_int_equal(a->dtype, EMB_DT_F32);
  assert_int_equal(a->ndim, 2);
  assert_true(a->shape[0] == 2 && a->shape[1] == 3);
  assert_memory_equal(a->data, f32, sizeof f32);
  assert_memory_equal(emb_tf_find(&f, "b")->data, f64, sizeof f64);
  assert_memory_equal(emb_tf_find(&f, "counts")->data, i64, sizeof i64);
  assert_memory_equal(emb_tf_find(&f, "flags")->data, u8, sizeof u8);
  const embTensor *e = emb_tf_find(&f, "epoch");
  assert_int_equal(e->ndim, 0);
  assert_true(*(double *)e->data == 42.0);
  assert_int_equal(emb_tensor_nelem(emb_tf_find(&f, "empty")), 0);
  assert_null(emb_tf_find(&f, "nope"));
  emb_tf_free(&f);
  /* the file is exactly the documented layout: total size by hand */
  long size;
  unsigned char *b = slurp(path, &size);
  long meta = (long)strlen("{\"epoch\": 12, \"note\": \"é\"}");
  long expect = 8 + 4 + 8 + meta + 4 +
                (4 + 9 + 8 + 16 + 24) + (4 + 1 + 8 + 8 + 24) + (4 + 6 + 8 + 16 + 32) +
                (4 + 5 + 8 + 8 + 5) + (4 + 5 + 8 + 0 + 8) + (4 + 5 + 8 + 16 + 0) + 4;
  assert_int_equal(size, expect);
  uint32_t stored;
  memcpy(&stored, b + size - 4, 4);
  assert_int_equal(stored, emb_crc32(0, b, (size_t)size - 4));
  free(b);
  /* overwrite: atomic replace, no temp files left */
  write_sample(path);
  DIR *d = opendir(dir);
  struct dirent *de;
  int files = 0;
  while ((de = readdir(d)))
    if (de->d_name[0] != '.') {
      files++;
      if (strstr(de->d_name, ".tmp.")) fail_msg("temporary file left behind: %s", de->d_name);
    }
  closedir(d);
  assert_int_equal(files, 1);
}

static void test_flipped_byte_refused(void **s) {
  (void)s;
  char path[300], bad[300];
  snprintf(path, sizeof path, "%s/good.ckpt", dir);
  snprintf(bad, sizeof bad, "%s/bad.ckpt", dir);
  write_sample(path);
  long size;
  unsigned char *b = slurp(path, &size);
  int refused = 0, tried = 0;
  for (long pos = 12; pos < size; pos += 7) { /* every 7th byte past magic+version */
    b[pos] ^= 0x10;
    spit(bad, b, size);
    b[pos] ^= 0x10;
    embTensorFile f;
    captured[0] = 0;
    int st = emb_tf_read(bad, &f);
    tried++;
    if (st == EMB_EFORMAT && strstr(captured, bad) &&
        (strstr(captured, "CRC mismatch") || strstr(captured, "truncated")))
      refused++;
    else
      fail_msg("flipped byte %ld: status %d, message '%s'", pos, st, captured);
  }
  printf("flipped bytes refused: %d of %d; e.g. '%s'\n", refused, tried, captured);
  /* the flip in the middle of a tensor's data gives the plain corruption message */
  b[size - 10] ^= 1;
  spit(bad, b, size);
  embTensorFile f;
  assert_int_equal(emb_tf_read(bad, &f), EMB_EFORMAT);
  assert_non_null(strstr(captured, "CRC mismatch (file corrupted)"));
  assert_non_null(strstr(captured, "delete it"));
  assert_null(f.t);
  free(b);
}

static void test_truncated_refused(void **s) {
  (void)s;
  char path[300], bad[300];
  snprintf(path, sizeof path, "%s/good.ckpt", dir);
  snprintf(bad, sizeof bad, "%s/short.ckpt", dir);
  write_sample(path);
  long size;
  unsigned char *b = slurp(path, &size);
  for (long len = 0; len < size; len += (len < 40 ? 1 : 5)) {
    spit(bad, b, len);
    embTensorFile f;
    captured[0] = 0;
    int st = emb_tf_read(bad, &f);
    if (st != EMB_EFORMAT) fail_msg("truncated to %ld bytes: status %d", len, st);
    if (len >= 8 && !strstr(captured, "truncated"))
      fail_msg("truncated to %ld bytes: message '%s' does not say truncated", len, captured);
  }
  printf("e.g. '%s'\n", captured);
  free(b);
}

static void test_magic_and_version(void **s) {
  (void)s;
  char path[300];
  snprintf(path, sizeof path, "%s/m.ckpt", dir);
  write_sample(path);
  long size;
  unsigned char *b = slurp(path, &size);
  embTensorFile f;
  b[3] = 'X';
  spit(path, b, size);
  assert_int_equal(emb_tf_read(path, &f), EMB_EFORMAT);
  assert_non_null(strstr(captured, "not an embody tensor file"));
  b[3] = 'C';
  uint32_t v = 2, crc;
  memcpy(b + 8, &v, 4);
  crc = emb_crc32(0, b, (size_t)size - 4);
  memcpy(b + size - 4, &crc, 4);
  spit(path, b, size);
  assert_int_equal(emb_tf_read(path, &f), EMB_EFORMAT);
  assert_non_null(strstr(captured, "format version 2"));
  spit(path, (const unsigned char *)"hello", 5);
  assert_int_equal(emb_tf_read(path, &f), EMB_EFORMAT);
  snprintf(path, sizeof path, "%s/does-not-exist.ckpt", dir);
  assert_int_equal(emb_tf_read(path, &f), EMB_EIO);
  assert_non_null(strstr(captured, "does-not-exist.ckpt"));
  free(b);
}

static void test_unwritable(void **s) {
  (void)s;
  char path[300];
  double x = 1;
  embTensor t = emb_tensor_make("x", EMB_DT_F64, &x, 0, NULL);
  snprintf(path, sizeof path, "%s/no-such-dir/a.ckpt", dir);
  assert_int_equal(emb_tf_write(path, NULL, &t, 1), EMB_EIO);
  printf("'%s'\n", captured);
  assert_non_null(strstr(captured, "no-such-dir"));
  assert_non_null(strstr(captured, "writable"));
  /* a "directory" that is a regular file (refused even for root) */
  char file[300];
  snprintf(file, sizeof file, "%s/plain", dir);
  spit(file, (const unsigned char *)"x", 1);
  snprintf(path, sizeof path, "%s/plain/a.ckpt", dir);
  assert_int_equal(emb_tf_write(path, NULL, &t, 1), EMB_EIO);
  /* bad descriptors are refused before anything is written */
  snprintf(path, sizeof path, "%s/dup.ckpt", dir);
  embTensor two[2] = {t, t};
  assert_int_equal(emb_tf_write(path, NULL, two, 2), EMB_EINVAL);
  assert_non_null(strstr(captured, "used twice"));
  assert_int_equal(access(path, F_OK), -1);
}

/* parameter blocks: strict load (resume) and transfer by name and shape */
static void test_params_io(void **s) {
  (void)s;
  char path[300];
  snprintf(path, sizeof path, "%s/model.ckpt", dir);
  embNetSizes base = {22, 32, 16, 6}, target = {23, 128, 16, 6};
  embParams p, q, r;
  assert_int_equal(emb_params_alloc(&p, base), EMB_OK);
  assert_int_equal(emb_params_alloc(&q, base), EMB_OK);
  assert_int_equal(emb_params_alloc(&r, target), EMB_OK);
  emb_params_init(&p, 1, 0.1);
  embTensor t[EMB_NET_NTENSORS];
  assert_int_equal(emb_params_to_tensors(&p, "param.", t), EMB_OK);
  assert_string_equal(t[0].name, "param.gru.weight_ih");
  assert_int_equal(emb_tf_write(path, "{}", t, EMB_NET_NTENSORS), EMB_OK);
  embTensorFile f;
  assert_int_equal(emb_tf_read(path, &f), EMB_OK);
  assert_int_equal(emb_params_load(&q, &f, "param.", path), EMB_OK);
  assert_memory_equal(p.data, q.data, p.n * sizeof(embNum));
  /* strict load into the wrong shape is refused, naming tensor and shapes */
  assert_int_equal(emb_params_load(&r, &f, "param.", path), EMB_EFORMAT);
  printf("'%s'\n", captured);
  assert_non_null(strstr(captured, "gru.weight_ih"));
  assert_non_null(strstr(captured, "(96,22)"));
  assert_int_equal(emb_params_load(&q, &f, "adam.m.", path), EMB_EFORMAT);
  assert_non_null(strstr(captured, "missing"));
  /* transfer 32 -> 128 hidden, one more input: only the layers that still fit */
  emb_params_init(&r, 2, 0.0);
  embTransferReport rep;
  int n = emb_params_transfer(&r, &f, "param.", &rep);
  const char *moved[] = {"bg.loc.weight", "bg.loc.bias", "bg.scale.weight", "bg.scale.bias",
                         "bg.cs.bias"};
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo ti = emb_params_info(target, k);
    int expect = 0;
    for (int j = 0; j < 5; j++) expect |= strcmp(ti.name, moved[j]) == 0;
    printf("  %-16s %s %s\n", ti.name, rep.copied[k] ? "transferred" : "kept:", rep.reason[k]);
    assert_int_equal(rep.copied[k], expect);
    if (expect)
      assert_memory_equal(r.data + ti.offset, emb_params_tensor(&p, k), ti.size * sizeof(embNum));
  }
  assert_int_equal(n, 5);
  assert_string_equal(rep.reason[0], "shape (96,22) in the source, (384,23) here");
  emb_tf_free(&f);
  emb_params_free(&p);
  emb_params_free(&q);
  emb_params_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crc32),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_flipped_byte_refused),
      cmocka_unit_test(test_truncated_refused),
      cmocka_unit_test(test_magic_and_version),
      cmocka_unit_test(test_unwritable),
      cmocka_unit_test(test_params_io),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
