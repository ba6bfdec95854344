/* progress.h — the one-line progress display of long work: redrawn on a terminal at
 * most 10 times a second, a plain line every 30 s otherwise (cluster logs, CI). */
#ifndef EMB_PROGRESS_H
#define EMB_PROGRESS_H

typedef struct {
  int quiet, tty;
  long total, start_done;
  double t_start, t_last;
  const char *label;  /* e.g. "demo profile", NULL for none */
  int drawn;
} embProgress;

#define EMB_PROGRESS_TTY_INTERVAL 0.1  /* s between redraws on a terminal */
#define EMB_PROGRESS_LOG_INTERVAL 30.0 /* s between plain lines otherwise */

void emb_progress_start(embProgress *p, int quiet, long total, long done, const char *label);
void emb_progress_update(embProgress *p, long done, double loss, double tar_frac);
void emb_progress_end(embProgress *p);

#endif
