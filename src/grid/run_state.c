/* run_state.c — a run's state and progress, read back from the grid directory alone
 * (final.ckpt, the lock, error.txt, checkpoint.ckpt, progress.json, curve.csv), so the
 * same answer comes for a grid run locally, on SLURM, or killed half-way. */
#include "embody/emb_grid.h"

#include <string.h>

#include "embody/emb_types.h"
#include "grid/grid_util.h"

const char *emb_run_state_name(embRunState s) {
  switch (s) {
  case EMB_RUN_QUEUED: return "queued";
  case EMB_RUN_RUNNING: return "running";
  case EMB_RUN_DONE: return "done";
  case EMB_RUN_FAILED: return "failed";
  case EMB_RUN_BLOCKED: return "blocked";
  case EMB_RUN_INTERRUPTED: return "interrupted";
  }
  return "?";
}

/* own epochs in curve.csv: rows whose segment is not "base" */
static long curve_rows(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  long rows = -1; /* the header */
  while (fgets(line, sizeof line, f)) {
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0) continue;
    if (n >= 5 && !strcmp(line + n - 5, ",base")) continue;
    rows++;
  }
  fclose(f);
  return rows < 0 ? 0 : rows;
}

static void read_progress(const char *path, embRunInfo *in) {
  json_t *root = json_load_file(path, 0, NULL);
  if (!root) return;
  json_t *v;
  if (json_is_integer(v = json_object_get(root, "epochs_done")))
    in->epochs_done = (long)json_integer_value(v);
  if (json_is_integer(v = json_object_get(root, "epochs_total")))
    in->epochs_total = (long)json_integer_value(v);
  if (json_is_number(v = json_object_get(root, "wall_seconds")))
    in->wall_seconds = json_number_value(v);
  json_decref(root);
}

static void probe_one(const embGridRun *r, const char *dir, embRunInfo *in) {
  memset(in, 0, sizeof *in);
  in->epochs_done = in->epochs_total = -1;
  in->wall_seconds = -1;
  char rd[4096], path[4200];
  if (run_dir(rd, sizeof rd, dir, r)) return;
  snprintf(path, sizeof path, "%s/progress.json", rd);
  read_progress(path, in);
  snprintf(path, sizeof path, "%s/curve.csv", rd);
  long rows = curve_rows(path);
  if (rows > in->epochs_done) in->epochs_done = rows;

  snprintf(path, sizeof path, "%s/final.ckpt", rd);
  if (emb_file_exists(path)) {
    in->state = EMB_RUN_DONE;
    return;
  }
  snprintf(path, sizeof path, "%s/locks/%s.lock", dir, r->id);
  if (lock_is_held(path)) {
    in->state = EMB_RUN_RUNNING;
    return;
  }
  snprintf(path, sizeof path, "%s/error.txt", rd);
  if (emb_file_exists(path)) {
    in->state = EMB_RUN_FAILED;
    FILE *f = fopen(path, "r"); /* its first line says what happened */
    if (f) {
      if (!fgets(in->error, sizeof in->error, f)) in->error[0] = 0;
      fclose(f);
    }
    char *nl = strchr(in->error, '\n');
    if (nl) *nl = 0;
    return;
  }
  snprintf(path, sizeof path, "%s/checkpoint.ckpt", rd);
  in->state = emb_file_exists(path) ? EMB_RUN_INTERRUPTED : EMB_RUN_QUEUED;
}

int emb_grid_probe(const embGridPlan *p, const char *dir, embRunInfo *info) {
  for (int k = 0; k < p->n_runs; k++) {
    probe_one(&p->runs[k], dir, &info[k]);
    int d = p->runs[k].depends_on; /* bases come before their transfers in the plan */
    if (d >= 0 && (info[d].state == EMB_RUN_FAILED || info[d].state == EMB_RUN_BLOCKED) &&
        (info[k].state == EMB_RUN_QUEUED || info[k].state == EMB_RUN_INTERRUPTED))
      info[k].state = EMB_RUN_BLOCKED;
  }
  return EMB_OK;
}
