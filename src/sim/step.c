/* step.c — the batched effector API: reset, one Euler step and its exact backward
 * (spec effectors.md §2.2–§2.4, §2.6, §9). The stages live in sim/stage_*.h; this file
 * only orders them, on blocks of EMB_LANES rows (sim/lanes.h): a block's rows are
 * transposed into lanes, stepped together with SIMD, and transposed back. A partial
 * block is padded with copies of its last row, and every lane does the same IEEE
 * operations, so a row's result never depends on how B is split or where the row sits.
 *
 * Order of one step (easy to get wrong, spec §2.4): the skeleton is driven by the force
 * STORED in the current muscle state; the new muscle state is computed from the new
 * activation and the OLD geometry; geometry and cartesian state come from the new joint
 * state. Rows are independent; nothing here is parallel (callers split B). */
#include "sim/stage_activation.h"
#include "sim/stage_geometry.h"
#include "sim/stage_kinematics.h"
#include "sim/stage_muscle.h"
#include "sim/stage_skeleton.h"

#include <string.h>

#define EMB_MAX_STATE (EMB_OFF_MUSCLE + (EMB_MAX_CHANNELS + 4) * EMB_MAX_MUSCLES)

int emb_reset(const embModel *m, embNum *state, const embNum *joint, int B) {
  const int NS = emb_state_size(m), og = emb_geom_offset(m), M = m->M;
  for (int b = 0; b < B; b++) {
    const embNum *q = joint + 4 * b;
    for (int d = 0; d < 2; d++) {
      if (!(q[d] >= m->pos_lb[d] && q[d] <= m->pos_ub[d]))
        return emb_error(EMB_ERANGE,
                         "initial state row %d: position %d = %.9g is outside its bounds "
                         "[%.9g, %.9g]",
                         b, d, (double)q[d], (double)m->pos_lb[d], (double)m->pos_ub[d]);
      if (!(q[2 + d] >= m->vel_lb[d] && q[2 + d] <= m->vel_ub[d]))
        return emb_error(EMB_ERANGE,
                         "initial state row %d: velocity %d = %.9g is outside its bounds "
                         "[%.9g, %.9g]",
                         b, d, (double)q[2 + d], (double)m->vel_lb[d], (double)m->vel_ub[d]);
    }
  }
  for (int b0 = 0; b0 < B; b0 += EMB_LANES) {
    const int n = EMB_MIN(EMB_LANES, B - b0);
    vnum s[EMB_MAX_STATE], ch[EMB_MAX_CHANNELS];
    lanes_load(s, joint + (size_t)b0 * 4, 4, n, 0, 4);
    fk_fwd(m, s, s + EMB_OFF_CART);
    geometry_fwd(m, s, s + og);
    for (int j = 0; j < M; j++) {
      muscle_fwd(m, j, vset1(m->min_act), s[og + EMB_GEO_LEN * M + j], s[og + EMB_GEO_VEL * M + j],
                 ch);
      for (int c = 0; c < m->S; c++) s[EMB_OFF_MUSCLE + c * M + j] = ch[c];
    }
    lanes_store(state + (size_t)b0 * NS, s, NS, n, 0, NS);
  }
  return EMB_OK;
}

/* The columns of a state row that influence a step (and so get a gradient): joint and
 * cartesian state up to the activations [0, act_end), and from the stored forces to the
 * end (forces, geometry) [frc, NS). The muscle channels in between are outputs only. */
static void read_columns(const embModel *m, int *act_end, int *frc) {
  *act_end = EMB_OFF_MUSCLE + (EMB_CH_ACT + 1) * m->M;
  *frc = EMB_OFF_MUSCLE + force_channel(m) * m->M;
}

/* load what a step reads of a block's state rows, and its actions */
static void load_inputs(const embModel *m, vnum *s, vnum *u, const embNum *state,
                        const embNum *action, int n) {
  const int NS = emb_state_size(m);
  int a1, f0;
  read_columns(m, &a1, &f0);
  lanes_load(s, state, NS, n, 0, a1);
  lanes_load(s + f0, state, NS, n, f0, NS - f0);
  lanes_load(u, action, m->M, n, 0, m->M);
}

/* one block forward */
static void step_block(const embModel *m, embNum *next, const embNum *state,
                       const embNum *action, const embNum *load, int nrows) {
  const int M = m->M, S = m->S, og = emb_geom_offset(m), NS = emb_state_size(m);
  vnum s[EMB_MAX_STATE], n[EMB_MAX_STATE], u[EMB_MAX_MUSCLES], Q[2], acc[2];
  load_inputs(m, s, u, state, action, nrows);
  const vnum *joint0 = s, *mus0 = s + EMB_OFF_MUSCLE, *geo0 = s + og;
  const embNum h = m->dt;
  /* skeleton, driven by the stored forces */
  joint_forces_fwd(m, joint0, mus0, geo0, Q);
  joint_accel_fwd(m, joint0, Q, load, acc);
  integrate_fwd(m, joint0, acc, n + EMB_OFF_JOINT);
  /* muscles: new activation, channels from the old geometry */
  for (int j = 0; j < M; j++) {
    vnum a = vclamp(u[j], m->min_act, 1);
    vnum act0 = mus0[EMB_CH_ACT * M + j];
    vnum act1 = vclamp(act0 + act_deriv(m, a, act0) * h, m->min_act, 1);
    vnum ch[EMB_MAX_CHANNELS];
    muscle_fwd(m, j, act1, geo0[EMB_GEO_LEN * M + j], geo0[EMB_GEO_VEL * M + j], ch);
    for (int c = 0; c < S; c++) n[EMB_OFF_MUSCLE + c * M + j] = ch[c];
  }
  geometry_fwd(m, n + EMB_OFF_JOINT, n + og);
  fk_fwd(m, n + EMB_OFF_JOINT, n + EMB_OFF_CART);
  lanes_store(next, n, NS, nrows, 0, NS);
}

void emb_step(const embModel *m, embNum *next, const embNum *state, const embNum *action,
              const embNum *load, int B) {
  const int NS = emb_state_size(m), M = m->M;
  for (int b = 0; b < B; b += EMB_LANES)
    step_block(m, next + (size_t)b * NS, state + (size_t)b * NS, action + (size_t)b * M, load,
               EMB_MIN(EMB_LANES, B - b));
}

/* one block backward */
static void step_block_backward(const embModel *m, embNum *ds, embNum *du, const embNum *dnext,
                                const embNum *state, const embNum *action, const embNum *load,
                                int nrows) {
  const int M = m->M, S = m->S, og = emb_geom_offset(m), NS = emb_state_size(m);
  vnum s[EMB_MAX_STATE], u[EMB_MAX_MUSCLES], dn[EMB_MAX_STATE];
  vnum g[EMB_MAX_STATE]; /* d loss / d state */
  load_inputs(m, s, u, state, action, nrows);
  lanes_load(dn, dnext, NS, nrows, 0, NS);
  int a1, f0;
  read_columns(m, &a1, &f0);
  for (int k = 0; k < NS; k++) g[k] = vset1(0);
  const vnum *joint0 = s, *mus0 = s + EMB_OFF_MUSCLE, *geo0 = s + og;
  const embNum h = m->dt;
  vnum Q[2], acc[2], joint1[4];
  /* recompute the skeleton path */
  joint_forces_fwd(m, joint0, mus0, geo0, Q);
  joint_accel_fwd(m, joint0, Q, load, acc);
  integrate_fwd(m, joint0, acc, joint1);
  /* new joint state: direct, through the cartesian state and through the new geometry */
  vnum dj1[4] = {dn[0], dn[1], dn[2], dn[3]};
  fk_bwd(m, joint1, dn + EMB_OFF_CART, dj1);
  geometry_bwd(m, joint1, dn + og, dj1);
  vnum dacc[2] = {vset1(0), vset1(0)}, dQ[2] = {vset1(0), vset1(0)};
  integrate_bwd(m, joint0, acc, dj1, g + EMB_OFF_JOINT, dacc);
  joint_accel_bwd(m, joint0, Q, load, dacc, g + EMB_OFF_JOINT, dQ);
  joint_forces_bwd(m, joint0, mus0, geo0, dQ, g + EMB_OFF_JOINT, g + EMB_OFF_MUSCLE, g + og);
  /* muscles */
  vnum gu[EMB_MAX_MUSCLES];
  for (int j = 0; j < M; j++) {
    vnum a = vclamp(u[j], m->min_act, 1);
    vnum act0 = mus0[EMB_CH_ACT * M + j];
    vnum pre = act0 + act_deriv(m, a, act0) * h;
    vnum act1 = vclamp(pre, m->min_act, 1);
    vnum gch[EMB_MAX_CHANNELS], gact1 = vset1(0);
    for (int c = 0; c < S; c++) gch[c] = dn[EMB_OFF_MUSCLE + c * M + j];
    muscle_bwd(m, j, act1, geo0[EMB_GEO_LEN * M + j], geo0[EMB_GEO_VEL * M + j], gch, &gact1,
               &g[og + EMB_GEO_LEN * M + j], &g[og + EMB_GEO_VEL * M + j]);
    vnum gpre = gact1 * vclamp_grad(pre, m->min_act, 1);
    gu[j] = vset1(0);
    g[EMB_OFF_MUSCLE + EMB_CH_ACT * M + j] += gpre;
    /* raw u: its clamp in the step and the ode's are both applied inside */
    act_deriv_backward(m, u[j], act0, gpre * h, &gu[j], &g[EMB_OFF_MUSCLE + EMB_CH_ACT * M + j]);
  }
  if (du) lanes_add(du, gu, M, nrows, 0, M);
  if (ds) { /* the other columns' gradient is 0 */
    lanes_add(ds, g, NS, nrows, 0, a1);
    lanes_add(ds, g + f0, NS, nrows, f0, NS - f0);
  }
}

void emb_step_backward(const embModel *m, embNum *dstate, embNum *daction, const embNum *dnext,
                       const embNum *state, const embNum *action, const embNum *load, int B) {
  const int NS = emb_state_size(m), M = m->M;
  for (int b = 0; b < B; b += EMB_LANES)
    step_block_backward(m, dstate ? dstate + (size_t)b * NS : NULL,
                        daction ? daction + (size_t)b * M : NULL, dnext + (size_t)b * NS,
                        state + (size_t)b * NS, action + (size_t)b * M, load,
                        EMB_MIN(EMB_LANES, B - b));
}
