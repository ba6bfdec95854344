/* csv_table.h — a small reader for the comma-separated files embody writes and reads
 * (header row, no quoting). Cells stay strings until a column is asked for as numbers,
 * so errors can name the file, the line and the column. */
#ifndef EMB_ANALYSIS_CSV_TABLE_H
#define EMB_ANALYSIS_CSV_TABLE_H

typedef struct {
  char *path;     /* for messages */
  char *text;     /* the file, cut into cells in place */
  int ncols;
  char **header;  /* ncols names */
  int nrows;      /* data rows (blank lines skipped) */
  char ***rows;   /* nrows x ncols cells ("" when a row is short) */
  int *lines;     /* 1-based file line of each data row */
} csvTable;

/* read a whole CSV file; EMB_EIO when it cannot be read, EMB_EFORMAT when it is empty
 * or a row has more cells than the header */
int csv_read(csvTable *t, const char *path);
void csv_free(csvTable *t);

/* index of a column by name, -1 if absent */
int csv_column(const csvTable *t, const char *name);

/* the numbers of column `col` in rows [row0, nrows): trailing empty cells end the column
 * (shorter curves in a multi-column file); an empty cell followed by a number, or a cell
 * that is not a number, is an EMB_EFORMAT error naming file:line and column. *out is
 * emb_malloc'ed (free it), *n its length. */
int csv_column_numbers(const csvTable *t, int col, int row0, double **out, int *n);

#endif
