/* worker.c — `embody grid worker DIR --index K`: run one plan run in the foreground, as a
 * SLURM array element does. Resumes from a checkpoint when there is one, forwards
 * SIGTERM/SIGINT (SLURM's pre-emption warning) to train, which checkpoints and exits 3;
 * inside a SLURM job the element then requeues itself so it resumes later. */
#include "embody/emb_grid.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "embody/emb_types.h"
#include "grid/grid_util.h"
#include "grid/launch.h"

static volatile sig_atomic_t child_pid = 0;
static volatile sig_atomic_t got_signal = 0;
static void forward(int sig) {
  got_signal = sig;
  if (child_pid > 0) kill((pid_t)child_pid, SIGTERM);
}

static int requeue_self(void) {
  const char *job = getenv("SLURM_JOB_ID");
  if (!job || !*job) return 0;
  fprintf(stderr, "embody grid worker: requeueing SLURM job %s to resume later\n", job);
  pid_t pid = fork();
  if (pid == 0) {
    execlp("scontrol", "scontrol", "requeue", job, (char *)NULL);
    _exit(127);
  }
  int ws = 0;
  if (pid < 0 || waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
    fprintf(stderr, "embody grid worker: `scontrol requeue %s` failed; resubmit with "
                    "`embody grid slurm` or run `embody grid worker` again\n", job);
    return 1;
  }
  return 0;
}

int emb_grid_worker(const embGridPlan *p, const char *dir, int k, const embGridExec *ex,
                    int requeue) {
  if (k < 0 || k >= p->n_runs) {
    emb_error(EMB_EINVAL, "--index %d is outside the plan of %s (0 .. %d)", k, dir, p->n_runs - 1);
    return 2;
  }
  const embGridRun *r = &p->runs[k];
  char exe[4096];
  if (emb_grid_exe(ex->exe, exe, sizeof exe)) return 2;
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  int threads = ex->threads;
  const char *cpus = getenv("SLURM_CPUS_PER_TASK");
  if (threads <= 0) threads = cpus && atoi(cpus) > 0 ? atoi(cpus) : 1;
  gridLaunch l;
  int st = grid_launch(p, dir, k, exe, threads, &l);
  if (st == GRID_LAUNCH_DONE) {
    fprintf(stderr, "embody grid worker: %s is already done\n", r->id);
    return 0;
  }
  if (st == GRID_LAUNCH_BUSY) {
    emb_error(EMB_EINVAL, "%s is being trained by another process (lock %s/locks/%s.lock)",
              r->id, dir, r->id);
    return 1;
  }
  if (st != GRID_LAUNCH_STARTED) return 1;
  child_pid = l.pid;
  if (got_signal) kill(l.pid, SIGTERM); /* a signal arrived before the pid was known */
  if (!ex->quiet)
    fprintf(stderr, "embody grid worker: %s %s (output: %s/logs/%s.log)\n",
            l.resumed ? "resuming" : "starting", r->id, dir, r->id);
  int ws = 0;
  while (waitpid(l.pid, &ws, 0) < 0)
    if (errno != EINTR) {
      emb_error(EMB_EIO, "waiting for train failed: %s", strerror(errno));
      return 1;
    }
  child_pid = 0;
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  char summary[160];
  int rs = grid_record_exit(p, dir, k, ws, got_signal != 0, summary, sizeof summary);
  if (rs == EMB_RUN_DONE) {
    if (!ex->quiet) fprintf(stderr, "embody grid worker: %s done\n", r->id);
    return 0;
  }
  if (rs == EMB_RUN_INTERRUPTED) {
    fprintf(stderr, "embody grid worker: %s checkpointed and stopped (%s)\n", r->id, summary);
    if (requeue && requeue_self() == 0 && getenv("SLURM_JOB_ID")) return 0;
    fprintf(stderr, "embody grid worker: continue with: embody grid worker %s --index %d\n",
            dir, k);
    return EMB_TRAIN_EXIT_INTERRUPTED;
  }
  fprintf(stderr, "embody grid worker: %s FAILED: %s (see %s/runs/%s/error.txt)\n", r->id,
          summary, dir, r->id);
  return 1;
}
