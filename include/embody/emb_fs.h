/* emb_fs.h — file-system helpers shared by the run directory, the grid and the CLI:
 * existence tests, mkdir -p, and atomic writes (temporary file, fsync, rename), so that
 * a crash at any instant leaves either the old or the new file. */
#ifndef EMB_FS_H
#define EMB_FS_H

#include <jansson.h>

/* 1 if path is a regular file / a directory. */
int emb_file_exists(const char *path);
int emb_dir_exists(const char *path);

/* mkdir -p; EMB_EIO (reported, naming the directory) on failure. */
int emb_mkdir_p(const char *path);

/* Write text to path atomically; EMB_EIO (reported) on failure, path untouched. */
int emb_write_file_atomic(const char *path, const char *text);

/* Write a JSON value (json_dumps flags) followed by a newline, atomically. */
int emb_write_json_atomic(const char *path, const json_t *value, size_t flags);

#endif
