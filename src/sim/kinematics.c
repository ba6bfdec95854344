/* kinematics.c — the public forward kinematics of joint-state rows (the block code of
 * sim/stage_kinematics.h, so it agrees bit for bit with the cartesian state of a step)
 * and the closed-form inverse kinematics of the arm (tasks.md §2). MotorNet has no
 * inverse kinematics; this one is ours. */
#include "sim/stage_kinematics.h"

#include <math.h>

void emb_forward_kinematics(const embModel *m, embNum *cart, const embNum *joint, int B) {
  const int W = EMB_LANES;
  for (int b0 = 0; b0 < B; b0 += W) {
    const int n = B - b0 < W ? B - b0 : W;
    vnum q[4], c[4];
    lanes_load(q, joint + (size_t)b0 * 4, 4, n, 0, 4);
    fk_fwd(m, q, c);
    lanes_store(cart + (size_t)b0 * 4, c, 4, n, 0, 4);
  }
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
