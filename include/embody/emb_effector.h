/* emb_effector.h — MotorNet's ReluPointMass24 and RigidTendonArm26 effectors, batched,
 * with exact hand-written backward passes (spec: ../shared/spec/effectors.md).
 *
 * Model/data split (MuJoCo's mjModel/mjData): embModel holds every constant of an
 * effector and is read-only during simulation; the per-batch state lives in flat arrays
 * of B rows, each row one "state vector" of emb_state_size(m) numbers laid out as
 *
 *   [ joint(4) | cart(4) | muscle(S x M, channel-major) | geom(4 x M, channel-major) ]
 *
 *   joint  = q0, q1, qd0, qd1           (point mass: x, y, vx, vy)
 *   cart   = x, y, vx, vy of the endpoint (fingertip = cart[0..1])
 *   muscle = channel c of muscle j at EMB_OFF_MUSCLE + c*M + j; channels as MotorNet:
 *            ReluMuscle: activation, muscle length, muscle velocity, force (S = 4)
 *            Hill/Thelen: activation, length, velocity, flpe, flce, fvce, force (S = 7)
 *   geom   = row r of muscle j at off_geom + r*M + j; rows: mt length, mt velocity,
 *            moment arm w.r.t. joint 0, moment arm w.r.t. joint 1
 *
 * The gradient of a state has the same layout. Forward functions write outputs only;
 * backward functions ACCUMULATE (+=) into their gradient outputs. */
#ifndef EMB_EFFECTOR_H
#define EMB_EFFECTOR_H

#include "emb_types.h"

#define EMB_MAX_MUSCLES 6
#define EMB_MAX_CHANNELS 7

typedef enum { EMB_POINT_MASS = 0, EMB_ARM = 1 } embEffectorKind;
typedef enum { EMB_MUSCLE_RELU = 0, EMB_MUSCLE_THELEN = 1, EMB_MUSCLE_KISTEMAKER = 2 } embMuscleKind;

/* muscle-state channel indices */
enum { EMB_CH_ACT = 0, EMB_CH_LEN = 1, EMB_CH_VEL = 2 };
/* geometry rows */
enum { EMB_GEO_LEN = 0, EMB_GEO_VEL = 1, EMB_GEO_R0 = 2, EMB_GEO_R1 = 3 };
#define EMB_OFF_JOINT 0
#define EMB_OFF_CART 4
#define EMB_OFF_MUSCLE 8

typedef struct {
  embEffectorKind kind;
  embMuscleKind muscle;
  int M;             /* number of muscles (4 or 6) */
  int S;             /* muscle-state channels (4 or 7) */
  embNum dt;         /* time step, s */
  embNum min_act;    /* minimum activation (0 ReLU, 0.001 Hill) */
  embNum tau_act, tau_deact;                           /* activation time constants, s */
  embNum pos_lb[2], pos_ub[2], vel_lb[2], vel_ub[2];   /* joint bounds (inclusive) */
  embNum damping;                                      /* effector joint damping (0) */
  embNum joint_load[2];                                /* constant joint load (0, 0) */
  const char *name;                                    /* "pointmass24", "arm26_thelen" ... */
  const char *muscle_names[EMB_MAX_MUSCLES];           /* lower case, CSV column suffixes */
  /* per-muscle constants (float32 values of MotorNet's parameter tensors) */
  embNum fmax[EMB_MAX_MUSCLES], l0_ce[EMB_MAX_MUSCLES], l0_se[EMB_MAX_MUSCLES],
      vmax[EMB_MAX_MUSCLES], l0_pe[EMB_MAX_MUSCLES], k_pe[EMB_MAX_MUSCLES];
  embNum ce[6][EMB_MAX_MUSCLES];                       /* Thelen ce_0..ce_5 */
  embNum pe_1, pe_den, gamma, af;                      /* Thelen scalars */
  /* point mass */
  embNum mass;                                         /* kg */
  embNum anchor[EMB_MAX_MUSCLES][2];                   /* muscle anchors in the world, m */
  /* arm */
  embNum l1, l2;                                       /* segment lengths, m */
  embNum mc[4], mm[4];                                 /* inertia: M = mc + cos(q1) mm, row-major */
  embNum kc;                                           /* Coriolis coefficient m2 l1 l2g */
  embNum q_offset[2];                                  /* polynomial joint offsets (pi/2, 0) */
  embNum a0[EMB_MAX_MUSCLES], a1[2][EMB_MAX_MUSCLES], a2[2][EMB_MAX_MUSCLES]; /* Lmt poly */
} embModel;

/* Fill a model with MotorNet's default constants. muscle is ignored for the point mass
 * (always ReLU). Returns EMB_OK or EMB_EINVAL. */
int emb_model_init(embModel *m, embEffectorKind kind, embMuscleKind muscle);

/* Numbers per state row, offset of the geometry block. */
int emb_state_size(const embModel *m);
int emb_geom_offset(const embModel *m);

/* Reset (spec §2.6): state rows from joint states (B,4), each inside the bounds
 * (else EMB_ERANGE naming the row). Muscle activation = min_act. */
int emb_reset(const embModel *m, embNum *state /*(B,NS)*/, const embNum *joint /*(B,4)*/, int B);

/* One Euler step (spec §2.2–§2.4). action (B,M) is raw (clamped inside);
 * load: endpoint force (Fx,Fy) applied to every row, NULL for none. Rows are independent
 * and the function is reentrant (no OpenMP inside): callers may split B across threads.
 * next may be the same array as state (each row is computed before it is written). */
void emb_step(const embModel *m, embNum *next /*(B,NS)*/, const embNum *state /*(B,NS)*/,
              const embNum *action /*(B,M)*/, const embNum *load /*(2) or NULL*/, int B);

/* Backward of emb_step: given dnext (B,NS) = dL/d(next), ACCUMULATE dL/d(state) into
 * dstate (B,NS) and dL/d(action) into daction (B,M) (either may be NULL). Recomputes the
 * intermediates from state and action. PyTorch conventions at clamps and ties (§9). */
void emb_step_backward(const embModel *m, embNum *dstate, embNum *daction,
                       const embNum *dnext, const embNum *state, const embNum *action,
                       const embNum *load, int B);

/* Forward kinematics of joint states (B,4) -> cartesian (B,4). */
void emb_forward_kinematics(const embModel *m, embNum *cart, const embNum *joint, int B);

/* Inverse kinematics (tasks.md §2): joint angles putting the endpoint at (x, y) with zero
 * velocity; point mass: identity. EMB_ERANGE (with a message) when unreachable or
 * outside the joint ranges. Computed in double. */
int emb_inverse_kinematics(const embModel *m, double x, double y, double q[2]);

#endif
