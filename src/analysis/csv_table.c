/* csv_table.c — see csv_table.h. */
#include "analysis/csv_table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embody/emb_types.h"

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    cap *= 2;
    char *nb = realloc(buf, cap + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
    } else {
      buf = nb;
    }
  }
  int err = ferror(f);
  fclose(f);
  if (!buf) return NULL;
  if (err) {
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

/* split one line (NUL-terminated) at commas, trimming spaces and a trailing \r */
static int split(char *line, char **cells, int max) {
  int k = 0;
  char *p = line;
  for (;;) {
    char *c = strchr(p, ',');
    if (c) *c = 0;
    char *s = p;
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = 0;
    if (k < max) cells[k] = s;
    k++;
    if (!c) break;
    p = c + 1;
  }
  return k;
}

void csv_free(csvTable *t) {
  if (t->rows)
    for (int r = 0; r < t->nrows; r++) free(t->rows[r]);
  free(t->rows);
  free(t->header);
  free(t->lines);
  free(t->text);
  free(t->path);
  memset(t, 0, sizeof *t);
}

int csv_read(csvTable *t, const char *path) {
  memset(t, 0, sizeof *t);
  size_t len = 0;
  t->text = read_file(path, &len);
  if (!t->text)
    return emb_error(EMB_EIO, "cannot read %s: %s", path, strerror(errno ? errno : EIO));
  t->path = strdup(path);
  /* count lines for the row arrays */
  size_t nl = 1;
  for (size_t i = 0; i < len; i++) nl += t->text[i] == '\n';
  t->rows = calloc(nl, sizeof *t->rows);
  t->lines = calloc(nl, sizeof *t->lines);
  if (!t->rows || !t->lines || !t->path) {
    csv_free(t);
    return emb_error(EMB_ENOMEM, "reading %s", path);
  }
  char *p = t->text;
  int lineno = 0;
  while (p && *p) {
    char *line = p;
    char *e = strchr(p, '\n');
    if (e) {
      *e = 0;
      p = e + 1;
    } else {
      p = NULL;
    }
    lineno++;
    const char *q = line;
    while (*q == ' ' || *q == '\t' || *q == '\r') q++;
    if (!*q) continue; /* blank line */
    if (!t->header) {
      int nc = 1;
      for (const char *c = line; *c; c++) nc += *c == ',';
      t->header = calloc((size_t)nc, sizeof *t->header);
      if (!t->header) {
        csv_free(t);
        return emb_error(EMB_ENOMEM, "reading %s", path);
      }
      split(line, t->header, nc);
      t->ncols = nc;
      continue;
    }
    char **cells = calloc((size_t)t->ncols, sizeof *cells);
    if (!cells) {
      csv_free(t);
      return emb_error(EMB_ENOMEM, "reading %s", path);
    }
    int nc = split(line, cells, t->ncols);
    if (nc > t->ncols) {
      free(cells);
      int c = t->ncols;
      csv_free(t);
      return emb_error(EMB_EFORMAT, "%s:%d: %d cells but the header has %d columns", path,
                       lineno, nc, c);
    }
    for (int k = nc; k < t->ncols; k++) cells[k] = "";
    t->rows[t->nrows] = cells;
    t->lines[t->nrows] = lineno;
    t->nrows++;
  }
  if (!t->header) {
    csv_free(t);
    return emb_error(EMB_EFORMAT, "%s is empty (expected a header row)", path);
  }
  return EMB_OK;
}

int csv_column(const csvTable *t, const char *name) {
  for (int k = 0; k < t->ncols; k++)
    if (!strcmp(t->header[k], name)) return k;
  return -1;
}

int csv_column_numbers(const csvTable *t, int col, int row0, double **out, int *n) {
  *out = NULL;
  *n = 0;
  if (col < 0 || col >= t->ncols)
    return emb_error(EMB_EINVAL, "%s: column index %d out of range", t->path, col);
  int rows = t->nrows - row0 > 0 ? t->nrows - row0 : 0;
  double *v = emb_malloc((size_t)(rows > 0 ? rows : 1) * sizeof *v);
  if (!v) return EMB_ENOMEM;
  int k = 0, empty_at = -1;
  for (int r = row0; r < t->nrows; r++) {
    const char *c = t->rows[r][col];
    if (!*c) {
      if (empty_at < 0) empty_at = r;
      continue;
    }
    if (empty_at >= 0) {
      free(v);
      return emb_error(EMB_EFORMAT, "%s:%d: column '%s' is empty but line %d has a value",
                       t->path, t->lines[empty_at], t->header[col], t->lines[r]);
    }
    char *end = NULL;
    errno = 0;
    double x = strtod(c, &end);
    if (end == c || *end) {
      free(v);
      return emb_error(EMB_EFORMAT, "%s:%d: column '%s' value '%s' is not a number",
                       t->path, t->lines[r], t->header[col], c);
    }
    v[k++] = x;
  }
  *out = v;
  *n = k;
  return EMB_OK;
}
