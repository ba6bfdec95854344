/* bench_util.h — what every benchmark shares: a monotonic clock and the FNV-1a hash
 * printed next to the figures (a speed-up that changes the numbers changes the hash). */
#ifndef EMB_BENCH_UTIL_H
#define EMB_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BENCH_FNV_OFFSET 0xcbf29ce484222325ull /* = 1469598103934665603 */

static inline double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static inline uint64_t fnv1a(const void *p, size_t n, uint64_t h) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 0x100000001b3ull;
  return h;
}

#endif
