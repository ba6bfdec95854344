/* cmd_grid.c — `embody grid run|plan|status|worker|slurm`: the study's grid of training
 * runs (training.md §5). Flag parsing and the plan-or-refuse logic live here; planning,
 * scheduling, status and SLURM scripts are in src/grid/. See docs/grid.md. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "embody/emb_grid.h"
#include "embody/emb_types.h"
#include "grid/grid_util.h"

static const char *const usage_text =
    "usage: embody grid run DIR [plan flags] [--jobs J] [--quiet] [train flags]\n"
    "       embody grid plan DIR [plan flags] [train flags]     (write the plan, run nothing)\n"
    "       embody grid status DIR\n"
    "       embody grid worker DIR --index K [--requeue]\n"
    "       embody grid slurm DIR [plan flags] [train flags] [--partition P] [--time T]\n"
    "                         [--mem M] [--account A] [--cpus C] [--signal-secs S] [--dry-run]\n"
    "\n"
    "plan flags (default: both effectors, all six tasks, 3 seeds, profile paper):\n"
    "  --effectors point-mass,arm   --tasks RTR,COR,COBJGR,COBFGR,DCOR,JTR\n"
    "  --seeds N (seeds 0..N-1) | --seed-list a,b,...   --profile paper|quick|demo\n"
    "  --replan   replace an existing, different plan (changed runs are moved to DIR/replaced/)\n"
    "train flags (applied to every run): --epochs, --batch-size, --lr, --lr-min, --muscle,\n"
    "  --hidden-sizes H1 H2, --save-every, --force-field FX FY, ... as `embody train`.\n"
    "With no plan flags an existing DIR/plan.json is used as it is.\n"
    "Exit status: 0 all runs done, 1 some failed or blocked (status: not all done),\n"
    "2 bad usage or plan mismatch, 3 interrupted (rerun the same command to continue).\n"
    "Details: docs/grid.md\n";

typedef struct {
  const char *dir;
  const char *profile, *effectors, *tasks, *seed_list;
  long n_seeds;
  int given, replan;
  json_t *overrides;
  /* run / worker / slurm */
  long jobs, index;
  int quiet, requeue;
  embGridSlurm slurm;
} Opts;

static int parse(const char *sub, int argc, char **argv, Opts *o) {
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *v;
    long n;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(usage_text, stdout);
      exit(0);
    }
#define VAL() do { if (!(v = arg_value("grid", argc, argv, &i))) return 2; } while (0)
    if (!strcmp(a, "--effectors")) { VAL(); o->effectors = v; o->given = 1; }
    else if (!strcmp(a, "--tasks")) { VAL(); o->tasks = v; o->given = 1; }
    else if (!strcmp(a, "--profile")) { VAL(); o->profile = v; o->given = 1; }
    else if (!strcmp(a, "--seed-list")) { VAL(); o->seed_list = v; o->given = 1; }
    else if (!strcmp(a, "--seeds")) {
      VAL();
      if (arg_long("grid", a, v, &n)) return 2;
      if (n < 1) { fprintf(stderr, "embody grid: --seeds must be at least 1, got %ld\n", n); return 2; }
      o->n_seeds = n;
      o->given = 1;
    }
    else if (!strcmp(a, "--replan")) o->replan = 1;
    else if (!strcmp(a, "--quiet")) o->quiet = 1;
    else if (!strcmp(a, "--requeue")) o->requeue = 1;
    else if (!strcmp(a, "--dry-run")) o->slurm.dry_run = 1;
    else if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
      VAL();
      if (arg_long("grid", a, v, &o->jobs)) return 2;
      if (o->jobs < 1) { fprintf(stderr, "embody grid: --jobs must be at least 1\n"); return 2; }
    }
    else if (!strcmp(a, "--index")) {
      VAL();
      if (arg_long("grid", a, v, &o->index)) return 2;
    }
    else if (!strcmp(a, "--partition")) { VAL(); o->slurm.partition = v; }
    else if (!strcmp(a, "--time")) { VAL(); o->slurm.time = v; }
    else if (!strcmp(a, "--mem")) { VAL(); o->slurm.mem = v; }
    else if (!strcmp(a, "--account")) { VAL(); o->slurm.account = v; }
    else if (!strcmp(a, "--cpus") || !strcmp(a, "--signal-secs")) {
      VAL();
      if (arg_long("grid", a, v, &n)) return 2;
      if (n < 1) { fprintf(stderr, "embody grid: %s must be positive\n", a); return 2; }
      if (!strcmp(a, "--cpus")) o->slurm.cpus = (int)n;
      else o->slurm.signal_secs = (int)n;
    }
    else if (a[0] == '-' && a[1] == '-') {
      int r = emb_grid_train_flag(o->overrides, argc, argv, &i);
      if (r == 2) return 2;
      if (r == 1) {
        fprintf(stderr, "embody grid %s: unknown flag '%s' (see embody grid --help)\n", sub, a);
        return 2;
      }
      o->given = 1;
    }
    else if (!o->dir) o->dir = a;
    else {
      fprintf(stderr, "embody grid %s: unexpected argument '%s' (one grid directory only)\n", sub, a);
      return 2;
    }
#undef VAL
  }
  if (!o->dir) {
    fprintf(stderr, "embody grid %s: missing the grid directory\n%s", sub, usage_text);
    return 2;
  }
  if (o->seed_list && o->n_seeds) {
    fprintf(stderr, "embody grid: give --seeds N or --seed-list, not both\n");
    return 2;
  }
  return 0;
}

static int build_from_flags(const Opts *o, embGridPlan *plan) {
  long seeds[256];
  int ns = 0;
  if (o->seed_list) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", o->seed_list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      if (ns == 256) { fprintf(stderr, "embody grid: at most 256 seeds\n"); return 2; }
      if (arg_long("grid", "--seed-list", t, &seeds[ns])) return 2;
      ns++;
    }
  } else {
    ns = (int)(o->n_seeds ? o->n_seeds : EMB_GRID_DEFAULT_SEEDS);
    if (ns > 256) { fprintf(stderr, "embody grid: at most 256 seeds\n"); return 2; }
    for (int i = 0; i < ns; i++) seeds[i] = i;
  }
  return emb_grid_plan_build(plan, o->profile ? o->profile : EMB_GRID_DEFAULT_PROFILE,
                             o->effectors, o->tasks, seeds, ns, o->overrides)
             ? 2 : 0;
}

/* Move the directories of runs that the new plan changes (or drops) to DIR/replaced/. */
static int retire_changed_runs(const char *dir, const embGridPlan *old, const embGridPlan *neu) {
  char stamp[32], src[4200], dst[4400], lock[4200];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  int *stale = calloc((size_t)old->n_runs, sizeof(int));
  if (!stale) return 1;
  for (int k = 0; k < old->n_runs; k++) {
    int j = emb_grid_plan_find(neu, old->runs[k].id);
    int d = old->runs[k].depends_on;
    stale[k] = j < 0 || !json_equal(old->runs[k].config, neu->runs[j].config) ||
               (d >= 0 && stale[d]); /* a changed base makes its transfers stale too */
  }
  int moved = 0, rc = 0;
  for (int k = 0; k < old->n_runs && !rc; k++) {
    if (!stale[k]) continue;
    snprintf(src, sizeof src, "%s/runs/%s", dir, old->runs[k].id);
    if (!emb_dir_exists(src)) continue;
    snprintf(lock, sizeof lock, "%s/locks/%s.lock", dir, old->runs[k].id);
    if (lock_is_held(lock)) {
      fprintf(stderr, "embody grid: %s is running; stop it before replanning\n", old->runs[k].id);
      rc = 1;
      break;
    }
    snprintf(dst, sizeof dst, "%s/replaced/%s", dir, stamp);
    if (emb_mkdir_p(dst)) { rc = 1; break; }
    snprintf(dst, sizeof dst, "%s/replaced/%s/%s", dir, stamp, old->runs[k].id);
    if (rename(src, dst)) {
      fprintf(stderr, "embody grid: cannot move %s to %s\n", src, dst);
      rc = 1;
      break;
    }
    moved++;
  }
  if (moved) fprintf(stderr, "embody grid: replanned; %d run director%s no longer matching the plan "
                             "moved to %s/replaced/%s/\n", moved, moved == 1 ? "y" : "ies", dir, stamp);
  free(stale);
  return rc;
}

/* The plan for DIR: the existing one, a new one, or a refusal when they differ. */
static int establish_plan(const Opts *o, embGridPlan *plan) {
  char path[4200];
  snprintf(path, sizeof path, "%s/plan.json", o->dir);
  if (emb_file_exists(path)) {
    embGridPlan old;
    if (emb_grid_plan_read(&old, o->dir)) return 2;
    if (!o->given) {
      *plan = old;
      return emb_grid_requests_write(plan, o->dir, 0) ? 1 : 0;
    }
    if (build_from_flags(o, plan)) { emb_grid_plan_free(&old); return 2; }
    char msg[4096];
    if (emb_grid_plan_diff(&old, plan, msg, sizeof msg)) {
      if (!o->replan) {
        fprintf(stderr, "embody grid: %s holds a different plan:%s\n"
                        "Rerun with the plan's flags (or none: the saved plan is used), give "
                        "--replan to replace it (finished runs whose config is unchanged are "
                        "kept), or use another directory.\n", path, msg);
        emb_grid_plan_free(&old);
        emb_grid_plan_free(plan);
        return 2;
      }
      int rc = retire_changed_runs(o->dir, &old, plan);
      emb_grid_plan_free(&old);
      if (rc || emb_grid_plan_write(plan, o->dir) || emb_grid_requests_write(plan, o->dir, 1)) {
        emb_grid_plan_free(plan);
        return 1;
      }
      return 0;
    }
    emb_grid_plan_free(&old);
    return emb_grid_requests_write(plan, o->dir, 0) ? 1 : 0;
  }
  if (build_from_flags(o, plan)) return 2;
  if (emb_grid_plan_write(plan, o->dir) || emb_grid_requests_write(plan, o->dir, 1)) {
    emb_grid_plan_free(plan);
    return 1;
  }
  return 0;
}

/* DIR as an absolute path (children and sbatch scripts may start elsewhere). */
static int absolute_dir(Opts *o, char *buf, int create) {
  if (create && emb_mkdir_p(o->dir)) return 1;
  if (!realpath(o->dir, buf)) {
    fprintf(stderr, "embody grid: %s: no such grid directory\n", o->dir);
    return 2;
  }
  o->dir = buf;
  return 0;
}

int cmd_grid(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(usage_text, argc < 2 ? stderr : stdout);
    return argc < 2 ? EMB_EXIT_USAGE : EMB_EXIT_OK;
  }
  const char *sub = argv[1];
  int is_run = !strcmp(sub, "run"), is_plan = !strcmp(sub, "plan"),
      is_status = !strcmp(sub, "status"), is_worker = !strcmp(sub, "worker"),
      is_slurm = !strcmp(sub, "slurm");
  if (!is_run && !is_plan && !is_status && !is_worker && !is_slurm) {
    fprintf(stderr, "embody grid: unknown subcommand '%s' (run, plan, status, worker, slurm)\n", sub);
    return EMB_EXIT_USAGE;
  }
  Opts o;
  memset(&o, 0, sizeof o);
  o.index = -1;
  o.overrides = json_object();
  int rc = parse(sub, argc, argv, &o);
  char absdir[PATH_MAX];
  embGridPlan plan;
  memset(&plan, 0, sizeof plan);
  if (rc) goto out;
  if ((is_status || is_worker) && (o.given || o.replan)) {
    fprintf(stderr, "embody grid %s: plan flags are not accepted here (the plan is DIR/plan.json)\n", sub);
    rc = 2;
    goto out;
  }
  if (!is_worker && o.index >= 0) {
    fprintf(stderr, "embody grid %s: --index is for `embody grid worker`\n", sub);
    rc = 2;
    goto out;
  }
  if ((rc = absolute_dir(&o, absdir, is_run || is_plan || is_slurm))) goto out;

  if (is_status || is_worker) {
    if (emb_grid_plan_read(&plan, o.dir)) { rc = 2; goto out; }
  } else if ((rc = establish_plan(&o, &plan))) {
    goto out;
  }

  embGridExec ex = {NULL, (int)o.jobs, o.quiet, 0};
  if (is_plan) {
    printf("embody grid: plan of %d runs written to %s/plan.json (requests in %s/requests/)\n",
           plan.n_runs, o.dir, o.dir);
    rc = 0;
  } else if (is_run) {
    if (ex.jobs <= 0) ex.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (ex.jobs <= 0) ex.jobs = 1;
    rc = emb_grid_run_local(&plan, o.dir, &ex);
  } else if (is_status) {
    rc = emb_grid_status(&plan, o.dir, stdout);
  } else if (is_worker) {
    if (o.index < 0) {
      fprintf(stderr, "embody grid worker: --index K is required (0 .. %d)\n", plan.n_runs - 1);
      rc = 2;
    } else {
      rc = emb_grid_worker(&plan, o.dir, (int)o.index, &ex, o.requeue);
    }
  } else {
    /* the scripts run this very program's `grid worker` (EMBODY_EXE only replaces train) */
    char exe[PATH_MAX];
    if (!realpath("/proc/self/exe", exe)) { rc = 1; goto out; }
    rc = emb_grid_slurm(&plan, o.dir, exe, &o.slurm, stdout) ? 1 : 0;
  }
out:
  emb_grid_plan_free(&plan);
  json_decref(o.overrides);
  return rc;
}
