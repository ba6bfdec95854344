/* gradcheck.c — whole-rollout directional gradient check (see emb_gradcheck.h). */
#include "embody/emb_gradcheck.h"

#include <math.h>
#include <string.h>

#include "embody/emb_rollout.h"

static double rollout_loss(embRollout *r, const embParams *p, embRolloutStats *st) {
  embRolloutStats tmp;
  if (!st) st = &tmp;
  if (emb_rollout_forward(r, p, 0, st)) return NAN;
  return st->loss;
}

int emb_gradcheck(embTaskKind task, embEffectorKind effector, embMuscleKind muscle, uint64_t seed,
                  embGradcheckResult *res) {
  memset(res, 0, sizeof *res);
  json_t *s = json_pack("{s:s, s:s}", "effector", effector == EMB_ARM ? "arm" : "point-mass", "task", emb_task_name(task));
  if (effector == EMB_ARM) json_object_set_new(s, "muscle", json_string(muscle == EMB_MUSCLE_KISTEMAKER ? "kistemaker" : "thelen"));
  embTrainConfig tc;
  int err = emb_config_resolve(&tc, s, "gradcheck");
  json_decref(s);
  if (err) return err;
  tc.seed = (long)seed;
  tc.batch_size = EMB_GRADCHECK_BATCH;
  tc.target_radius_frac = EMB_GRADCHECK_RADIUS_FRAC;
  tc.hidden_sizes[0] = 16; /* small network: a fast check with the same code paths */
  tc.hidden_sizes[1] = 8;
  tc.muscle_weight = 0.1;  /* exercise every loss term */
  embRolloutConfig rc;
  emb_rollout_config_from_train(&rc, &tc);
  embRollout *r = NULL;
  if ((err = emb_rollout_create(&r, &rc))) return err;
  embNetSizes sz = emb_rollout_net_sizes(r);
  embParams p = {0}, g = {0}, q = {0}, dir = {0};
  if ((err = emb_params_alloc(&p, sz)) || (err = emb_params_alloc(&g, sz)) || (err = emb_params_alloc(&q, sz)) ||
      (err = emb_params_alloc(&dir, sz)))
    goto out;
  emb_params_init(&p, seed, 0.5); /* a non-zero theta0 so its gradient path is exercised */
  /* random unit direction */
  embRngKey k = emb_rng_key(seed, EMB_RNG_USER0, 0);
  double norm2 = 0;
  for (size_t i = 0; i < dir.n; i++) {
    dir.data[i] = (embNum)emb_rng_normal(&k, 0, 0, i);
    norm2 += (double)dir.data[i] * dir.data[i];
  }
  for (size_t i = 0; i < dir.n; i++) dir.data[i] = (embNum)(dir.data[i] / sqrt(norm2));

  embRolloutStats st;
  res->loss = rollout_loss(r, &p, &st);
  res->jumps = st.jumps;
  res->limit_contacts = st.limit_contacts;
  emb_params_zero(&g);
  emb_rollout_backward(r, &p, &g);
  double a = 0;
  for (size_t i = 0; i < g.n; i++) a += (double)g.data[i] * dir.data[i];
  const double e = EMB_GRADCHECK_EPS;
  emb_params_copy(&q, &p);
  emb_params_axpy(&q, e, &dir);
  double lp = rollout_loss(r, &q, NULL);
  emb_params_copy(&q, &p);
  emb_params_axpy(&q, -e, &dir);
  double lm = rollout_loss(r, &q, NULL);
  res->analytic = a;
  res->numeric = (lp - lm) / (2 * e);
  double scale = fmax(fabs(res->analytic), fabs(res->numeric));
  res->rel_err = scale > 0 ? fabs(res->analytic - res->numeric) / scale : 0;
  /* asymmetry: how far the loss is from locally linear (a kink inside +-eps shows here) */
  res->asymmetry = fabs((lp - res->loss) - (res->loss - lm)) / fmax(fabs(lp - lm), 1e-300);
  int needs_jumps = task == EMB_COBJGR || task == EMB_COBFGR || task == EMB_JTR;
  res->events_ok = (!needs_jumps || res->jumps > 0) && res->limit_contacts > 0;
out:
  emb_params_free(&p);
  emb_params_free(&g);
  emb_params_free(&q);
  emb_params_free(&dir);
  emb_rollout_free(r);
  return err;
}
