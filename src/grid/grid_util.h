/* grid_util.h — small file-system helpers shared by the grid sources (private). */
#ifndef EMB_GRID_UTIL_H
#define EMB_GRID_UTIL_H

#include <stddef.h>

#include "embody/emb_clock.h"
#include "embody/emb_fs.h"
#include "embody/emb_grid.h"

/* snprintf into out; returns non-zero (and reports) if the path did not fit */
int gpath(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* rm -rf path (a run directory); 0 if removed or absent */
int remove_tree(const char *path);
/* The last max_lines lines of a text file (at most ~4 KB) into out. */
void file_tail(const char *path, int max_lines, char *out, size_t size);
/* Seconds since the epoch, with fractions. */
double now_seconds(void);
/* 1 if some process holds the flock of path, 0 if not (or no such file). */
int lock_is_held(const char *path);
/* Paths inside a grid directory. */
int run_dir(char *out, size_t size, const char *dir, const embGridRun *r);

#endif
