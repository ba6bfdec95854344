/* emb_metrics.h — learning-curve metrics (spec/metrics.md §1), always in double:
 * Savitzky–Golay smoothing with scipy's savgol_filter(mode='interp') semantics, the
 * trapezoidal AUC, raw and smoothed peaks, numpy.gradient slope and time to plateau.
 * Independent of embNum: the same code in the float and the double library. */
#ifndef EMB_METRICS_H
#define EMB_METRICS_H

/* paper values (metrics.md §1) */
#define EMB_SAVGOL_WINDOW 500        /* Savitzky–Golay window for paper-length curves */
#define EMB_SAVGOL_ORDER 3           /* polynomial order */
#define EMB_TTP_TOLERANCE 0.1        /* epsilon = 0.1 * smoothed peak */
#define EMB_TTP_SLOPE 1e-4           /* |slope| threshold per epoch */
#define EMB_SCALED_WINDOW_MIN 11     /* smallest window for scaled (non-paper) profiles */
#define EMB_SAVGOL_MAX_ORDER 8       /* [chosen] highest order accepted (normal equations) */

typedef struct {
  int window;        /* requested Savitzky–Golay window (>= 1) */
  int order;         /* polynomial order (0 .. EMB_SAVGOL_MAX_ORDER) */
  double tolerance;  /* TTP band, fraction of the smoothed peak */
  double slope;      /* TTP slope threshold per epoch */
} embMetricOptions;

typedef struct {
  int n;                 /* curve length */
  int window_requested;  /* options.window */
  int window;            /* window used (largest odd <= n when n < requested) */
  int window_reduced;    /* 1 when the curve was shorter than the requested window */
  int smoothed;          /* 0 when the curve is too short to smooth (window <= order):
                            the smoothed curve is then the raw curve */
  int order;
  double auc;            /* trapezoid over x (unit spacing when x is NULL) */
  double raw_peak;       /* max of the raw curve */
  int raw_peak_index;    /* its first index */
  double peak;           /* max of the smoothed curve */
  int peak_index;        /* its first index */
  int ttp;               /* time to plateau (index), -1 = not reached */
} embCurveMetrics;

/* paper defaults: window 500, order 3, tolerance 0.1, slope 1e-4 */
void emb_metric_options_default(embMetricOptions *o);

/* The window actually used for a curve of n samples: `requested` when n >= requested,
 * otherwise the largest odd number <= n (spec: "largest odd window <= n"). */
int emb_savgol_effective_window(int requested, int n);

/* out[0..n) = savgol_filter(y, window, order, mode='interp') (scipy 1.10 semantics, even
 * and odd windows). Requires order < window <= n. out may not alias y. */
int emb_savgol_filter(double *out, const double *y, int n, int window, int order);

/* trapezoidal area sum (y_i + y_{i+1})/2 (x_{i+1} - x_i); x NULL = unit spacing */
double emb_auc_trapezoid(const double *y, const double *x, int n);

/* numpy.gradient with unit spacing: central differences inside, one-sided at the ends
 * (out[0] = 0 when n == 1) */
void emb_gradient(double *out, const double *y, int n);

/* first index of the maximum (numpy.argmax); -1 when n == 0 */
int emb_argmax(const double *y, int n);

/* all metrics of one curve; smoothed_out (length n, may be NULL) receives the smoothed
 * curve. Returns EMB_EINVAL for n < 1 or bad options. */
int emb_curve_metrics(embCurveMetrics *m, double *smoothed_out, const double *y,
                      const double *x, int n, const embMetricOptions *o);

/* epochs of a task in the paper (5000, or 35000 for COBFGR and DCOR); 0 if unknown */

/* smoothing window for a run: EMB_SAVGOL_WINDOW for profile "paper" (or NULL); otherwise
 * round(500 * epochs / paper epochs), at least EMB_SCALED_WINDOW_MIN (metrics.md §1). */
int emb_profile_window(const char *profile, const char *task, long epochs);

#endif
