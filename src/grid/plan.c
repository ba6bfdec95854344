/* plan.c — the grid's plan (training.md §5): for each seed and effector, one
 * no-transfer run per task (also the base model of that task) and one transfer run for
 * every ordered pair of different tasks, depending on the base's no-transfer run.
 * Also the table of train flags that `embody grid` passes through to every run. */
#include "embody/emb_grid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "embody/emb_types.h"

/* task short name, paper long name, paper epochs (training.md §4: ordering weight) */
static const struct {
  const char *name, *long_name;
  long epochs;
} tasks[] = {
    {"RTR", "RandomTargetReach", 5000},
    {"COR", "CenterOutReach", 5000},
    {"COBJGR", "CenterOutAndBackWithJumpingGoalReach", 5000},
    {"COBFGR", "CenterOutAndBackWithFixedGoalReach", 35000},
    {"DCOR", "DelayedCenterOutReach", 35000},
    {"JTR", "JumpingTargetReach", 5000},
};
enum { N_TASKS = sizeof tasks / sizeof tasks[0] };
static const char *const effectors[] = {"point-mass", "arm"};
static const char *const profiles[] = {"paper", "quick", "demo"};

const char *emb_grid_task_name(const char *name) {
  for (int i = 0; i < N_TASKS; i++)
    if (!strcmp(name, tasks[i].name) || !strcmp(name, tasks[i].long_name)) return tasks[i].name;
  return NULL;
}

long emb_grid_task_epochs(const char *task) {
  for (int i = 0; i < N_TASKS; i++)
    if (!strcmp(task, tasks[i].name)) return tasks[i].epochs;
  return 5000;
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

static void make_config(embGridRun *r, const char *profile, const json_t *overrides) {
  r->config = json_object();
  json_object_set_new(r->config, "effector", json_string(r->effector));
  json_object_set_new(r->config, "task", json_string(r->task));
  json_object_set_new(r->config, "profile", json_string(profile));
  json_object_set_new(r->config, "seed", json_integer(r->seed));
  if (overrides) json_object_update(r->config, (json_t *)overrides);
  json_t *e = json_object_get(r->config, "epochs");
  r->est_epochs = json_is_integer(e) ? (long)json_integer_value(e) : emb_grid_task_epochs(r->task);
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
        make_config(r, p->profile, p->overrides);
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
          make_config(r, p->profile, p->overrides);
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

/* ---- train flags passed through to every run ---- */

typedef enum { T_INT, T_NUM, T_NUM_OR_NULL, T_STR, T_INT2, T_NUM2 } FlagType;
static const struct {
  const char *flag, *key;
  FlagType type;
} train_flags[] = {
    {"--muscle", "muscle", T_STR},
    {"--lr", "lr", T_NUM},
    {"--lr-min", "lr_min", T_NUM_OR_NULL},
    {"--epochs", "epochs", T_INT},
    {"--batch-size", "batch_size", T_INT},
    {"--hidden-sizes", "hidden_sizes", T_INT2},
    {"--muscle-weight", "muscle_weight", T_NUM},
    {"--hidden-act-weight", "hidden_act_weight", T_NUM},
    {"--hidden-act-deriv-weight", "hidden_act_deriv_weight", T_NUM},
    {"--noise-level", "noise_level", T_NUM},
    {"--target-radius-frac", "target_radius_frac", T_NUM},
    {"--max-grad-norm", "max_grad_norm", T_NUM},
    {"--h0-scale", "h0_scale", T_NUM},
    {"--positive-func", "positive_func", T_STR},
    {"--save-every", "save_every", T_INT},
    {"--force-field", "force_field", T_NUM2},
    {"--vision-delay", "vision_delay", T_INT},
    {"--proprioception-delay", "proprioception_delay", T_INT},
};
enum { N_TRAIN_FLAGS = sizeof train_flags / sizeof train_flags[0] };

static int parse_num(const char *flag, const char *s, int integer, json_t **out) {
  char *end = NULL;
  errno = 0;
  if (integer) {
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) goto bad;
    *out = json_integer(v);
  } else {
    double v = strtod(s, &end);
    if (errno || end == s || *end) goto bad;
    *out = json_real(v);
  }
  return 0;
bad:
  fprintf(stderr, "embody grid: %s expects %s, got '%s'\n", flag,
          integer ? "an integer" : "a number", s);
  return 2;
}

int emb_grid_train_flag(json_t *overrides, int argc, char **argv, int *i) {
  const char *arg = argv[*i];
  char flag[64];
  const char *inline_val = NULL; /* --epochs=3 */
  const char *eq = strchr(arg, '=');
  size_t fl = eq ? (size_t)(eq - arg) : strlen(arg);
  if (fl >= sizeof flag) return 1;
  memcpy(flag, arg, fl);
  flag[fl] = 0;
  if (eq) inline_val = eq + 1;
  int f = -1;
  for (int j = 0; j < N_TRAIN_FLAGS; j++)
    if (!strcmp(flag, train_flags[j].flag)) f = j;
  if (f < 0) return 1;
  FlagType t = train_flags[f].type;
  int nvals = (t == T_INT2 || t == T_NUM2) ? 2 : 1;
  const char *vals[2] = {NULL, NULL};
  char pair[128];
  if (inline_val || (*i + 1 < argc && nvals == 2 && strchr(argv[*i + 1], ','))) {
    /* one token: "3" or "32,16" */
    const char *v = inline_val ? inline_val : argv[++*i];
    if (nvals == 2) {
      snprintf(pair, sizeof pair, "%s", v);
      char *c = strchr(pair, ',');
      if (!c) {
        fprintf(stderr, "embody grid: %s expects two values (A B or A,B), got '%s'\n", flag, v);
        return 2;
      }
      *c = 0;
      vals[0] = pair;
      vals[1] = c + 1;
    } else {
      vals[0] = v;
    }
  } else {
    if (*i + nvals >= argc) {
      fprintf(stderr, "embody grid: %s needs %d value%s\n", flag, nvals, nvals > 1 ? "s" : "");
      return 2;
    }
    for (int v = 0; v < nvals; v++) vals[v] = argv[++*i];
  }
  json_t *val = NULL;
  switch (t) {
  case T_STR: val = json_string(vals[0]); break;
  case T_INT:
  case T_NUM:
    if (parse_num(flag, vals[0], t == T_INT, &val)) return 2;
    break;
  case T_NUM_OR_NULL:
    if (!strcmp(vals[0], "null") || !strcmp(vals[0], "none")) val = json_null();
    else if (parse_num(flag, vals[0], 0, &val)) return 2;
    break;
  case T_INT2:
  case T_NUM2: {
    val = json_array();
    for (int v = 0; v < 2; v++) {
      json_t *x = NULL;
      if (parse_num(flag, vals[v], t == T_INT2, &x)) {
        json_decref(val);
        return 2;
      }
      json_array_append_new(val, x);
    }
    break;
  }
  }
  json_object_set_new(overrides, train_flags[f].key, val);
  return 0;
}
