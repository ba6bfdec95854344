/* cmd_sim.c — `embody sim`: simulate an effector from a joint state under an action
 * sequence and write its trajectory in the column layout of MotorNet's reference files
 * (docs/effectors.md). Row 0 is the reset state, row k the state after step k. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "embody/emb_effector.h"
#include "sim/csv_table.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: embody sim --effector point-mass|arm [--muscle thelen|kistemaker]\n"
          "                  --init A,B,C,D --actions FILE.csv --out TRAJ.csv\n"
          "                  [--force-field FX,FY]\n\n"
          "Simulates MotorNet's ReluPointMass24 or RigidTendonArm26 (Euler, dt = 0.01 s).\n"
          "  --effector     point-mass (4 ReLU muscles) or arm (6 Hill muscles)\n"
          "  --muscle       arm muscle model: thelen (default) or kistemaker\n"
          "  --init         joint state: x,y,vx,vy (point mass, m and m/s) or\n"
          "                 q0,q1,dq0,dq1 (arm, rad and rad/s), inside the joint bounds\n"
          "  --actions      CSV with a header row and one column per muscle (point mass:\n"
          "                 upperright,upperleft,lowerright,lowerleft; arm: pectoralis,\n"
          "                 deltoid,brachioradialis,tricepslat,biceps,tricepslong), one row\n"
          "                 per step; raw excitations (clamped to [min activation, 1])\n"
          "  --out          trajectory CSV: step,time,action_*,q0..dq1,cart_*,mus_*,geo_*\n"
          "  --force-field  constant endpoint force in N (default 0,0)\n");
}

int cmd_sim(int argc, char **argv) {
  const char *C = "sim", *eff = NULL, *muscle = NULL, *actions = NULL, *out = NULL;
  double init[4], ff[2] = {0, 0};
  int have_init = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return EMB_EXIT_OK;
    }
    if (!strcmp(a, "--effector") || !strcmp(a, "--muscle") || !strcmp(a, "--init") ||
        !strcmp(a, "--actions") || !strcmp(a, "--out") || !strcmp(a, "--force-field")) {
      if (!(v = arg_value(C, argc, argv, &i))) return EMB_EXIT_USAGE;
    } else {
      fprintf(stderr, "embody sim: unknown option '%s' (see embody sim --help)\n", a);
      return EMB_EXIT_USAGE;
    }
    if (!strcmp(a, "--effector")) eff = v;
    else if (!strcmp(a, "--muscle")) muscle = v;
    else if (!strcmp(a, "--actions")) actions = v;
    else if (!strcmp(a, "--out")) out = v;
    else if (!strcmp(a, "--init")) {
      if (arg_double_list(C, a, v, init, 4)) return EMB_EXIT_USAGE;
      have_init = 1;
    } else if (arg_double_list(C, a, v, ff, 2)) {
      return EMB_EXIT_USAGE;
    }
  }
  if (!eff || !have_init || !actions || !out) {
    fprintf(stderr, "embody sim: missing %s (see embody sim --help)\n",
            !eff ? "--effector" : !have_init ? "--init" : !actions ? "--actions" : "--out");
    return EMB_EXIT_USAGE;
  }
  embModel m;
  if (!strcmp(eff, "point-mass")) {
    if (muscle && strcmp(muscle, "relu")) {
      fprintf(stderr, "embody sim: the point mass has ReLU muscles only; --muscle '%s' "
                      "applies to the arm\n", muscle);
      return EMB_EXIT_USAGE;
    }
    emb_model_init(&m, EMB_POINT_MASS, EMB_MUSCLE_RELU);
  } else if (!strcmp(eff, "arm")) {
    embMuscleKind mk;
    if (!muscle || !strcmp(muscle, "thelen")) mk = EMB_MUSCLE_THELEN;
    else if (!strcmp(muscle, "kistemaker")) mk = EMB_MUSCLE_KISTEMAKER;
    else {
      fprintf(stderr, "embody sim: --muscle expects thelen or kistemaker, got '%s'\n", muscle);
      return EMB_EXIT_USAGE;
    }
    emb_model_init(&m, EMB_ARM, mk);
  } else {
    fprintf(stderr, "embody sim: --effector expects point-mass or arm, got '%s'\n", eff);
    return EMB_EXIT_USAGE;
  }
  for (int k = 0; k < 4; k++)
    if (!isfinite(init[k])) {
      fprintf(stderr, "embody sim: --init value %d is not finite\n", k + 1);
      return EMB_EXIT_USAGE;
    }
  const int M = m.M, NS = emb_state_size(&m);
  embNum *s = malloc(sizeof(embNum) * (size_t)NS);
  embNum joint[4] = {(embNum)init[0], (embNum)init[1], (embNum)init[2], (embNum)init[3]};
  if (!s) {
    fprintf(stderr, "embody sim: out of memory\n");
    return EMB_EXIT_FAIL;
  }
  if (emb_reset(&m, s, joint, 1) != EMB_OK) { /* the library's message names the bound */
    fprintf(stderr, "embody sim: --init %g,%g,%g,%g is outside the %s's joint bounds\n",
            init[0], init[1], init[2], init[3], eff);
    free(s);
    return EMB_EXIT_USAGE;
  }
  embCsvTable t;
  if (emb_csv_read(actions, &t) != EMB_OK) { /* message printed, with file and line */
    free(s);
    return EMB_EXIT_USAGE;
  }
  int rc = EMB_EXIT_USAGE;
  FILE *f = NULL;
  if (t.ncols != M) {
    fprintf(stderr, "embody sim: %s: %d columns, but the %s has %d muscles (one column each, "
                    "in the order %s,...)\n", actions, t.ncols, eff, M, m.muscle_names[0]);
    goto done;
  }
  for (int r = 0; r < t.nrows; r++)
    for (int j = 0; j < M; j++)
      if (!isfinite(t.data[(size_t)r * M + j])) {
        fprintf(stderr, "embody sim: %s:%d: action %s is not a finite number\n", actions,
                t.line[r], t.names[j]);
        goto done;
      }
  if (!(f = fopen(out, "w"))) {
    fprintf(stderr, "embody sim: cannot write '%s'\n", out);
    rc = EMB_EXIT_FAIL;
    goto done;
  }
  const embNum load[2] = {(embNum)ff[0], (embNum)ff[1]};
  const int use_load = ff[0] != 0 || ff[1] != 0;
  emb_traj_write_header(f, &m);
  emb_traj_write_row(f, &m, 0, s, NULL);
  for (int r = 0; r < t.nrows; r++) {
    embNum u[EMB_MAX_MUSCLES];
    for (int j = 0; j < M; j++) u[j] = (embNum)t.data[(size_t)r * M + j];
    emb_step(&m, s, s, u, use_load ? load : NULL, 1);
    emb_traj_write_row(f, &m, r + 1, s, u);
  }
  rc = EMB_EXIT_OK;
  if (fclose(f)) {
    fprintf(stderr, "embody sim: error writing '%s'\n", out);
    rc = EMB_EXIT_FAIL;
  }
  f = NULL;
done:
  if (f) fclose(f);
  free(s);
  emb_csv_free(&t);
  return rc;
}
