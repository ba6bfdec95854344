/* cmd_metrics.c — `embody metrics FILE.csv`: AUC, raw and smoothed peak, index at peak
 * and time to plateau of one learning curve (spec/metrics.md §1), as text or JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csv_table.h"
#include "args.h"
#include "commands.h"
#include "embody/emb_metrics.h"
#include "embody/emb_types.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: embody metrics FILE.csv [--column tar_frac] [--from EPOCH] [--window W]\n"
          "                      [--order P] [--tolerance F] [--slope S] [--json]\n\n"
          "Metrics of one learning curve (docs/analysis.md):\n"
          "  AUC (trapezoid over the epochs), raw peak and its index, peak of the\n"
          "  Savitzky-Golay-smoothed curve and its index, time to plateau (TTP: first index\n"
          "  within tolerance*peak of the smoothed peak with |slope| < S; 'not reached' =\n"
          "  null in JSON). Indices count from the first analysed row.\n\n"
          "  --column NAME   column to analyse (default tar_frac)\n"
          "  --from EPOCH    only rows whose 'epoch' is >= EPOCH (row index when the file has\n"
          "                  no epoch column); for a transfer run use the first transfer epoch\n"
          "  --window W      Savitzky-Golay window (default %d; curves shorter than W use the\n"
          "                  largest odd window <= n, and the output says so)\n"
          "  --order P       polynomial order (default %d)\n"
          "  --tolerance F   plateau band as a fraction of the peak (default %g)\n"
          "  --slope S       plateau slope threshold per epoch (default %g)\n"
          "  --json          print a JSON object (auc, raw_peak, raw_peak_index, peak,\n"
          "                  peak_index, ttp, plus n, window, order, notes)\n",
          EMB_SAVGOL_WINDOW, EMB_SAVGOL_ORDER, EMB_TTP_TOLERANCE, EMB_TTP_SLOPE);
}

int cmd_metrics(int argc, char **argv) {
  const char *file = NULL, *column = "tar_frac";
  embMetricOptions o;
  emb_metric_options_default(&o);
  int json = 0, have_from = 0;
  double from = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    long lv;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return EMB_EXIT_OK;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--column")) {
      if (!(column = arg_value("metrics", argc, argv, &i))) return EMB_EXIT_USAGE;
    } else if (!strcmp(a, "--from")) {
      if (!(v = arg_value("metrics", argc, argv, &i)) || arg_double("metrics", a, v, &from))
        return EMB_EXIT_USAGE;
      have_from = 1;
    } else if (!strcmp(a, "--window") || !strcmp(a, "--order")) {
      if (!(v = arg_value("metrics", argc, argv, &i)) || arg_long("metrics", a, v, &lv))
        return EMB_EXIT_USAGE;
      if (a[2] == 'w') {
        if (lv < 1 || lv > 1000000) {
          fprintf(stderr, "embody metrics: --window must be between 1 and 1000000\n");
          return EMB_EXIT_USAGE;
        }
        o.window = (int)lv;
      } else {
        if (lv < 0 || lv > EMB_SAVGOL_MAX_ORDER) {
          fprintf(stderr, "embody metrics: --order must be between 0 and %d\n",
                  EMB_SAVGOL_MAX_ORDER);
          return EMB_EXIT_USAGE;
        }
        o.order = (int)lv;
      }
    } else if (!strcmp(a, "--tolerance") || !strcmp(a, "--slope")) {
      double d;
      if (!(v = arg_value("metrics", argc, argv, &i)) || arg_double("metrics", a, v, &d))
        return EMB_EXIT_USAGE;
      if (!(d >= 0)) {
        fprintf(stderr, "embody metrics: %s must be >= 0\n", a);
        return EMB_EXIT_USAGE;
      }
      if (a[2] == 't') o.tolerance = d; else o.slope = d;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "embody metrics: unknown option '%s' (see embody metrics --help)\n", a);
      return EMB_EXIT_USAGE;
    } else if (!file) {
      file = a;
    } else {
      fprintf(stderr, "embody metrics: one curve file at a time (got '%s' and '%s')\n", file,
              a);
      return EMB_EXIT_USAGE;
    }
  }
  if (!file) {
    usage(stderr);
    return EMB_EXIT_USAGE;
  }

  csvTable t;
  if (csv_read(&t, file)) return EMB_EXIT_USAGE;
  int col = csv_column(&t, column), ecol = csv_column(&t, "epoch");
  if (col < 0) {
    fprintf(stderr, "embody metrics: %s has no column '%s'; its columns are:", file, column);
    for (int k = 0; k < t.ncols; k++) fprintf(stderr, " %s", t.header[k]);
    fprintf(stderr, " (choose one with --column)\n");
    csv_free(&t);
    return EMB_EXIT_USAGE;
  }
  /* first analysed row */
  int row0 = 0;
  if (have_from) {
    if (ecol >= 0) {
      while (row0 < t.nrows && atof(t.rows[row0][ecol]) < from) row0++;
    } else {
      row0 = from > t.nrows ? t.nrows : (int)from;
    }
  }
  double *y = NULL, *x = NULL;
  int n = 0, nx = 0, rc = EMB_EXIT_OK;
  if (csv_column_numbers(&t, col, row0, &y, &n)) {
    rc = EMB_EXIT_USAGE;
    goto out;
  }
  if (n < 1) {
    fprintf(stderr, "embody metrics: %s: column '%s' has no values%s\n", file, column,
            have_from ? " at or after --from" : "");
    rc = EMB_EXIT_USAGE;
    goto out;
  }
  if (ecol >= 0) {
    if (csv_column_numbers(&t, ecol, row0, &x, &nx)) {
      rc = EMB_EXIT_USAGE;
      goto out;
    }
    if (nx != n) {
      fprintf(stderr, "embody metrics: %s: column 'epoch' has %d values but '%s' has %d\n",
              file, nx, column, n);
      rc = EMB_EXIT_USAGE;
      goto out;
    }
  }
  embCurveMetrics m;
  if (emb_curve_metrics(&m, NULL, y, x, n, &o)) {
    fprintf(stderr, "embody metrics: cannot analyse column '%s' of %s\n", column, file);
    rc = EMB_EXIT_USAGE;
    goto out;
  }
  char note[256] = "";
  if (!m.smoothed)
    snprintf(note, sizeof note,
             "curve of %d samples is too short for an order-%d fit: not smoothed", n,
             m.order);
  else if (m.window_reduced)
    snprintf(note, sizeof note,
             "curve of %d samples is shorter than the window %d: used the largest odd "
             "window <= n, %d", n, m.window_requested, m.window);
  if (json) {
    json_t *j = json_pack("{s:f, s:f, s:i, s:f, s:i, s:o, s:i, s:i, s:i, s:f, s:f, s:s, s:s}",
                          "auc", m.auc, "raw_peak", m.raw_peak, "raw_peak_index",
                          m.raw_peak_index, "peak", m.peak, "peak_index", m.peak_index, "ttp",
                          m.ttp < 0 ? json_null() : json_integer(m.ttp), "n", n, "window",
                          m.window, "order", m.order, "tolerance", o.tolerance, "slope",
                          o.slope, "column", column, "file", file);
    if (!j) {
      fprintf(stderr, "embody metrics: cannot build the JSON output\n");
      rc = EMB_EXIT_FAIL;
      goto out;
    }
    if (x) json_object_set_new(j, "first_epoch", json_real(x[0]));
    json_object_set_new(j, "note", *note ? json_string(note) : json_null());
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER);
    printf("%s\n", s);
    free(s);
    json_decref(j);
  } else {
    printf("curve: %s, column %s, %d samples", file, column, n);
    if (x) printf(" (epochs %g .. %g)", x[0], x[n - 1]);
    printf("\nsmoothing: Savitzky-Golay window %d, order %d%s\n", m.window, m.order,
           m.smoothed ? "" : " (not applied)");
    if (*note) printf("note: %s\n", note);
    printf("AUC:            %.10g\n", m.auc);
    printf("raw peak:       %.10g at index %d\n", m.raw_peak, m.raw_peak_index);
    printf("smoothed peak:  %.10g at index %d\n", m.peak, m.peak_index);
    if (m.ttp >= 0)
      printf("time to plateau: %d epochs (tolerance %g of the peak, |slope| < %g)\n", m.ttp,
             o.tolerance, o.slope);
    else
      printf("time to plateau: not reached (tolerance %g of the peak, |slope| < %g)\n",
             o.tolerance, o.slope);
  }
out:
  free(x);
  free(y);
  csv_free(&t);
  return rc;
}
