/* sim_internal.h — the stages of one effector step, each a forward function and its
 * backward twin (spec effectors.md §2.4). Private to src/sim and the tests; the public
 * API is include/embody/emb_effector.h.
 *
 * All functions work on ONE batch row; the batched loops are in step.c. Backward
 * functions ACCUMULATE (+=) into their gradient outputs and recompute what they need
 * from the forward inputs. PyTorch conventions (spec §9): clamp passes the gradient on
 * its closed interval; max/min ties send half; `where` passes only the chosen branch. */
#ifndef EMB_SIM_INTERNAL_H
#define EMB_SIM_INTERNAL_H

#include "embody/emb_effector.h"

/* muscle-state channel of the force: 3 (ReLU) or 6 (Hill models) */
static inline int force_channel(const embModel *m) { return m->S - 1; }

/* d clamp(x, lo, hi) / dx, PyTorch: 1 on [lo, hi] inclusive */
static inline embNum clamp_grad(embNum x, embNum lo, embNum hi) {
  return (x >= lo && x <= hi) ? (embNum)1 : (embNum)0;
}
/* d maximum(x, b) / dx and d minimum(x, b) / dx, PyTorch: half at a tie */
static inline embNum max_grad(embNum x, embNum b) {
  return x > b ? (embNum)1 : (x == b ? (embNum)0.5 : (embNum)0);
}
static inline embNum min_grad(embNum x, embNum b) {
  return x < b ? (embNum)1 : (x == b ? (embNum)0.5 : (embNum)0);
}
static inline embNum clampf(embNum x, embNum lo, embNum hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* activation.c — activation derivative dact/dt (spec §3) of a command u and activation
 * act (both raw; clamped inside). */
embNum sim_activation_deriv(const embModel *m, embNum u, embNum act);
void sim_activation_deriv_backward(const embModel *m, embNum u, embNum act, embNum g,
                                   embNum *du, embNum *dact);

/* muscle.c — muscle channels (S values, spec §4) of muscle j from the new activation
 * act and the musculotendon length/velocity lmt, vmt of the old geometry. */
void sim_muscle(const embModel *m, int j, embNum act, embNum lmt, embNum vmt, embNum *out);
void sim_muscle_backward(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                         const embNum *g /*(S)*/, embNum *dact, embNum *dlmt, embNum *dvmt);

/* geometry.c — geometry block (4 x M, channel-major) of a joint state (spec §5.1, §6.4) */
void sim_geometry(const embModel *m, const embNum joint[4], embNum *geom);
void sim_geometry_backward(const embModel *m, const embNum joint[4], const embNum *dgeom,
                           embNum djoint[4]);

/* kinematics.c — cartesian endpoint state of a joint state (spec §5.2, §6.5) */
void sim_fk(const embModel *m, const embNum joint[4], embNum cart[4]);
void sim_fk_backward(const embModel *m, const embNum joint[4], const embNum dcart[4],
                     embNum djoint[4]);

/* skeleton.c — generalized forces Q (spec §2.3) from the stored forces and moment arms */
void sim_joint_forces(const embModel *m, const embNum joint[4], const embNum *muscle,
                      const embNum *geom, embNum Q[2]);
void sim_joint_forces_backward(const embModel *m, const embNum joint[4], const embNum *muscle,
                               const embNum *geom, const embNum dQ[2], embNum djoint[4],
                               embNum *dmuscle, embNum *dgeom);
/* joint "derivative" (spec §2.3): point mass: force Q + load; arm: acceleration (§6.2).
 * load may be NULL. */
void sim_joint_accel(const embModel *m, const embNum joint[4], const embNum Q[2],
                     const embNum *load, embNum acc[2]);
void sim_joint_accel_backward(const embModel *m, const embNum joint[4], const embNum Q[2],
                              const embNum *load, const embNum dacc[2], embNum djoint[4],
                              embNum dQ[2]);
/* Euler integration with velocity and position clipping (spec §5.2, §6.3) */
void sim_integrate(const embModel *m, const embNum joint0[4], const embNum acc[2],
                   embNum joint1[4]);
void sim_integrate_backward(const embModel *m, const embNum joint0[4], const embNum acc[2],
                            const embNum djoint1[4], embNum djoint0[4], embNum dacc[2]);

#endif
