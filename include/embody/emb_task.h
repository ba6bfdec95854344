/* emb_task.h — the six reaching tasks (spec: ../shared/spec/tasks.md): goal boxes, start
 * states, observations (with delays and noise), the `distance` reward and the task-
 * specific goal logic (COBJGR jumps, COBFGR hold-and-switch with reward offsets, DCOR
 * delay, JTR new goals with reward offsets), each forward with its backward.
 *
 * The task functions are pure: random draws (start states, goals, noise) are made by the
 * caller (the rollout, from the counter-based generator) and passed in. */
#ifndef EMB_TASK_H
#define EMB_TASK_H

#include "emb_effector.h"

typedef enum { EMB_RTR = 0, EMB_COR, EMB_COBJGR, EMB_COBFGR, EMB_DCOR, EMB_JTR, EMB_N_TASKS } embTaskKind;

/* [chosen] constants (tasks.md; documented in docs/manual.md) */
#define EMB_TARGET_RADIUS_FRAC 0.05   /* [paper default] fraction of the goal-box width */
#define EMB_COBFGR_HOLD_STEPS 5       /* [paper] steps held on target before the switch */
#define EMB_DCOR_DELAY 0.25           /* [chosen] seconds the DCOR reward stays on the centre */
#define EMB_DCOR_TOLERANCE 1e-9       /* [chosen] elapsed <= delay comparison tolerance */
#define EMB_EPISODE_STEPS 100         /* [paper] T: 1 s at dt = 0.01 */

/* Short name ("RTR") and the paper's long name ("RandomTargetReach"). */
const char *emb_task_name(embTaskKind t);
const char *emb_task_long_name(embTaskKind t);
/* Parse a short or long name (case-insensitive); -1 if unknown. */
int emb_task_parse(const char *name);

typedef struct {
  embTaskKind kind;
  const embModel *model;
  double xy_min[2], xy_max[2]; /* goal box, m */
  double centre[2];            /* box centre (fingertip), m */
  double centre_joint[2];      /* joint angles of the centre (arm: by IK; point mass: = centre) */
  double radius;               /* target radius, m */
  double dcor_delay;           /* s */
  int hold_steps;              /* COBFGR */
  int vision_delay, proprio_delay; /* steps (goal shares the vision delay) */
  int detach_offsets;          /* 1: reward offsets carry no gradient (default 0, as the paper) */
  int obs_size;                /* 2 + 2 + 2M + M (+1 for COBFGR) */
} embTask;

/* Set up a task for a model with the given target-radius fraction. */
int emb_task_init(embTask *task, embTaskKind kind, const embModel *model, double target_radius_frac);

/* Map a uniform pair u in [0,1)^2 to a point in the goal box. */
void emb_task_box_point(const embTask *task, const double u[2], double p[2]);

/* Joint state (4) of a start: uniform state (RTR, JTR) from u, or the centre state. */
int emb_task_start_joint(const embTask *task, const double u[2], embNum joint[4]);

/* Per-row episode state of the goal logic. */
typedef struct {
  embNum visual_goal[2];   /* shown in the observation */
  embNum rewarded_goal[2]; /* rewarded and recorded for performance */
  embNum target[2];        /* the episode's drawn target (DCOR, COBFGR) */
  embNum offset;           /* reward offset (COBFGR, JTR) */
  int hold;                /* COBFGR hold counter */
  int goals_reached;       /* JTR */
  int goals_shown;         /* JTR: distinct goals shown, the first included */
} embGoalState;

void emb_goal_reset(const embTask *task, embGoalState *g, const double target[2]);

/* Reward of a fingertip f against goal g (tasks.md §4); writes e (normalised distance). */
embNum emb_reward_distance(const embTask *task, const embNum f[2], const embNum g[2], embNum *e);
/* Its gradient w.r.t. f, ACCUMULATED times dr into df. Zero at zero distance. */
void emb_reward_distance_backward(const embTask *task, embNum df[2], embNum dr, const embNum f[2],
                                  const embNum g[2]);

/* What happened in one step of one row, kept for the backward pass. */
typedef struct {
  unsigned char switched;  /* COBFGR switch / JTR hit / COBJGR jump this step */
  embNum old_goal[2];      /* rewarded goal before the update (offset gradient) */
  embNum new_goal[2];      /* rewarded goal after the update */
  embNum reward_goal[2];   /* goal the step's reward was computed against */
} embStepEvent;

/* One step of the goal logic for one row (after the effector step): computes the
 * reward (incl. offset), updates the goals, fills the event. `elapsed` is the time after
 * the step (s). `new_goal_u` (2 uniforms) is used only by JTR on a hit. */
embNum emb_task_step(const embTask *task, embGoalState *g, embStepEvent *ev, const embNum f[2],
                     double elapsed, const double new_goal_u[2]);

/* Backward of emb_task_step's reward w.r.t. the fingertip:
 * dr = dL/d(reward of this step); doffset_later = dL/d(offset added after this step)
 * = sum of dL/dr_k over the later steps k. Accumulates into df. */
void emb_task_step_backward(const embTask *task, embNum df[2], const embStepEvent *ev,
                            const embNum f[2], embNum dr, embNum doffset_later);

/* Normalise a point to the observation frame: 2 (p - xy_min)/(xy_max - xy_min) - 1. */
static inline embNum emb_task_norm(const embTask *task, int axis, embNum p) {
  return (embNum)(2.0 / (task->xy_max[axis] - task->xy_min[axis])) * (p - (embNum)task->xy_min[axis]) - 1;
}

/* Observation of one row at one step:
 *   goal (delayed visual goal), vision (delayed fingertip), proprioception (delayed muscle
 *   length / l0_ce and velocity / vmax), efference copy (policy action), feedback.
 * vis_state/prop_state are the (delayed) effector state rows to read; vis_goal the
 * (delayed) visual goal; noise: (4 + 2M + M) standard-deviation-scaled values to add
 * (NULL: none); feedback: COBFGR bit (ignored by other tasks). */
void emb_task_observe(const embTask *task, embNum *obs, const embNum *vis_state,
                      const embNum *vis_goal, const embNum *prop_state, const embNum *action,
                      const embNum *noise, embNum feedback);
/* Backward: dobs -> ACCUMULATE into dvis_state, dprop_state (state rows) and daction. */
void emb_task_observe_backward(const embTask *task, embNum *dvis_state, embNum *dprop_state,
                               embNum *daction, const embNum *dobs);

#endif
