/* emb_train.h — training one model (training.md §3–§6): the epoch loop (rollout,
 * backward, clipping, AdamW, cosine schedule), the learning curve, checkpoints that
 * resume bit-exactly, and transfer by name-and-shape weight reuse.
 *
 * The run-directory logic (config.json, curve.csv, progress.json, log.txt, signals) is in
 * emb_run.h; this layer only knows the trainer's state and its checkpoint file. */
#ifndef EMB_TRAIN_H
#define EMB_TRAIN_H

#include "emb_config.h"
#include "emb_nn.h"
#include "emb_nn_io.h"
#include "emb_rollout.h"

typedef enum { EMB_SEG_TRAIN = 0, EMB_SEG_BASE = 1, EMB_SEG_TRANSFER = 2 } embSegment;
const char *emb_segment_name(embSegment s); /* "train" | "base" | "transfer" */

/* One row of the learning curve (curve.csv). */
typedef struct {
  long epoch;          /* continues the base's numbering for transfer runs */
  double loss, actor_loss, hidden_loss, hidden_deriv_loss, muscle_loss, tar_frac, grad_norm, lr;
  embSegment segment;
} embCurveRow;
#define EMB_CURVE_NVALUES 8 /* loss .. lr */

typedef struct {
  embTrainConfig cfg;
  embRollout *rollout;
  embParams params, grads;
  embAdamW adam;
  long epochs_done;      /* epochs of this run done (0 .. cfg.epochs) */
  long epoch_offset;     /* first epoch number of this run (base epochs for a transfer) */
  embCurveRow *curve;    /* base rows (if any) then this run's rows */
  long curve_rows, curve_cap;
  double wall_seconds;   /* training time so far, resumes included */
  embRolloutStats last;  /* statistics of the last epoch */
} embTrainer;

/* Set up a fresh trainer: rollout, parameters initialised from the seed, fresh AdamW. */
int emb_trainer_init(embTrainer *t, const embTrainConfig *cfg);
void emb_trainer_free(embTrainer *t);

/* One epoch: a fresh batch, forward, backward, clipping, AdamW at the scheduled rate.
 * Appends the curve row (and copies it to *row if not NULL). EMB_ENONFINITE (parameters
 * untouched) when the loss or the gradient is not finite. */
int emb_trainer_epoch(embTrainer *t, embCurveRow *row);

/* Save the whole state (parameters, AdamW, epoch, curve, RNG position, config) to a
 * checkpoint file, atomically. `extra_meta` (JSON object, may be NULL) is merged into the
 * metadata (e.g. transfer report). */
int emb_trainer_save(const embTrainer *t, const char *path, json_t *extra_meta);

/* Read a checkpoint's configuration (from its metadata). */
int emb_checkpoint_config(const char *path, embTrainConfig *cfg);

/* Restore a trainer (already initialised with the same configuration) from a checkpoint.
 * Refuses a checkpoint whose configuration differs, naming the keys. */
int emb_trainer_load(embTrainer *t, const char *path);

/* Transfer (training.md §5): copy every parameter of the base checkpoint whose name and
 * shape match; take over the base's curve as `base` rows and continue its epoch numbering.
 * The report says what was and was not copied. */
int emb_trainer_transfer(embTrainer *t, const char *base_path, embTransferReport *rep);

#endif
