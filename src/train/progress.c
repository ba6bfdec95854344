/* progress.c — progress line: epoch/total, loss, tar_frac, epochs per second, ETA. */
#include "train/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void emb_progress_start(embProgress *p, int quiet, long total, long done, const char *label) {
  p->quiet = quiet;
  p->tty = isatty(fileno(stderr));
  p->total = total;
  p->start_done = done;
  p->t_start = p->t_last = now_s();
  p->label = label;
  p->drawn = 0;
  if (!quiet && label) fprintf(stderr, "embody train: %s profile (not the paper's presets)\n", label);
}

static void fmt_eta(char *buf, size_t n, double s) {
  if (s < 0 || s > 1e8) snprintf(buf, n, "?");
  else if (s < 60) snprintf(buf, n, "%.0fs", s);
  else if (s < 3600) snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
  else snprintf(buf, n, "%dh%02dm", (int)s / 3600, ((int)s % 3600) / 60);
}

void emb_progress_update(embProgress *p, long done, double loss, double tar_frac) {
  if (p->quiet) return;
  double t = now_s();
  int last = done == p->total;
  if (!last && t - p->t_last < (p->tty ? EMB_PROGRESS_TTY_INTERVAL : EMB_PROGRESS_LOG_INTERVAL)) return;
  p->t_last = t;
  double rate = (double)(done - p->start_done) / (t - p->t_start > 1e-9 ? t - p->t_start : 1e-9);
  char eta[32];
  fmt_eta(eta, sizeof eta, rate > 0 ? (double)(p->total - done) / rate : -1);
  fprintf(stderr, "%sepoch %ld/%ld  loss %.4g  tar_frac %.3f  %.1f epochs/s  ETA %s%s", p->tty ? "\r" : "", done,
          p->total, loss, tar_frac, rate, eta, p->tty ? "\033[K" : "\n");
  p->drawn = p->tty;
}

void emb_progress_end(embProgress *p) {
  if (p->drawn && !p->quiet) fputc('\n', stderr);
  p->drawn = 0;
}
