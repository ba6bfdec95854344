/* cmd_gradcheck.c — `embody gradcheck`: the whole-rollout gradient check, run in the
 * double-precision build (the float program re-executes its sibling `embody-f64`). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "embody/emb_gradcheck.h"

#ifdef EMB_USE_DOUBLE
static void usage(FILE *out) {
  fprintf(out,
          "usage: embody gradcheck --effector point-mass|arm --task T [--muscle thelen|kistemaker] [--seed S]\n\n"
          "Compares the analytic directional derivative of the full training loss (100 steps, batch %d,\n"
          "all noise on, target radius fraction %g so that goal jumps/switches/hits occur) with a\n"
          "central difference (eps %g), in double precision. Prints `relative error <value>` and the\n"
          "event counts; exits 1 above the tolerance %g or when the rollout had no events for its task.\n",
          EMB_GRADCHECK_BATCH, EMB_GRADCHECK_RADIUS_FRAC, EMB_GRADCHECK_EPS, EMB_GRADCHECK_TOLERANCE);
}
#endif

int cmd_gradcheck(int argc, char **argv) {
#ifndef EMB_USE_DOUBLE
  /* the check needs the double build: run embody-f64 from the same directory */
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = 0;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/embody-f64", dirname(self));
    char *args[64];
    int k = 0;
    args[k++] = path;
    args[k++] = "gradcheck";
    for (int i = 1; i < argc && k < 63; i++) args[k++] = argv[i];
    args[k] = NULL;
    execv(path, args);
    fprintf(stderr, "embody gradcheck: cannot run the double-precision build %s: %s\n", path, strerror(errno));
  }
  return EMB_EXIT_FAIL;
#else
  const char *eff = NULL, *task = NULL, *muscle = "thelen";
  long seed = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return EMB_EXIT_OK;
    }
    if (!(v = arg_value("gradcheck", argc, argv, &i))) return EMB_EXIT_USAGE;
    if (!strcmp(a, "--effector")) eff = v;
    else if (!strcmp(a, "--task")) task = v;
    else if (!strcmp(a, "--muscle")) muscle = v;
    else if (!strcmp(a, "--seed")) {
      if (arg_long("gradcheck", a, v, &seed) || seed < 0) return EMB_EXIT_USAGE;
    } else {
      fprintf(stderr, "embody gradcheck: unknown option '%s'\n", a);
      return EMB_EXIT_USAGE;
    }
  }
  int t = emb_task_parse(task);
  if (!eff || (strcmp(eff, "arm") && strcmp(eff, "point-mass")) || t < 0) {
    fprintf(stderr, "embody gradcheck: give --effector point-mass|arm and --task RTR|COR|COBJGR|COBFGR|DCOR|JTR\n");
    return EMB_EXIT_USAGE;
  }
  if (strcmp(muscle, "thelen") && strcmp(muscle, "kistemaker")) {
    fprintf(stderr, "embody gradcheck: --muscle must be thelen or kistemaker\n");
    return EMB_EXIT_USAGE;
  }
  embEffectorKind e = !strcmp(eff, "arm") ? EMB_ARM : EMB_POINT_MASS;
  embMuscleKind m = e == EMB_POINT_MASS ? EMB_MUSCLE_RELU : !strcmp(muscle, "kistemaker") ? EMB_MUSCLE_KISTEMAKER : EMB_MUSCLE_THELEN;
  embGradcheckResult r;
  if (emb_gradcheck((embTaskKind)t, e, m, (uint64_t)seed, &r)) return EMB_EXIT_FAIL;
  printf("task %s, effector %s, seed %ld, batch %d, 100 steps, all noise on\n", emb_task_name((embTaskKind)t), eff, seed,
         EMB_GRADCHECK_BATCH);
  printf("analytic %.12g\nnumeric  %.12g\nrelative error %.3e\n", r.analytic, r.numeric, r.rel_err);
  printf("events: goal jumps/switches/hits %ld, limit contacts %ld\n", r.jumps, r.limit_contacts);
  if (!r.events_ok) {
    printf("FAIL: the rollout had no events for this task; the check is not meaningful\n");
    return EMB_EXIT_FAIL;
  }
  if (!(r.rel_err <= EMB_GRADCHECK_TOLERANCE)) {
    printf("FAIL: relative error above %g\n", EMB_GRADCHECK_TOLERANCE);
    return EMB_EXIT_FAIL;
  }
  printf("OK (tolerance %g)\n", EMB_GRADCHECK_TOLERANCE);
  return EMB_EXIT_OK;
#endif
}
