/* sim_internal.h — the stages of one effector step, each a forward function and its
 * backward twin (spec effectors.md §2.4). Private to src/sim and the tests; the public
 * API is include/embody/emb_effector.h.
 *
 * The stages are written once, on blocks of EMB_LANES rows (sim/lanes.h), in the
 * static-inline headers sim/stage_activation.h, stage_muscle.h, stage_geometry.h,
 * stage_skeleton.h and stage_kinematics.h, which step.c composes. The functions declared
 * below are their ONE-ROW entry points (stages_row.c: the row in every lane, lane 0
 * read back), used by the finite-difference tests so that those test the very code the
 * step runs. Backward functions ACCUMULATE (+=) into their gradient outputs and
 * recompute what they need from the forward inputs. PyTorch conventions (spec §9): clamp
 * passes the gradient on its closed interval; max/min ties send half; `where` passes only
 * the chosen branch. */
#ifndef EMB_SIM_INTERNAL_H
#define EMB_SIM_INTERNAL_H

#include "embody/emb_effector.h"
#include "sim/lanes.h"

/* muscle-state channel of the force: 3 (ReLU) or 6 (Hill models) */
static inline int force_channel(const embModel *m) { return m->S - 1; }

/* activation — activation derivative dact/dt (spec §3) of a command u and activation
 * act (both raw; clamped inside). */
embNum sim_activation_deriv(const embModel *m, embNum u, embNum act);
void sim_activation_deriv_backward(const embModel *m, embNum u, embNum act, embNum g,
                                   embNum *du, embNum *dact);

/* muscle — muscle channels (S values, spec §4) of muscle j from the new activation
 * act and the musculotendon length/velocity lmt, vmt of the old geometry. */
void sim_muscle(const embModel *m, int j, embNum act, embNum lmt, embNum vmt, embNum *out);
void sim_muscle_backward(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                         const embNum *g /*(S)*/, embNum *dact, embNum *dlmt, embNum *dvmt);

/* geometry — geometry block (4 x M, channel-major) of a joint state (spec §5.1, §6.4) */
void sim_geometry(const embModel *m, const embNum joint[4], embNum *geom);
void sim_geometry_backward(const embModel *m, const embNum joint[4], const embNum *dgeom,
                           embNum djoint[4]);

/* kinematics — cartesian endpoint state of a joint state (spec §5.2, §6.5) */
void sim_fk(const embModel *m, const embNum joint[4], embNum cart[4]);
void sim_fk_backward(const embModel *m, const embNum joint[4], const embNum dcart[4],
                     embNum djoint[4]);

/* skeleton — generalized forces Q (spec §2.3) from the stored forces and moment arms */
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
