/* stages_row.c — one-row entry points to the block stages (sim_internal.h): the row is
 * put in every lane, the block function runs, lane 0 is read back. Not used by the step
 * itself (step.c calls the block stages directly); the finite-difference tests use them
 * so that they exercise exactly the arithmetic of emb_step / emb_step_backward. */
#include "sim/stage_activation.h"
#include "sim/stage_geometry.h"
#include "sim/stage_kinematics.h"
#include "sim/stage_muscle.h"
#include "sim/stage_skeleton.h"

#define MAXV (EMB_MAX_CHANNELS * EMB_MAX_MUSCLES)

static void bcast(vnum *v, const embNum *x, int n) {
  for (int k = 0; k < n; k++) v[k] = vset1(x[k]);
}
static void lane0(embNum *x, const vnum *v, int n) {
  for (int k = 0; k < n; k++) x[k] = v[k][0];
}

embNum sim_activation_deriv(const embModel *m, embNum u, embNum act) {
  return act_deriv(m, vset1(u), vset1(act))[0];
}

void sim_activation_deriv_backward(const embModel *m, embNum u, embNum act, embNum g,
                                   embNum *du, embNum *dact) {
  vnum vdu = vset1(du ? *du : 0), vda = vset1(dact ? *dact : 0);
  act_deriv_backward(m, vset1(u), vset1(act), vset1(g), &vdu, &vda);
  if (du) *du = vdu[0];
  if (dact) *dact = vda[0];
}

void sim_muscle(const embModel *m, int j, embNum act, embNum lmt, embNum vmt, embNum *out) {
  vnum o[EMB_MAX_CHANNELS];
  muscle_fwd(m, j, vset1(act), vset1(lmt), vset1(vmt), o);
  lane0(out, o, m->S);
}

void sim_muscle_backward(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                         const embNum *g, embNum *dact, embNum *dlmt, embNum *dvmt) {
  vnum vg[EMB_MAX_CHANNELS], da = vset1(*dact), dl = vset1(*dlmt), dv = vset1(*dvmt);
  bcast(vg, g, m->S);
  muscle_bwd(m, j, vset1(act), vset1(lmt), vset1(vmt), vg, &da, &dl, &dv);
  *dact = da[0];
  *dlmt = dl[0];
  *dvmt = dv[0];
}

void sim_geometry(const embModel *m, const embNum joint[4], embNum *geom) {
  vnum q[4], g[4 * EMB_MAX_MUSCLES];
  bcast(q, joint, 4);
  geometry_fwd(m, q, g);
  lane0(geom, g, 4 * m->M);
}

void sim_geometry_backward(const embModel *m, const embNum joint[4], const embNum *dgeom,
                           embNum djoint[4]) {
  vnum q[4], dg[4 * EMB_MAX_MUSCLES], dq[4];
  bcast(q, joint, 4);
  bcast(dg, dgeom, 4 * m->M);
  bcast(dq, djoint, 4);
  geometry_bwd(m, q, dg, dq);
  lane0(djoint, dq, 4);
}

void sim_fk(const embModel *m, const embNum joint[4], embNum cart[4]) {
  vnum q[4], c[4];
  bcast(q, joint, 4);
  fk_fwd(m, q, c);
  lane0(cart, c, 4);
}

void sim_fk_backward(const embModel *m, const embNum joint[4], const embNum dcart[4],
                     embNum djoint[4]) {
  vnum q[4], dc[4], dq[4];
  bcast(q, joint, 4);
  bcast(dc, dcart, 4);
  bcast(dq, djoint, 4);
  fk_bwd(m, q, dc, dq);
  lane0(djoint, dq, 4);
}

void sim_joint_forces(const embModel *m, const embNum joint[4], const embNum *muscle,
                      const embNum *geom, embNum Q[2]) {
  vnum q[4], mu[MAXV], g[4 * EMB_MAX_MUSCLES], vQ[2];
  bcast(q, joint, 4);
  bcast(mu, muscle, m->S * m->M);
  bcast(g, geom, 4 * m->M);
  joint_forces_fwd(m, q, mu, g, vQ);
  lane0(Q, vQ, 2);
}

void sim_joint_forces_backward(const embModel *m, const embNum joint[4], const embNum *muscle,
                               const embNum *geom, const embNum dQ[2], embNum djoint[4],
                               embNum *dmuscle, embNum *dgeom) {
  vnum q[4], mu[MAXV], g[4 * EMB_MAX_MUSCLES], vdQ[2], dq[4], dmu[MAXV],
      dg[4 * EMB_MAX_MUSCLES];
  const int SM = m->S * m->M, GM = 4 * m->M;
  bcast(q, joint, 4);
  bcast(mu, muscle, SM);
  bcast(g, geom, GM);
  bcast(vdQ, dQ, 2);
  bcast(dq, djoint, 4);
  bcast(dmu, dmuscle, SM);
  bcast(dg, dgeom, GM);
  joint_forces_bwd(m, q, mu, g, vdQ, dq, dmu, dg);
  lane0(djoint, dq, 4);
  lane0(dmuscle, dmu, SM);
  lane0(dgeom, dg, GM);
}

void sim_joint_accel(const embModel *m, const embNum joint[4], const embNum Q[2],
                     const embNum *load, embNum acc[2]) {
  vnum q[4], vQ[2], a[2];
  bcast(q, joint, 4);
  bcast(vQ, Q, 2);
  joint_accel_fwd(m, q, vQ, load, a);
  lane0(acc, a, 2);
}

void sim_joint_accel_backward(const embModel *m, const embNum joint[4], const embNum Q[2],
                              const embNum *load, const embNum dacc[2], embNum djoint[4],
                              embNum dQ[2]) {
  vnum q[4], vQ[2], da[2], dq[4], vdQ[2];
  bcast(q, joint, 4);
  bcast(vQ, Q, 2);
  bcast(da, dacc, 2);
  bcast(dq, djoint, 4);
  bcast(vdQ, dQ, 2);
  joint_accel_bwd(m, q, vQ, load, da, dq, vdQ);
  lane0(djoint, dq, 4);
  lane0(dQ, vdQ, 2);
}

void sim_integrate(const embModel *m, const embNum joint0[4], const embNum acc[2],
                   embNum joint1[4]) {
  vnum q0[4], a[2], q1[4];
  bcast(q0, joint0, 4);
  bcast(a, acc, 2);
  integrate_fwd(m, q0, a, q1);
  lane0(joint1, q1, 4);
}

void sim_integrate_backward(const embModel *m, const embNum joint0[4], const embNum acc[2],
                            const embNum djoint1[4], embNum djoint0[4], embNum dacc[2]) {
  vnum q0[4], a[2], dq1[4], dq0[4], da[2];
  bcast(q0, joint0, 4);
  bcast(a, acc, 2);
  bcast(dq1, djoint1, 4);
  bcast(dq0, djoint0, 4);
  bcast(da, dacc, 2);
  integrate_bwd(m, q0, a, dq1, dq0, da);
  lane0(djoint0, dq0, 4);
  lane0(dacc, da, 2);
}
