/* model.c — MotorNet's default constants for ReluPointMass24 and RigidTendonArm26
 * (spec effectors.md §4.4, §5, §6.1; reference/motornet/constants.json).
 *
 * MotorNet keeps its parameters in float32 tensors and a few scalars as Python doubles.
 * We store the float32 values of the tensors (F32) and the doubles as they are (DBL), so
 * the float build is MotorNet's float32 run and the double build is MotorNet run in
 * float64 with the same float32-rounded tensors (the `grad64_` golden columns). */
#include "embody/emb_effector.h"

#include <string.h>

#define F32(x) ((embNum)(float)(x))
#define DBL(x) ((embNum)(x))

static const char *const pm_names[4] = {"upperright", "upperleft", "lowerright", "lowerleft"};
static const char *const arm_names[6] = {"pectoralis", "deltoid",  "brachioradialis",
                                         "tricepslat", "biceps",   "tricepslong"};

static void init_point_mass(embModel *m) {
  static const double anchor[4][2] = {{2, 2}, {-2, 2}, {2, -2}, {-2, -2}};
  m->kind = EMB_POINT_MASS;
  m->muscle = EMB_MUSCLE_RELU;
  m->name = "pointmass24";
  m->M = 4;
  m->S = 4;
  m->min_act = 0;
  m->mass = DBL(1.0);
  for (int d = 0; d < 2; d++) {
    m->pos_lb[d] = -1;
    m->pos_ub[d] = 1;
  }
  for (int j = 0; j < 4; j++) {
    m->muscle_names[j] = pm_names[j];
    m->fmax[j] = 500;
    m->l0_ce[j] = m->l0_se[j] = m->vmax[j] = m->l0_pe[j] = 1;
    m->anchor[j][0] = anchor[j][0];
    m->anchor[j][1] = anchor[j][1];
  }
}

static void init_arm(embModel *m, embMuscleKind muscle) {
  static const double fmax[6] = {838, 1207, 1422, 1549, 414, 603};
  static const double l0_ce[6] = {0.134, 0.140, 0.092, 0.093, 0.137, 0.127};
  static const double l0_se[6] = {0.039, 0.066, 0.172, 0.187, 0.204, 0.217};
  /* derived in float32 by MotorNet (spec table 4.4): use the tabulated values */
  static const double vmax[6] = {1.340000033378601, 1.399999976158142, 0.9200000166893005,
                                 0.9300000071525574, 1.369999885559082, 1.2699999809265137};
  static const double hill_l0_pe[6] = {0.1876000016927719, 0.19599999487400055,
                                       0.12880000472068787, 0.13019999861717224,
                                       0.19179998338222504, 0.1777999997138977};
  static const double hill_k_pe[6] = {14.792900085449219, 14.792900085449219,
                                      14.792914390563965, 14.792900085449219,
                                      14.792900085449219, 14.792900085449219};
  static const double ce[6][6] = {
      {4.019999980926514, 4.199999809265137, 2.759999990463257, 2.7899999618530273,
       4.109999656677246, 3.809999942779541},
      {0.33500000834465027, 0.3499999940395355, 0.23000000417232513, 0.23250000178813934,
       0.3424999713897705, 0.3174999952316284},
      {0.40199995040893555, 0.41999995708465576, 0.2759999632835388, 0.2789999842643738,
       0.4109998941421509, 0.38099992275238037},
      {14, 14, 14, 14, 14, 14},
      {0.1340000033378601, 0.13999998569488525, 0.09199999272823334, 0.09300000965595245,
       0.13699999451637268, 0.12700000405311584},
      {10, 10, 10, 10, 10, 10}};
  static const double a0[6] = {0.151, 0.2322, 0.2859, 0.2355, 0.3329, 0.2989};
  static const double a1[2][6] = {{-0.03, 0.03, 0, 0, -0.03, 0.03},
                                  {0, 0, -0.014, 0.025, -0.016, 0.03}};
  static const double a2[2][6] = {{0, 0, 0, 0, 0, 0}, {0, 0, -0.004, -0.0022, -0.0057, -0.0032}};
  static const double mc[4] = {0.3166390657424927, 0.0959317535161972, 0.0959317535161972,
                               0.0959317535161972};
  static const double mm[4] = {0.1458171010017395, 0.07290855050086975, 0.07290855050086975,
                               0.0};
  m->kind = EMB_ARM;
  m->muscle = muscle;
  m->name = muscle == EMB_MUSCLE_THELEN ? "arm26_thelen" : "arm26_hill";
  m->M = 6;
  m->S = 7;
  m->min_act = F32(0.001);
  m->pos_lb[0] = m->pos_lb[1] = 0;
  m->pos_ub[0] = F32(2.356194496154785);  /* 135 deg */
  m->pos_ub[1] = F32(2.7052602767944336); /* 155 deg */
  m->l1 = DBL(0.309);
  m->l2 = DBL(0.333);
  m->kc = DBL(1.43 * 0.309 * 0.165); /* m2 * l1 * l2g, a Python double */
  m->q_offset[0] = F32(1.5707963705062866);
  m->q_offset[1] = 0;
  for (int k = 0; k < 4; k++) {
    m->mc[k] = F32(mc[k]);
    m->mm[k] = F32(mm[k]);
  }
  m->pe_1 = F32(8.333333015441895);
  m->pe_den = F32(147.4131622314453);
  m->gamma = F32(0.44999998807907104);
  m->af = F32(0.25);
  for (int j = 0; j < 6; j++) {
    m->muscle_names[j] = arm_names[j];
    m->fmax[j] = F32(fmax[j]);
    m->l0_ce[j] = F32(l0_ce[j]);
    m->l0_se[j] = F32(l0_se[j]);
    m->vmax[j] = F32(vmax[j]);
    if (muscle == EMB_MUSCLE_THELEN) {
      m->l0_pe[j] = F32(l0_ce[j]); /* normalized slack length 1.0 */
      m->k_pe[j] = 0;              /* unused by Thelen */
    } else {
      m->l0_pe[j] = F32(hill_l0_pe[j]);
      m->k_pe[j] = F32(hill_k_pe[j]);
    }
    for (int c = 0; c < 6; c++) m->ce[c][j] = F32(ce[c][j]);
    m->a0[j] = F32(a0[j]);
    for (int d = 0; d < 2; d++) {
      m->a1[d][j] = F32(a1[d][j]);
      m->a2[d][j] = F32(a2[d][j]);
    }
  }
}

int emb_model_init(embModel *m, embEffectorKind kind, embMuscleKind muscle) {
  if (!m) return emb_error(EMB_EINVAL, "emb_model_init: NULL model");
  memset(m, 0, sizeof *m);
  if (kind == EMB_POINT_MASS) {
    init_point_mass(m);
  } else if (kind == EMB_ARM) {
    if (muscle != EMB_MUSCLE_THELEN && muscle != EMB_MUSCLE_KISTEMAKER)
      return emb_error(EMB_EINVAL, "the arm needs a Hill muscle (thelen or kistemaker), got %d",
                       (int)muscle);
    init_arm(m, muscle);
  } else {
    return emb_error(EMB_EINVAL, "unknown effector kind %d", (int)kind);
  }
  /* common to both effectors (spec §2.1, §3) */
  m->dt = DBL(0.01);
  m->tau_act = F32(0.015);
  m->tau_deact = F32(0.05);
  for (int d = 0; d < 2; d++) {
    m->vel_lb[d] = -1000;
    m->vel_ub[d] = 1000;
  }
  return EMB_OK;
}

int emb_state_size(const embModel *m) { return EMB_OFF_MUSCLE + m->S * m->M + 4 * m->M; }

int emb_geom_offset(const embModel *m) { return EMB_OFF_MUSCLE + m->S * m->M; }
