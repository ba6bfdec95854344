/* csv_table.h — a numeric CSV table with a header row (used by `embody sim` for action
 * files and by the golden tests for MotorNet's reference files), and the writer of
 * trajectory files in the column layout of reference/motornet (see docs/effectors.md). */
#ifndef EMB_SIM_CSV_TABLE_H
#define EMB_SIM_CSV_TABLE_H

#include <stdio.h>

#include "embody/emb_effector.h"

typedef struct {
  int ncols, nrows;
  char **names;  /* (ncols) header fields */
  double *data;  /* (nrows, ncols) row-major; "nan" parses as NaN */
  int *line;     /* (nrows) 1-based line number of each data row in the file */
} embCsvTable;

/* Read a whole file. Errors (EMB_EIO, EMB_EFORMAT, EMB_ENOMEM) name the file and line:
 * a row with a different number of fields than the header, or a field that is not a
 * number. Empty lines are skipped. */
int emb_csv_read(const char *path, embCsvTable *t);
void emb_csv_free(embCsvTable *t);
/* column index of a header name, -1 if absent */
int emb_csv_col(const embCsvTable *t, const char *name);

/* Name of state-vector element k of model m as a trajectory column ("q0", "cart_vx",
 * "mus_force_deltoid", "geo_moment_j1_biceps"...), written into buf. */
void emb_state_column_name(const embModel *m, int k, char *buf, size_t size);

/* Trajectory CSV: header `step,time,action_<muscle>...,<state columns>`; each row the
 * state after `step` steps and the action that produced it (NULL: nan, the reset row). */
void emb_traj_write_header(FILE *f, const embModel *m);
void emb_traj_write_row(FILE *f, const embModel *m, int step, const embNum *state,
                        const embNum *action);

#endif
