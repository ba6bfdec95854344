/* stage_geometry.h — musculotendon lengths, velocities and moment arms of a joint state
 * (spec effectors.md §5.1 point mass: straight paths to world anchors; §6.4 arm: the
 * Nijhof & Kouwenhoven polynomial), and the backward pass, on a block of rows
 * (sim/lanes.h); included by step.c. Output block: 4 x M, channel-major (rows
 * EMB_GEO_LEN, EMB_GEO_VEL, EMB_GEO_R0, EMB_GEO_R1). */
#ifndef EMB_SIM_STAGE_GEOMETRY_H
#define EMB_SIM_STAGE_GEOMETRY_H

#include "sim/sim_internal.h"

static inline void pm_geometry(const embModel *m, const vnum p[4], vnum *g) {
  const int M = m->M;
  for (int j = 0; j < M; j++) {
    vnum dx = p[0] - m->anchor[j][0], dy = p[1] - m->anchor[j][1];
    vnum L = vsqrt(dx * dx + dy * dy);
    g[EMB_GEO_LEN * M + j] = L;
    g[EMB_GEO_VEL * M + j] = (dx * p[2]) / L + (dy * p[3]) / L;
    g[EMB_GEO_R0 * M + j] = dx / L;
    g[EMB_GEO_R1 * M + j] = dy / L;
  }
}

static inline void pm_geometry_backward(const embModel *m, const vnum p[4], const vnum *dg,
                                        vnum dp[4]) {
  const int M = m->M;
  for (int j = 0; j < M; j++) {
    vnum dx = p[0] - m->anchor[j][0], dy = p[1] - m->anchor[j][1];
    vnum L = vsqrt(dx * dx + dy * dy);
    vnum iL = 1 / L, ux = dx * iL, uy = dy * iL;
    vnum gL = dg[EMB_GEO_LEN * M + j], gV = dg[EMB_GEO_VEL * M + j];
    vnum gr0 = dg[EMB_GEO_R0 * M + j], gr1 = dg[EMB_GEO_R1 * M + j];
    /* d(ux)/d(dx) = (1 - ux^2)/L, d(ux)/d(dy) = -ux uy / L, symmetric for uy */
    vnum gux = gr0 + gV * p[2], guy = gr1 + gV * p[3];
    dp[0] += gL * ux + (gux * (1 - ux * ux) - guy * ux * uy) * iL;
    dp[1] += gL * uy + (guy * (1 - uy * uy) - gux * ux * uy) * iL;
    dp[2] += gV * ux;
    dp[3] += gV * uy;
  }
}

static inline void arm_geometry(const embModel *m, const vnum q[4], vnum *g) {
  const int M = m->M;
  vnum th0 = q[0] - m->q_offset[0], th1 = q[1] - m->q_offset[1];
  for (int j = 0; j < M; j++) {
    vnum r0 = (th0 * m->a2[0][j]) * 2 + m->a1[0][j];
    vnum r1 = (th1 * m->a2[1][j]) * 2 + m->a1[1][j];
    g[EMB_GEO_LEN * M + j] =
        ((m->a1[0][j] + th0 * m->a2[0][j]) * th0 + (m->a1[1][j] + th1 * m->a2[1][j]) * th1) +
        m->a0[j];
    g[EMB_GEO_VEL * M + j] = q[2] * r0 + q[3] * r1;
    g[EMB_GEO_R0 * M + j] = r0;
    g[EMB_GEO_R1 * M + j] = r1;
  }
}

static inline void arm_geometry_backward(const embModel *m, const vnum q[4], const vnum *dg,
                                         vnum dq[4]) {
  const int M = m->M;
  vnum th0 = q[0] - m->q_offset[0], th1 = q[1] - m->q_offset[1];
  for (int j = 0; j < M; j++) {
    vnum r0 = (th0 * m->a2[0][j]) * 2 + m->a1[0][j];
    vnum r1 = (th1 * m->a2[1][j]) * 2 + m->a1[1][j];
    vnum gL = dg[EMB_GEO_LEN * M + j], gV = dg[EMB_GEO_VEL * M + j];
    vnum gr0 = dg[EMB_GEO_R0 * M + j] + gV * q[2];
    vnum gr1 = dg[EMB_GEO_R1 * M + j] + gV * q[3];
    /* dLmt/dth = r (the moment arm), dr/dth = 2 a2 */
    dq[0] += gL * r0 + gr0 * 2 * m->a2[0][j];
    dq[1] += gL * r1 + gr1 * 2 * m->a2[1][j];
    dq[2] += gV * r0;
    dq[3] += gV * r1;
  }
}

static inline void geometry_fwd(const embModel *m, const vnum joint[4], vnum *geom) {
  if (m->kind == EMB_POINT_MASS)
    pm_geometry(m, joint, geom);
  else
    arm_geometry(m, joint, geom);
}

static inline void geometry_bwd(const embModel *m, const vnum joint[4], const vnum *dgeom,
                                vnum djoint[4]) {
  if (m->kind == EMB_POINT_MASS)
    pm_geometry_backward(m, joint, dgeom, djoint);
  else
    arm_geometry_backward(m, joint, dgeom, djoint);
}

#endif
