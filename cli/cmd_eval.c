/* cmd_eval.c — `embody eval`: run a trained model on fresh episodes, report its
 * performance and export per-step trajectories (CSV) for plotting and analysis. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "commands.h"
#include "embody/emb_fs.h"
#include "embody/emb_json.h"
#include "embody/emb_nn_io.h"
#include "embody/emb_rollout.h"
#include "embody/emb_run.h"
#include "embody/emb_train.h"

/* [chosen] evaluation episodes are keyed by this epoch number, beyond any training epoch */
#define EMB_EVAL_EPOCH 0x7fffffffu
#define EMB_EVAL_DEFAULT_EPISODES 16

static void usage(FILE *out) {
  fprintf(out,
          "usage: embody eval RUN [--episodes N] [--deterministic] [--task T] [--seed S] [--out DIR]\n\n"
          "Runs the trained model of RUN (final.ckpt, else the latest checkpoint) on N fresh episodes\n"
          "(default %d) of its task, or of another task with the same observation size, and writes\n"
          "DIR/eval.json (performance) and DIR/trajectories.csv (one row per episode and step:\n"
          "fingertip, rewarded and visual goal, joint state, actions, muscle activations, hidden-state\n"
          "norm, reward). DIR defaults to RUN/eval. --deterministic turns the four noise sources off.\n",
          EMB_EVAL_DEFAULT_EPISODES);
}

static int write_trajectories(const char *path, const embRollout *r, int B, int T) {
  FILE *f = fopen(path, "w");
  if (!f) return emb_error(EMB_EIO, "cannot write %s: %s", path, strerror(errno));
  const embModel *m = emb_rollout_model(r);
  const int NS = emb_state_size(m), M = m->M, H1 = emb_rollout_net_sizes(r).H1;
  fprintf(f, "episode,step,time,fingertip_x,fingertip_y,goal_x,goal_y,visual_goal_x,visual_goal_y,q0,q1,dq0,dq1");
  for (int j = 0; j < M; j++) fprintf(f, ",action_%s", m->muscle_names[j]);
  for (int j = 0; j < M; j++) fprintf(f, ",activation_%s", m->muscle_names[j]);
  fprintf(f, ",hidden_norm,reward\n");
  const embNum *S = emb_rollout_states(r), *A = emb_rollout_actions(r), *H = emb_rollout_hidden(r);
  const embNum *G = emb_rollout_goals(r), *V = emb_rollout_visual_goals(r), *R = emb_rollout_rewards(r);
  for (int b = 0; b < B; b++)
    for (int t = 0; t <= T; t++) {
      const embNum *s = S + ((size_t)t * B + b) * NS;
      const size_t gi = ((size_t)t * B + b) * 2;
      fprintf(f, "%d,%d,%.2f,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g", b, t, 0.01 * t, (double)s[EMB_OFF_CART],
              (double)s[EMB_OFF_CART + 1], (double)G[gi], (double)G[gi + 1], (double)V[gi], (double)V[gi + 1],
              (double)s[0], (double)s[1], (double)s[2], (double)s[3]);
      for (int j = 0; j < M; j++)
        fprintf(f, t ? ",%.9g" : ",nan", t ? (double)A[((size_t)(t - 1) * B + b) * M + j] : 0.0);
      for (int j = 0; j < M; j++) fprintf(f, ",%.9g", (double)s[EMB_OFF_MUSCLE + EMB_CH_ACT * M + j]);
      double n2 = 0;
      const embNum *h = H + ((size_t)t * B + b) * H1;
      for (int i = 0; i < H1; i++) n2 += (double)h[i] * h[i];
      fprintf(f, ",%.9g", sqrt(n2));
      if (t) fprintf(f, ",%.9g\n", (double)R[(size_t)(t - 1) * B + b]);
      else fprintf(f, ",nan\n");
    }
  if (fclose(f)) return emb_error(EMB_EIO, "cannot write %s", path);
  return EMB_OK;
}

int cmd_eval(int argc, char **argv) {
  const char *run = NULL, *out = NULL, *task_name = NULL;
  long episodes = EMB_EVAL_DEFAULT_EPISODES, seed = -1;
  int deterministic = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return EMB_EXIT_OK;
    } else if (!strcmp(a, "--deterministic")) {
      deterministic = 1;
    } else if (!strcmp(a, "--episodes") || !strcmp(a, "--seed") || !strcmp(a, "--out") || !strcmp(a, "--task")) {
      if (!(v = arg_value("eval", argc, argv, &i))) return EMB_EXIT_USAGE;
      if (!strcmp(a, "--out")) out = v;
      else if (!strcmp(a, "--task")) task_name = v;
      else if (arg_long("eval", a, v, !strcmp(a, "--seed") ? &seed : &episodes)) return EMB_EXIT_USAGE;
    } else if (a[0] == '-') {
      fprintf(stderr, "embody eval: unknown option '%s' (see embody eval --help)\n", a);
      return EMB_EXIT_USAGE;
    } else if (!run) {
      run = a;
    } else {
      fprintf(stderr, "embody eval: one run directory only\n");
      return EMB_EXIT_USAGE;
    }
  }
  if (!run) {
    usage(stderr);
    return EMB_EXIT_USAGE;
  }
  if (episodes < 1 || episodes > 100000) {
    fprintf(stderr, "embody eval: --episodes must be in 1..100000, got %ld\n", episodes);
    return EMB_EXIT_USAGE;
  }
  char ckpt[4200], outdir[4200];
  struct stat st;
  snprintf(ckpt, sizeof ckpt, "%s/final.ckpt", run);
  if (stat(ckpt, &st)) {
    snprintf(ckpt, sizeof ckpt, "%s/checkpoint.ckpt", run);
    if (stat(ckpt, &st)) {
      fprintf(stderr, "embody eval: %s has no model (no final.ckpt or checkpoint.ckpt); train it first\n", run);
      return EMB_EXIT_USAGE;
    }
    fprintf(stderr, "embody eval: %s is not finished; evaluating its latest checkpoint\n", run);
  }
  embTrainConfig cfg;
  if (emb_checkpoint_config(ckpt, &cfg)) return EMB_EXIT_USAGE;
  if (task_name) {
    int t = emb_task_parse(task_name);
    if (t < 0) {
      fprintf(stderr, "embody eval: unknown task '%s'\n", task_name);
      return EMB_EXIT_USAGE;
    }
    cfg.task = (embTaskKind)t;
  }
  if (seed >= 0) cfg.seed = seed;
  cfg.batch_size = episodes;
  embRolloutConfig rc;
  emb_rollout_config_from_train(&rc, &cfg);
  rc.deterministic = deterministic;
  embRollout *r = NULL;
  if (emb_rollout_create(&r, &rc)) return EMB_EXIT_FAIL;
  int status = EMB_EXIT_FAIL;
  embParams p = {0};
  embTensorFile tf = {0};
  if (emb_params_alloc(&p, emb_rollout_net_sizes(r)) || emb_tf_read(ckpt, &tf)) goto done;
  if (emb_params_load(&p, &tf, "param.", ckpt)) {
    fprintf(stderr, "embody eval: the model does not fit task %s (observation size %d); choose a task with the "
                    "same observation size as the one it was trained on\n",
            emb_task_name(cfg.task), emb_rollout_obs_size(r));
    status = EMB_EXIT_USAGE;
    goto done;
  }
  embRolloutStats s;
  if (emb_rollout_forward(r, &p, EMB_EVAL_EPOCH, &s)) goto done;
  snprintf(outdir, sizeof outdir, "%s", out ? out : run);
  if (!out) strncat(outdir, "/eval", sizeof outdir - strlen(outdir) - 1);
  if (mkdir(outdir, 0755) && errno != EEXIST) {
    fprintf(stderr, "embody eval: cannot create %s: %s\n", outdir, strerror(errno));
    goto done;
  }
  char path[4300];
  snprintf(path, sizeof path, "%s/trajectories.csv", outdir);
  if (write_trajectories(path, r, (int)episodes, EMB_EPISODE_STEPS)) goto done;
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:I, s:I, s:I}", "run", run, "checkpoint", ckpt,
                        "effector", emb_effector_name(cfg.effector), "task", emb_task_name(cfg.task), "profile",
                        emb_profile_name(cfg.profile), "episodes", (json_int_t)episodes, "deterministic", deterministic,
                        "seed", (json_int_t)cfg.seed, "goal_events", (json_int_t)s.jumps, "limit_contacts",
                        (json_int_t)s.limit_contacts);
  json_object_set_new(j, "performance", emb_json_number(s.tar_frac));
  json_object_set_new(j, "loss", emb_json_number(s.loss));
  json_object_set_new(j, "actor_loss", emb_json_number(s.actor_loss));
  json_object_set_new(j, "hidden_loss", emb_json_number(s.hidden_loss));
  json_object_set_new(j, "hidden_deriv_loss", emb_json_number(s.hidden_deriv_loss));
  json_object_set_new(j, "muscle_loss", emb_json_number(s.muscle_loss));
  if (!isfinite(s.loss))
    fprintf(stderr, "embody eval: warning: the loss of this model is not finite (a diverged run?)\n");
  if (cfg.task == EMB_JTR) {
    json_object_set_new(j, "mean_goals_reached", emb_json_number(s.mean_goals_reached));
    json_object_set_new(j, "mean_goals_shown", emb_json_number(s.mean_goals_shown));
  }
  snprintf(path, sizeof path, "%s/eval.json", outdir);
  int err = emb_write_json_atomic(path, j, JSON_INDENT(2));
  json_decref(j);
  if (err) goto done;
  printf("%s %s on %s: performance %.4f over %ld episodes%s (loss %.4g); wrote %s/eval.json and trajectories.csv\n",
         emb_effector_name(cfg.effector), run, emb_task_name(cfg.task), s.tar_frac, episodes,
         deterministic ? ", deterministic" : "", s.loss, outdir);
  status = EMB_EXIT_OK;
done:
  emb_tf_free(&tf);
  emb_params_free(&p);
  emb_rollout_free(r);
  return status;
}
