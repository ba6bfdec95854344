/* muscle.c — the three muscle models of MotorNet with their backward passes
 * (spec effectors.md §4): ReluMuscle (point mass), RigidTendonHillMuscle (Kistemaker,
 * Wong & Gribble 2010) and RigidTendonHillMuscleThelen (Thelen 2003).
 *
 * Inputs: the NEW activation and the OLD geometry's musculotendon length and velocity
 * (spec §2.4). Output channels: ReLU [act, len, vel, force]; Hill models
 * [act, len, vel, flpe, flce, fvce, force]. Operation order follows MotorNet so the
 * float build rounds like its float32 run. Branch selections (`where`) pass the gradient
 * through the selected branch only; max(x, c) floors pass it on the closed side. */
#include "sim/sim_internal.h"

/* --- ReLU: force = act * Fmax ------------------------------------------------------ */

static void relu_fwd(const embModel *m, int j, embNum act, embNum lmt, embNum vmt, embNum *o) {
  o[0] = act;
  o[1] = lmt;
  o[2] = vmt;
  o[3] = act * m->fmax[j];
}

static void relu_bwd(const embModel *m, int j, const embNum *g, embNum *dact, embNum *dlmt,
                     embNum *dvmt) {
  *dact += g[0] + g[3] * m->fmax[j];
  *dlmt += g[1];
  *dvmt += g[2];
}

/* --- Kistemaker (RigidTendonHillMuscle) -------------------------------------------- */

/* intermediates of the Kistemaker model, shared by forward and backward */
typedef struct {
  embNum lm_raw, lm, v, s, strain, ln, vn, flpe, flce_raw, flce, a_rel, w, b_rel, dfdv0, fxa,
      pn, pd, p1, p2, p3, nom, den, fv_raw, fv, force;
} Kist;

static void kist_eval(const embModel *m, int j, embNum act, embNum lmt, embNum vmt, Kist *k) {
  const embNum f_iso_n_den = (embNum)0.4356, min_flce = (embNum)0.01, q_crit = (embNum)0.3,
               b_den = (embNum)(5e-3 - 0.3), s_as = (embNum)0.001;
  k->lm_raw = lmt - m->l0_se[j];
  k->lm = EMB_MAX(k->lm_raw, (embNum)0);
  k->v = vmt;
  k->s = (k->lm - m->l0_pe[j]) / m->l0_ce[j];
  k->strain = EMB_MAX(k->s, (embNum)0);
  k->ln = k->lm / m->l0_ce[j];
  k->vn = k->v / m->vmax[j];
  k->flpe = m->k_pe[j] * (k->strain * k->strain);
  k->flce_raw = 1 + ((-(k->ln * k->ln) + 2 * k->ln) - 1) / f_iso_n_den;
  k->flce = EMB_MAX(k->flce_raw, min_flce);
  embNum a_long = (embNum)0.41 * k->flce;
  k->a_rel = k->ln > 1 ? a_long : (embNum)0.41;
  k->w = 1 - (embNum)0.9 * ((act - q_crit) / b_den);
  embNum b_low = (embNum)5.2 * (k->w * k->w);
  k->b_rel = act < q_crit ? b_low : (embNum)5.2;
  k->dfdv0 = (act * (k->flce + k->a_rel)) / k->b_rel;
  k->fxa = k->flce * act;
  k->pn = k->fxa * (embNum)0.5;
  k->pd = s_as - k->dfdv0 * 2;
  k->p1 = -k->pn / k->pd;
  k->p2 = (k->pn * k->pn) / k->pd;
  k->p3 = (embNum)-1.5 * k->fxa;
  /* shortening (vn < 0) and lengthening branches, both evaluated, then selected */
  embNum nom_s = (k->vn * act) * k->a_rel + k->fxa * k->b_rel;
  embNum den_s = k->b_rel - k->vn;
  embNum nom_l = ((((-k->p1) * k->p3 + (k->p1 * s_as) * k->vn) + k->p2) - k->p3 * k->vn) +
                 s_as * (k->vn * k->vn);
  embNum den_l = k->p1 + k->vn;
  k->nom = k->vn < 0 ? nom_s : nom_l;
  k->den = k->vn < 0 ? den_s : den_l;
  k->fv_raw = k->nom / k->den;
  k->fv = EMB_MAX(k->fv_raw, (embNum)0);
  k->force = (k->fv + k->flpe) * m->fmax[j];
}

static void kist_fwd(const embModel *m, int j, embNum act, embNum lmt, embNum vmt, embNum *o) {
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

static void kist_bwd(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                     const embNum *g, embNum *dact, embNum *dlmt, embNum *dvmt) {
  const embNum f_iso_n_den = (embNum)0.4356, min_flce = (embNum)0.01, q_crit = (embNum)0.3,
               b_den = (embNum)(5e-3 - 0.3), s_as = (embNum)0.001;
  Kist k;
  kist_eval(m, j, act, lmt, vmt, &k);
  embNum gact = g[0], glm = g[1], gv = g[2], gflpe = g[3], gflce = g[4], gfv = g[5];
  gfv += g[6] * m->fmax[j];
  gflpe += g[6] * m->fmax[j];
  /* fv = max(nom / den, 0) */
  /* the backward needs no bit-exactness with PyTorch: reciprocals instead of divisions */
  const embNum iden = 1 / k.den, ipd = 1 / k.pd, ibrel = 1 / k.b_rel, il0 = 1 / m->l0_ce[j];
  embNum gr = gfv * (k.fv_raw >= 0 ? (embNum)1 : (embNum)0);
  embNum gnom = gr * iden, gden = -gr * k.fv_raw * iden;
  embNum gvn = 0, garel = 0, gbrel = 0, gfxa = 0, gp1 = 0, gp2 = 0, gp3 = 0;
  if (k.vn < 0) {
    gvn += gnom * act * k.a_rel - gden;
    gact += gnom * k.vn * k.a_rel;
    garel += gnom * k.vn * act;
    gfxa += gnom * k.b_rel;
    gbrel += gnom * k.fxa + gden;
  } else {
    gp1 += gnom * (-k.p3 + s_as * k.vn) + gden;
    gp3 += gnom * (-k.p1 - k.vn);
    gp2 += gnom;
    gvn += gnom * (s_as * k.p1 - k.p3 + 2 * s_as * k.vn) + gden;
  }
  gfxa += (embNum)-1.5 * gp3;
  embNum gpn = (gp2 * 2 * k.pn - gp1) * ipd;
  embNum gpd = -(gp2 * k.p2 + gp1 * k.p1) * ipd;
  embNum gdfdv0 = -2 * gpd;
  gfxa += (embNum)0.5 * gpn;
  gflce += gfxa * act;
  gact += gfxa * k.flce;
  gact += gdfdv0 * (k.flce + k.a_rel) * ibrel;
  gflce += gdfdv0 * act * ibrel;
  garel += gdfdv0 * act * ibrel;
  gbrel += -gdfdv0 * k.dfdv0 * ibrel;
  if (act < q_crit) gact += gbrel * (embNum)5.2 * 2 * k.w * ((embNum)-0.9 / b_den);
  if (k.ln > 1) gflce += (embNum)0.41 * garel;
  /* flce = max(flce_raw, 0.01) */
  embNum gln = gflce * (k.flce_raw >= min_flce ? (embNum)1 : (embNum)0) *
               (-2 * k.ln + 2) * (1 / f_iso_n_den);
  /* flpe = k_pe strain^2, strain = max(s, 0) */
  embNum gs = gflpe * m->k_pe[j] * 2 * k.strain * (k.s >= 0 ? (embNum)1 : (embNum)0);
  glm += (gs + gln) * il0;
  gv += gvn / m->vmax[j];
  *dlmt += glm * (k.lm_raw >= 0 ? (embNum)1 : (embNum)0);
  *dvmt += gv;
  *dact += gact;
}

/* --- Thelen (RigidTendonHillMuscleThelen) ------------------------------------------ */

typedef struct {
  embNum lm_raw, lm, v, nom, den, fv_raw, fv, e, flpe_raw, flpe, z, flce, force;
} Thel;

static void thelen_eval(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                        Thel *t) {
  const embNum af = m->af, vmax = m->vmax[j];
  t->lm_raw = lmt - m->l0_se[j];
  t->lm = EMB_MAX(t->lm_raw, (embNum)0.001);
  t->v = vmt;
  embNum a3 = 3 * act;
  /* shortening (V <= 0) and lengthening branches, both evaluated, then selected */
  embNum nom_s = af * ((act * m->ce[0][j] + 4 * t->v) + vmax);
  embNum den_s = (a3 * m->ce[1][j] + m->ce[1][j]) - 4 * t->v;
  embNum nom_l = (m->ce[2][j] * act + m->ce[3][j] * t->v) + m->ce[4][j];
  embNum den_l = (m->ce[4][j] * a3 + m->ce[5][j] * t->v) + m->ce[4][j];
  t->nom = t->v <= 0 ? nom_s : nom_l;
  t->den = t->v <= 0 ? den_s : den_l;
  t->fv_raw = t->nom / t->den;
  t->fv = EMB_MAX(t->fv_raw, (embNum)0);
  t->e = emb_exp(m->pe_1 * (t->lm - m->l0_pe[j]) / m->l0_ce[j]);
  t->flpe_raw = (t->e - 1) / m->pe_den;
  t->flpe = EMB_MAX(t->flpe_raw, (embNum)0);
  t->z = t->lm / m->l0_ce[j] - 1;
  t->flce = emb_exp(-(t->z * t->z) / m->gamma);
  t->force = ((act * t->flce) * t->fv + t->flpe) * m->fmax[j];
}

static void thelen_fwd(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                       embNum *o) {
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

static void thelen_bwd(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                       const embNum *g, embNum *dact, embNum *dlmt, embNum *dvmt) {
  Thel t;
  thelen_eval(m, j, act, lmt, vmt, &t);
  const embNum F = m->fmax[j];
  embNum gact = g[0], glm = g[1], gv = g[2], gflpe = g[3], gflce = g[4], gfv = g[5];
  gfv += g[6] * F * act * t.flce;
  gflce += g[6] * F * act * t.fv;
  gact += g[6] * F * t.flce * t.fv;
  gflpe += g[6] * F;
  const embNum iden = 1 / t.den, il0 = 1 / m->l0_ce[j];
  embNum gr = gfv * (t.fv_raw >= 0 ? (embNum)1 : (embNum)0);
  embNum gnom = gr * iden, gden = -gr * t.fv_raw * iden;
  if (t.v <= 0) {
    gact += gnom * m->af * m->ce[0][j] + gden * 3 * m->ce[1][j];
    gv += gnom * m->af * 4 - 4 * gden;
  } else {
    gact += gnom * m->ce[2][j] + gden * 3 * m->ce[4][j];
    gv += gnom * m->ce[3][j] + gden * m->ce[5][j];
  }
  embNum gp = gflpe * (t.flpe_raw >= 0 ? (embNum)1 : (embNum)0);
  glm += (gp * t.e * (m->pe_1 / m->pe_den) + gflce * t.flce * (-2 * t.z / m->gamma)) * il0;
  *dlmt += glm * (t.lm_raw >= (embNum)0.001 ? (embNum)1 : (embNum)0);
  *dvmt += gv;
  *dact += gact;
}

/* --- dispatch ---------------------------------------------------------------------- */

void sim_muscle(const embModel *m, int j, embNum act, embNum lmt, embNum vmt, embNum *out) {
  switch (m->muscle) {
  case EMB_MUSCLE_RELU: relu_fwd(m, j, act, lmt, vmt, out); break;
  case EMB_MUSCLE_KISTEMAKER: kist_fwd(m, j, act, lmt, vmt, out); break;
  case EMB_MUSCLE_THELEN: thelen_fwd(m, j, act, lmt, vmt, out); break;
  }
}

void sim_muscle_backward(const embModel *m, int j, embNum act, embNum lmt, embNum vmt,
                         const embNum *g, embNum *dact, embNum *dlmt, embNum *dvmt) {
  switch (m->muscle) {
  case EMB_MUSCLE_RELU: relu_bwd(m, j, g, dact, dlmt, dvmt); break;
  case EMB_MUSCLE_KISTEMAKER: kist_bwd(m, j, act, lmt, vmt, g, dact, dlmt, dvmt); break;
  case EMB_MUSCLE_THELEN: thelen_bwd(m, j, act, lmt, vmt, g, dact, dlmt, dvmt); break;
  }
}
