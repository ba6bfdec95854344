/* stage_kinematics.h — forward kinematics (spec effectors.md §5.2 identity for the point
 * mass, §6.5 for the arm) with its backward pass, on a block of rows (sim/lanes.h);
 * included by step.c and kinematics.c. */
#ifndef EMB_SIM_STAGE_KINEMATICS_H
#define EMB_SIM_STAGE_KINEMATICS_H

#include "sim/sim_internal.h"

static inline void fk_fwd(const embModel *m, const vnum q[4], vnum c[4]) {
  if (m->kind == EMB_POINT_MASS) {
    for (int k = 0; k < 4; k++) c[k] = q[k];
    return;
  }
  vnum s1, c1, s12, c12;
  vsincos(q[0], &s1, &c1);
  vsincos(q[0] + q[1], &s12, &c12);
  const embNum l1 = m->l1, l2 = m->l2;
  c[0] = l1 * c1 + l2 * c12;
  c[1] = l1 * s1 + l2 * s12;
  c[2] = -(l1 * s1 + l2 * s12) * q[2] - l2 * s12 * q[3];
  c[3] = (l1 * c1 + l2 * c12) * q[2] + l2 * c12 * q[3];
}

static inline void fk_bwd(const embModel *m, const vnum q[4], const vnum dc[4], vnum dq[4]) {
  if (m->kind == EMB_POINT_MASS) {
    for (int k = 0; k < 4; k++) dq[k] += dc[k];
    return;
  }
  vnum s1, c1, s12, c12;
  vsincos(q[0], &s1, &c1);
  vsincos(q[0] + q[1], &s12, &c12);
  const embNum l1 = m->l1, l2 = m->l2;
  vnum x = l1 * c1 + l2 * c12, y = l1 * s1 + l2 * s12;
  vnum xe = l2 * c12, ye = l2 * s12; /* elbow-to-tip segment */
  vnum gx = dc[0], gy = dc[1], gvx = dc[2], gvy = dc[3];
  /* x_q0 = -y, x_q1 = -ye; y_q0 = x, y_q1 = xe; vx = -y qd0 - ye qd1; vy = x qd0 + xe qd1 */
  dq[0] += -gx * y + gy * x + gvx * (-x * q[2] - xe * q[3]) + gvy * (-y * q[2] - ye * q[3]);
  dq[1] += -gx * ye + gy * xe + gvx * (-xe * q[2] - xe * q[3]) + gvy * (-ye * q[2] - ye * q[3]);
  dq[2] += -gvx * y + gvy * x;
  dq[3] += -gvx * ye + gvy * xe;
}

#endif
