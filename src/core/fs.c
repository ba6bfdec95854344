/* fs.c — existence tests, mkdir -p and atomic writes (see emb_fs.h). */
#include "embody/emb_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embody/emb_types.h"

int emb_file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int emb_dir_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int emb_mkdir_p(const char *path) {
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
    return emb_error(EMB_EINVAL, "path too long: %.64s...", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0777) && errno != EEXIST)
      return emb_error(EMB_EIO, "cannot create directory %s: %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0777) && errno != EEXIST)
    return emb_error(EMB_EIO, "cannot create directory %s: %s", buf, strerror(errno));
  if (!emb_dir_exists(buf)) return emb_error(EMB_EIO, "%s exists and is not a directory", buf);
  return EMB_OK;
}

int emb_write_file_atomic(const char *path, const char *text) {
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return emb_error(EMB_EINVAL, "path too long: %.64s...", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return emb_error(EMB_EIO, "cannot write %s: %s", tmp, strerror(errno));
  size_t len = strlen(text), done = 0;
  while (done < len) {
    ssize_t w = write(fd, text + done, len - done);
    if (w < 0) {
      close(fd);
      unlink(tmp);
      return emb_error(EMB_EIO, "cannot write %s: %s", tmp, strerror(errno));
    }
    done += (size_t)w;
  }
  if (fsync(fd) || close(fd) || rename(tmp, path)) {
    unlink(tmp);
    return emb_error(EMB_EIO, "cannot write %s: %s", path, strerror(errno));
  }
  return EMB_OK;
}

int emb_write_json_atomic(const char *path, const json_t *value, size_t flags) {
  char *text = json_dumps(value, flags);
  if (!text) return emb_error(EMB_EINVAL, "cannot serialise the JSON for %s (a non-finite number?)", path);
  size_t n = strlen(text);
  char *t2 = realloc(text, n + 2);
  if (!t2) {
    free(text);
    return emb_error(EMB_ENOMEM, "out of memory writing %s", path);
  }
  memcpy(t2 + n, "\n", 2);
  int st = emb_write_file_atomic(path, t2);
  free(t2);
  return st;
}
