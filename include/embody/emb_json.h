/* emb_json.h — JSON helpers shared by every writer. */
#ifndef EMB_JSON_H
#define EMB_JSON_H

#include <jansson.h>
#include <math.h>

/* A JSON number, or null for NaN/infinity (JSON has no such numbers; jansson refuses
 * them). New reference. */
static inline json_t *emb_json_number(double x) { return isfinite(x) ? json_real(x) : json_null(); }

#endif
