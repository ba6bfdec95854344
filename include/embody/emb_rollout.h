/* emb_rollout.h — the closed loop: a GRU policy acting on an effector in a task for T
 * steps over B episodes, the four-term loss, and its exact gradient with respect to every
 * parameter by backpropagation through time through policy, physics, observations and
 * reward offsets (training.md §1–§2, tasks.md).
 *
 * Time indexing (training.md §1): obs[0] is the reset observation; at step t = 1..T the
 * policy reads obs[t-1], emits a[t], the effector steps and obs[t], r[t] are produced.
 * The whole rollout is stored (a leading time axis on every array) and the backward
 * walks t = T..1 calling each stage's backward in exact reverse order.
 *
 * Random draws are keyed by (seed, epoch, purpose, step, global row): results do not
 * depend on the thread count, on the batch chunking or on resume. */
#ifndef EMB_ROLLOUT_H
#define EMB_ROLLOUT_H

#include "emb_config.h"
#include "emb_effector.h"
#include "emb_nn.h"
#include "emb_rng.h"
#include "emb_task.h"

typedef struct {
  embTaskKind task;
  embEffectorKind effector;
  embMuscleKind muscle;
  int B, T;                      /* batch rows, steps */
  int H1, H2;
  double noise_level;
  double target_radius_frac;
  int vision_delay, proprio_delay;
  int deterministic;             /* 1: the four noise sources off (evaluation) */
  embPositiveFunc positive_func;
  double w_hidden, w_deriv, w_muscle;
  double force[2];               /* constant endpoint force, N */
  int detach_offsets;
  uint64_t seed;
  uint32_t row0;                 /* global index of row 0 (B=1 vs B=N invariants) */
  const uint32_t *row_ids;       /* optional (B): global index of each row (permutation tests) */
} embRolloutConfig;

/* Fill a rollout configuration from a training configuration. */
void emb_rollout_config_from_train(embRolloutConfig *rc, const embTrainConfig *tc);

/* Statistics of one rollout. */
typedef struct {
  double loss, actor_loss, hidden_loss, hidden_deriv_loss, muscle_loss;
  double tar_frac;               /* performance (JTR: goals-reached ratio) */
  long jumps;                    /* COBJGR goal jumps, COBFGR switches, JTR hits */
  long limit_contacts;           /* row-steps with a joint on a position bound */
  double mean_goals_reached, mean_goals_shown; /* JTR */
} embRolloutStats;

typedef struct embRollout embRollout;

/* Allocate a rollout (model, task, storage for T steps of B rows). */
int emb_rollout_create(embRollout **out, const embRolloutConfig *cfg);
void emb_rollout_free(embRollout *r);

const embModel *emb_rollout_model(const embRollout *r);
const embTask *emb_rollout_task(const embRollout *r);
int emb_rollout_obs_size(const embRollout *r);
embNetSizes emb_rollout_net_sizes(const embRollout *r);

/* Run the episodes of `epoch` with parameters p; fills the stats (loss and all terms).
 * EMB_ERANGE if a start state could not be set (message). */
int emb_rollout_forward(embRollout *r, const embParams *p, uint32_t epoch, embRolloutStats *st);

/* Gradient of the last forward's loss: ACCUMULATES dL/dp into g. It uses the forward's
 * stored GRU caches as scratch: one backward per forward (a second call without a new
 * forward reports an error and adds nothing). */
void emb_rollout_backward(embRollout *r, const embParams *p, embParams *g);

/* Views of the stored rollout (for evaluation exports): arrays with a leading time axis.
 * state (T+1,B,NS), action (T,B,M) policy actions, hidden (T+1,B,H1), goal (T+1,B,2)
 * rewarded goals, visual goal (T+1,B,2), reward (T,B). */
const embNum *emb_rollout_states(const embRollout *r);
const embNum *emb_rollout_actions(const embRollout *r);
const embNum *emb_rollout_hidden(const embRollout *r);
const embNum *emb_rollout_goals(const embRollout *r);
const embNum *emb_rollout_visual_goals(const embRollout *r);
const embNum *emb_rollout_rewards(const embRollout *r);

#endif
