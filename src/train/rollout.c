/* rollout.c — the closed loop forward (policy -> effector -> task -> observation, T steps)
 * and its exact backward through time (see emb_rollout.h for the indexing). */
#include "embody/emb_rollout.h"

#include <stdlib.h>
#include <string.h>

#define ROW_CHUNK 16 /* rows per effector call inside the parallel loops */
#define RNG_CHUNK 32 /* rows per random-number batch inside the parallel loops */
#ifndef WGRAD_STEPS
#define WGRAD_STEPS 1 /* time steps per batch of weight-gradient products in the backward;
                        * measured (docs/nn.md): 1 is fastest here — batching steps makes
                        * fewer, larger gemms, but their rows must then come back from
                        * memory, and that costs more than the calls saved */
#endif
#define OBS_NOISE(M) (4 + 3 * (M)) /* observation noise numbers per row */
#define OBS_ALIGN 8 /* the network sees the observation padded with zeros to a multiple of this
                     * (docs/nn.md): products with k or n = 22 or 23 run slower than with 24 */

struct embRollout {
  embRolloutConfig cfg;
  embModel model;
  embTask task;
  embNetSizes sz;
  int NS, I, M, B, T;
  int Ip;           /* I rounded up to OBS_ALIGN: the row stride of obs and dobs */
  embParams pp, gp; /* when Ip > I: the parameters with gru.weight_ih padded by zero columns
                     * (filled by each forward) and the gradient block they accumulate into */
  embNum load[2];
  const embNum *load_ptr;
  /* forward storage, leading time axis */
  embNum *obs;      /* (T+1,B,Ip), columns I..Ip-1 zero */
  embNum *h;        /* (T+1,B,H1), h[0] = tanh(theta0) */
  embNum *gcache;   /* (T,B,4H1); the backward overwrites it with the gate gradients */
  embNum *hcache;   /* (T,B,H2+3M) */
  embNum *eps;      /* (T,B,M) */
  embNum *act;      /* (T,B,M) policy actions (efference copy) */
  embNum *noisy;    /* (T,B,M) actions sent to the effector */
  embNum *state;    /* (T+1,B,NS) */
  embNum *reward;   /* (T,B) */
  embStepEvent *ev; /* (T,B) */
  embNum *goal;     /* (T+1,B,2) rewarded goal, after each step's update */
  embNum *vgoal;    /* (T+1,B,2) visual goal */
  embNum *joint0;   /* (B,4) start joint states */
  embNum *zero_act; /* (B,M) efference copy at reset */
  embGoalState *gs; /* (B) */
  embNum *onoise;   /* (B,4+3M) observation noise of the current step */
  double *ujtr;     /* (B,2) JTR replacement-goal uniforms of the current step */
  /* backward storage */
  embNum *dstate;   /* (T+1,B,NS) */
  embNum *dh;       /* (T+1,B,H1) */
  embNum *dact;     /* (T,B,M) */
  embNum *dpre;     /* (T,B,M) gradient of the head's scale pre-activation */
  embNum *ds;       /* (T,B,H2) gradient of the striatum pre-activation */
  embNum *dnoisy;   /* (T,B,M) */
  embNum *dobs;     /* (B,Ip) */
  embNum *dr;       /* (T,B) */
  embNum *doff;     /* (B) gradient of the reward offset added after the current step */
  embNum *ddiscard; /* (B,M) gradient of the reset efference copy (a constant) */
  embNum *work;
  int have_forward;
};

void emb_rollout_config_from_train(embRolloutConfig *rc, const embTrainConfig *tc) {
  memset(rc, 0, sizeof *rc);
  rc->task = tc->task;
  rc->effector = tc->effector;
  rc->muscle = tc->muscle;
  rc->B = (int)tc->batch_size;
  rc->T = EMB_EPISODE_STEPS;
  rc->H1 = (int)tc->hidden_sizes[0];
  rc->H2 = (int)tc->hidden_sizes[1];
  rc->noise_level = tc->noise_level;
  rc->target_radius_frac = tc->target_radius_frac;
  rc->vision_delay = (int)tc->vision_delay;
  rc->proprio_delay = (int)tc->proprioception_delay;
  rc->positive_func = tc->positive_func;
  rc->w_hidden = tc->hidden_act_weight;
  rc->w_deriv = tc->hidden_act_deriv_weight;
  rc->w_muscle = tc->muscle_weight;
  rc->force[0] = tc->force_field[0];
  rc->force[1] = tc->force_field[1];
  rc->detach_offsets = tc->detach_offsets;
  rc->seed = (uint64_t)tc->seed;
}

#define ALLOC(field, count)                                              \
  do {                                                                   \
    r->field = emb_calloc((size_t)(count), sizeof *r->field);            \
    if (!r->field) { emb_rollout_free(r); return EMB_ENOMEM; }           \
  } while (0)

int emb_rollout_create(embRollout **out, const embRolloutConfig *cfg) {
  *out = NULL;
  if (cfg->B < 1 || cfg->T < 1 || cfg->H1 < 1 || cfg->H2 < 1)
    return emb_error(EMB_EINVAL, "rollout sizes must be positive (B %d, T %d, H %d %d)", cfg->B,
                     cfg->T, cfg->H1, cfg->H2);
  embRollout *r = emb_calloc(1, sizeof *r);
  if (!r) return EMB_ENOMEM;
  r->cfg = *cfg;
  int rc = emb_model_init(&r->model, cfg->effector, cfg->muscle);
  if (!rc) rc = emb_task_init(&r->task, cfg->task, &r->model, cfg->target_radius_frac);
  if (rc) { free(r); return rc; }
  r->task.vision_delay = cfg->vision_delay;
  r->task.proprio_delay = cfg->proprio_delay;
  r->task.detach_offsets = cfg->detach_offsets;
  r->M = r->model.M;
  r->NS = emb_state_size(&r->model);
  r->I = r->task.obs_size;
  r->B = cfg->B;
  r->T = cfg->T;
  r->sz = (embNetSizes){r->I, cfg->H1, cfg->H2, r->M};
  r->Ip = (r->I + OBS_ALIGN - 1) / OBS_ALIGN * OBS_ALIGN;
  if (r->Ip > r->I) {
    embNetSizes szp = r->sz;
    szp.n_in = r->Ip;
    if (emb_params_alloc(&r->pp, szp) || emb_params_alloc(&r->gp, szp)) { emb_rollout_free(r); return EMB_ENOMEM; }
  }
  r->load[0] = (embNum)cfg->force[0];
  r->load[1] = (embNum)cfg->force[1];
  r->load_ptr = (cfg->force[0] != 0 || cfg->force[1] != 0) ? r->load : NULL;
  const size_t B = r->B, T = r->T, H1 = cfg->H1, M = r->M;
  ALLOC(obs, (T + 1) * B * r->Ip);
  ALLOC(h, (T + 1) * B * H1);
  ALLOC(gcache, T * B * EMB_GRU_CACHE(H1));
  ALLOC(hcache, T * B * EMB_HEAD_CACHE(cfg->H2, M));
  ALLOC(eps, T * B * M);
  ALLOC(act, T * B * M);
  ALLOC(noisy, T * B * M);
  ALLOC(state, (T + 1) * B * r->NS);
  ALLOC(reward, T * B);
  ALLOC(ev, T * B);
  ALLOC(goal, (T + 1) * B * 2);
  ALLOC(vgoal, (T + 1) * B * 2);
  ALLOC(joint0, B * 4);
  ALLOC(zero_act, B * M);
  ALLOC(gs, B);
  ALLOC(onoise, B * OBS_NOISE(M));
  ALLOC(ujtr, B * 2);
  ALLOC(dstate, (T + 1) * B * r->NS);
  ALLOC(dh, (T + 1) * B * H1);
  ALLOC(dact, T * B * M);
  ALLOC(dpre, T * B * M);
  ALLOC(ds, T * B * cfg->H2);
  ALLOC(dnoisy, T * B * M);
  ALLOC(dobs, B * r->Ip);
  ALLOC(dr, T * B);
  ALLOC(doff, B);
  ALLOC(ddiscard, B * M);
  ALLOC(work, emb_nn_work_size(r->sz, r->B));
  *out = r;
  return EMB_OK;
}

void emb_rollout_free(embRollout *r) {
  if (!r) return;
  embNum **arrays[] = {&r->obs, &r->h, &r->gcache, &r->hcache, &r->eps, &r->act, &r->noisy,
                       &r->state, &r->reward, &r->goal, &r->vgoal, &r->joint0, &r->zero_act, &r->onoise,
                       &r->dstate, &r->dh, &r->dact, &r->dpre, &r->ds, &r->dnoisy, &r->dobs, &r->dr, &r->doff,
                       &r->ddiscard, &r->work};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) free(*arrays[i]);
  free(r->ev);
  free(r->ujtr);
  free(r->gs);
  emb_params_free(&r->pp);
  emb_params_free(&r->gp);
  free(r);
}

const embModel *emb_rollout_model(const embRollout *r) { return &r->model; }
const embTask *emb_rollout_task(const embRollout *r) { return &r->task; }
int emb_rollout_obs_size(const embRollout *r) { return r->I; }
embNetSizes emb_rollout_net_sizes(const embRollout *r) { return r->sz; }
const embNum *emb_rollout_states(const embRollout *r) { return r->state; }
const embNum *emb_rollout_actions(const embRollout *r) { return r->act; }
const embNum *emb_rollout_hidden(const embRollout *r) { return r->h; }
const embNum *emb_rollout_goals(const embRollout *r) { return r->goal; }
const embNum *emb_rollout_visual_goals(const embRollout *r) { return r->vgoal; }
const embNum *emb_rollout_rewards(const embRollout *r) { return r->reward; }

/* noise added to the observations of rows c0..c0+n-1 at step t, (n, 4+3M) at onoise row
 * c0: vision (goal + vision, 4), proprio (2M), efferent (M), each an independent
 * N(0, noise_level^2) draw keyed by the row's global index */
static void observation_noise(const embRollout *r, const embRngKey keys[3], uint32_t t, int c0, int n) {
  const int M = r->M, NN = OBS_NOISE(M);
  const uint32_t *ids = r->cfg.row_ids ? r->cfg.row_ids + c0 : NULL;
  const uint32_t row0 = r->cfg.row0 + (uint32_t)c0;
  const double s = r->cfg.noise_level;
  embNum *out = r->onoise + (size_t)c0 * NN;
  emb_rng_normal_block(&keys[0], t, ids, row0, n, 4, s, out, NN);
  emb_rng_normal_block(&keys[1], t, ids, row0, n, 2 * M, s, out + 4, NN);
  emb_rng_normal_block(&keys[2], t, ids, row0, n, M, s, out + 4 + 2 * M, NN);
}

/* observation of row b after step t (delays read older samples; reset repeats) */
static void observe_row(const embRollout *r, int t, int b, const embNum *action, const embNum *noise,
                        embNum feedback) {
  const int B = r->B, NS = r->NS;
  int tv = t - r->task.vision_delay, tp = t - r->task.proprio_delay;
  if (tv < 0) tv = 0;
  if (tp < 0) tp = 0;
  emb_task_observe(&r->task, r->obs + ((size_t)t * B + b) * r->Ip, r->state + ((size_t)tv * B + b) * NS,
                   r->vgoal + ((size_t)tv * B + b) * 2, r->state + ((size_t)tp * B + b) * NS, action,
                   noise, feedback);
}

/* global row index of batch row b: the key of its random draws */
static inline uint32_t row_id(const embRollout *r, int b) {
  return r->cfg.row_ids ? r->cfg.row_ids[b] : r->cfg.row0 + (uint32_t)b;
}

static int on_limit(const embModel *m, const embNum *s) {
  for (int j = 0; j < 2; j++)
    if (s[j] == m->pos_lb[j] || s[j] == m->pos_ub[j]) return 1;
  return 0;
}

/* (B,M) normals times scale for step t, each row keyed by its global index */
static void draw_rows(const embRollout *r, const embRngKey *k, uint32_t t, double scale, embNum *out) {
  emb_rng_normal_block(k, t, r->cfg.row_ids, r->cfg.row0, r->B, r->M, scale, out, r->M);
}

/* the network's parameters as the rollout uses them: p itself, or (Ip > I) a copy with
 * gru.weight_ih padded by zero columns, so that x W_ih^T over the padded observation is
 * the same product */
static const embParams *padded_params(embRollout *r, const embParams *p) {
  if (r->Ip == r->I) return p;
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo a = emb_params_info(p->sz, k);
    const embNum *src = emb_params_tensor(p, k);
    embNum *dst = emb_params_tensor(&r->pp, k);
    if (src == p->gru_weight_ih) {
      for (int i = 0; i < a.shape[0]; i++) {
        memcpy(dst + (size_t)i * r->Ip, src + (size_t)i * r->I, sizeof(embNum) * r->I);
        memset(dst + (size_t)i * r->Ip + r->I, 0, sizeof(embNum) * (r->Ip - r->I));
      }
    } else {
      memcpy(dst, src, sizeof(embNum) * a.size);
    }
  }
  return &r->pp;
}

/* g += the padded gradient block gp without its padding columns */
static void add_unpadded(embParams *g, const embRollout *r) {
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo a = emb_params_info(g->sz, k);
    embNum *dst = emb_params_tensor(g, k);
    const embNum *src = emb_params_tensor(&r->gp, k);
    const int cols = dst == g->gru_weight_ih ? r->Ip : a.shape[1];
    for (int i = 0; i < a.shape[0]; i++)
      for (int j = 0; j < a.shape[1]; j++) dst[(size_t)i * a.shape[1] + j] += src[(size_t)i * cols + j];
  }
}

int emb_rollout_forward(embRollout *r, const embParams *p_in, uint32_t epoch, embRolloutStats *st) {
  const int B = r->B, T = r->T, NS = r->NS, M = r->M, H1 = r->sz.H1, I = r->Ip;
  const embParams *p = padded_params(r, p_in);
  const uint64_t seed = r->cfg.seed;
  const int noisy_env = !r->cfg.deterministic && r->cfg.noise_level > 0;
  embRngKey kstart = emb_rng_key(seed, EMB_RNG_START, epoch), kgoal = emb_rng_key(seed, EMB_RNG_GOAL, epoch);
  embRngKey kjtr = emb_rng_key(seed, EMB_RNG_JTR_GOAL, epoch);
  embRngKey kobs[3] = {emb_rng_key(seed, EMB_RNG_VISION_NOISE, epoch),
                       emb_rng_key(seed, EMB_RNG_PROPRIO_NOISE, epoch),
                       emb_rng_key(seed, EMB_RNG_EFFERENT_NOISE, epoch)};
  embRngKey kact = emb_rng_key(seed, EMB_RNG_ACTION_NOISE, epoch), keps = emb_rng_key(seed, EMB_RNG_POLICY_EPS, epoch);
  int bad_row = -1;

  /* reset: start states, goals, reset observation, initial hidden state */
#pragma omp parallel for schedule(static)
  for (int b = 0; b < B; b++) {
    double us[2], ug[2], target[2];
    emb_rng_uniform_fill(&kstart, 0, row_id(r, b), us, 2);
    emb_rng_uniform_fill(&kgoal, 0, row_id(r, b), ug, 2);
    if (emb_task_start_joint(&r->task, us, r->joint0 + 4 * b)) bad_row = b;
    emb_task_box_point(&r->task, ug, target);
    emb_goal_reset(&r->task, &r->gs[b], target);
    memcpy(r->goal + 2 * b, r->gs[b].rewarded_goal, 2 * sizeof(embNum));
    memcpy(r->vgoal + 2 * b, r->gs[b].visual_goal, 2 * sizeof(embNum));
  }
  if (bad_row >= 0) return emb_error(EMB_ERANGE, "episode row %d: start state has no solution", bad_row);
  int rc = emb_reset(&r->model, r->state, r->joint0, B);
  if (rc) return rc;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < B; c += RNG_CHUNK)
    if (noisy_env) observation_noise(r, kobs, 0, c, EMB_MIN(RNG_CHUNK, B - c));
#pragma omp parallel for schedule(static)
  for (int b = 0; b < B; b++)
    observe_row(r, 0, b, r->zero_act + (size_t)b * M, noisy_env ? r->onoise + (size_t)b * OBS_NOISE(M) : NULL, 1);
  emb_h0_forward(r->h, p, B);

  double hsums[2] = {0, 0}; /* hidden-loss sums, step by step while h is in cache */
  double elapsed = 0; /* double running sum of dt, as MotorNet (effectors.md §7.6) */
  for (int t = 1; t <= T; t++) {
    const size_t s = (size_t)(t - 1) * B; /* row offset of step t's (T,B,.) arrays */
    embNum *h = r->h + (size_t)t * B * H1, *act = r->act + s * M, *noisy = r->noisy + s * M;
    embNum *eps = r->eps + s * M;
    /* policy */
    emb_gru_forward(h, r->gcache + s * EMB_GRU_CACHE(H1), r->obs + s * I, r->h + s * H1, p, B);
    emb_loss_hidden_terms_step(hsums, h, r->h + s * H1, (size_t)B * H1);
    draw_rows(r, &keps, t, 1.0, eps);
    emb_head_forward(act, r->hcache + s * EMB_HEAD_CACHE(r->sz.H2, M), h,
                     eps, p, r->cfg.positive_func, B);
    /* action noise */
    if (noisy_env) {
      draw_rows(r, &kact, t, r->cfg.noise_level, noisy);
      for (size_t i = 0; i < (size_t)B * M; i++) noisy[i] += act[i];
    } else {
      memcpy(noisy, act, (size_t)B * M * sizeof *noisy);
    }
    elapsed += 0.01;
    /* effector */
    embNum *s_prev = r->state + s * NS, *s_next = r->state + (s + B) * NS;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < B; c += ROW_CHUNK)
      emb_step(&r->model, s_next + (size_t)c * NS, s_prev + (size_t)c * NS, noisy + (size_t)c * M,
               r->load_ptr, EMB_MIN(ROW_CHUNK, B - c));
    /* this step's draws for the task and the observations */
#pragma omp parallel for schedule(static)
    for (int c = 0; c < B; c += RNG_CHUNK) {
      const int n = EMB_MIN(RNG_CHUNK, B - c);
      if (noisy_env) observation_noise(r, kobs, (uint32_t)t, c, n);
      if (r->task.kind == EMB_JTR)
        emb_rng_uniform_block(&kjtr, (uint32_t)t, r->cfg.row_ids ? r->cfg.row_ids + c : NULL,
                              r->cfg.row0 + (uint32_t)c, n, 2, r->ujtr + 2 * (size_t)c, 2);
    }
    /* task (reward, goal updates) and observation */
#pragma omp parallel for schedule(static)
    for (int b = 0; b < B; b++) {
      double unew[2] = {0, 0};
      embGoalState *g = &r->gs[b];
      if (r->task.kind == EMB_JTR) unew[0] = r->ujtr[2 * b], unew[1] = r->ujtr[2 * b + 1];
      const embNum *f = s_next + (size_t)b * NS + EMB_OFF_CART;
      r->reward[s + b] = emb_task_step(&r->task, g, &r->ev[s + b], f, elapsed, unew);
      memcpy(r->goal + ((size_t)t * B + b) * 2, g->rewarded_goal, 2 * sizeof(embNum));
      memcpy(r->vgoal + ((size_t)t * B + b) * 2, g->visual_goal, 2 * sizeof(embNum));
      embNum feedback = (embNum)(((g->rewarded_goal[0] == g->visual_goal[0]) +
                                  (g->rewarded_goal[1] == g->visual_goal[1])) * 0.5);
      observe_row(r, t, b, act + (size_t)b * M, noisy_env ? r->onoise + (size_t)b * OBS_NOISE(M) : NULL,
                  feedback);
    }
  }

  /* loss and statistics */
  memset(st, 0, sizeof *st);
  st->actor_loss = emb_loss_actor(r->reward, T, B);
  st->hidden_loss = hsums[0] / ((double)T * B * H1); /* emb_loss_hidden_terms, summed step by step */
  st->hidden_deriv_loss = hsums[1] / ((double)B * H1 * r->model.dt * r->model.dt);
  st->muscle_loss = emb_loss_muscle(r->noisy, r->model.fmax, T, B, M);
  st->loss = st->actor_loss + r->cfg.w_hidden * st->hidden_loss + r->cfg.w_deriv * st->hidden_deriv_loss +
             r->cfg.w_muscle * st->muscle_loss;
  long inside = 0, reached = 0, shown = 0;
  const embNum radius = (embNum)r->task.radius;
  for (int t = 0; t <= T; t++)
    for (int b = 0; b < B; b++) {
      const embNum *srow = r->state + ((size_t)t * B + b) * NS, *g = r->goal + ((size_t)t * B + b) * 2;
      embNum dx = srow[EMB_OFF_CART] - g[0], dy = srow[EMB_OFF_CART + 1] - g[1];
      inside += emb_sqrt(dx * dx + dy * dy) < radius;
      if (t > 0) {
        st->limit_contacts += on_limit(&r->model, srow);
        st->jumps += r->ev[(size_t)(t - 1) * B + b].switched;
      }
    }
  for (int b = 0; b < B; b++) reached += r->gs[b].goals_reached, shown += r->gs[b].goals_shown;
  st->mean_goals_reached = (double)reached / B;
  st->mean_goals_shown = (double)shown / B;
  st->tar_frac = r->task.kind == EMB_JTR ? st->mean_goals_reached / st->mean_goals_shown
                                         : (double)inside / ((double)(T + 1) * B);
  r->have_forward = 1;
  return EMB_OK;
}

void emb_rollout_backward(embRollout *r, const embParams *p_in, embParams *g_out) {
  const int B = r->B, T = r->T, NS = r->NS, M = r->M, H1 = r->sz.H1, H2 = r->sz.H2, I = r->Ip;
  /* with a padded observation: the padded parameters the forward filled, and a zeroed
   * padded gradient block, added to g_out at the end */
  const embParams *p = r->Ip > r->I ? &r->pp : p_in;
  embParams *g = r->Ip > r->I ? &r->gp : g_out;
  const double dt = r->model.dt;
  if (!r->have_forward) {
    emb_error(EMB_EINVAL, "emb_rollout_backward needs a new emb_rollout_forward first (one backward per forward)");
    return;
  }
  r->have_forward = 0; /* the GRU caches become gate gradients below */
  if (g != g_out) emb_params_zero(g);
  memset(r->dstate, 0, sizeof(embNum) * (size_t)(T + 1) * B * NS);

  memset(r->dact, 0, sizeof(embNum) * (size_t)T * B * M);
  memset(r->dnoisy, 0, sizeof(embNum) * (size_t)T * B * M);
  memset(r->dr, 0, sizeof(embNum) * (size_t)T * B);
  memset(r->doff, 0, sizeof(embNum) * (size_t)B);

  /* loss terms: gradients w.r.t. rewards, hidden states and noisy actions */
  emb_loss_actor_backward(r->dr, 1.0, T, B);

  /* hidden-state loss gradients are WRITTEN step by step (emb_loss_hidden_terms_backward
   * one state at a time): dh[T] here, dh[t-1] in step t before the GRU adds to it */
  const size_t BH = (size_t)B * H1;
  const double wh = r->cfg.w_hidden, wd = r->cfg.w_deriv;
  emb_loss_hidden_terms_grad_step(r->dh + T * BH, r->h + (T - 1) * BH, r->h + T * BH, NULL, wh, wd, dt, T, B, H1);
  if (r->cfg.w_muscle != 0) emb_loss_muscle_backward(r->dnoisy, r->cfg.w_muscle, r->noisy, r->model.fmax, T, B, M);

  for (int t = T; t >= 1; t--) {
    const size_t s = (size_t)(t - 1) * B;
    embNum *ds_next = r->dstate + (s + B) * NS, *ds_prev = r->dstate + s * NS;
    const embNum *s_next = r->state + (s + B) * NS, *s_prev = r->state + s * NS;
    /* task: reward of step t (and the offsets it created) -> fingertip after step t */
#pragma omp parallel for schedule(static)
    for (int b = 0; b < B; b++) {
      emb_task_step_backward(&r->task, ds_next + (size_t)b * NS + EMB_OFF_CART, &r->ev[s + b],
                             s_next + (size_t)b * NS + EMB_OFF_CART, r->dr[s + b], r->doff[b]);
      r->doff[b] += r->dr[s + b];
    }
    /* effector step t -> state before it and the noisy action (noise is additive) */
    embNum *dnoisy = r->dnoisy + s * M, *dact = r->dact + s * M;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < B; c += ROW_CHUNK)
      emb_step_backward(&r->model, ds_prev + (size_t)c * NS, dnoisy + (size_t)c * M, ds_next + (size_t)c * NS,
                        s_prev + (size_t)c * NS, r->noisy + (s + c) * M, r->load_ptr, EMB_MIN(ROW_CHUNK, B - c));
    for (size_t i = 0; i < (size_t)B * M; i++) dact[i] += dnoisy[i];
    /* policy head and GRU of step t */
    embNum *dh = r->dh + (size_t)t * B * H1;
    emb_head_backward_step(dh, r->dpre + s * M, r->ds + s * H2, dact, r->hcache + s * EMB_HEAD_CACHE(H2, M),
                           r->eps + s * M, p, r->cfg.positive_func, B);
    if (t > 1)
      emb_loss_hidden_terms_grad_step(r->dh + s * H1, r->h + (s - B) * H1, r->h + s * H1, r->h + (s + B) * H1, wh, wd,
                                      dt, T, B, H1);
    else
      emb_loss_hidden_terms_grad_step(r->dh, r->h, NULL, r->h + BH, wh, wd, dt, T, B, H1);
    memset(r->dobs, 0, sizeof(embNum) * (size_t)B * I);
    embNum *gc = r->gcache + s * EMB_GRU_CACHE(H1);
    emb_gru_backward_step(r->dobs, r->dh + s * H1, gc, dh, gc, r->h + s * H1, p, B);
    /* weight gradients of the steps t..t_hi: once per WGRAD_STEPS steps (fixed blocks of
     * time, counted from t = 1), one gemm per tensor over their rows (t, b), which are
     * contiguous in the time-major arrays and still in cache */
    if ((t - 1) % WGRAD_STEPS == 0) {
      const int n = EMB_MIN(WGRAD_STEPS, T - t + 1) * B;
      emb_gru_backward_weights(g, gc, r->obs + s * I, r->h + s * H1, n);
      emb_head_backward_weights(g, r->dact + s * M, r->dpre + s * M, r->ds + s * H2,
                                r->hcache + s * EMB_HEAD_CACHE(H2, M), r->h + (s + B) * H1, n);
    }
    /* observation obs[t-1] (read by step t) -> delayed states and the efference copy */
    const int to = t - 1;
    int tv = to - r->task.vision_delay, tp = to - r->task.proprio_delay;
    if (tv < 0) tv = 0;
    if (tp < 0) tp = 0;
#pragma omp parallel for schedule(static)
    for (int b = 0; b < B; b++) {
      embNum *da = to >= 1 ? r->dact + ((size_t)(to - 1) * B + b) * M : r->ddiscard + (size_t)b * M;
      emb_task_observe_backward(&r->task, r->dstate + ((size_t)tv * B + b) * NS,
                                r->dstate + ((size_t)tp * B + b) * NS, da, r->dobs + (size_t)b * I);
    }
  }
  emb_h0_backward(g, r->dh, p, B);
  if (g != g_out) add_unpadded(g_out, r);
}
