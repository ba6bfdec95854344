/* local.c — run a grid on this machine with J train processes at a time.
 *
 * Order: the ready run with the longest remaining chain first (its own epochs plus its
 * longest dependent's), so the 35,000-epoch bases start at once and transfers follow as
 * their bases finish. Finished runs are skipped, interrupted ones resumed, failed ones
 * tried again once per invocation; a run that fails blocks its dependents. SIGINT/SIGTERM
 * are forwarded once to every train process (each checkpoints and exits 3); a second
 * signal kills them. */
#include "embody/emb_grid.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "embody/emb_types.h"
#include "grid/grid_util.h"
#include "grid/launch.h"

#define PROGRESS_TTY_SECS 1.0    /* [chosen] redraw interval on a terminal */
#define PROGRESS_PLAIN_SECS 30.0 /* [chosen] plain progress line interval (logs, CI) */
#define BUSY_POLL_SECS 0.2       /* main loop tick */

static volatile sig_atomic_t stop_signals = 0;
static volatile sig_atomic_t last_signal = 0;
static void on_stop(int sig) {
  stop_signals++;
  last_signal = sig;
}
static void on_child(int sig) { (void)sig; }

typedef struct {
  int k;           /* plan index, -1 free */
  gridLaunch l;
} Slot;

/* session states beyond embRunState */
enum { S_TODO = 0, S_RUNNING, S_DONE, S_FAILED, S_BLOCKED, S_ELSEWHERE };

static void fmt_secs(double s, char *out, size_t n) {
  if (s < 0) snprintf(out, n, "?");
  else if (s < 90) snprintf(out, n, "%.0fs", s);
  else if (s < 5400) snprintf(out, n, "%.0fm", s / 60);
  else snprintf(out, n, "%.1fh", s / 3600);
}

static void stamp(FILE *f) {
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  char b[16];
  strftime(b, sizeof b, "%H:%M:%S", &tm);
  fprintf(f, "[%s] ", b);
}

int emb_grid_run_local(const embGridPlan *p, const char *dir, const embGridExec *ex) {
  int J = ex->jobs > 0 ? ex->jobs : 1;
  int n = p->n_runs;
  char exe[4096];
  if (emb_grid_exe(ex->exe, exe, sizeof exe)) return 2;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int threads = ex->threads > 0 ? ex->threads : (int)(cores / J > 0 ? cores / J : 1);

  /* one grid process per directory */
  char path[4200];
  snprintf(path, sizeof path, "%s/.grid.lock", dir);
  int glock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (glock < 0 || flock(glock, LOCK_EX | LOCK_NB)) {
    emb_error(EMB_EIO, "another `embody grid run` is working on %s (lock %s held); wait for it "
                       "or stop it first", dir, path);
    if (glock >= 0) close(glock);
    return 1;
  }

  int *state = emb_calloc((size_t)n, sizeof(int));
  long *prio = emb_calloc((size_t)n, sizeof(long));
  embRunInfo *info = emb_calloc((size_t)n, sizeof *info);
  Slot *slots = emb_calloc((size_t)J, sizeof *slots);
  if (!state || !prio || !info || !slots) {
    free(state); free(prio); free(info); free(slots);
    close(glock);
    return 1;
  }
  for (int j = 0; j < J; j++) slots[j].k = -1;
  /* priority: own epochs + the longest dependent's (dependents come later in the plan) */
  for (int k = 0; k < n; k++) prio[k] = p->runs[k].est_epochs;
  for (int k = 0; k < n; k++) {
    int d = p->runs[k].depends_on;
    if (d >= 0 && p->runs[d].est_epochs + p->runs[k].est_epochs > prio[d])
      prio[d] = p->runs[d].est_epochs + p->runs[k].est_epochs;
  }
  emb_grid_probe(p, dir, info);
  int n_done0 = 0, n_resume = 0, n_retry = 0;
  for (int k = 0; k < n; k++) {
    if (info[k].state == EMB_RUN_DONE) { state[k] = S_DONE; n_done0++; }
    else if (info[k].state == EMB_RUN_INTERRUPTED) n_resume++;
    else if (info[k].state == EMB_RUN_FAILED) n_retry++;
  }

  struct sigaction sa, old_int, old_term, old_chld;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, &old_chld);
  stop_signals = 0;

  FILE *out = stdout;
  int tty = isatty(fileno(out));
  if (!ex->quiet) {
    fprintf(out, "embody grid: %d runs in %s (profile %s%s), %d train processes, %d thread%s "
                 "each; %d already done, %d to resume, %d failed before (tried again)\n",
            n, dir, p->profile, strcmp(p->profile, "paper") ? ", not the paper's presets" : "",
            J, threads, threads > 1 ? "s" : "", n_done0, n_resume, n_retry);
    fflush(out);
  }

  int forwarded = 0, killed = 0, running = 0;
  double t0 = now_seconds(), last_progress = 0;
  int progress_drawn = 0;
  for (;;) {
    /* reap finished train processes */
    for (;;) {
      int ws;
      pid_t pid = waitpid(-1, &ws, WNOHANG);
      if (pid <= 0) break;
      for (int j = 0; j < J; j++) {
        if (slots[j].k < 0 || slots[j].l.pid != pid) continue;
        int k = slots[j].k;
        char summary[160];
        int rs = grid_record_exit(p, dir, k, ws, stop_signals > 0, summary, sizeof summary);
        double secs = now_seconds() - slots[j].l.started;
        char ts[16];
        fmt_secs(secs, ts, sizeof ts);
        if (progress_drawn) { fputc('\n', out); progress_drawn = 0; }
        if (!ex->quiet || rs == EMB_RUN_FAILED || (rs == EMB_RUN_INTERRUPTED && !stop_signals))
          stamp(out);
        if (rs == EMB_RUN_DONE) {
          state[k] = S_DONE;
          if (!ex->quiet) fprintf(out, "done        %s (%s)\n", p->runs[k].id, ts);
        } else if (rs == EMB_RUN_INTERRUPTED) {
          state[k] = stop_signals ? S_TODO : S_FAILED;
          if (!stop_signals) {
            /* interrupted though we did not ask (someone signalled it): not retried now */
            fprintf(out, "interrupted %s (%s from outside the grid; rerun to resume)\n",
                    p->runs[k].id, summary);
          } else if (!ex->quiet) {
            fprintf(out, "checkpointed %s (%s)\n", p->runs[k].id, summary);
          }
        } else {
          state[k] = S_FAILED;
          fprintf(out, "FAILED      %s: %s (see %s/runs/%s/error.txt)\n", p->runs[k].id,
                  summary, dir, p->runs[k].id);
        }
        fflush(out);
        slots[j].k = -1;
        running--;
      }
    }
    /* dependents of failed runs are blocked */
    for (int k = 0; k < n; k++) {
      int d = p->runs[k].depends_on;
      if (d >= 0 && state[k] == S_TODO && (state[d] == S_FAILED || state[d] == S_BLOCKED))
        state[k] = S_BLOCKED;
    }

    if (stop_signals && !forwarded) {
      forwarded = 1;
      if (progress_drawn) { fputc('\n', out); progress_drawn = 0; }
      fprintf(out, "embody grid: %s received: asking %d train process%s to checkpoint and stop "
                   "(again to kill them)\n",
              last_signal == SIGINT ? "interrupt" : "SIGTERM", running, running == 1 ? "" : "es");
      fflush(out);
      for (int j = 0; j < J; j++)
        if (slots[j].k >= 0) kill(slots[j].l.pid, SIGTERM);
    }
    if (stop_signals > 1 && !killed) {
      killed = 1;
      for (int j = 0; j < J; j++)
        if (slots[j].k >= 0) kill(slots[j].l.pid, SIGKILL);
    }

    /* fill free slots with the best ready runs */
    int elsewhere = 0;
    if (!stop_signals) {
      for (int k = 0; k < n; k++)
        if (state[k] == S_ELSEWHERE) state[k] = S_TODO; /* look again */
      for (int j = 0; j < J; j++) {
        if (slots[j].k >= 0) continue;
        for (;;) {
          int best = -1;
          for (int k = 0; k < n; k++) {
            if (state[k] != S_TODO) continue;
            int d = p->runs[k].depends_on;
            if (d >= 0 && state[d] != S_DONE) continue;
            if (best < 0 || prio[k] > prio[best]) best = k;
          }
          if (best < 0) break;
          int st = grid_launch(p, dir, best, exe, threads, &slots[j].l);
          if (st == GRID_LAUNCH_STARTED) {
            slots[j].k = best;
            state[best] = S_RUNNING;
            running++;
            if (!ex->quiet) {
              if (progress_drawn) { fputc('\n', out); progress_drawn = 0; }
              stamp(out);
              fprintf(out, "%s %s\n", slots[j].l.resumed ? "resume     " : "start      ",
                      p->runs[best].id);
              fflush(out);
            }
            break;
          }
          if (st == GRID_LAUNCH_DONE) state[best] = S_DONE;
          else if (st == GRID_LAUNCH_BUSY) state[best] = S_ELSEWHERE;
          else {
            state[best] = S_FAILED;
            stamp(out);
            fprintf(out, "FAILED      %s: could not start: %s\n", p->runs[best].id,
                    emb_last_error());
          }
        }
      }
      for (int k = 0; k < n; k++) elsewhere += state[k] == S_ELSEWHERE;
    }
    if (running == 0 && (stop_signals || elsewhere == 0)) break;

    double now = now_seconds();
    if (!ex->quiet && now - last_progress >= (tty ? PROGRESS_TTY_SECS : PROGRESS_PLAIN_SECS) &&
        now - t0 > 2) {
      last_progress = now;
      int c[6] = {0};
      for (int k = 0; k < n; k++) c[state[k]]++;
      char el[16];
      fmt_secs(now - t0, el, sizeof el);
      if (tty) fputc('\r', out);
      fprintf(out, "grid: %d/%d done, %d running, %d waiting, %d failed, %d blocked, %s elapsed",
              c[S_DONE], n, c[S_RUNNING], c[S_TODO] + c[S_ELSEWHERE], c[S_FAILED], c[S_BLOCKED], el);
      if (tty) {
        fputs("   ", out);
        progress_drawn = 1;
      } else {
        fputc('\n', out);
      }
      fflush(out);
    }
    struct timespec ts = {0, (long)(BUSY_POLL_SECS * 1e9)};
    nanosleep(&ts, NULL); /* SIGCHLD cuts it short */
  }
  if (progress_drawn) fputc('\n', out);

  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  sigaction(SIGCHLD, &old_chld, NULL);

  int c[6] = {0};
  for (int k = 0; k < n; k++) c[state[k]]++;
  int rc;
  if (stop_signals) {
    fprintf(out, "embody grid: stopped; %d/%d runs done, the others keep their checkpoints. "
                 "Continue with: embody grid run %s\n", c[S_DONE], n, dir);
    rc = EMB_TRAIN_EXIT_INTERRUPTED;
  } else if (c[S_DONE] == n) {
    if (!ex->quiet) fprintf(out, "embody grid: all %d runs done in %s\n", n, dir);
    rc = 0;
  } else {
    fprintf(out, "embody grid: %d/%d runs done, %d failed, %d blocked by a failed base "
                 "(see `embody grid status %s`)\n", c[S_DONE], n, c[S_FAILED], c[S_BLOCKED], dir);
    rc = 1;
  }
  fflush(out);
  free(state); free(prio); free(info); free(slots);
  close(glock);
  return rc;
}
