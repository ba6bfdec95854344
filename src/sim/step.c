/* step.c — the batched effector API: reset, one Euler step and its exact backward
 * (spec effectors.md §2.2–§2.4, §2.6, §9). The stages live in activation.c, muscle.c,
 * geometry.c, skeleton.c and kinematics.c; this file only orders them.
 *
 * Order of one step (easy to get wrong, spec §2.4): the skeleton is driven by the force
 * STORED in the current muscle state; the new muscle state is computed from the new
 * activation and the OLD geometry; geometry and cartesian state come from the new joint
 * state. Rows are independent; nothing here is parallel (callers split B). */
#include "sim/sim_internal.h"

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
    embNum *s = state + (size_t)b * NS;
    for (int k = 0; k < 4; k++) s[EMB_OFF_JOINT + k] = q[k];
    sim_fk(m, q, s + EMB_OFF_CART);
    sim_geometry(m, q, s + og);
    embNum ch[EMB_MAX_CHANNELS];
    for (int j = 0; j < M; j++) {
      sim_muscle(m, j, m->min_act, s[og + EMB_GEO_LEN * M + j], s[og + EMB_GEO_VEL * M + j], ch);
      for (int c = 0; c < m->S; c++) s[EMB_OFF_MUSCLE + c * M + j] = ch[c];
    }
  }
  return EMB_OK;
}

/* one row forward; out may alias s */
static void step_row(const embModel *m, embNum *out, const embNum *s, const embNum *u,
                     const embNum *load) {
  const int M = m->M, S = m->S, og = emb_geom_offset(m), NS = emb_state_size(m);
  const embNum *joint0 = s, *mus0 = s + EMB_OFF_MUSCLE, *geo0 = s + og;
  const embNum h = m->dt;
  embNum buf[EMB_MAX_STATE], Q[2], acc[2];
  embNum *n = out == s ? buf : out; /* write in place unless out aliases s */
  /* skeleton, driven by the stored forces */
  sim_joint_forces(m, joint0, mus0, geo0, Q);
  sim_joint_accel(m, joint0, Q, load, acc);
  sim_integrate(m, joint0, acc, n + EMB_OFF_JOINT);
  /* muscles: new activation, channels from the old geometry */
  for (int j = 0; j < M; j++) {
    embNum a = clampf(u[j], m->min_act, 1);
    embNum act0 = mus0[EMB_CH_ACT * M + j];
    embNum act1 = clampf(act0 + sim_activation_deriv(m, a, act0) * h, m->min_act, 1);
    embNum ch[EMB_MAX_CHANNELS];
    sim_muscle(m, j, act1, geo0[EMB_GEO_LEN * M + j], geo0[EMB_GEO_VEL * M + j], ch);
    for (int c = 0; c < S; c++) n[EMB_OFF_MUSCLE + c * M + j] = ch[c];
  }
  sim_geometry(m, n + EMB_OFF_JOINT, n + og);
  sim_fk(m, n + EMB_OFF_JOINT, n + EMB_OFF_CART);
  if (n != out) memcpy(out, n, sizeof(embNum) * (size_t)NS);
}

void emb_step(const embModel *m, embNum *next, const embNum *state, const embNum *action,
              const embNum *load, int B) {
  const int NS = emb_state_size(m), M = m->M;
  for (int b = 0; b < B; b++)
    step_row(m, next + (size_t)b * NS, state + (size_t)b * NS, action + (size_t)b * M, load);
}

static void step_row_backward(const embModel *m, embNum *ds, embNum *du, const embNum *dn,
                              const embNum *s, const embNum *u, const embNum *load) {
  const int M = m->M, S = m->S, og = emb_geom_offset(m), NS = emb_state_size(m);
  const embNum *joint0 = s, *mus0 = s + EMB_OFF_MUSCLE, *geo0 = s + og;
  const embNum h = m->dt;
  embNum g[EMB_MAX_STATE] = {0}; /* d loss / d state, this row */
  embNum Q[2], acc[2], joint1[4];
  /* recompute the skeleton path */
  sim_joint_forces(m, joint0, mus0, geo0, Q);
  sim_joint_accel(m, joint0, Q, load, acc);
  sim_integrate(m, joint0, acc, joint1);
  /* new joint state: direct, through the cartesian state and through the new geometry */
  embNum dj1[4] = {dn[0], dn[1], dn[2], dn[3]};
  sim_fk_backward(m, joint1, dn + EMB_OFF_CART, dj1);
  sim_geometry_backward(m, joint1, dn + og, dj1);
  embNum dacc[2] = {0, 0}, dQ[2] = {0, 0};
  sim_integrate_backward(m, joint0, acc, dj1, g + EMB_OFF_JOINT, dacc);
  sim_joint_accel_backward(m, joint0, Q, load, dacc, g + EMB_OFF_JOINT, dQ);
  sim_joint_forces_backward(m, joint0, mus0, geo0, dQ, g + EMB_OFF_JOINT, g + EMB_OFF_MUSCLE,
                            g + og);
  /* muscles */
  for (int j = 0; j < M; j++) {
    embNum a = clampf(u[j], m->min_act, 1);
    embNum act0 = mus0[EMB_CH_ACT * M + j];
    embNum pre = act0 + sim_activation_deriv(m, a, act0) * h;
    embNum act1 = clampf(pre, m->min_act, 1);
    embNum gch[EMB_MAX_CHANNELS], gact1 = 0;
    for (int c = 0; c < S; c++) gch[c] = dn[EMB_OFF_MUSCLE + c * M + j];
    sim_muscle_backward(m, j, act1, geo0[EMB_GEO_LEN * M + j], geo0[EMB_GEO_VEL * M + j], gch,
                        &gact1, &g[og + EMB_GEO_LEN * M + j], &g[og + EMB_GEO_VEL * M + j]);
    embNum gpre = gact1 * clamp_grad(pre, m->min_act, 1);
    embNum gu = 0;
    g[EMB_OFF_MUSCLE + EMB_CH_ACT * M + j] += gpre;
    /* raw u: its clamp in the step and the ode's are both applied inside */
    sim_activation_deriv_backward(m, u[j], act0, gpre * h, &gu,
                                  &g[EMB_OFF_MUSCLE + EMB_CH_ACT * M + j]);
    if (du) du[j] += gu;
  }
  if (ds)
    for (int k = 0; k < NS; k++) ds[k] += g[k];
}

void emb_step_backward(const embModel *m, embNum *dstate, embNum *daction, const embNum *dnext,
                       const embNum *state, const embNum *action, const embNum *load, int B) {
  const int NS = emb_state_size(m), M = m->M;
  for (int b = 0; b < B; b++)
    step_row_backward(m, dstate ? dstate + (size_t)b * NS : NULL,
                      daction ? daction + (size_t)b * M : NULL, dnext + (size_t)b * NS,
                      state + (size_t)b * NS, action + (size_t)b * M, load);
}
