/* sim_golden_util.h — helpers shared by the effector golden/gradient tests: which model
 * a reference file name belongs to, and loading/rounding its inputs to float32 (the
 * reference CSVs print MotorNet's float32 numbers with 9 digits). */
#ifndef EMB_SIM_GOLDEN_UTIL_H
#define EMB_SIM_GOLDEN_UTIL_H

#include <glob.h>
#include <string.h>

#include "embody/emb_effector.h"
#include "sim/csv_table.h"

#define MOTORNET_DIR EMB_REFERENCE_DIR "/motornet"

/* the float32 value a reference CSV number stands for */
static inline embNum f32(double v) { return (embNum)(float)v; }

/* model of a reference file "<effector>__..." (base name, optionally "grad__"-prefixed) */
static inline int golden_model(const char *base, embModel *m) {
  if (!strncmp(base, "grad__", 6)) base += 6;
  if (!strncmp(base, "pointmass24__", 13)) return emb_model_init(m, EMB_POINT_MASS, EMB_MUSCLE_RELU);
  if (!strncmp(base, "arm26_hill__", 12)) return emb_model_init(m, EMB_ARM, EMB_MUSCLE_KISTEMAKER);
  if (!strncmp(base, "arm26_thelen__", 14)) return emb_model_init(m, EMB_ARM, EMB_MUSCLE_THELEN);
  return -1;
}

static inline const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* glob the reference directory; returns the number of matches (paths in g) */
static inline size_t golden_glob(glob_t *g, const char *const *patterns, int n) {
  memset(g, 0, sizeof *g);
  for (int i = 0; i < n; i++) {
    char pat[1024];
    snprintf(pat, sizeof pat, "%s/%s", MOTORNET_DIR, patterns[i]);
    glob(pat, i ? GLOB_APPEND : 0, NULL, g);
  }
  return g->gl_pathc;
}

#endif
