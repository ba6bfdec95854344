/* emb_gradcheck.h — the whole-rollout gradient check (style.md 8(ii), kann's
 * kad_check_grad): the analytic directional derivative g·δ of the full training loss
 * along a random parameter direction δ against the central difference
 * (L(θ+εδ) − L(θ−εδ)) / 2ε, over full 100-step rollouts with every noise source on
 * (the draws are fixed: counter-based). Meaningful in the double build. */
#ifndef EMB_GRADCHECK_H
#define EMB_GRADCHECK_H

#include "emb_config.h"

/* [chosen] settings that make the discrete events happen in a short check */
#define EMB_GRADCHECK_BATCH 8
#define EMB_GRADCHECK_RADIUS_FRAC 0.25 /* large targets: hits, jumps, switches occur */
#define EMB_GRADCHECK_EPS 1e-6
#define EMB_GRADCHECK_TOLERANCE 1e-5

typedef struct {
  double analytic, numeric, rel_err, asymmetry;
  long jumps;           /* COBJGR jumps / COBFGR switches / JTR hits in the checked rollout */
  long limit_contacts;  /* row-steps with a joint on a position bound */
  double loss;
  int events_ok;        /* 1 when the rollout contained the events its task needs */
} embGradcheckResult;

/* Run the check for one task and effector (muscle: arm only). */
int emb_gradcheck(embTaskKind task, embEffectorKind effector, embMuscleKind muscle, uint64_t seed,
                  embGradcheckResult *res);

#endif
