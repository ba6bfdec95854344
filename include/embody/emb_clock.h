/* emb_clock.h — the wall-clock timestamp every log and metadata file uses. */
#ifndef EMB_CLOCK_H
#define EMB_CLOCK_H

#include <stddef.h>

/* Current UTC time as ISO 8601, e.g. "2026-12-04T21:16:02Z" (21 bytes with the NUL). */
void emb_now_iso(char *out, size_t size);

#endif
