/* stage_activation.h — MotorNet's activation dynamics (spec effectors.md §3, Thelen 2003):
 * dact/dt = (u - act) / tau, tau = tau_act (0.5 + 1.5 act) when u > act (strictly),
 * tau_deact / (0.5 + 1.5 act) otherwise; u and act clamped to [min_act, 1].
 * Forward and backward on a block of rows (sim/lanes.h); included by step.c. */
#ifndef EMB_SIM_STAGE_ACTIVATION_H
#define EMB_SIM_STAGE_ACTIVATION_H

#include "sim/sim_internal.h"

static inline vnum act_deriv(const embModel *m, vnum u, vnum act) {
  vnum uc = vclamp(u, m->min_act, 1);
  vnum ac = vclamp(act, m->min_act, 1);
  vnum t = (embNum)0.5 + (embNum)1.5 * ac;
  vnum tau_up = m->tau_act * t, tau_down = m->tau_deact / t;
  vnum tau = vsel(uc > ac, tau_up, tau_down);
  return (uc - ac) / tau;
}

/* adds g * d(dact)/du to *du and g * d(dact)/dact to *dact */
static inline void act_deriv_backward(const embModel *m, vnum u, vnum act, vnum g, vnum *du,
                                      vnum *dact) {
  vnum uc = vclamp(u, m->min_act, 1);
  vnum ac = vclamp(act, m->min_act, 1);
  vnum t = (embNum)0.5 + (embNum)1.5 * ac;
  vmask up = uc > ac;
  vnum tau = vsel(up, m->tau_act * t, m->tau_deact / t);
  vnum dtau_dac = vsel(up, vset1(m->tau_act * (embNum)1.5), -m->tau_deact * (embNum)1.5 / (t * t));
  vnum d = (uc - ac) / tau;
  /* u is clamped three times (step, ode twice): only the first can cut the gradient */
  *du += g / tau * vclamp_grad(u, m->min_act, 1);
  *dact += g * (-1 / tau - d / tau * dtau_dac) * vclamp_grad(act, m->min_act, 1);
}

#endif
