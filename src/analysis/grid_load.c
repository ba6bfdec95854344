/* grid_load.c — read a grid directory (docs/file-formats.md): plan.json, then for every
 * planned run its progress.json, config.json, curve.csv and eval/trajectories.csv.
 * A missing, unfinished or unreadable run is recorded with its state and a note, never
 * an error: only a missing or malformed plan.json stops the analysis. */
#include "analysis/analysis.h"

/* paths are bounded (AN_PATH, checked in an_grid_load); a truncated note is harmless */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/csv_table.h"
#include "embody/emb_types.h"

const char *const an_tasks[AN_NT] = {"RTR", "COR", "COBJGR", "COBFGR", "DCOR", "JTR"};
const char *const an_effectors[AN_NE] = {"point-mass", "arm"};
const char *const an_effector_labels[AN_NE] = {"point mass", "arm"};

int an_task_index(const char *name) {
  for (int i = 0; i < AN_NT; i++)
    if (name && !strcmp(name, an_tasks[i])) return i;
  return -1;
}

int an_effector_index(const char *name) {
  for (int i = 0; i < AN_NE; i++)
    if (name && !strcmp(name, an_effectors[i])) return i;
  return -1;
}

int an_file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

int an_mkdir_p(const char *path) {
  char buf[AN_PATH];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      if (mkdir(buf, 0777) && errno != EEXIST)
        return emb_error(EMB_EIO, "cannot create directory %s: %s", buf, strerror(errno));
      *p = '/';
    }
  if (mkdir(buf, 0777) && errno != EEXIST)
    return emb_error(EMB_EIO, "cannot create directory %s: %s", buf, strerror(errno));
  return EMB_OK;
}

static void copy_str(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

static const char *jstr(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* progress.json: state, epochs, wall time */
static void load_progress(anRun *r) {
  char path[AN_PATH + 32];
  snprintf(path, sizeof path, "%s/progress.json", r->dir);
  char fin[AN_PATH + 32];
  snprintf(fin, sizeof fin, "%s/final.ckpt", r->dir);
  if (!an_file_exists(path)) {
    copy_str(r->state, sizeof r->state, an_file_exists(fin) ? "done" : "unknown");
    if (!an_file_exists(fin)) copy_str(r->note, sizeof r->note, "no progress.json");
    return;
  }
  json_error_t err;
  json_t *p = json_load_file(path, 0, &err);
  if (!p || !json_is_object(p)) {
    copy_str(r->state, sizeof r->state, "unknown");
    snprintf(r->note, sizeof r->note, "progress.json unreadable (line %d: %s)", err.line,
             err.text);
    json_decref(p);
    return;
  }
  const char *s = jstr(p, "state");
  copy_str(r->state, sizeof r->state, s ? s : "unknown");
  json_t *v;
  if ((v = json_object_get(p, "epochs_done")) && json_is_integer(v))
    r->epochs_done = (long)json_integer_value(v);
  if ((v = json_object_get(p, "epochs_total")) && json_is_integer(v))
    r->epochs_total = (long)json_integer_value(v);
  if ((v = json_object_get(p, "wall_seconds")) && json_is_number(v))
    r->wall_seconds = json_number_value(v);
  const char *e = jstr(p, "error");
  if (e && *e) snprintf(r->note, sizeof r->note, "error: %s", e);
  json_decref(p);
}

/* curve.csv: the run's own segment (transfer rows for a transfer run) */
static void load_curve(anRun *r, const anGrid *g) {
  char path[AN_PATH + 32];
  snprintf(path, sizeof path, "%s/curve.csv", r->dir);
  if (!an_file_exists(path)) {
    if (!*r->note) copy_str(r->note, sizeof r->note, "no curve.csv");
    return;
  }
  csvTable t;
  if (csv_read(&t, path)) {
    snprintf(r->note, sizeof r->note, "curve.csv unreadable: %s", emb_last_error());
    return;
  }
  int col = csv_column(&t, "tar_frac"), seg = csv_column(&t, "segment");
  if (col < 0) {
    copy_str(r->note, sizeof r->note, "curve.csv has no tar_frac column");
    csv_free(&t);
    return;
  }
  /* first row of the run's own segment */
  int row0 = 0;
  if (r->transfer) {
    if (seg >= 0) {
      while (row0 < t.nrows && strcmp(t.rows[row0][seg], "transfer")) row0++;
    } else if (r->epochs > 0 && t.nrows >= r->epochs) {
      row0 = t.nrows - (int)r->epochs; /* no segment column: the last E_B rows */
    }
  }
  double *y = NULL;
  int n = 0;
  if (csv_column_numbers(&t, col, row0, &y, &n)) {
    snprintf(r->note, sizeof r->note, "%s", emb_last_error());
    csv_free(&t);
    return;
  }
  csv_free(&t);
  if (n < 1) {
    copy_str(r->note, sizeof r->note,
             r->transfer ? "curve.csv has no transfer rows yet" : "curve.csv has no rows yet");
    free(y);
    return;
  }
  r->y = y;
  r->n = n;
  long e = r->epochs > 0 ? r->epochs : n;
  r->window = emb_profile_window(g->profile, r->task, e);
  embMetricOptions o;
  emb_metric_options_default(&o);
  o.window = r->window;
  if (emb_curve_metrics(&r->m, NULL, y, NULL, n, &o)) {
    snprintf(r->note, sizeof r->note, "metrics failed: %s", emb_last_error());
    return;
  }
  r->has_metrics = 1;
  int k = (int)ceil(EMB_FINAL_FRACTION * n);
  if (k < 1) k = 1;
  double s = 0;
  for (int i = n - k; i < n; i++) s += y[i];
  r->final_perf = s / k;
}

static int load_run(anGrid *g, anRun *r, json_t *jr, int index) {
  const char *id = jstr(jr, "id"), *kind = jstr(jr, "kind"), *eff = jstr(jr, "effector"),
             *task = jstr(jr, "task"), *base = jstr(jr, "base_task"), *dir = jstr(jr, "dir");
  json_t *seed = json_object_get(jr, "seed");
  if (!id || !eff || !task || !json_is_integer(seed))
    return emb_error(EMB_EFORMAT,
                     "%s/plan.json: run %d lacks one of \"id\", \"effector\", \"task\" "
                     "(strings) or \"seed\" (integer)", g->dir, index);
  copy_str(r->id, sizeof r->id, id);
  copy_str(r->kind, sizeof r->kind, kind ? kind : (base ? "transfer" : "no-transfer"));
  copy_str(r->effector, sizeof r->effector, eff);
  copy_str(r->task, sizeof r->task, task);
  copy_str(r->base_task, sizeof r->base_task, base ? base : "none");
  r->transfer = !strcmp(r->kind, "transfer");
  if (r->transfer && !base)
    return emb_error(EMB_EFORMAT, "%s/plan.json: transfer run %s has no \"base_task\"",
                     g->dir, id);
  r->eff = an_effector_index(eff);
  r->task_i = an_task_index(task);
  r->base_i = r->transfer ? an_task_index(base) : -1;
  r->seed = (long)json_integer_value(seed);
  r->seed_i = -1;
  for (int s = 0; s < g->nseeds; s++)
    if (g->seeds[s] == r->seed) r->seed_i = s;
  if (r->seed_i < 0) {
    if (g->nseeds >= AN_MAX_SEEDS)
      return emb_error(EMB_EINVAL, "%s/plan.json: more than %d seeds", g->dir, AN_MAX_SEEDS);
    g->seeds[g->nseeds] = r->seed;
    r->seed_i = g->nseeds++;
  }
  r->epochs = -1;
  json_t *cfg = json_object_get(jr, "config"), *ep;
  if (json_is_object(cfg) && (ep = json_object_get(cfg, "epochs")) && json_is_integer(ep))
    r->epochs = (long)json_integer_value(ep);
  snprintf(r->dir, sizeof r->dir, "%s/%s", g->dir, dir ? dir : "");
  if (!dir) snprintf(r->dir, sizeof r->dir, "%s/runs/%s", g->dir, id);
  r->wall_seconds = NAN;
  r->epochs_done = r->epochs_total = -1;
  if (r->eff >= 0) g->eff_in_plan[r->eff] = 1;
  if (r->task_i >= 0) g->task_in_plan[r->task_i] = 1;
  if (r->task_i >= 0 && r->epochs > 0) g->task_epochs[r->task_i] = r->epochs;

  if (!an_file_exists(r->dir)) {
    copy_str(r->state, sizeof r->state, "missing");
    copy_str(r->note, sizeof r->note, "run directory does not exist");
    return EMB_OK;
  }
  load_progress(r);
  if (r->epochs < 0) { /* fall back on the run's own config.json */
    char path[AN_PATH + 32];
    snprintf(path, sizeof path, "%s/config.json", r->dir);
    json_t *c = json_load_file(path, 0, NULL);
    if (c && (ep = json_object_get(c, "epochs")) && json_is_integer(ep))
      r->epochs = (long)json_integer_value(ep);
    json_decref(c);
    if (r->epochs < 0 && r->epochs_total > 0) r->epochs = r->epochs_total;
  }
  load_curve(r, g);
  char traj[AN_PATH + 64];
  snprintf(traj, sizeof traj, "%s/eval/trajectories.csv", r->dir);
  if (an_file_exists(traj)) {
    copy_str(r->traj, sizeof r->traj, traj);
    r->has_traj = 1;
  }
  r->usable = !strcmp(r->state, "done") && r->has_metrics && r->eff >= 0 && r->task_i >= 0 &&
              (!r->transfer || r->base_i >= 0);
  if (r->usable && r->epochs > 0 && r->n != r->epochs) {
    r->usable = 0;
    snprintf(r->note, sizeof r->note, "curve has %d rows in its segment, expected %ld", r->n,
             r->epochs);
  }
  return EMB_OK;
}

/* quiet error capture while loading runs: problems go to the run's note */
static void silent(int code, const char *msg) {
  (void)code;
  (void)msg;
}

int an_grid_load(anGrid *g, const char *dir, const char *out) {
  memset(g, 0, sizeof *g);
  if (strlen(dir) > AN_PATH / 4 || (out && strlen(out) > AN_PATH / 4))
    return emb_error(EMB_EINVAL, "grid or output path longer than %d characters", AN_PATH / 4);
  copy_str(g->dir, sizeof g->dir, dir);
  if (out) copy_str(g->out, sizeof g->out, out);
  else snprintf(g->out, sizeof g->out, "%s/report", dir);
  snprintf(g->figdir, sizeof g->figdir, "%s/figures", g->out);
  char path[AN_PATH + 32];
  snprintf(path, sizeof path, "%s/plan.json", dir);
  if (!an_file_exists(dir))
    return emb_error(EMB_EIO, "grid directory %s does not exist", dir);
  if (!an_file_exists(path))
    return emb_error(EMB_EIO,
                     "%s has no plan.json: is it a grid directory? (create one with "
                     "`embody grid`)", dir);
  json_error_t err;
  g->plan = json_load_file(path, 0, &err);
  if (!g->plan)
    return emb_error(EMB_EFORMAT, "%s:%d:%d: %s", path, err.line, err.column, err.text);
  json_t *runs = json_object_get(g->plan, "runs");
  if (!json_is_object(g->plan) || !json_is_array(runs))
    return emb_error(EMB_EFORMAT, "%s: expected an object with a \"runs\" array", path);
  const char *prof = jstr(g->plan, "profile");
  copy_str(g->profile, sizeof g->profile, prof ? prof : "paper");
  g->paper_profile = !strcmp(g->profile, "paper");
  json_t *seeds = json_object_get(g->plan, "seeds");
  if (json_is_array(seeds)) {
    size_t i;
    json_t *s;
    json_array_foreach(seeds, i, s) {
      if (json_is_integer(s) && g->nseeds < AN_MAX_SEEDS)
        g->seeds[g->nseeds++] = (long)json_integer_value(s);
    }
  }
  g->nruns = (int)json_array_size(runs);
  g->runs = calloc((size_t)(g->nruns ? g->nruns : 1), sizeof *g->runs);
  if (!g->runs) return emb_error(EMB_ENOMEM, "runs of %s", path);
  for (int i = 0; i < g->nruns; i++) {
    json_t *jr = json_array_get(runs, (size_t)i);
    if (!json_is_object(jr))
      return emb_error(EMB_EFORMAT, "%s: run %d is not an object", path, i);
    emb_set_error_handler(silent);
    int st = load_run(g, &g->runs[i], jr, i);
    emb_set_error_handler(NULL);
    if (st) {
      char msg[1024];
      snprintf(msg, sizeof msg, "%s", emb_last_error());
      return emb_error(st, "%s", msg);
    }
  }
  for (int t = 0; t < AN_NT; t++)
    g->windows[t] = emb_profile_window(g->profile, an_tasks[t],
                                       g->task_epochs[t] > 0 ? g->task_epochs[t] : 0);
  return EMB_OK;
}

void an_grid_free(anGrid *g) {
  for (int i = 0; i < g->nruns; i++) free(g->runs[i].y);
  free(g->runs);
  json_decref(g->plan);
  memset(g, 0, sizeof *g);
}
