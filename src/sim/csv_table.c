/* csv_table.c — reading numeric CSV tables with file/line errors, and writing
 * trajectories in MotorNet's reference column layout. */
#include "sim/csv_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

void emb_csv_free(embCsvTable *t) {
  if (!t) return;
  if (t->names)
    for (int c = 0; c < t->ncols; c++) free(t->names[c]);
  free(t->names);
  free(t->data);
  free(t->line);
  memset(t, 0, sizeof *t);
}

int emb_csv_col(const embCsvTable *t, const char *name) {
  for (int c = 0; c < t->ncols; c++)
    if (!strcmp(t->names[c], name)) return c;
  return -1;
}

static void chomp(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = 0;
}

static int count_fields(const char *s) {
  int n = 1;
  for (; *s; s++) n += *s == ',';
  return n;
}

int emb_csv_read(const char *path, embCsvTable *t) {
  memset(t, 0, sizeof *t);
  FILE *f = fopen(path, "r");
  if (!f) return emb_error(EMB_EIO, "cannot open '%s': %s", path, strerror(errno));
  char *buf = NULL;
  size_t cap = 0;
  int lineno = 0, rc = EMB_OK, rows_cap = 0;
  /* header */
  for (;;) {
    if (getline(&buf, &cap, f) < 0) {
      rc = emb_error(EMB_EFORMAT, "%s: empty file (expected a header row)", path);
      goto done;
    }
    lineno++;
    chomp(buf);
    if (buf[0]) break;
  }
  t->ncols = count_fields(buf);
  t->names = emb_calloc((size_t)t->ncols, sizeof(char *));
  if (!t->names) {
    rc = EMB_ENOMEM;
    goto done;
  }
  {
    char *p = buf;
    for (int c = 0; c < t->ncols; c++) {
      char *e = strchr(p, ',');
      if (e) *e = 0;
      t->names[c] = strdup(p);
      if (!t->names[c]) {
        rc = emb_error(EMB_ENOMEM, "out of memory reading '%s'", path);
        goto done;
      }
      p = e ? e + 1 : p + strlen(p);
    }
  }
  /* data rows */
  while (getline(&buf, &cap, f) >= 0) {
    lineno++;
    chomp(buf);
    if (!buf[0]) continue;
    int n = count_fields(buf);
    if (n != t->ncols) {
      rc = emb_error(EMB_EFORMAT, "%s:%d: %d fields, but the header has %d columns", path,
                     lineno, n, t->ncols);
      goto done;
    }
    if (t->nrows == rows_cap) {
      rows_cap = rows_cap ? 2 * rows_cap : 128;
      double *d = realloc(t->data, sizeof(double) * (size_t)rows_cap * (size_t)t->ncols);
      int *l = d ? realloc(t->line, sizeof(int) * (size_t)rows_cap) : NULL;
      if (d) t->data = d;
      if (l) t->line = l;
      if (!d || !l) {
        rc = emb_error(EMB_ENOMEM, "out of memory reading '%s'", path);
        goto done;
      }
    }
    char *p = buf;
    for (int c = 0; c < t->ncols; c++) {
      char *end = NULL;
      errno = 0;
      double v = strtod(p, &end);
      while (end && *end == ' ') end++;
      if (end == p || (*end != ',' && *end != 0)) {
        char field[64];
        size_t k = strcspn(p, ",");
        snprintf(field, sizeof field, "%.*s", (int)(k < 60 ? k : 60), p);
        rc = emb_error(EMB_EFORMAT, "%s:%d: column %d ('%s') is not a number: '%s'", path,
                       lineno, c + 1, t->names[c], field);
        goto done;
      }
      t->data[(size_t)t->nrows * t->ncols + c] = v;
      p = *end ? end + 1 : end;
    }
    t->line[t->nrows++] = lineno;
  }
  if (ferror(f)) rc = emb_error(EMB_EIO, "error reading '%s'", path);
done:
  free(buf);
  fclose(f);
  if (rc) emb_csv_free(t);
  return rc;
}

void emb_state_column_name(const embModel *m, int k, char *buf, size_t size) {
  static const char *joint[4] = {"q0", "q1", "dq0", "dq1"};
  static const char *cart[4] = {"cart_x", "cart_y", "cart_vx", "cart_vy"};
  static const char *relu_ch[4] = {"activation", "muscle_length", "muscle_velocity", "force"};
  static const char *hill_ch[7] = {"activation", "muscle_length", "muscle_velocity", "flpe",
                                   "flce",       "fvce",          "force"};
  static const char *geo[4] = {"mt_length", "mt_velocity", "moment_j0", "moment_j1"};
  const int M = m->M, og = emb_geom_offset(m);
  if (k < EMB_OFF_CART)
    snprintf(buf, size, "%s", joint[k]);
  else if (k < EMB_OFF_MUSCLE)
    snprintf(buf, size, "%s", cart[k - EMB_OFF_CART]);
  else if (k < og)
    snprintf(buf, size, "mus_%s_%s",
             (m->S == 4 ? relu_ch : hill_ch)[(k - EMB_OFF_MUSCLE) / M],
             m->muscle_names[(k - EMB_OFF_MUSCLE) % M]);
  else
    snprintf(buf, size, "geo_%s_%s", geo[(k - og) / M], m->muscle_names[(k - og) % M]);
}

#ifdef EMB_USE_DOUBLE
#define NUM_FMT "%.17g"
#else
#define NUM_FMT "%.9g"
#endif

void emb_traj_write_header(FILE *f, const embModel *m) {
  char name[64];
  fprintf(f, "step,time");
  for (int j = 0; j < m->M; j++) fprintf(f, ",action_%s", m->muscle_names[j]);
  for (int k = 0; k < emb_state_size(m); k++) {
    emb_state_column_name(m, k, name, sizeof name);
    fprintf(f, ",%s", name);
  }
  fputc('\n', f);
}

void emb_traj_write_row(FILE *f, const embModel *m, int step, const embNum *state,
                        const embNum *action) {
  fprintf(f, "%d,%.6g", step, step * (double)m->dt); /* multiples of dt, 6 digits */
  for (int j = 0; j < m->M; j++) {
    if (action)
      fprintf(f, "," NUM_FMT, (double)action[j]);
    else
      fprintf(f, ",nan");
  }
  for (int k = 0; k < emb_state_size(m); k++) fprintf(f, "," NUM_FMT, (double)state[k]);
  fputc('\n', f);
}
