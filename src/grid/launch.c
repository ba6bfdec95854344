/* launch.c — start one run's `embody train` process and record how it ended.
 *
 * The parent takes the run's lock (locks/<id>.lock, flock) before forking; the child
 * inherits the locked descriptor through exec, so the lock lives exactly as long as the
 * train process, whoever started it. The child gets its own process group (a terminal's
 * Ctrl-C reaches only the grid, which forwards it once) and SIGTERM when its parent dies
 * (a SIGKILLed grid leaves no orphan training on: each checkpoints and exits). */
#include "grid/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "embody/emb_types.h"
#include "grid/grid_util.h"

int emb_grid_exe(const char *opt, char *out, size_t size) {
  const char *env = getenv("EMBODY_EXE");
  const char *src = opt && *opt ? opt : (env && *env ? env : NULL);
  if (src) {
    if (access(src, X_OK)) return emb_error(EMB_EINVAL, "embody executable %s: %s", src, strerror(errno));
    if (!realpath(src, out) || strlen(out) >= size) return gpath(out, size, "%s", src);
    return EMB_OK;
  }
  ssize_t n = readlink("/proc/self/exe", out, size - 1);
  if (n <= 0) return emb_error(EMB_EIO, "cannot find the embody executable (set EMBODY_EXE)");
  out[n] = 0;
  return EMB_OK;
}

static void describe_exit(int wstatus, char *out, size_t size) {
  if (WIFEXITED(wstatus)) {
    int c = WEXITSTATUS(wstatus);
    const char *m = c == 0 ? "finished" : c == 1 ? "training failed" : c == 2 ? "bad input"
                  : c == 3 ? "interrupted" : c == 127 ? "could not start" : "error";
    snprintf(out, size, "exit status %d (%s)", c, m);
  } else if (WIFSIGNALED(wstatus)) {
    snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
  } else {
    snprintf(out, size, "ended with wait status %d", wstatus);
  }
}

int grid_launch(const embGridPlan *p, const char *dir, int k, const char *exe, int threads,
                gridLaunch *out) {
  const embGridRun *r = &p->runs[k];
  memset(out, 0, sizeof *out);
  out->pid = -1;
  char rd[4096], path[4200], lockp[4200], logp[4200];
  if (run_dir(rd, sizeof rd, dir, r)) return GRID_LAUNCH_ERROR;
  snprintf(path, sizeof path, "%s/locks", dir);
  if (emb_mkdir_p(path)) return GRID_LAUNCH_ERROR;
  snprintf(path, sizeof path, "%s/logs", dir);
  if (emb_mkdir_p(path)) return GRID_LAUNCH_ERROR;
  snprintf(path, sizeof path, "%s/runs", dir);
  if (emb_mkdir_p(path)) return GRID_LAUNCH_ERROR;

  snprintf(lockp, sizeof lockp, "%s/locks/%s.lock", dir, r->id);
  int lock = open(lockp, O_RDWR | O_CREAT, 0666); /* no CLOEXEC: train inherits it */
  if (lock < 0) {
    emb_error(EMB_EIO, "cannot open %s: %s", lockp, strerror(errno));
    return GRID_LAUNCH_ERROR;
  }
  if (flock(lock, LOCK_EX | LOCK_NB)) {
    close(lock);
    return GRID_LAUNCH_BUSY;
  }
  snprintf(path, sizeof path, "%s/final.ckpt", rd);
  if (emb_file_exists(path)) {
    close(lock);
    return GRID_LAUNCH_DONE;
  }
  char base_rd[4096] = "";
  if (r->depends_on >= 0) {
    if (run_dir(base_rd, sizeof base_rd, dir, &p->runs[r->depends_on])) goto fail;
    snprintf(path, sizeof path, "%s/final.ckpt", base_rd);
    if (!emb_file_exists(path)) {
      emb_error(EMB_EINVAL, "run %s: its base %s has not finished (no %s)", r->id,
                p->runs[r->depends_on].id, path);
      goto fail;
    }
  }
  snprintf(path, sizeof path, "%s/error.txt", rd);
  remove(path); /* a failed run is tried again */

  char reqp[4200];
  snprintf(reqp, sizeof reqp, "%s/requests/%s.json", dir, r->id);
  snprintf(path, sizeof path, "%s/checkpoint.ckpt", rd);
  const char *argv[16];
  int a = 0;
  argv[a++] = exe;
  argv[a++] = "train";
  if (emb_file_exists(path)) {
    out->resumed = 1;
    argv[a++] = "--resume";
    argv[a++] = rd;
  } else {
    /* never checkpointed: whatever a killed start left is stale, start afresh */
    if (remove_tree(rd)) goto fail;
    if (emb_grid_requests_write(p, dir, 0)) goto fail;
    argv[a++] = "--config";
    argv[a++] = reqp;
    argv[a++] = "--out";
    argv[a++] = rd;
    if (r->depends_on >= 0) {
      argv[a++] = "--init-from";
      argv[a++] = base_rd;
    }
  }
  char threads_text[16];
  snprintf(threads_text, sizeof threads_text, "%d", threads > 0 ? threads : 1);
  argv[a++] = "--threads"; /* train's OpenMP threads (results do not depend on it) */
  argv[a++] = threads_text;
  argv[a++] = "--quiet";
  argv[a] = NULL;

  snprintf(logp, sizeof logp, "%s/logs/%s.log", dir, r->id);
  int log = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (log < 0) {
    emb_error(EMB_EIO, "cannot open %s: %s", logp, strerror(errno));
    goto fail;
  }
  char stamp[32];
  emb_now_iso(stamp, sizeof stamp);
  dprintf(log, "=== %s (unix %.3f) embody grid starts:", stamp, now_seconds());
  for (int i = 0; i < a; i++) dprintf(log, " %s", argv[i]);
  dprintf(log, "\n");

  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    emb_error(EMB_EIO, "fork failed: %s", strerror(errno));
    close(log);
    goto fail;
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(EMB_TRAIN_EXIT_INTERRUPTED); /* parent already gone */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(log, 1);
    dup2(log, 2);
    if (threads > 0 && !getenv("OMP_NUM_THREADS")) {
      char t[16];
      snprintf(t, sizeof t, "%d", threads);
      setenv("OMP_NUM_THREADS", t, 1);
    }
    execv(exe, (char *const *)argv);
    dprintf(2, "embody grid: cannot run %s: %s\n", exe, strerror(errno));
    _exit(127);
  }
  close(log);
  close(lock); /* the child's copy keeps the lock */
  out->pid = pid;
  out->started = now_seconds();
  return GRID_LAUNCH_STARTED;
fail:
  close(lock);
  return GRID_LAUNCH_ERROR;
}

int grid_record_exit(const embGridPlan *p, const char *dir, int k, int wstatus, int stopping,
                     char *summary, size_t size) {
  const embGridRun *r = &p->runs[k];
  char rd[4096], path[4200], logp[4200];
  if (run_dir(rd, sizeof rd, dir, r)) return EMB_RUN_FAILED;
  snprintf(path, sizeof path, "%s/final.ckpt", rd);
  int done = emb_file_exists(path);
  describe_exit(wstatus, summary, size);
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && done) return EMB_RUN_DONE;
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == EMB_TRAIN_EXIT_INTERRUPTED)
    return EMB_RUN_INTERRUPTED;
  if (stopping && WIFSIGNALED(wstatus)) return EMB_RUN_INTERRUPTED; /* we killed it */

  /* failed: error.txt = what happened + the tail of what train printed */
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
    snprintf(summary, size, "exit status 0 but no final.ckpt was written");
  emb_mkdir_p(rd);
  snprintf(logp, sizeof logp, "%s/logs/%s.log", dir, r->id);
  char tail[2048], stamp[32];
  file_tail(logp, 20, tail, sizeof tail);
  emb_now_iso(stamp, sizeof stamp);
  snprintf(path, sizeof path, "%s/error.txt", rd);
  FILE *f = fopen(path, "w");
  if (f) {
    fprintf(f, "%s\n", summary);
    fprintf(f, "time: %s\nrun: %s (plan index %d)\nfull output: %s\n", stamp, r->id, k, logp);
    fprintf(f, "last lines of the output:\n%s\n", tail);
    fprintf(f, "to retry: fix the cause, then rerun `embody grid run %s` (a failed run is "
               "tried again; delete %s to restart it from scratch)\n", dir, rd);
    fclose(f);
  }
  return EMB_RUN_FAILED;
}
