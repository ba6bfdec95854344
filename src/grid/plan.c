/* plan.c — the grid's plan (training.md §5): for each seed and effector, one
 * no-transfer run per task (also the base model of that task) and one transfer run for
 * every ordered pair of different tasks, depending on the base's no-transfer run.
 * Also the table of train flags that `embody grid` passes through to every run. */
#include "embody/emb_grid.h"

#include <stdlib.h>
#include <string.h>

#include "embody/emb_config.h"
#include "embody/emb_task.h"
#include "embody/emb_types.h"

static const char *const effectors[] = {"point-mass", "arm"};
static const char *const profiles[] = {"paper", "quick", "demo"};

const char *emb_grid_task_name(const char *name) {
  int t = emb_task_parse(name);
  return t < 0 ? NULL : emb_task_name((embTaskKind)t);
}

/* Split a comma list into names; validate each with check(); no duplicates. */
static int parse_list(const char *what, const char *text, char (*out)[EMB_GRID_NAME], int max,
                      int *n, const char *(*check)(const char *), const char *valid) {
  *n = 0;
  char buf[512];
  if (strlen(text) >= sizeof buf) return emb_error(EMB_EINVAL, "%s list too long", what);
  strcpy(buf, text);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    const char *name = check(tok);
    if (!name)
      return emb_error(EMB_EINVAL, "unknown %s '%s' (valid: %s)", what, tok, valid);
    for (int j = 0; j < *n; j++)
      if (!strcmp(out[j], name)) return emb_error(EMB_EINVAL, "%s '%s' listed twice", what, name);
    if (*n >= max) return emb_error(EMB_EINVAL, "too many %ss (at most %d)", what, max);
    snprintf(out[(*n)++], EMB_GRID_NAME, "%s", name);
  }
  if (*n == 0) return emb_error(EMB_EINVAL, "empty %s list", what);
  return EMB_OK;
}

static const char *effector_name(const char *s) {
  for (int i = 0; i < 2; i++)
    if (!strcmp(s, effectors[i])) return effectors[i];
  return NULL;
}

/* The run's train keys; resolved through the train configuration (presets, profile,
 * overrides) so a bad override is refused before anything runs, and so the run's real
 * epochs order the work. */
static int make_config(embGridRun *r, const char *profile, const json_t *overrides) {
  r->config = json_object();
  json_object_set_new(r->config, "effector", json_string(r->effector));
  json_object_set_new(r->config, "task", json_string(r->task));
  json_object_set_new(r->config, "profile", json_string(profile));
  json_object_set_new(r->config, "seed", json_integer(r->seed));
  if (overrides) json_object_update(r->config, (json_t *)overrides);
  return emb_grid_run_epochs(r);
}

int emb_grid_run_epochs(embGridRun *r) {
  embTrainConfig cfg;
  json_t *copy = json_deep_copy(r->config);
  char source[EMB_GRID_ID + 40];
  snprintf(source, sizeof source, "grid run %s", r->id);
  int st = emb_config_resolve(&cfg, copy, source);
  json_decref(copy);
  r->est_epochs = st ? emb_paper_epochs_by_name(r->task) : cfg.epochs;
  return st;
}

int emb_grid_plan_build(embGridPlan *p, const char *profile, const char *effs, const char *tks,
                        const long *seeds, int n_seeds, const json_t *overrides) {
  memset(p, 0, sizeof *p);
  int ok = 0;
  for (int i = 0; i < 3; i++) ok |= !strcmp(profile, profiles[i]);
  if (!ok) return emb_error(EMB_EINVAL, "unknown profile '%s' (valid: paper, quick, demo)", profile);
  snprintf(p->profile, sizeof p->profile, "%s", profile);
  int st = parse_list("effector", effs ? effs : "point-mass,arm", p->effectors,
                      EMB_GRID_MAX_EFFECTORS, &p->n_effectors, effector_name, "point-mass, arm");
  if (st) return st;
  st = parse_list("task", tks ? tks : "RTR,COR,COBJGR,COBFGR,DCOR,JTR", p->tasks,
                  EMB_GRID_MAX_TASKS, &p->n_tasks, emb_grid_task_name,
                  "RTR, COR, COBJGR, COBFGR, DCOR, JTR or their long names");
  if (st) return st;
  if (n_seeds < 1) return emb_error(EMB_EINVAL, "the grid needs at least one seed");
  p->seeds = emb_malloc(sizeof(long) * (size_t)n_seeds);
  if (!p->seeds) return EMB_ENOMEM;
  for (int i = 0; i < n_seeds; i++) {
    if (seeds[i] < 0) {
      emb_grid_plan_free(p);
      return emb_error(EMB_EINVAL, "seed %ld is negative", seeds[i]);
    }
    for (int j = 0; j < i; j++)
      if (seeds[j] == seeds[i]) {
        emb_grid_plan_free(p);
        return emb_error(EMB_EINVAL, "seed %ld listed twice", seeds[i]);
      }
    p->seeds[i] = seeds[i];
  }
  p->n_seeds = n_seeds;
  p->overrides = overrides ? json_deep_copy(overrides) : json_object();
  const char *fixed[] = {"effector", "task", "profile", "seed"};
  for (int i = 0; i < 4; i++)
    if (json_object_get(p->overrides, fixed[i])) {
      emb_grid_plan_free(p);
      return emb_error(EMB_EINVAL, "'%s' is set by the grid plan, not a train override", fixed[i]);
    }

  int T = p->n_tasks;
  p->n_runs = n_seeds * p->n_effectors * T * T; /* T no-transfer + T(T-1) transfers */
  p->runs = emb_calloc((size_t)p->n_runs, sizeof *p->runs);
  if (!p->runs) {
    emb_grid_plan_free(p);
    return EMB_ENOMEM;
  }
  int k = 0;
  for (int s = 0; s < n_seeds; s++)
    for (int e = 0; e < p->n_effectors; e++) {
      int first = k;
      for (int a = 0; a < T; a++) {
        embGridRun *r = &p->runs[k++];
        snprintf(r->effector, sizeof r->effector, "%s", p->effectors[e]);
        snprintf(r->task, sizeof r->task, "%s", p->tasks[a]);
        r->seed = p->seeds[s];
        r->depends_on = -1;
        snprintf(r->id, sizeof r->id, "%s__%s__s%ld", r->effector, r->task, r->seed);
        if (make_config(r, p->profile, p->overrides)) {
          emb_grid_plan_free(p);
          return EMB_EINVAL;
        }
      }
      for (int a = 0; a < T; a++)
        for (int b = 0; b < T; b++) {
          if (a == b) continue;
          embGridRun *r = &p->runs[k++];
          r->transfer = 1;
          snprintf(r->effector, sizeof r->effector, "%s", p->effectors[e]);
          snprintf(r->task, sizeof r->task, "%s", p->tasks[b]);
          snprintf(r->base_task, sizeof r->base_task, "%s", p->tasks[a]);
          r->seed = p->seeds[s];
          r->depends_on = first + a;
          snprintf(r->id, sizeof r->id, "%s__%s-to-%s__s%ld", r->effector, r->base_task,
                   r->task, r->seed);
          if (make_config(r, p->profile, p->overrides)) {
            emb_grid_plan_free(p);
            return EMB_EINVAL;
          }
        }
    }
  return EMB_OK;
}

void emb_grid_plan_free(embGridPlan *p) {
  if (p->runs)
    for (int k = 0; k < p->n_runs; k++) json_decref(p->runs[k].config);
  free(p->runs);
  free(p->seeds);
  json_decref(p->overrides);
  memset(p, 0, sizeof *p);
}

int emb_grid_plan_find(const embGridPlan *p, const char *id) {
  for (int k = 0; k < p->n_runs; k++)
    if (!strcmp(p->runs[k].id, id)) return k;
  return -1;
}

/* ---- train flags passed through to every run: `embody train`'s own flag table ---- */

int emb_grid_train_flag(json_t *overrides, int argc, char **argv, int *i) {
  int consumed = 0;
  int rc = emb_config_flag(overrides, argc, argv, *i, &consumed);
  if (rc < 0) return 2;
  if (rc == 0) return 1;
  *i += consumed;
  return 0;
}
