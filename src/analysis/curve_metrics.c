/* curve_metrics.c — AUC, peaks, slope and time to plateau of one learning curve
 * (spec/metrics.md §1), and the smoothing-window rules (short curves, scaled profiles). */
#include "embody/emb_config.h"
#include "embody/emb_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embody/emb_types.h"

void emb_metric_options_default(embMetricOptions *o) {
  o->window = EMB_SAVGOL_WINDOW;
  o->order = EMB_SAVGOL_ORDER;
  o->tolerance = EMB_TTP_TOLERANCE;
  o->slope = EMB_TTP_SLOPE;
}

int emb_savgol_effective_window(int requested, int n) {
  if (n >= requested) return requested;
  return (n % 2 == 1) ? n : n - 1;
}

double emb_auc_trapezoid(const double *y, const double *x, int n) {
  double s = 0.0;
  for (int i = 0; i + 1 < n; i++)
    s += 0.5 * (y[i] + y[i + 1]) * (x ? x[i + 1] - x[i] : 1.0);
  return s;
}

void emb_gradient(double *out, const double *y, int n) {
  if (n <= 0) return;
  if (n == 1) {
    out[0] = 0.0;
    return;
  }
  out[0] = y[1] - y[0];
  out[n - 1] = y[n - 1] - y[n - 2];
  for (int i = 1; i < n - 1; i++) out[i] = 0.5 * (y[i + 1] - y[i - 1]);
}

int emb_argmax(const double *y, int n) {
  if (n <= 0) return -1;
  int k = 0;
  for (int i = 1; i < n; i++)
    if (y[i] > y[k]) k = i;
  return k;
}

int emb_curve_metrics(embCurveMetrics *m, double *smoothed_out, const double *y,
                      const double *x, int n, const embMetricOptions *o) {
  memset(m, 0, sizeof *m);
  if (n < 1) return emb_error(EMB_EINVAL, "learning curve is empty");
  if (o->window < 1 || o->order < 0 || o->order > EMB_SAVGOL_MAX_ORDER ||
      !(o->tolerance >= 0) || !(o->slope >= 0))
    return emb_error(EMB_EINVAL,
                     "metric options: window %d (>= 1), order %d (0..%d), tolerance %g "
                     "(>= 0), slope %g (>= 0)", o->window, o->order, EMB_SAVGOL_MAX_ORDER,
                     o->tolerance, o->slope);
  for (int i = 0; i < n; i++)
    if (!isfinite(y[i]))
      return emb_error(EMB_ENONFINITE, "learning curve value %d is not finite (%g)", i,
                       y[i]);
  m->n = n;
  m->order = o->order;
  m->window_requested = o->window;
  m->window = emb_savgol_effective_window(o->window, n);
  m->window_reduced = m->window != o->window;
  m->auc = emb_auc_trapezoid(y, x, n);
  m->raw_peak_index = emb_argmax(y, n);
  m->raw_peak = y[m->raw_peak_index];

  double *s = smoothed_out ? smoothed_out : emb_malloc((size_t)n * sizeof *s);
  double *g = emb_malloc((size_t)n * sizeof *g);
  int st = EMB_OK;
  if (!s || !g) {
    st = EMB_ENOMEM;
    goto done;
  }
  if (m->window > m->order) {
    st = emb_savgol_filter(s, y, n, m->window, m->order);
    if (st) goto done;
    m->smoothed = 1;
  } else {
    memcpy(s, y, (size_t)n * sizeof *s); /* too short to smooth */
  }
  m->peak_index = emb_argmax(s, n);
  m->peak = s[m->peak_index];
  emb_gradient(g, s, n);
  double eps = o->tolerance * m->peak;
  m->ttp = -1;
  for (int t = 0; t < n; t++)
    if (fabs(s[t] - m->peak) < eps && fabs(g[t]) < o->slope) {
      m->ttp = t;
      break;
    }
done:
  if (s != smoothed_out) free(s);
  free(g);
  return st;
}

int emb_profile_window(const char *profile, const char *task, long epochs) {
  if (!profile || !strcmp(profile, "paper")) return EMB_SAVGOL_WINDOW;
  long pe = emb_paper_epochs_by_name(task);
  if (pe <= 0 || epochs <= 0) return EMB_SAVGOL_WINDOW;
  long w = lround((double)EMB_SAVGOL_WINDOW * (double)epochs / (double)pe);
  if (w < EMB_SCALED_WINDOW_MIN) w = EMB_SCALED_WINDOW_MIN;
  return (int)w;
}
