/* activation.c — MotorNet's activation dynamics (spec effectors.md §3, Thelen 2003):
 * dact/dt = (u - act) / tau, tau = tau_act (0.5 + 1.5 act) when u > act (strictly),
 * tau_deact / (0.5 + 1.5 act) otherwise; u and act clamped to [min_act, 1]. */
#include "sim/sim_internal.h"

embNum sim_activation_deriv(const embModel *m, embNum u, embNum act) {
  embNum uc = clampf(u, m->min_act, 1);
  embNum ac = clampf(act, m->min_act, 1);
  embNum t = (embNum)0.5 + (embNum)1.5 * ac;
  /* both candidates, then a select: the branch is unpredictable */
  embNum tau_up = m->tau_act * t, tau_down = m->tau_deact / t;
  embNum tau = uc > ac ? tau_up : tau_down;
  return (uc - ac) / tau;
}

void sim_activation_deriv_backward(const embModel *m, embNum u, embNum act, embNum g,
                                   embNum *du, embNum *dact) {
  embNum uc = clampf(u, m->min_act, 1);
  embNum ac = clampf(act, m->min_act, 1);
  embNum t = (embNum)0.5 + (embNum)1.5 * ac;
  embNum tau, dtau_dac;
  if (uc > ac) {
    tau = m->tau_act * t;
    dtau_dac = m->tau_act * (embNum)1.5;
  } else {
    tau = m->tau_deact / t;
    dtau_dac = -m->tau_deact * (embNum)1.5 / (t * t);
  }
  embNum d = (uc - ac) / tau;
  /* u is clamped three times (step, ode twice): only the first can cut the gradient */
  if (du) *du += g / tau * clamp_grad(u, m->min_act, 1);
  if (dact) *dact += g * (-1 / tau - d / tau * dtau_dac) * clamp_grad(act, m->min_act, 1);
}
