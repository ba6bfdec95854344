/* task.c — task set-up, names, goal box, start states, the distance reward and the
 * per-step goal logic of the six tasks (tasks.md §2, §4, §5), forward and backward. */
#include "embody/emb_task.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *short_names[EMB_N_TASKS] = {"RTR", "COR", "COBJGR", "COBFGR", "DCOR", "JTR"};
static const char *long_names[EMB_N_TASKS] = {
    "RandomTargetReach", "CenterOutReach", "CenterOutAndBackWithJumpingGoalReach",
    "CenterOutAndBackWithFixedGoalReach", "DelayedCenterOutReach", "JumpingTargetReach"};

const char *emb_task_name(embTaskKind t) { return (unsigned)t < EMB_N_TASKS ? short_names[t] : "?"; }
const char *emb_task_long_name(embTaskKind t) { return (unsigned)t < EMB_N_TASKS ? long_names[t] : "?"; }

int emb_task_parse(const char *name) {
  if (!name) return -1;
  for (int t = 0; t < EMB_N_TASKS; t++)
    if (!strcasecmp(name, short_names[t]) || !strcasecmp(name, long_names[t])) return t;
  return -1;
}

/* goal boxes (tasks.md §2) [chosen] */
static const double PM_BOX_MIN[2] = {-0.8, -0.8}, PM_BOX_MAX[2] = {0.8, 0.8};
static const double ARM_BOX_MIN[2] = {-0.40, 0.20}, ARM_BOX_MAX[2] = {0.00, 0.50};

int emb_task_init(embTask *task, embTaskKind kind, const embModel *model, double target_radius_frac) {
  if ((unsigned)kind >= EMB_N_TASKS) return emb_error(EMB_EINVAL, "unknown task %d", (int)kind);
  if (!(target_radius_frac > 0 && target_radius_frac < 1))
    return emb_error(EMB_EINVAL, "target_radius_frac must be in (0, 1), got %g", target_radius_frac);
  memset(task, 0, sizeof *task);
  task->kind = kind;
  task->model = model;
  const double *lo = model->kind == EMB_ARM ? ARM_BOX_MIN : PM_BOX_MIN;
  const double *hi = model->kind == EMB_ARM ? ARM_BOX_MAX : PM_BOX_MAX;
  for (int a = 0; a < 2; a++) {
    task->xy_min[a] = lo[a];
    task->xy_max[a] = hi[a];
    task->centre[a] = 0.5 * (lo[a] + hi[a]);
  }
  task->radius = target_radius_frac * (hi[0] - lo[0]);
  task->dcor_delay = EMB_DCOR_DELAY;
  task->hold_steps = EMB_COBFGR_HOLD_STEPS;
  int rc = emb_inverse_kinematics(model, task->centre[0], task->centre[1], task->centre_joint);
  if (rc) return rc;
  task->obs_size = 4 + 3 * model->M + (kind == EMB_COBFGR ? 1 : 0);
  return EMB_OK;
}

void emb_task_box_point(const embTask *task, const double u[2], double p[2]) {
  for (int a = 0; a < 2; a++) p[a] = task->xy_min[a] + u[a] * (task->xy_max[a] - task->xy_min[a]);
}

int emb_task_start_joint(const embTask *task, const double u[2], embNum joint[4]) {
  double q[2] = {task->centre_joint[0], task->centre_joint[1]};
  if (task->kind == EMB_RTR || task->kind == EMB_JTR) {
    double p[2];
    emb_task_box_point(task, u, p);
    int rc = emb_inverse_kinematics(task->model, p[0], p[1], q);
    if (rc) return rc;
  }
  joint[0] = (embNum)q[0];
  joint[1] = (embNum)q[1];
  joint[2] = joint[3] = 0;
  return EMB_OK;
}

void emb_goal_reset(const embTask *task, embGoalState *g, const double target[2]) {
  memset(g, 0, sizeof *g);
  for (int a = 0; a < 2; a++) {
    g->target[a] = (embNum)target[a];
    g->visual_goal[a] = (embNum)target[a];
    /* DCOR rewards the centre while waiting; the reset sample is inside the wait */
    g->rewarded_goal[a] = task->kind == EMB_DCOR ? (embNum)task->centre[a] : (embNum)target[a];
  }
  g->goals_shown = 1;
}

embNum emb_reward_distance(const embTask *task, const embNum f[2], const embNum g[2], embNum *e_out) {
  embNum dx = g[0] - f[0], dy = g[1] - f[1];
  embNum e = emb_sqrt(dx * dx + dy * dy) / (embNum)task->radius;
  if (e_out) *e_out = e;
  embNum dt = task->model->dt;
  return e < 1 ? (1 - e * e) * dt : (2 - 2 * e) * dt;
}

void emb_reward_distance_backward(const embTask *task, embNum df[2], embNum dr, const embNum f[2],
                                  const embNum g[2]) {
  embNum dx = g[0] - f[0], dy = g[1] - f[1];
  embNum d = emb_sqrt(dx * dx + dy * dy);
  if (d == 0 || dr == 0) return; /* PyTorch: the norm's gradient at 0 is 0 */
  embNum r = (embNum)task->radius, e = d / r, dt = task->model->dt;
  embNum dr_de = e < 1 ? -2 * e * dt : -2 * dt;
  embNum k = dr * dr_de / (r * d); /* dd/df = (f - g)/d */
  df[0] += k * (f[0] - g[0]);
  df[1] += k * (f[1] - g[1]);
}

static void set2(embNum dst[2], const embNum src[2]) { dst[0] = src[0], dst[1] = src[1]; }

embNum emb_task_step(const embTask *task, embGoalState *g, embStepEvent *ev, const embNum f[2],
                     double elapsed, const double new_goal_u[2]) {
  embNum e, r, tmp;
  embNum centre[2] = {(embNum)task->centre[0], (embNum)task->centre[1]};
  ev->switched = 0;
  switch (task->kind) {
  case EMB_RTR:
  case EMB_COR:
    set2(ev->reward_goal, g->rewarded_goal);
    r = emb_reward_distance(task, f, g->rewarded_goal, &e);
    break;
  case EMB_COBJGR: /* both goals jump to the centre on a hit */
    set2(ev->reward_goal, g->rewarded_goal);
    r = emb_reward_distance(task, f, g->rewarded_goal, &e);
    if (e < 1) {
      ev->switched = 1;
      set2(g->rewarded_goal, centre);
      set2(g->visual_goal, centre);
    }
    break;
  case EMB_COBFGR: { /* hold 5 steps, then reward the centre; offset keeps rewards continuous */
    set2(ev->reward_goal, g->rewarded_goal);
    embNum cur = emb_reward_distance(task, f, g->rewarded_goal, &e);
    r = cur + g->offset;
    g->hold = e < 1 ? g->hold + 1 : 0;
    if (g->hold >= task->hold_steps) {
      ev->switched = 1;
      set2(ev->old_goal, g->rewarded_goal);
      set2(g->rewarded_goal, centre);
      set2(ev->new_goal, centre);
      tmp = emb_reward_distance(task, f, g->rewarded_goal, NULL);
      g->offset = (cur - tmp) + g->offset;
    }
    break;
  }
  case EMB_DCOR: { /* the centre is rewarded until the delay has passed */
    int waiting = elapsed <= task->dcor_delay + EMB_DCOR_TOLERANCE;
    set2(g->rewarded_goal, waiting ? centre : g->target);
    set2(ev->reward_goal, g->rewarded_goal);
    r = emb_reward_distance(task, f, g->rewarded_goal, &e);
    break;
  }
  case EMB_JTR: { /* a new goal on each hit; offset keeps rewards continuous */
    set2(ev->reward_goal, g->rewarded_goal);
    embNum cur = emb_reward_distance(task, f, g->rewarded_goal, &e);
    r = cur + g->offset;
    if (e < 1) {
      double p[2];
      ev->switched = 1;
      set2(ev->old_goal, g->rewarded_goal);
      emb_task_box_point(task, new_goal_u, p);
      g->rewarded_goal[0] = g->visual_goal[0] = (embNum)p[0];
      g->rewarded_goal[1] = g->visual_goal[1] = (embNum)p[1];
      set2(ev->new_goal, g->rewarded_goal);
      g->goals_reached++;
      g->goals_shown++;
      tmp = emb_reward_distance(task, f, g->rewarded_goal, NULL);
      g->offset = (cur - tmp) + g->offset;
    }
    break;
  }
  default:
    r = 0;
  }
  return r;
}

void emb_task_step_backward(const embTask *task, embNum df[2], const embStepEvent *ev,
                            const embNum f[2], embNum dr, embNum doffset_later) {
  emb_reward_distance_backward(task, df, dr, f, ev->reward_goal);
  int has_offset = task->kind == EMB_COBFGR || task->kind == EMB_JTR;
  if (has_offset && ev->switched && !task->detach_offsets && doffset_later != 0) {
    /* offset += R(f, old) - R(f, new) feeds every later reward */
    emb_reward_distance_backward(task, df, doffset_later, f, ev->old_goal);
    emb_reward_distance_backward(task, df, -doffset_later, f, ev->new_goal);
  }
}

void emb_task_observe(const embTask *task, embNum *obs, const embNum *vis_state,
                      const embNum *vis_goal, const embNum *prop_state, const embNum *action,
                      const embNum *noise, embNum feedback) {
  const embModel *m = task->model;
  const int M = m->M;
  obs[0] = emb_task_norm(task, 0, vis_goal[0]);
  obs[1] = emb_task_norm(task, 1, vis_goal[1]);
  obs[2] = emb_task_norm(task, 0, vis_state[EMB_OFF_CART + 0]);
  obs[3] = emb_task_norm(task, 1, vis_state[EMB_OFF_CART + 1]);
  const embNum *len = prop_state + EMB_OFF_MUSCLE + EMB_CH_LEN * M;
  const embNum *vel = prop_state + EMB_OFF_MUSCLE + EMB_CH_VEL * M;
  for (int j = 0; j < M; j++) {
    obs[4 + j] = len[j] / m->l0_ce[j];
    obs[4 + M + j] = vel[j] / m->vmax[j];
    obs[4 + 2 * M + j] = action[j];
  }
  const int n_noisy = 4 + 3 * M;
  if (noise)
    for (int i = 0; i < n_noisy; i++) obs[i] += noise[i];
  if (task->kind == EMB_COBFGR) obs[n_noisy] = feedback;
}

void emb_task_observe_backward(const embTask *task, embNum *dvis_state, embNum *dprop_state,
                               embNum *daction, const embNum *dobs) {
  const embModel *m = task->model;
  const int M = m->M;
  for (int a = 0; a < 2; a++)
    dvis_state[EMB_OFF_CART + a] +=
        dobs[2 + a] * (embNum)(2.0 / (task->xy_max[a] - task->xy_min[a]));
  embNum *dlen = dprop_state + EMB_OFF_MUSCLE + EMB_CH_LEN * M;
  embNum *dvel = dprop_state + EMB_OFF_MUSCLE + EMB_CH_VEL * M;
  for (int j = 0; j < M; j++) {
    dlen[j] += dobs[4 + j] / m->l0_ce[j];
    dvel[j] += dobs[4 + M + j] / m->vmax[j];
    daction[j] += dobs[4 + 2 * M + j];
  }
}
