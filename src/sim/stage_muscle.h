/* stage_muscle.h — the three muscle models of MotorNet with their backward passes
 * (spec effectors.md §4): ReluMuscle (point mass), RigidTendonHillMuscle (Kistemaker,
 * Wong & Gribble 2010) and RigidTendonHillMuscleThelen (Thelen 2003), on a block of rows
 * (sim/lanes.h); included by step.c.
 *
 * Inputs: the NEW activation and the OLD geometry's musculotendon length and velocity
 * (spec §2.4). Output channels: ReLU [act, len, vel, force]; Hill models
 * [act, len, vel, flpe, flce, fvce, force]. Operation order follows MotorNet so the
 * float build rounds like its float32 run. Both sides of every `where` are evaluated and
 * one is selected per lane; the gradient passes through the selected side only; max(x, c)
 * floors pass it on the closed side. */
#ifndef EMB_SIM_STAGE_MUSCLE_H
#define EMB_SIM_STAGE_MUSCLE_H

#include "sim/sim_internal.h"

/* --- ReLU: force = act * Fmax ------------------------------------------------------ */

static inline void relu_fwd(const embModel *m, int j, vnum act, vnum lmt, vnum vmt, vnum *o) {
  o[0] = act;
  o[1] = lmt;
  o[2] = vmt;
  o[3] = act * m->fmax[j];
}

static inline void relu_bwd(const embModel *m, int j, const vnum *g, vnum *dact, vnum *dlmt,
                            vnum *dvmt) {
  *dact += g[0] + g[3] * m->fmax[j];
  *dlmt += g[1];
  *dvmt += g[2];
}

/* --- Kistemaker (RigidTendonHillMuscle) -------------------------------------------- */

/* intermediates of the Kistemaker model, shared by forward and backward */
typedef struct {
  vnum lm_raw, lm, v, s, strain, ln, vn, flpe, flce_raw, flce, a_rel, w, b_rel, dfdv0, fxa, pn,
      pd, p1, p2, p3, nom, den, fv_raw, fv, force;
} Kist;

#define KIST_CONSTANTS                                                                   \
  const embNum f_iso_n_den = (embNum)0.4356, min_flce = (embNum)0.01, q_crit = (embNum)0.3, \
               b_den = (embNum)(5e-3 - 0.3), s_as = (embNum)0.001

static inline void kist_eval(const embModel *m, int j, vnum act, vnum lmt, vnum vmt, Kist *k) {
  KIST_CONSTANTS;
  k->lm_raw = lmt - m->l0_se[j];
  k->lm = vmax(k->lm_raw, vset1(0));
  k->v = vmt;
  k->s = (k->lm - m->l0_pe[j]) / m->l0_ce[j];
  k->strain = vmax(k->s, vset1(0));
  k->ln = k->lm / m->l0_ce[j];
  k->vn = k->v / m->vmax[j];
  k->flpe = m->k_pe[j] * (k->strain * k->strain);
  k->flce_raw = 1 + ((-(k->ln * k->ln) + 2 * k->ln) - 1) / f_iso_n_den;
  k->flce = vmax(k->flce_raw, vset1(min_flce));
  vnum a_long = (embNum)0.41 * k->flce;
  k->a_rel = vsel(k->ln > 1, a_long, vset1((embNum)0.41));
  k->w = 1 - (embNum)0.9 * ((act - q_crit) / b_den);
  vnum b_low = (embNum)5.2 * (k->w * k->w);
  k->b_rel = vsel(act < q_crit, b_low, vset1((embNum)5.2));
  k->dfdv0 = (act * (k->flce + k->a_rel)) / k->b_rel;
  k->fxa = k->flce * act;
  k->pn = k->fxa * (embNum)0.5;
  k->pd = s_as - k->dfdv0 * 2;
  k->p1 = -k->pn / k->pd;
  k->p2 = (k->pn * k->pn) / k->pd;
  k->p3 = (embNum)-1.5 * k->fxa;
  /* shortening (vn < 0) and lengthening branches, both evaluated, then selected */
  vnum nom_s = (k->vn * act) * k->a_rel + k->fxa * k->b_rel;
  vnum den_s = k->b_rel - k->vn;
  vnum nom_l = ((((-k->p1) * k->p3 + (k->p1 * s_as) * k->vn) + k->p2) - k->p3 * k->vn) +
               s_as * (k->vn * k->vn);
  vnum den_l = k->p1 + k->vn;
  vmask sh = k->vn < 0;
  k->nom = vsel(sh, nom_s, nom_l);
  k->den = vsel(sh, den_s, den_l);
  k->fv_raw = k->nom / k->den;
  k->fv = vmax(k->fv_raw, vset1(0));
  k->force = (k->fv + k->flpe) * m->fmax[j];
}

static inline void kist_fwd(const embModel *m, int j, vnum act, vnum lmt, vnum vmt, vnum *o) {
  Kist k;
  kist_eval(m, j, act, lmt, vmt, &k);
  o[0] = act;
  o[1] = k.lm;
  o[2] = k.v;
  o[3] = k.flpe;
  o[4] = k.flce;
  o[5] = k.fv;
  o[6] = k.force;
}

static inline void kist_bwd(const embModel *m, int j, vnum act, vnum lmt, vnum vmt,
                            const vnum *g, vnum *dact, vnum *dlmt, vnum *dvmt) {
  KIST_CONSTANTS;
  Kist k;
  kist_eval(m, j, act, lmt, vmt, &k);
  vnum gact = g[0], glm = g[1], gv = g[2], gflpe = g[3], gflce = g[4], gfv = g[5];
  gfv += g[6] * m->fmax[j];
  gflpe += g[6] * m->fmax[j];
  /* fv = max(nom / den, 0) */
  /* the backward needs no bit-exactness with PyTorch: reciprocals instead of divisions */
  const vnum iden = 1 / k.den, ipd = 1 / k.pd, ibrel = 1 / k.b_rel;
  const embNum il0 = 1 / m->l0_ce[j];
  vnum gr = gfv * vone_if(k.fv_raw >= 0);
  vnum gnom = gr * iden, gden = -gr * k.fv_raw * iden;
  vnum zero = vset1(0), gvn = zero, garel = zero, gbrel = zero, gfxa = zero, gp1 = zero,
       gp2 = zero, gp3 = zero;
  vmask sh = k.vn < 0;
  /* shortening branch */
  gvn = vsel(sh, gvn + (gnom * act * k.a_rel - gden), gvn);
  gact = vsel(sh, gact + gnom * k.vn * k.a_rel, gact);
  garel = vsel(sh, garel + gnom * k.vn * act, garel);
  gfxa = vsel(sh, gfxa + gnom * k.b_rel, gfxa);
  gbrel = vsel(sh, gbrel + (gnom * k.fxa + gden), gbrel);
  /* lengthening branch */
  gp1 = vsel(sh, gp1, gp1 + (gnom * (-k.p3 + s_as * k.vn) + gden));
  gp3 = vsel(sh, gp3, gp3 + gnom * (-k.p1 - k.vn));
  gp2 = vsel(sh, gp2, gp2 + gnom);
  gvn = vsel(sh, gvn, gvn + (gnom * (s_as * k.p1 - k.p3 + 2 * s_as * k.vn) + gden));
  gfxa += (embNum)-1.5 * gp3;
  vnum gpn = (gp2 * 2 * k.pn - gp1) * ipd;
  vnum gpd = -(gp2 * k.p2 + gp1 * k.p1) * ipd;
  vnum gdfdv0 = -2 * gpd;
  gfxa += (embNum)0.5 * gpn;
  gflce += gfxa * act;
  gact += gfxa * k.flce;
  gact += gdfdv0 * (k.flce + k.a_rel) * ibrel;
  gflce += gdfdv0 * act * ibrel;
  garel += gdfdv0 * act * ibrel;
  gbrel += -gdfdv0 * k.dfdv0 * ibrel;
  gact = vsel(act < q_crit, gact + gbrel * (embNum)5.2 * 2 * k.w * ((embNum)-0.9 / b_den), gact);
  gflce = vsel(k.ln > 1, gflce + (embNum)0.41 * garel, gflce);
  /* flce = max(flce_raw, 0.01) */
  vnum gln = gflce * vone_if(k.flce_raw >= min_flce) * (-2 * k.ln + 2) * (1 / f_iso_n_den);
  /* flpe = k_pe strain^2, strain = max(s, 0) */
  vnum gs = gflpe * m->k_pe[j] * 2 * k.strain * vone_if(k.s >= 0);
  glm += (gs + gln) * il0;
  gv += gvn / m->vmax[j];
  *dlmt += glm * vone_if(k.lm_raw >= 0);
  *dvmt += gv;
  *dact += gact;
}

/* --- Thelen (RigidTendonHillMuscleThelen) ------------------------------------------ */

typedef struct {
  vnum lm_raw, lm, v, nom, den, fv_raw, fv, e, flpe_raw, flpe, z, flce, force;
} Thel;

static inline void thelen_eval(const embModel *m, int j, vnum act, vnum lmt, vnum vmt, Thel *t) {
  const embNum af = m->af, vmax_j = m->vmax[j];
  t->lm_raw = lmt - m->l0_se[j];
  t->lm = vmax(t->lm_raw, vset1((embNum)0.001));
  t->v = vmt;
  vnum a3 = 3 * act;
  /* shortening (V <= 0) and lengthening branches, both evaluated, then selected */
  vnum nom_s = af * ((act * m->ce[0][j] + 4 * t->v) + vmax_j);
  vnum den_s = (a3 * m->ce[1][j] + m->ce[1][j]) - 4 * t->v;
  vnum nom_l = (m->ce[2][j] * act + m->ce[3][j] * t->v) + m->ce[4][j];
  vnum den_l = (m->ce[4][j] * a3 + m->ce[5][j] * t->v) + m->ce[4][j];
  vmask sh = t->v <= 0;
  t->nom = vsel(sh, nom_s, nom_l);
  t->den = vsel(sh, den_s, den_l);
  t->fv_raw = t->nom / t->den;
  t->fv = vmax(t->fv_raw, vset1(0));
  t->e = vexp(m->pe_1 * (t->lm - m->l0_pe[j]) / m->l0_ce[j]);
  t->flpe_raw = (t->e - 1) / m->pe_den;
  t->flpe = vmax(t->flpe_raw, vset1(0));
  t->z = t->lm / m->l0_ce[j] - 1;
  t->flce = vexp(-(t->z * t->z) / m->gamma);
  t->force = ((act * t->flce) * t->fv + t->flpe) * m->fmax[j];
}

static inline void thelen_fwd(const embModel *m, int j, vnum act, vnum lmt, vnum vmt, vnum *o) {
  Thel t;
  thelen_eval(m, j, act, lmt, vmt, &t);
  o[0] = act;
  o[1] = t.lm;
  o[2] = t.v;
  o[3] = t.flpe;
  o[4] = t.flce;
  o[5] = t.fv;
  o[6] = t.force;
}

static inline void thelen_bwd(const embModel *m, int j, vnum act, vnum lmt, vnum vmt,
                              const vnum *g, vnum *dact, vnum *dlmt, vnum *dvmt) {
  Thel t;
  thelen_eval(m, j, act, lmt, vmt, &t);
  const embNum F = m->fmax[j];
  vnum gact = g[0], glm = g[1], gv = g[2], gflpe = g[3], gflce = g[4], gfv = g[5];
  gfv += g[6] * F * act * t.flce;
  gflce += g[6] * F * act * t.fv;
  gact += g[6] * F * t.flce * t.fv;
  gflpe += g[6] * F;
  const vnum iden = 1 / t.den;
  const embNum il0 = 1 / m->l0_ce[j];
  vnum gr = gfv * vone_if(t.fv_raw >= 0);
  vnum gnom = gr * iden, gden = -gr * t.fv_raw * iden;
  vmask sh = t.v <= 0;
  gact += vsel(sh, gnom * m->af * m->ce[0][j] + gden * 3 * m->ce[1][j],
               gnom * m->ce[2][j] + gden * 3 * m->ce[4][j]);
  gv += vsel(sh, gnom * m->af * 4 - 4 * gden, gnom * m->ce[3][j] + gden * m->ce[5][j]);
  vnum gp = gflpe * vone_if(t.flpe_raw >= 0);
  glm += (gp * t.e * (m->pe_1 / m->pe_den) + gflce * t.flce * (-2 * t.z / m->gamma)) * il0;
  *dlmt += glm * vone_if(t.lm_raw >= (embNum)0.001);
  *dvmt += gv;
  *dact += gact;
}

/* --- dispatch ---------------------------------------------------------------------- */

static inline void muscle_fwd(const embModel *m, int j, vnum act, vnum lmt, vnum vmt, vnum *out) {
  switch (m->muscle) {
  case EMB_MUSCLE_RELU: relu_fwd(m, j, act, lmt, vmt, out); break;
  case EMB_MUSCLE_KISTEMAKER: kist_fwd(m, j, act, lmt, vmt, out); break;
  case EMB_MUSCLE_THELEN: thelen_fwd(m, j, act, lmt, vmt, out); break;
  }
}

static inline void muscle_bwd(const embModel *m, int j, vnum act, vnum lmt, vnum vmt,
                              const vnum *g, vnum *dact, vnum *dlmt, vnum *dvmt) {
  switch (m->muscle) {
  case EMB_MUSCLE_RELU: relu_bwd(m, j, g, dact, dlmt, dvmt); break;
  case EMB_MUSCLE_KISTEMAKER: kist_bwd(m, j, act, lmt, vmt, g, dact, dlmt, dvmt); break;
  case EMB_MUSCLE_THELEN: thelen_bwd(m, j, act, lmt, vmt, g, dact, dlmt, dvmt); break;
  }
}

#endif
