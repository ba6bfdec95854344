/* stage_skeleton.h — generalized forces from the stored muscle forces (spec effectors.md
 * §2.3), the skeletons' "ode" (point mass: net force, §5.2; two-link arm: joint
 * acceleration from the mass matrix, Coriolis terms and J^T F, §6.2) and the explicit
 * Euler integration with velocity and position clipping (§5.2, §6.3), each with its
 * backward, on a block of rows (sim/lanes.h); included by step.c. */
#ifndef EMB_SIM_STAGE_SKELETON_H
#define EMB_SIM_STAGE_SKELETON_H

#include "sim/sim_internal.h"

/* Q_j = (-(sum_m F_m r_jm) + joint_load_j) - damping qd_j, F from the CURRENT muscle state */
static inline void joint_forces_fwd(const embModel *m, const vnum joint[4], const vnum *muscle,
                                    const vnum *geom, vnum Q[2]) {
  const int M = m->M;
  const vnum *F = muscle + force_channel(m) * M;
  for (int d = 0; d < 2; d++) {
    const vnum *r = geom + (EMB_GEO_R0 + d) * M;
    vnum s = vset1(0);
    for (int j = 0; j < M; j++) s += F[j] * r[j];
    Q[d] = (-s + m->joint_load[d]) - m->damping * joint[2 + d];
  }
}

static inline void joint_forces_bwd(const embModel *m, const vnum joint[4], const vnum *muscle,
                                    const vnum *geom, const vnum dQ[2], vnum djoint[4],
                                    vnum *dmuscle, vnum *dgeom) {
  const int M = m->M, fc = force_channel(m);
  const vnum *F = muscle + fc * M;
  for (int d = 0; d < 2; d++) {
    const vnum *r = geom + (EMB_GEO_R0 + d) * M;
    for (int j = 0; j < M; j++) {
      dmuscle[fc * M + j] -= dQ[d] * r[j];
      dgeom[(EMB_GEO_R0 + d) * M + j] -= dQ[d] * F[j];
    }
    djoint[2 + d] -= m->damping * dQ[d];
  }
}

/* arm intermediates (spec §6.2) */
typedef struct {
  vnum s1, c1, s2, c2, s12, c12, M00, M01, M10, M11, C0, C1, tau0, tau1, rhs0, rhs1, idet, A00,
      A01, A10, A11;
} ArmDyn;

static inline void arm_dyn(const embModel *m, const vnum q[4], const vnum Q[2], const embNum *F,
                           ArmDyn *a) {
  const embNum l1 = m->l1, l2 = m->l2, kc = m->kc;
  const vnum qd0 = q[2], qd1 = q[3];
  vsincos(q[1], &a->s2, &a->c2);
  a->M00 = m->mc[0] + a->c2 * m->mm[0];
  a->M01 = m->mc[1] + a->c2 * m->mm[1];
  a->M10 = m->mc[2] + a->c2 * m->mm[2];
  a->M11 = m->mc[3] + a->c2 * m->mm[3];
  a->C0 = ((-kc) * a->s2 * (2 * qd0 + qd1)) * qd1;
  a->C1 = (kc * a->s2 * qd0) * qd0;
  a->tau0 = Q[0];
  a->tau1 = Q[1];
  if (F) {
    vsincos(q[0], &a->s1, &a->c1);
    vsincos(q[0] + q[1], &a->s12, &a->c12);
    vnum J00 = -l1 * a->s1 - l2 * a->s12, J01 = -l2 * a->s12;
    vnum J10 = l1 * a->c1 + l2 * a->c12, J11 = l2 * a->c12;
    a->tau0 = Q[0] + (J00 * F[0] + J10 * F[1]);
    a->tau1 = Q[1] + (J01 * F[0] + J11 * F[1]);
  }
  a->rhs0 = -a->C0 + a->tau0;
  a->rhs1 = -a->C1 + a->tau1;
  a->idet = 1 / (a->M00 * a->M11 - a->M01 * a->M10);
  a->A00 = a->idet * a->M11;
  a->A01 = a->idet * (-a->M01);
  a->A10 = a->idet * (-a->M10);
  a->A11 = a->idet * a->M00;
}

/* joint "derivative" (spec §2.3): point mass: force Q + load; arm: acceleration (§6.2) */
static inline void joint_accel_fwd(const embModel *m, const vnum joint[4], const vnum Q[2],
                                   const embNum *load, vnum acc[2]) {
  if (m->kind == EMB_POINT_MASS) {
    acc[0] = load ? Q[0] + load[0] : Q[0];
    acc[1] = load ? Q[1] + load[1] : Q[1];
    return;
  }
  ArmDyn a;
  arm_dyn(m, joint, Q, load, &a);
  acc[0] = a.A00 * a.rhs0 + a.A01 * a.rhs1;
  acc[1] = a.A10 * a.rhs0 + a.A11 * a.rhs1;
}

static inline void joint_accel_bwd(const embModel *m, const vnum joint[4], const vnum Q[2],
                                   const embNum *load, const vnum dacc[2], vnum djoint[4],
                                   vnum dQ[2]) {
  if (m->kind == EMB_POINT_MASS) {
    dQ[0] += dacc[0];
    dQ[1] += dacc[1];
    return;
  }
  ArmDyn a;
  arm_dyn(m, joint, Q, load, &a);
  const embNum kc = m->kc;
  const vnum g0 = dacc[0], g1 = dacc[1], qd0 = joint[2], qd1 = joint[3];
  /* qdd = A rhs, A = idet [[M11, -M01], [-M10, M00]] */
  vnum drhs0 = a.A00 * g0 + a.A10 * g1, drhs1 = a.A01 * g0 + a.A11 * g1;
  vnum dA00 = g0 * a.rhs0, dA01 = g0 * a.rhs1, dA10 = g1 * a.rhs0, dA11 = g1 * a.rhs1;
  vnum didet = dA00 * a.M11 - dA01 * a.M01 - dA10 * a.M10 + dA11 * a.M00;
  vnum dM00 = dA11 * a.idet, dM01 = -dA01 * a.idet, dM10 = -dA10 * a.idet, dM11 = dA00 * a.idet;
  vnum ddet = -didet * a.idet * a.idet;
  dM00 += ddet * a.M11;
  dM11 += ddet * a.M00;
  dM01 -= ddet * a.M10;
  dM10 -= ddet * a.M01;
  vnum dc2 = dM00 * m->mm[0] + dM01 * m->mm[1] + dM10 * m->mm[2] + dM11 * m->mm[3];
  /* rhs = -C + tau, tau = Q + J^T F */
  dQ[0] += drhs0;
  dQ[1] += drhs1;
  vnum dC0 = -drhs0, dC1 = -drhs1;
  vnum ds2 = dC0 * (-kc) * (2 * qd0 + qd1) * qd1 + dC1 * kc * qd0 * qd0;
  djoint[2] += dC0 * (-kc) * a.s2 * 2 * qd1 + dC1 * 2 * kc * a.s2 * qd0;
  djoint[3] += dC0 * (-kc) * a.s2 * (2 * qd0 + 2 * qd1);
  djoint[1] += ds2 * a.c2 - dc2 * a.s2;
  if (load) {
    const embNum l1 = m->l1, l2 = m->l2, Fx = load[0], Fy = load[1];
    vnum e = Fx * (-l2 * a.c12) + Fy * (-l2 * a.s12); /* d tau1/dq0 = d tau1/dq1 = d tau0/dq1 */
    vnum t0q0 = Fx * (-l1 * a.c1 - l2 * a.c12) + Fy * (-l1 * a.s1 - l2 * a.s12);
    djoint[0] += drhs0 * t0q0 + drhs1 * e;
    djoint[1] += drhs0 * e + drhs1 * e;
  }
}

/* Euler integration with velocity and position clipping (spec §5.2, §6.3) */
static inline void integrate_fwd(const embModel *m, const vnum j0[4], const vnum acc[2],
                                 vnum j1[4]) {
  const embNum h = m->dt;
  for (int d = 0; d < 2; d++) {
    vnum vel = j0[2 + d];
    vnum vnew = m->kind == EMB_POINT_MASS ? vel + (acc[d] * h) / m->mass : vel + acc[d] * h;
    vnum pnew = j0[d] + vel * h; /* old velocity: explicit Euler */
    vnew = vmin(vmax(vnew, vset1(m->vel_lb[d])), vset1(m->vel_ub[d]));
    vmask out = ((vnew < 0) & (pnew <= m->pos_lb[d])) | ((vnew > 0) & (pnew >= m->pos_ub[d]));
    vnew = vsel(out, vset1(0), vnew);
    j1[d] = vmin(vmax(pnew, vset1(m->pos_lb[d])), vset1(m->pos_ub[d]));
    j1[2 + d] = vnew;
  }
}

static inline void integrate_bwd(const embModel *m, const vnum j0[4], const vnum acc[2],
                                 const vnum dj1[4], vnum dj0[4], vnum dacc[2]) {
  const embNum h = m->dt;
  for (int d = 0; d < 2; d++) {
    vnum vel = j0[2 + d];
    vnum vraw = m->kind == EMB_POINT_MASS ? vel + (acc[d] * h) / m->mass : vel + acc[d] * h;
    vnum pnew = j0[d] + vel * h;
    vnum vmx = vmax(vraw, vset1(m->vel_lb[d])), vcl = vmin(vmx, vset1(m->vel_ub[d]));
    vmask zeroed = ((vcl < 0) & (pnew <= m->pos_lb[d])) | ((vcl > 0) & (pnew >= m->pos_ub[d]));
    /* velocity: where(zeroed, 0, min(max(vraw, lb), ub)) */
    vnum gv = vsel(zeroed, vset1(0), dj1[2 + d]);
    gv *= vmin_grad(vmx, m->vel_ub[d]) * vmax_grad(vraw, m->vel_lb[d]);
    dj0[2 + d] += gv;
    dacc[d] += m->kind == EMB_POINT_MASS ? gv * h / m->mass : gv * h;
    /* position: min(max(pnew, lb), ub); half the gradient at a tie with a bound */
    vnum pmx = vmax(pnew, vset1(m->pos_lb[d]));
    vnum gp = dj1[d] * vmin_grad(pmx, m->pos_ub[d]) * vmax_grad(pnew, m->pos_lb[d]);
    dj0[d] += gp;
    dj0[2 + d] += gp * h;
  }
}

#endif
