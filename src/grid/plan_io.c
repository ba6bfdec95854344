/* plan_io.c — plan.json and requests/<id>.json (docs/file-formats.md, "Grid directory"),
 * and the comparison that refuses to run a grid directory under a changed plan. */
#include "embody/emb_grid.h"

#include <string.h>

#include "embody/emb_types.h"
#include "grid/grid_util.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS)

static json_t *names_json(char (*names)[EMB_GRID_NAME], int n) {
  json_t *a = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(a, json_string(names[i]));
  return a;
}

static json_t *plan_json(const embGridPlan *p) {
  json_t *root = json_object();
  json_object_set_new(root, "version", json_integer(EMB_GRID_PLAN_VERSION));
  json_object_set_new(root, "profile", json_string(p->profile));
  json_object_set_new(root, "effectors", names_json((char(*)[EMB_GRID_NAME])p->effectors,
                                                    p->n_effectors));
  json_object_set_new(root, "tasks", names_json((char(*)[EMB_GRID_NAME])p->tasks, p->n_tasks));
  json_t *seeds = json_array();
  for (int i = 0; i < p->n_seeds; i++) json_array_append_new(seeds, json_integer(p->seeds[i]));
  json_object_set_new(root, "seeds", seeds);
  json_object_set(root, "train_overrides", p->overrides);
  json_t *runs = json_array();
  for (int k = 0; k < p->n_runs; k++) {
    const embGridRun *r = &p->runs[k];
    char dir[EMB_GRID_ID + 8];
    snprintf(dir, sizeof dir, "runs/%s", r->id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:s, s:O}", "id", r->id, "kind",
                          r->transfer ? "transfer" : "no-transfer", "effector", r->effector,
                          "task", r->task, "base_task",
                          r->transfer ? json_string(r->base_task) : json_null(), "seed",
                          (json_int_t)r->seed, "depends_on",
                          r->depends_on >= 0 ? json_string(p->runs[r->depends_on].id)
                                             : json_null(),
                          "dir", dir, "config", r->config);
    json_array_append_new(runs, o);
  }
  json_object_set_new(root, "runs", runs);
  return root;
}

int emb_grid_plan_write(const embGridPlan *p, const char *dir) {
  if (emb_mkdir_p(dir)) return EMB_EIO;
  char path[4096];
  if (gpath(path, sizeof path, "%s/plan.json", dir)) return EMB_EINVAL;
  json_t *root = plan_json(p);
  int st = emb_write_json_atomic(path, root, JSON_FLAGS);
  json_decref(root);
  return st;
}

int emb_grid_requests_write(const embGridPlan *p, const char *dir, int force) {
  char path[4096];
  if (gpath(path, sizeof path, "%s/requests", dir) || emb_mkdir_p(path)) return EMB_EIO;
  for (int k = 0; k < p->n_runs; k++) {
    if (gpath(path, sizeof path, "%s/requests/%s.json", dir, p->runs[k].id)) return EMB_EINVAL;
    if (!force && emb_file_exists(path)) continue;
    int st = emb_write_json_atomic(path, p->runs[k].config, JSON_FLAGS);
    if (st) return st;
  }
  return EMB_OK;
}

/* ---- reading ---- */

static void quiet_handler(int code, const char *msg) {
  (void)code;
  (void)msg;
}

static int bad(const char *path, const char *what) {
  return emb_error(EMB_EFORMAT,
                   "%s: %s (the grid plan is written by `embody grid run`; restore it or "
                   "start again with --replan)",
                   path, what);
}

static int read_names(const char *path, json_t *a, const char *key, char (*out)[EMB_GRID_NAME],
                      int max, int *n) {
  if (!json_is_array(a) || json_array_size(a) == 0 || (int)json_array_size(a) > max) {
    char msg[96];
    snprintf(msg, sizeof msg, "'%s' must be a non-empty list of at most %d names", key, max);
    return bad(path, msg);
  }
  *n = 0;
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    if (!json_is_string(v)) return bad(path, "a name is not a string");
    snprintf(out[(*n)++], EMB_GRID_NAME, "%s", json_string_value(v));
  }
  return EMB_OK;
}

int emb_grid_plan_read(embGridPlan *p, const char *dir) {
  memset(p, 0, sizeof *p);
  char path[4096];
  if (gpath(path, sizeof path, "%s/plan.json", dir)) return EMB_EINVAL;
  json_error_t err;
  json_t *root = json_load_file(path, 0, &err);
  if (!root) {
    if (!emb_file_exists(path))
      return emb_error(EMB_EIO, "%s: no plan here (create one with `embody grid run %s ...`)",
                       path, dir);
    return emb_error(EMB_EFORMAT, "%s: line %d column %d: %s", path, err.line, err.column,
                     err.text);
  }
  int st = EMB_OK;
  json_t *v = json_object_get(root, "version");
  if (!json_is_integer(v) || json_integer_value(v) != EMB_GRID_PLAN_VERSION) {
    st = bad(path, "missing or unsupported 'version' (expected 1)");
    goto out;
  }
  json_t *prof = json_object_get(root, "profile");
  if (!json_is_string(prof)) {
    st = bad(path, "'profile' must be a string");
    goto out;
  }
  snprintf(p->profile, sizeof p->profile, "%s", json_string_value(prof));
  if ((st = read_names(path, json_object_get(root, "effectors"), "effectors", p->effectors,
                       EMB_GRID_MAX_EFFECTORS, &p->n_effectors)) ||
      (st = read_names(path, json_object_get(root, "tasks"), "tasks", p->tasks,
                       EMB_GRID_MAX_TASKS, &p->n_tasks)))
    goto out;
  json_t *seeds = json_object_get(root, "seeds");
  if (!json_is_array(seeds) || json_array_size(seeds) == 0) {
    st = bad(path, "'seeds' must be a non-empty list of integers");
    goto out;
  }
  p->n_seeds = (int)json_array_size(seeds);
  p->seeds = emb_calloc((size_t)p->n_seeds, sizeof(long));
  for (int i = 0; i < p->n_seeds; i++) {
    json_t *s = json_array_get(seeds, (size_t)i);
    if (!json_is_integer(s)) {
      st = bad(path, "'seeds' must be a non-empty list of integers");
      goto out;
    }
    p->seeds[i] = (long)json_integer_value(s);
  }
  json_t *ov = json_object_get(root, "train_overrides");
  p->overrides = json_is_object(ov) ? json_deep_copy(ov) : json_object();
  json_t *runs = json_object_get(root, "runs");
  if (!json_is_array(runs) || json_array_size(runs) == 0) {
    st = bad(path, "'runs' must be a non-empty list");
    goto out;
  }
  p->n_runs = (int)json_array_size(runs);
  p->runs = emb_calloc((size_t)p->n_runs, sizeof *p->runs);
  for (int k = 0; k < p->n_runs; k++) {
    json_t *o = json_array_get(runs, (size_t)k);
    const char *id = NULL, *kind = NULL, *eff = NULL, *task = NULL;
    json_t *base = NULL, *dep = NULL, *cfg = NULL;
    json_int_t seed = 0;
    if (json_unpack_ex(o, &err, 0, "{s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:o}", "id", &id,
                       "kind", &kind, "effector", &eff, "task", &task, "base_task", &base,
                       "seed", &seed, "depends_on", &dep, "config", &cfg)) {
      char msg[256];
      snprintf(msg, sizeof msg, "run %d: %s", k, err.text);
      st = bad(path, msg);
      goto out;
    }
    embGridRun *r = &p->runs[k];
    snprintf(r->id, sizeof r->id, "%s", id);
    r->transfer = !strcmp(kind, "transfer");
    snprintf(r->effector, sizeof r->effector, "%s", eff);
    snprintf(r->task, sizeof r->task, "%s", task);
    snprintf(r->base_task, sizeof r->base_task, "%s", json_is_string(base) ? json_string_value(base) : "");
    r->seed = (long)seed;
    r->depends_on = -1;
    if (json_is_string(dep)) {
      r->depends_on = emb_grid_plan_find(p, json_string_value(dep));
      if (r->depends_on < 0 || r->depends_on >= k) {
        char msg[256];
        snprintf(msg, sizeof msg, "run '%s' depends on '%s', which is not listed before it", id,
                 json_string_value(dep));
        st = bad(path, msg);
        goto out;
      }
    }
    if (!json_is_object(cfg)) {
      st = bad(path, "a run's 'config' is not an object");
      goto out;
    }
    r->config = json_deep_copy(cfg);
    embErrorHandler caller_handler = emb_get_error_handler();
    emb_set_error_handler(quiet_handler); /* an invalid config shows when the run starts */
    emb_grid_run_epochs(r);
    emb_set_error_handler(caller_handler);
  }
out:
  json_decref(root);
  if (st) emb_grid_plan_free(p);
  return st;
}

/* ---- comparison ---- */

static void append(char *msg, size_t size, const char *fmt, const char *a, const char *b) {
  size_t len = strlen(msg);
  if (len + 4 >= size) return;
  snprintf(msg + len, size - len, fmt, a, b);
}

static void diff_json(char *msg, size_t size, const char *what, json_t *a, json_t *b) {
  if (json_equal(a, b)) return;
  char *ta = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  char *tb = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  char line[600];
  snprintf(line, sizeof line, "\n  %s: plan has %%s, command gives %%s", what);
  append(msg, size, line, ta ? ta : "?", tb ? tb : "?");
  free(ta);
  free(tb);
}

int emb_grid_plan_diff(const embGridPlan *a, const embGridPlan *b, char *msg, size_t size) {
  msg[0] = 0;
  json_t *ja = plan_json(a), *jb = plan_json(b);
  const char *keys[] = {"profile", "effectors", "tasks", "seeds", "train_overrides"};
  for (int i = 0; i < 5; i++)
    diff_json(msg, size, keys[i], json_object_get(ja, keys[i]), json_object_get(jb, keys[i]));
  if (!msg[0] && !json_equal(json_object_get(ja, "runs"), json_object_get(jb, "runs")))
    append(msg, size, "\n  the run list differs (plan.json was edited by hand?)%s%s", "", "");
  json_decref(ja);
  json_decref(jb);
  return msg[0] ? 1 : 0;
}
