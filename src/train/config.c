/* config.c — the training configuration table, presets, profiles, JSON in/out. */
#include "embody/emb_config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *profile_names[EMB_N_PROFILES] = {"paper", "quick", "demo"};
const char *emb_profile_name(embProfile p) { return (unsigned)p < EMB_N_PROFILES ? profile_names[p] : "?"; }
const char *emb_effector_name(embEffectorKind e) { return e == EMB_ARM ? "arm" : "point-mass"; }
const char *emb_muscle_name(embMuscleKind m) {
  return m == EMB_MUSCLE_THELEN ? "thelen" : m == EMB_MUSCLE_KISTEMAKER ? "kistemaker" : "relu";
}

/* ---- the paper's presets (listing 8 / training.md §4) ---- */
typedef struct { double lr; long epochs, batch, h1, h2; double wm, wh, wd; } Preset;
static const Preset presets[EMB_N_TASKS] = {
    [EMB_RTR] = {1e-3, 5000, 128, 32, 16, 0, 100, 0.005},
    [EMB_COR] = {1e-3, 5000, 128, 32, 16, 0, 100, 0.005},
    [EMB_COBJGR] = {1e-3, 5000, 128, 32, 16, 0, 100, 0.005},
    [EMB_COBFGR] = {1e-4, 35000, 512, 128, 16, 0, 100, 0.0005},
    [EMB_DCOR] = {1e-3, 35000, 128, 32, 16, 0, 100, 0.005},
    [EMB_JTR] = {1e-3, 5000, 128, 32, 16, 0, 100, 0.005},
};

long emb_paper_epochs(embTaskKind t) { return (unsigned)t < EMB_N_TASKS ? presets[t].epochs : 0; }

long emb_paper_epochs_by_name(const char *task) {
  int t = emb_task_parse(task);
  return t < 0 ? 0 : emb_paper_epochs((embTaskKind)t);
}

static void apply_preset(embTrainConfig *c, embTaskKind task, embProfile profile) {
  const Preset *p = &presets[task];
  c->task = task;
  c->profile = profile;
  c->lr = p->lr;
  c->lr_min = NAN;
  c->epochs = p->epochs;
  c->batch_size = p->batch;
  c->hidden_sizes[0] = p->h1;
  c->hidden_sizes[1] = p->h2;
  c->muscle_weight = p->wm;
  c->hidden_act_weight = p->wh;
  c->hidden_act_deriv_weight = p->wd;
  c->noise_level = 0.02;        /* [paper] listing 9 */
  c->target_radius_frac = 0.05; /* [paper] */
  c->max_grad_norm = 1.0;       /* [paper] */
  c->h0_scale = 0;              /* [paper] */
  c->positive_func = EMB_POS_EXP;
  c->save_every = EMB_DEFAULT_SAVE_EVERY;
  c->seed = 0;
  if (profile != EMB_PROFILE_PAPER) {
    long div = profile == EMB_PROFILE_QUICK ? EMB_QUICK_EPOCH_DIVISOR : EMB_DEMO_EPOCH_DIVISOR;
    c->epochs = EMB_MAX(EMB_PROFILE_MIN_EPOCHS, p->epochs / div);
    if (task == EMB_COBFGR)
      c->batch_size = profile == EMB_PROFILE_QUICK ? EMB_QUICK_COBFGR_BATCH : EMB_DEMO_COBFGR_BATCH;
    c->save_every = EMB_MAX(1, EMB_MIN(c->save_every, c->epochs / 5));
  }
}

/* ---- the key table ---- */
typedef enum { K_INT, K_NUM, K_NUM_NULL, K_ENUM, K_INT2, K_NUM2, K_BOOL } KeyType;
typedef struct {
  const char *key, *help;
  KeyType type;
  size_t off;
  const char *const *names; /* K_ENUM: value names, index = stored int */
  int n_names;
} Key;

static const char *const effector_names[] = {"point-mass", "arm"};
static const char *const muscle_names[] = {"relu", "thelen", "kistemaker"};
static const char *const task_names[] = {"RTR", "COR", "COBJGR", "COBFGR", "DCOR", "JTR"};
static const char *const pos_names[] = {"exp", "softplus"};

#define OFF(f) offsetof(embTrainConfig, f)
static const Key keys[] = {
    {"effector", "point-mass | arm", K_ENUM, OFF(effector), effector_names, 2},
    {"muscle", "arm muscle model: thelen (default) | kistemaker", K_ENUM, OFF(muscle), muscle_names, 3},
    {"task", "RTR COR COBJGR COBFGR DCOR JTR (or the paper's long names)", K_ENUM, OFF(task), task_names, 6},
    {"profile", "paper | quick | demo (presets; quick/demo shrink epochs)", K_ENUM, OFF(profile), profile_names, 3},
    {"seed", "random seed", K_INT, OFF(seed), NULL, 0},
    {"lr", "learning rate", K_NUM, OFF(lr), NULL, 0},
    {"lr_min", "cosine annealing floor (null: constant rate)", K_NUM_NULL, OFF(lr_min), NULL, 0},
    {"epochs", "training epochs (one batch each)", K_INT, OFF(epochs), NULL, 0},
    {"batch_size", "episodes per epoch", K_INT, OFF(batch_size), NULL, 0},
    {"hidden_sizes", "GRU and striatum sizes H1 H2", K_INT2, OFF(hidden_sizes), NULL, 0},
    {"muscle_weight", "weight of the muscle loss", K_NUM, OFF(muscle_weight), NULL, 0},
    {"hidden_act_weight", "weight of the hidden-activity loss", K_NUM, OFF(hidden_act_weight), NULL, 0},
    {"hidden_act_deriv_weight", "weight of the hidden-derivative loss", K_NUM, OFF(hidden_act_deriv_weight), NULL, 0},
    {"noise_level", "std of the four noise sources", K_NUM, OFF(noise_level), NULL, 0},
    {"target_radius_frac", "target radius / goal-box width", K_NUM, OFF(target_radius_frac), NULL, 0},
    {"max_grad_norm", "global gradient-norm clip", K_NUM, OFF(max_grad_norm), NULL, 0},
    {"h0_scale", "std of the initial theta0", K_NUM, OFF(h0_scale), NULL, 0},
    {"positive_func", "scale function: exp | softplus", K_ENUM, OFF(positive_func), pos_names, 2},
    {"save_every", "epochs between checkpoints", K_INT, OFF(save_every), NULL, 0},
    {"force_field", "constant endpoint force FX FY (N)", K_NUM2, OFF(force_field), NULL, 0},
    {"vision_delay", "vision/goal delay (steps)", K_INT, OFF(vision_delay), NULL, 0},
    {"proprioception_delay", "proprioception delay (steps)", K_INT, OFF(proprioception_delay), NULL, 0},
    {"detach_offsets", "true: reward offsets carry no gradient", K_BOOL, OFF(detach_offsets), NULL, 0},
};
enum { N_KEYS = sizeof keys / sizeof keys[0] };

static const Key *find_key(const char *name) {
  for (int k = 0; k < N_KEYS; k++)
    if (!strcmp(keys[k].key, name)) return &keys[k];
  return NULL;
}

static const char *json_type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: return "integer";
  case JSON_REAL: return "number";
  case JSON_TRUE: case JSON_FALSE: return "boolean";
  default: return "null";
  }
}

static int enum_index(const Key *k, const char *s) {
  if (k->names == task_names) return emb_task_parse(s);
  for (int i = 0; i < k->n_names; i++)
    if (!strcasecmp(s, k->names[i])) return i;
  if (k->names == effector_names && !strcasecmp(s, "pointmass")) return 0;
  return -1;
}

static int set_key(embTrainConfig *c, const Key *k, json_t *v, const char *src) {
  char *base = (char *)c + k->off;
  switch (k->type) {
  case K_INT:
    if (!json_is_integer(v) && !(json_is_real(v) && json_real_value(v) == floor(json_real_value(v))))
      return emb_error(EMB_EINVAL, "%s: key '%s' expects an integer, got %s", src, k->key, json_type_name(v));
    *(long *)base = json_is_integer(v) ? (long)json_integer_value(v) : (long)json_real_value(v);
    return EMB_OK;
  case K_NUM_NULL:
    if (json_is_null(v)) { *(double *)base = NAN; return EMB_OK; }
    /* fall through */
  case K_NUM:
    if (!json_is_number(v))
      return emb_error(EMB_EINVAL, "%s: key '%s' expects a number, got %s", src, k->key, json_type_name(v));
    *(double *)base = json_number_value(v);
    return EMB_OK;
  case K_BOOL:
    if (!json_is_boolean(v))
      return emb_error(EMB_EINVAL, "%s: key '%s' expects true or false, got %s", src, k->key, json_type_name(v));
    *(int *)base = json_is_true(v);
    return EMB_OK;
  case K_ENUM: {
    if (!json_is_string(v))
      return emb_error(EMB_EINVAL, "%s: key '%s' expects a string (%s), got %s", src, k->key, k->help, json_type_name(v));
    int i = enum_index(k, json_string_value(v));
    if (i < 0)
      return emb_error(EMB_EINVAL, "%s: unknown %s '%s' (expected %s)", src, k->key, json_string_value(v), k->help);
    *(int *)base = i;
    return EMB_OK;
  }
  case K_INT2:
  case K_NUM2: {
    if (!json_is_array(v) || json_array_size(v) != 2)
      return emb_error(EMB_EINVAL, "%s: key '%s' expects an array of 2 numbers, got %s", src, k->key, json_type_name(v));
    for (int i = 0; i < 2; i++) {
      json_t *e = json_array_get(v, i);
      if (k->type == K_INT2 ? !json_is_integer(e) : !json_is_number(e))
        return emb_error(EMB_EINVAL, "%s: key '%s' expects 2 %s, element %d is %s", src, k->key,
                         k->type == K_INT2 ? "integers" : "numbers", i, json_type_name(e));
      if (k->type == K_INT2) ((long *)base)[i] = (long)json_integer_value(e);
      else ((double *)base)[i] = json_number_value(e);
    }
    return EMB_OK;
  }
  }
  return EMB_OK;
}

int emb_config_resolve(embTrainConfig *cfg, json_t *settings, const char *source) {
  if (!json_is_object(settings)) return emb_error(EMB_EINVAL, "%s: expected a JSON object", source);
  const char *key;
  json_t *v;
  json_object_foreach(settings, key, v) {
    if (!find_key(key))
      return emb_error(EMB_EINVAL, "%s: unknown key '%s' (see embody train --help)", source, key);
  }
  embTrainConfig c;
  memset(&c, 0, sizeof c);
  /* effector, task and profile first: they select the preset */
  static const char *const first[] = {"effector", "task", "profile"};
  int seen[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) {
    json_t *fv = json_object_get(settings, first[i]);
    if (fv) {
      int rc = set_key(&c, find_key(first[i]), fv, source);
      if (rc) return rc;
      seen[i] = 1;
    }
  }
  if (!seen[0]) return emb_error(EMB_EINVAL, "%s: no effector given (--effector point-mass|arm)", source);
  if (!seen[1]) return emb_error(EMB_EINVAL, "%s: no task given (--task RTR|COR|COBJGR|COBFGR|DCOR|JTR)", source);
  embEffectorKind eff = c.effector;
  embProfile prof = seen[2] ? c.profile : EMB_PROFILE_PAPER;
  apply_preset(&c, c.task, prof);
  c.effector = eff;
  c.muscle = eff == EMB_ARM ? EMB_MUSCLE_THELEN : EMB_MUSCLE_RELU;
  /* a smaller profile's explicit epochs also sets a sensible save_every unless given */
  json_object_foreach(settings, key, v) {
    int rc = set_key(&c, find_key(key), v, source);
    if (rc) return rc;
  }
  if (eff == EMB_POINT_MASS && c.muscle != EMB_MUSCLE_RELU) {
    if (json_object_get(settings, "muscle"))
      return emb_error(EMB_EINVAL, "%s: the point mass has ReLU muscles only; remove 'muscle'", source);
  }
  if (eff == EMB_ARM && c.muscle == EMB_MUSCLE_RELU)
    return emb_error(EMB_EINVAL, "%s: the arm's muscle must be thelen or kistemaker", source);
  int rc = emb_config_validate(&c, source);
  if (rc) return rc;
  *cfg = c;
  return EMB_OK;
}

int emb_config_validate(const embTrainConfig *c, const char *src) {
#define REQUIRE(cond, ...) \
  do { if (!(cond)) return emb_error(EMB_EINVAL, __VA_ARGS__); } while (0)
  REQUIRE(c->epochs > 0, "%s: epochs must be positive, got %ld", src, c->epochs);
  REQUIRE(c->batch_size > 0, "%s: batch_size must be positive, got %ld", src, c->batch_size);
  REQUIRE(c->batch_size <= 1 << 20, "%s: batch_size %ld is unreasonably large", src, c->batch_size);
  REQUIRE(c->hidden_sizes[0] > 0 && c->hidden_sizes[1] > 0,
          "%s: hidden_sizes must be positive, got %ld %ld", src, c->hidden_sizes[0], c->hidden_sizes[1]);
  REQUIRE(c->hidden_sizes[0] <= 4096 && c->hidden_sizes[1] <= 4096, "%s: hidden_sizes too large", src);
  REQUIRE(c->lr > 0 && isfinite(c->lr), "%s: lr must be positive, got %g", src, c->lr);
  REQUIRE(isnan(c->lr_min) || (c->lr_min >= 0 && c->lr_min <= c->lr),
          "%s: lr_min must be in [0, lr], got %g", src, c->lr_min);
  REQUIRE(c->noise_level >= 0 && isfinite(c->noise_level), "%s: noise_level must be >= 0", src);
  REQUIRE(c->target_radius_frac > 0 && c->target_radius_frac < 1,
          "%s: target_radius_frac must be in (0, 1), got %g", src, c->target_radius_frac);
  REQUIRE(c->max_grad_norm > 0, "%s: max_grad_norm must be positive, got %g", src, c->max_grad_norm);
  REQUIRE(c->h0_scale >= 0, "%s: h0_scale must be >= 0", src);
  REQUIRE(c->save_every > 0, "%s: save_every must be positive, got %ld", src, c->save_every);
  REQUIRE(c->vision_delay >= 0 && c->vision_delay < EMB_EPISODE_STEPS,
          "%s: vision_delay must be in [0, %d) steps", src, EMB_EPISODE_STEPS);
  REQUIRE(c->proprioception_delay >= 0 && c->proprioception_delay < EMB_EPISODE_STEPS,
          "%s: proprioception_delay must be in [0, %d) steps", src, EMB_EPISODE_STEPS);
  REQUIRE(c->seed >= 0, "%s: seed must be >= 0", src);
  REQUIRE(isfinite(c->force_field[0]) && isfinite(c->force_field[1]), "%s: force_field must be finite", src);
  REQUIRE(isfinite(c->muscle_weight) && isfinite(c->hidden_act_weight) && isfinite(c->hidden_act_deriv_weight),
          "%s: loss weights must be finite", src);
#undef REQUIRE
  return EMB_OK;
}

static json_t *key_to_json(const embTrainConfig *c, const Key *k) {
  const char *base = (const char *)c + k->off;
  switch (k->type) {
  case K_INT: return json_integer(*(const long *)base);
  case K_NUM: return json_real(*(const double *)base);
  case K_NUM_NULL: return isnan(*(const double *)base) ? json_null() : json_real(*(const double *)base);
  case K_BOOL: return json_boolean(*(const int *)base);
  case K_ENUM: return json_string(k->names[*(const int *)base]);
  case K_INT2: return json_pack("[II]", (json_int_t)((const long *)base)[0], (json_int_t)((const long *)base)[1]);
  case K_NUM2: return json_pack("[ff]", ((const double *)base)[0], ((const double *)base)[1]);
  }
  return json_null();
}

json_t *emb_config_to_json(const embTrainConfig *c) {
  json_t *o = json_object();
  for (int k = 0; k < N_KEYS; k++) json_object_set_new(o, keys[k].key, key_to_json(c, &keys[k]));
  return o;
}

int emb_config_diff(const embTrainConfig *a, const embTrainConfig *b, char *buf, size_t n) {
  int count = 0;
  size_t used = 0;
  if (n) buf[0] = 0;
  for (int k = 0; k < N_KEYS; k++) {
    json_t *va = key_to_json(a, &keys[k]), *vb = key_to_json(b, &keys[k]);
    if (!json_equal(va, vb)) {
      char *sa = json_dumps(va, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
      char *sb = json_dumps(vb, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
      if (used < n)
        used += snprintf(buf + used, n - used, "%s%s (%s -> %s)", count ? ", " : "", keys[k].key, sa, sb);
      free(sa);
      free(sb);
      count++;
    }
    json_decref(va);
    json_decref(vb);
  }
  return count;
}

/* flags are the keys with '-' for '_' */
int emb_config_flag(json_t *settings, int argc, char **argv, int i, int *consumed) {
  const char *arg = argv[i];
  if (strncmp(arg, "--", 2)) return 0;
  char name[64];
  snprintf(name, sizeof name, "%s", arg + 2);
  for (char *p = name; *p; p++)
    if (*p == '-') *p = '_';
  const Key *k = find_key(name);
  if (!k) return 0;
  int nval = (k->type == K_INT2 || k->type == K_NUM2) ? 2 : (k->type == K_BOOL ? 0 : 1);
  if (i + nval >= argc) {
    fprintf(stderr, "embody: %s needs %d value%s\n", arg, nval, nval > 1 ? "s" : "");
    return -1;
  }
  json_t *v = NULL;
  if (k->type == K_BOOL) {
    v = json_true();
  } else if (k->type == K_ENUM) {
    v = json_string(argv[i + 1]);
  } else if (k->type == K_NUM_NULL && !strcmp(argv[i + 1], "none")) {
    v = json_null();
  } else {
    double x[2] = {0, 0};
    for (int j = 0; j < nval; j++) {
      char *end;
      x[j] = strtod(argv[i + 1 + j], &end);
      if (end == argv[i + 1 + j] || *end) {
        fprintf(stderr, "embody: %s expects %s, got '%s'\n", arg,
                k->type == K_INT || k->type == K_INT2 ? "an integer" : "a number", argv[i + 1 + j]);
        return -1;
      }
      if ((k->type == K_INT || k->type == K_INT2) && x[j] != floor(x[j])) {
        fprintf(stderr, "embody: %s expects an integer, got '%s'\n", arg, argv[i + 1 + j]);
        return -1;
      }
    }
    if (k->type == K_INT) v = json_integer((json_int_t)x[0]);
    else if (k->type == K_INT2) v = json_pack("[II]", (json_int_t)x[0], (json_int_t)x[1]);
    else if (k->type == K_NUM2) v = json_pack("[ff]", x[0], x[1]);
    else v = json_real(x[0]);
  }
  json_object_set_new(settings, k->key, v);
  *consumed = nval;
  return 1;
}

void emb_config_print_flags(FILE *out) {
  for (int k = 0; k < N_KEYS; k++) {
    char flag[64];
    snprintf(flag, sizeof flag, "--%s", keys[k].key);
    for (char *p = flag + 2; *p; p++)
      if (*p == '_') *p = '-';
    const char *arg = keys[k].type == K_INT2 || keys[k].type == K_NUM2 ? " A B" : keys[k].type == K_BOOL ? "" : " V";
    char both[80];
    snprintf(both, sizeof both, "%s%s", flag, arg);
    fprintf(out, "  %-32s %s\n", both, keys[k].help);
  }
}

json_t *emb_config_pick(json_t *obj) {
  json_t *out = json_object();
  for (int k = 0; k < N_KEYS; k++) {
    json_t *v = json_object_get(obj, keys[k].key);
    if (v) json_object_set(out, keys[k].key, v);
  }
  return out;
}
