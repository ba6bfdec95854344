/* savgol.c — Savitzky–Golay smoothing with scipy.signal.savgol_filter(y, W, P,
 * mode='interp') semantics (spec/metrics.md §1), in double.
 *
 * Interior samples h <= i < n-h (h = W/2) get the least-squares polynomial through the
 * W samples i-h+1 .. i+h (even W, evaluated at the window centre i+0.5: scipy's
 * half-sample shift) or i-h .. i+h (odd W, evaluated at i). Edge samples are the
 * polynomial fitted to the first (last) W samples evaluated at i. Fits use the
 * normal equations in a centred, scaled coordinate u in [-1, 1], which keeps them well
 * conditioned for the small orders used here. */
#include "embody/emb_metrics.h"

#include <math.h>
#include <stdlib.h>

#include "embody/emb_types.h"

#define MAXP (EMB_SAVGOL_MAX_ORDER + 1)

/* solve the (np x np) system A z = b in place by Gaussian elimination with partial
 * pivoting; returns non-zero when singular */
static int solve_small(double A[MAXP][MAXP], double *b, int np) {
  for (int c = 0; c < np; c++) {
    int piv = c;
    for (int r = c + 1; r < np; r++)
      if (fabs(A[r][c]) > fabs(A[piv][c])) piv = r;
    if (A[piv][c] == 0.0) return 1;
    if (piv != c) {
      for (int k = 0; k < np; k++) {
        double t = A[c][k]; A[c][k] = A[piv][k]; A[piv][k] = t;
      }
      double t = b[c]; b[c] = b[piv]; b[piv] = t;
    }
    for (int r = c + 1; r < np; r++) {
      double f = A[r][c] / A[c][c];
      for (int k = c; k < np; k++) A[r][k] -= f * A[c][k];
      b[r] -= f * b[c];
    }
  }
  for (int c = np - 1; c >= 0; c--) {
    double s = b[c];
    for (int k = c + 1; k < np; k++) s -= A[c][k] * b[k];
    b[c] = s / A[c][c];
  }
  return 0;
}

/* window positions j = 0..W-1 map to u = (j - c) / s */
typedef struct { double c, s; int W, np; double M[MAXP][MAXP]; } Basis;

static void basis_init(Basis *B, int W, int order) {
  B->W = W;
  B->np = order + 1;
  B->c = 0.5 * (W - 1);
  B->s = B->c > 0 ? B->c : 1.0;
  for (int k = 0; k < B->np; k++)
    for (int l = 0; l < B->np; l++) B->M[k][l] = 0.0;
  for (int j = 0; j < W; j++) {
    double u = (j - B->c) / B->s, pw[2 * MAXP];
    pw[0] = 1.0;
    for (int k = 1; k < 2 * B->np - 1; k++) pw[k] = pw[k - 1] * u;
    for (int k = 0; k < B->np; k++)
      for (int l = 0; l < B->np; l++) B->M[k][l] += pw[k + l];
  }
}

/* polynomial coefficients a[0..np) (in u) fitted to the W samples y[0..W) */
static int fit(const Basis *B, const double *y, double *a) {
  double M[MAXP][MAXP];
  for (int k = 0; k < B->np; k++) {
    a[k] = 0.0;
    for (int l = 0; l < B->np; l++) M[k][l] = B->M[k][l];
  }
  for (int j = 0; j < B->W; j++) {
    double u = (j - B->c) / B->s, p = 1.0;
    for (int k = 0; k < B->np; k++, p *= u) a[k] += p * y[j];
  }
  return solve_small(M, a, B->np);
}

static double eval_poly(const Basis *B, const double *a, double pos) {
  double u = (pos - B->c) / B->s, v = 0.0;
  for (int k = B->np - 1; k >= 0; k--) v = v * u + a[k];
  return v;
}

int emb_savgol_filter(double *out, const double *y, int n, int window, int order) {
  if (order < 0 || order > EMB_SAVGOL_MAX_ORDER)
    return emb_error(EMB_EINVAL, "Savitzky-Golay order %d outside 0..%d", order,
                     EMB_SAVGOL_MAX_ORDER);
  if (window <= order || window > n)
    return emb_error(EMB_EINVAL,
                     "Savitzky-Golay window %d must exceed the order %d and not exceed "
                     "the curve length %d", window, order, n);
  Basis B;
  basis_init(&B, window, order);
  int h = window / 2, np = order + 1;

  /* interior weights: w_j = p(u_j) . M^{-1} p(u_t), t = the window centre */
  double *w = emb_malloc((size_t)window * sizeof *w);
  if (!w) return EMB_ENOMEM;
  {
    double M[MAXP][MAXP], z[MAXP];
    double t = (window % 2 == 0) ? h - 0.5 : h; /* centre in window coordinates */
    double ut = (t - B.c) / B.s, p = 1.0;
    for (int k = 0; k < np; k++, p *= ut) {
      z[k] = p;
      for (int l = 0; l < np; l++) M[k][l] = B.M[k][l];
    }
    if (solve_small(M, z, np)) {
      free(w);
      return emb_error(EMB_EINVAL, "Savitzky-Golay normal equations are singular");
    }
    for (int j = 0; j < window; j++) {
      double u = (j - B.c) / B.s, q = 1.0, s = 0.0;
      for (int k = 0; k < np; k++, q *= u) s += z[k] * q;
      w[j] = s;
    }
  }
  /* interior: window starts at i-h+1 (even) or i-h (odd) */
  int off = (window % 2 == 0) ? h - 1 : h;
  for (int i = h; i < n - h; i++) {
    const double *yy = y + i - off;
    double s = 0.0;
    for (int j = 0; j < window; j++) s += w[j] * yy[j];
    out[i] = s;
  }
  free(w);

  /* edges: polynomial through the first / last W samples */
  double a[MAXP];
  if (fit(&B, y, a)) return emb_error(EMB_EINVAL, "Savitzky-Golay edge fit is singular");
  for (int i = 0; i < h && i < n; i++) out[i] = eval_poly(&B, a, i);
  if (fit(&B, y + n - window, a))
    return emb_error(EMB_EINVAL, "Savitzky-Golay edge fit is singular");
  for (int i = (n - h > 0 ? n - h : 0); i < n; i++)
    out[i] = eval_poly(&B, a, i - (n - window));
  return EMB_OK;
}
