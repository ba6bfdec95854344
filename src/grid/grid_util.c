/* grid_util.c — file-system helpers for the grid: paths, mkdir -p, rm -rf, file tails,
 * lock probes. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "grid/grid_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "embody/emb_types.h"

int gpath(char *out, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, size, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= size)
    return emb_error(EMB_EINVAL, "path too long: %.80s...", out);
  return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f) {
  (void)st;
  (void)flag;
  (void)f;
  return remove(path) ? -1 : 0;
}

int remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st)) return EMB_OK;
  if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS))
    return emb_error(EMB_EIO, "cannot remove %s: %s", path, strerror(errno));
  return EMB_OK;
}

void file_tail(const char *path, int max_lines, char *out, size_t size) {
  out[0] = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return;
  char buf[4096];
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  long from = len > (long)sizeof buf - 1 ? len - (long)sizeof buf + 1 : 0;
  fseek(f, from, SEEK_SET);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  while (n > 0 && buf[n - 1] == '\n') buf[--n] = 0;
  /* walk back max_lines newlines */
  size_t start = n;
  int lines = 0;
  while (start > 0) {
    if (buf[start - 1] == '\n' && ++lines == max_lines) break;
    start--;
  }
  const char *s = buf + start;
  size_t sl = strlen(s);
  if (sl >= size) s += sl - (size - 1);
  snprintf(out, size, "%s", s);
}

double now_seconds(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec + 1e-6 * (double)tv.tv_usec;
}

int lock_is_held(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  int held = 0;
  if (flock(fd, LOCK_SH | LOCK_NB)) held = (errno == EWOULDBLOCK);
  close(fd);
  return held;
}

int run_dir(char *out, size_t size, const char *dir, const embGridRun *r) {
  return gpath(out, size, "%s/runs/%s", dir, r->id);
}

