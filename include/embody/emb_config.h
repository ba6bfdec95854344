/* emb_config.h — the training configuration: every key, its type, the paper's presets
 * (training.md §4) and the smaller [chosen] profiles, parsing from JSON objects with
 * typed errors, writing back to JSON, and comparison for resume.
 *
 * One table (config.c) lists every key once; flags, config files, config.json and the
 * resume check all go through it. Precedence: flags > config file > profile. */
#ifndef EMB_CONFIG_H
#define EMB_CONFIG_H

#include <jansson.h>

#include "emb_effector.h"
#include "emb_nn.h"
#include "emb_task.h"

typedef enum { EMB_PROFILE_PAPER = 0, EMB_PROFILE_QUICK, EMB_PROFILE_DEMO, EMB_N_PROFILES } embProfile;

/* [chosen] profile scaling (docs/manual.md, "Profiles"): epochs are divided by the
 * divisor (at least EMB_PROFILE_MIN_EPOCHS); COBFGR's batch is replaced. Network shapes
 * and observation sizes never change. */
#define EMB_QUICK_EPOCH_DIVISOR 10
#define EMB_QUICK_COBFGR_BATCH 64
#define EMB_DEMO_EPOCH_DIVISOR 50
#define EMB_DEMO_COBFGR_BATCH 32
#define EMB_PROFILE_MIN_EPOCHS 20
#define EMB_DEFAULT_SAVE_EVERY 100 /* [paper] */

typedef struct {
  embEffectorKind effector;
  embMuscleKind muscle;        /* arm only: thelen (default) or kistemaker */
  embTaskKind task;
  embProfile profile;
  long seed;
  double lr, lr_min;           /* lr_min NAN: constant learning rate */
  long epochs, batch_size;
  long hidden_sizes[2];
  double muscle_weight, hidden_act_weight, hidden_act_deriv_weight;
  double noise_level, target_radius_frac, max_grad_norm, h0_scale;
  embPositiveFunc positive_func;
  long save_every;
  double force_field[2];       /* constant endpoint force, N */
  long vision_delay, proprioception_delay; /* steps */
  int detach_offsets;          /* 1: reward offsets carry no gradient (paper: 0) */
} embTrainConfig;

const char *emb_profile_name(embProfile p);
const char *emb_effector_name(embEffectorKind e);   /* "point-mass" | "arm" */
const char *emb_muscle_name(embMuscleKind m);       /* "relu" | "thelen" | "kistemaker" */

/* Resolve a configuration from a JSON object of user settings (from a file and/or flags):
 * `effector` and `task` are required, the profile presets fill the rest, then every
 * given key overrides. `source` names where the settings came from, for errors.
 * Unknown keys, wrong types and out-of-range values are errors naming key and source. */
int emb_config_resolve(embTrainConfig *cfg, json_t *settings, const char *source);

/* Check ranges (positive sizes etc.); message names the key. */
int emb_config_validate(const embTrainConfig *cfg, const char *source);

/* The configuration as a JSON object with every key (new reference). */
json_t *emb_config_to_json(const embTrainConfig *cfg);

/* Keys whose values differ between a and b, as "key (a -> b), ..." into buf;
 * returns the number of differing keys. `ignore_epochs` skips `epochs`/`save_every`. */
int emb_config_diff(const embTrainConfig *a, const embTrainConfig *b, char *buf, size_t n);

/* Convert a command-line flag and its value to a settings key/value: returns 1 if the
 * flag is a configuration flag (consuming 1 or 2 values, *consumed set), 0 if not,
 * -1 on a bad value (message printed). */
int emb_config_flag(json_t *settings, int argc, char **argv, int i, int *consumed);

/* A new object with only the configuration keys of obj (e.g. of a config.json that also
 * holds provenance metadata). */
json_t *emb_config_pick(json_t *obj);

/* Print the flag list (for --help). */
void emb_config_print_flags(FILE *out);

/* Epochs of a task in the paper's presets (for smoothing windows). */
long emb_paper_epochs(embTaskKind t);
/* The same for a short or long task name; 0 for an unknown name. */
long emb_paper_epochs_by_name(const char *task);

#endif
