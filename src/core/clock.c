/* clock.c — ISO 8601 UTC timestamps (see emb_clock.h). */
#include "embody/emb_clock.h"

#include <time.h>

void emb_now_iso(char *out, size_t size) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
