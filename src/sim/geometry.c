/* geometry.c — musculotendon lengths, velocities and moment arms of a joint state
 * (spec effectors.md §5.1 point mass: straight paths to world anchors; §6.4 arm: the
 * Nijhof & Kouwenhoven polynomial), and the backward pass. Output block: 4 x M,
 * channel-major (rows EMB_GEO_LEN, EMB_GEO_VEL, EMB_GEO_R0, EMB_GEO_R1). */
#include "sim/sim_internal.h"

static void pm_geometry(const embModel *m, const embNum p[4], embNum *g) {
  const int M = m->M;
  for (int j = 0; j < M; j++) {
    embNum dx = p[0] - m->anchor[j][0], dy = p[1] - m->anchor[j][1];
    embNum L = emb_sqrt(dx * dx + dy * dy);
    g[EMB_GEO_LEN * M + j] = L;
    g[EMB_GEO_VEL * M + j] = (dx * p[2]) / L + (dy * p[3]) / L;
    g[EMB_GEO_R0 * M + j] = dx / L;
    g[EMB_GEO_R1 * M + j] = dy / L;
  }
}

static void pm_geometry_backward(const embModel *m, const embNum p[4], const embNum *dg,
                                 embNum dp[4]) {
  const int M = m->M;
  for (int j = 0; j < M; j++) {
    embNum dx = p[0] - m->anchor[j][0], dy = p[1] - m->anchor[j][1];
    embNum L = emb_sqrt(dx * dx + dy * dy);
    embNum iL = 1 / L, ux = dx * iL, uy = dy * iL;
    embNum gL = dg[EMB_GEO_LEN * M + j], gV = dg[EMB_GEO_VEL * M + j];
    embNum gr0 = dg[EMB_GEO_R0 * M + j], gr1 = dg[EMB_GEO_R1 * M + j];
    /* d(ux)/d(dx) = (1 - ux^2)/L, d(ux)/d(dy) = -ux uy / L, symmetric for uy */
    embNum gux = gr0 + gV * p[2], guy = gr1 + gV * p[3];
    dp[0] += gL * ux + (gux * (1 - ux * ux) - guy * ux * uy) * iL;
    dp[1] += gL * uy + (guy * (1 - uy * uy) - gux * ux * uy) * iL;
    dp[2] += gV * ux;
    dp[3] += gV * uy;
  }
}

static void arm_geometry(const embModel *m, const embNum q[4], embNum *g) {
  const int M = m->M;
  embNum th0 = q[0] - m->q_offset[0], th1 = q[1] - m->q_offset[1];
  for (int j = 0; j < M; j++) {
    embNum r0 = (th0 * m->a2[0][j]) * 2 + m->a1[0][j];
    embNum r1 = (th1 * m->a2[1][j]) * 2 + m->a1[1][j];
    g[EMB_GEO_LEN * M + j] =
        ((m->a1[0][j] + th0 * m->a2[0][j]) * th0 + (m->a1[1][j] + th1 * m->a2[1][j]) * th1) +
        m->a0[j];
    g[EMB_GEO_VEL * M + j] = q[2] * r0 + q[3] * r1;
    g[EMB_GEO_R0 * M + j] = r0;
    g[EMB_GEO_R1 * M + j] = r1;
  }
}

static void arm_geometry_backward(const embModel *m, const embNum q[4], const embNum *dg,
                                  embNum dq[4]) {
  const int M = m->M;
  embNum th0 = q[0] - m->q_offset[0], th1 = q[1] - m->q_offset[1];
  for (int j = 0; j < M; j++) {
    embNum r0 = (th0 * m->a2[0][j]) * 2 + m->a1[0][j];
    embNum r1 = (th1 * m->a2[1][j]) * 2 + m->a1[1][j];
    embNum gL = dg[EMB_GEO_LEN * M + j], gV = dg[EMB_GEO_VEL * M + j];
    embNum gr0 = dg[EMB_GEO_R0 * M + j] + gV * q[2];
    embNum gr1 = dg[EMB_GEO_R1 * M + j] + gV * q[3];
    /* dLmt/dth = r (the moment arm), dr/dth = 2 a2 */
    dq[0] += gL * r0 + gr0 * 2 * m->a2[0][j];
    dq[1] += gL * r1 + gr1 * 2 * m->a2[1][j];
    dq[2] += gV * r0;
    dq[3] += gV * r1;
  }
}

void sim_geometry(const embModel *m, const embNum joint[4], embNum *geom) {
  if (m->kind == EMB_POINT_MASS)
    pm_geometry(m, joint, geom);
  else
    arm_geometry(m, joint, geom);
}

void sim_geometry_backward(const embModel *m, const embNum joint[4], const embNum *dgeom,
                           embNum djoint[4]) {
  if (m->kind == EMB_POINT_MASS)
    pm_geometry_backward(m, joint, dgeom, djoint);
  else
    arm_geometry_backward(m, joint, dgeom, djoint);
}
