/* kinematics.c — forward kinematics (spec effectors.md §5.2 identity for the point mass,
 * §6.5 for the arm) with its backward pass, and the closed-form inverse kinematics of
 * the arm (tasks.md §2). MotorNet has no inverse kinematics; this one is ours. */
#include "sim/sim_internal.h"

#include <math.h>

void sim_fk(const embModel *m, const embNum q[4], embNum c[4]) {
  if (m->kind == EMB_POINT_MASS) {
    for (int k = 0; k < 4; k++) c[k] = q[k];
    return;
  }
  embNum s1 = emb_sin(q[0]), c1 = emb_cos(q[0]);
  embNum s12 = emb_sin(q[0] + q[1]), c12 = emb_cos(q[0] + q[1]);
  const embNum l1 = m->l1, l2 = m->l2;
  c[0] = l1 * c1 + l2 * c12;
  c[1] = l1 * s1 + l2 * s12;
  c[2] = -(l1 * s1 + l2 * s12) * q[2] - l2 * s12 * q[3];
  c[3] = (l1 * c1 + l2 * c12) * q[2] + l2 * c12 * q[3];
}

void sim_fk_backward(const embModel *m, const embNum q[4], const embNum dc[4], embNum dq[4]) {
  if (m->kind == EMB_POINT_MASS) {
    for (int k = 0; k < 4; k++) dq[k] += dc[k];
    return;
  }
  embNum s1 = emb_sin(q[0]), c1 = emb_cos(q[0]);
  embNum s12 = emb_sin(q[0] + q[1]), c12 = emb_cos(q[0] + q[1]);
  const embNum l1 = m->l1, l2 = m->l2;
  embNum x = l1 * c1 + l2 * c12, y = l1 * s1 + l2 * s12;
  embNum xe = l2 * c12, ye = l2 * s12; /* elbow-to-tip segment */
  embNum gx = dc[0], gy = dc[1], gvx = dc[2], gvy = dc[3];
  /* x_q0 = -y, x_q1 = -ye; y_q0 = x, y_q1 = xe; vx = -y qd0 - ye qd1; vy = x qd0 + xe qd1 */
  dq[0] += -gx * y + gy * x + gvx * (-x * q[2] - xe * q[3]) + gvy * (-y * q[2] - ye * q[3]);
  dq[1] += -gx * ye + gy * xe + gvx * (-xe * q[2] - xe * q[3]) + gvy * (-ye * q[2] - ye * q[3]);
  dq[2] += -gvx * y + gvy * x;
  dq[3] += -gvx * ye + gvy * xe;
}

void emb_forward_kinematics(const embModel *m, embNum *cart, const embNum *joint, int B) {
  for (int b = 0; b < B; b++) sim_fk(m, joint + 4 * b, cart + 4 * b);
}

int emb_inverse_kinematics(const embModel *m, double x, double y, double q[2]) {
  if (!isfinite(x) || !isfinite(y))
    return emb_error(EMB_ERANGE, "inverse kinematics: point (%g, %g) is not finite", x, y);
  if (m->kind == EMB_POINT_MASS) {
    if (x < m->pos_lb[0] || x > m->pos_ub[0] || y < m->pos_lb[1] || y > m->pos_ub[1])
      return emb_error(EMB_ERANGE,
                       "point (%g, %g) lies outside the point mass's position bounds "
                       "[%g, %g] x [%g, %g]",
                       x, y, (double)m->pos_lb[0], (double)m->pos_ub[0], (double)m->pos_lb[1],
                       (double)m->pos_ub[1]);
    q[0] = x;
    q[1] = y;
    return EMB_OK;
  }
  const double l1 = m->l1, l2 = m->l2;
  double r2 = x * x + y * y;
  double ce = (r2 - l1 * l1 - l2 * l2) / (2 * l1 * l2);
  if (ce > 1 || ce < -1)
    return emb_error(EMB_ERANGE,
                     "point (%g, %g) m is out of the arm's reach (distance %g m from the "
                     "shoulder; reachable: %g to %g m)",
                     x, y, sqrt(r2), fabs(l1 - l2), l1 + l2);
  double e = acos(ce);
  double s = atan2(y, x) - atan2(l2 * sin(e), l1 + l2 * cos(e));
  const double deg = 180.0 / M_PI;
  if (s < (double)m->pos_lb[0] || s > (double)m->pos_ub[0] || e < (double)m->pos_lb[1] ||
      e > (double)m->pos_ub[1])
    return emb_error(EMB_ERANGE,
                     "point (%g, %g) m needs shoulder %.2f deg and elbow %.2f deg, outside "
                     "the joint ranges [0, %.1f] and [0, %.1f] deg",
                     x, y, s * deg, e * deg, (double)m->pos_ub[0] * deg,
                     (double)m->pos_ub[1] * deg);
  q[0] = s;
  q[1] = e;
  return EMB_OK;
}
