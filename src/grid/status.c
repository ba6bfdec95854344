/* status.c — `embody grid status DIR`: one line per run (state, epochs, ETA, error) and
 * a summary, read from the grid directory alone; with a SLURM-run grid, squeue's view of
 * the submitted jobs is added when squeue is available. */
#include "embody/emb_grid.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embody/emb_types.h"
#include "grid/grid_util.h"

static void fmt_secs(double s, char *out, size_t n) {
  if (s < 0) snprintf(out, n, "-");
  else if (s < 90) snprintf(out, n, "%.0fs", s);
  else if (s < 5400) snprintf(out, n, "%.0fm", s / 60);
  else snprintf(out, n, "%.1fh", s / 3600);
}

static void squeue_info(const char *dir, FILE *out) {
  char path[4200];
  snprintf(path, sizeof path, "%s/slurm/jobs.txt", dir);
  FILE *f = fopen(path, "r");
  if (!f) return;
  char ids[1024] = "", line[256];
  while (fgets(line, sizeof line, f)) {
    char *sp = strchr(line, ' ');
    if (sp) *sp = 0;
    line[strcspn(line, "\n")] = 0;
    if (!*line) continue;
    size_t len = strlen(ids);
    snprintf(ids + len, sizeof ids - len, "%s%s", len ? "," : "", line);
  }
  fclose(f);
  if (!*ids) return;
  if (system("command -v squeue >/dev/null 2>&1") != 0) {
    fprintf(out, "SLURM jobs %s (squeue not available here)\n", ids);
    return;
  }
  char cmd[1400];
  snprintf(cmd, sizeof cmd, "squeue -h -j '%s' -o '  %%.18i %%.9T %%.10M %%R' 2>/dev/null", ids);
  fprintf(out, "SLURM jobs still queued or running (squeue):\n");
  fflush(out);
  FILE *pp = popen(cmd, "r");
  if (!pp) return;
  int any = 0;
  while (fgets(line, sizeof line, pp)) {
    fputs(line, out);
    any = 1;
  }
  pclose(pp);
  if (!any) fprintf(out, "  (none)\n");
}

int emb_grid_status(const embGridPlan *p, const char *dir, FILE *out) {
  int n = p->n_runs;
  embRunInfo *in = emb_calloc((size_t)n, sizeof *in);
  if (!in) return 1;
  emb_grid_probe(p, dir, in);

  /* seconds per epoch, per task, from runs that report it (else the mean of all) */
  double rate_sum[EMB_GRID_MAX_TASKS] = {0}, all_sum = 0;
  int rate_n[EMB_GRID_MAX_TASKS] = {0}, all_n = 0;
  long task_total[EMB_GRID_MAX_TASKS];
  for (int t = 0; t < EMB_GRID_MAX_TASKS; t++) task_total[t] = -1;
  for (int k = 0; k < n; k++) {
    int t = 0;
    while (t < p->n_tasks && strcmp(p->tasks[t], p->runs[k].task)) t++;
    if (t == p->n_tasks) continue;
    if (in[k].epochs_total > 0) task_total[t] = in[k].epochs_total;
    if (in[k].wall_seconds > 0 && in[k].epochs_done > 0) {
      double r = in[k].wall_seconds / (double)in[k].epochs_done;
      rate_sum[t] += r;
      rate_n[t]++;
      all_sum += r;
      all_n++;
    }
  }
  int count[6] = {0};
  double remaining = 0;
  int unknown = 0;
  fprintf(out, "%-5s %-40s %-11s %15s %7s  %s\n", "index", "run", "state", "epochs", "eta", "note");
  for (int k = 0; k < n; k++) {
    const embGridRun *r = &p->runs[k];
    int t = 0;
    while (t < p->n_tasks && strcmp(p->tasks[t], r->task)) t++;
    count[in[k].state]++;
    long total = in[k].epochs_total > 0 ? in[k].epochs_total : (t < p->n_tasks ? task_total[t] : -1);
    long done = in[k].epochs_done > 0 ? in[k].epochs_done : 0;
    double spe = (t < p->n_tasks && rate_n[t]) ? rate_sum[t] / rate_n[t]
               : (all_n ? all_sum / all_n : -1);
    double eta = -1;
    if (in[k].state != EMB_RUN_DONE) {
      if (total > 0 && spe > 0) {
        eta = (double)(total - done) * spe;
        if (eta < 0) eta = 0;
        if (in[k].state != EMB_RUN_FAILED && in[k].state != EMB_RUN_BLOCKED) remaining += eta;
      } else if (in[k].state != EMB_RUN_FAILED && in[k].state != EMB_RUN_BLOCKED) {
        unknown++;
      }
    }
    char ep[40], es[16], note[260] = "";
    if (total > 0) snprintf(ep, sizeof ep, "%ld/%ld", in[k].state == EMB_RUN_DONE ? total : done, total);
    else if (in[k].epochs_done >= 0) snprintf(ep, sizeof ep, "%ld/?", done);
    else snprintf(ep, sizeof ep, "-");
    int stuck = in[k].state == EMB_RUN_FAILED || in[k].state == EMB_RUN_BLOCKED;
    fmt_secs(in[k].state == EMB_RUN_DONE || stuck ? -1 : eta, es, sizeof es);
    if (in[k].state == EMB_RUN_FAILED) snprintf(note, sizeof note, "%s", in[k].error);
    else if (in[k].state == EMB_RUN_BLOCKED)
      snprintf(note, sizeof note, "base %s did not finish", p->runs[r->depends_on].id);
    else if (r->depends_on >= 0 && in[r->depends_on].state != EMB_RUN_DONE &&
             in[k].state == EMB_RUN_QUEUED)
      snprintf(note, sizeof note, "waits for %s", p->runs[r->depends_on].id);
    fprintf(out, "%-5d %-40s %-11s %15s %7s  %s\n", k, r->id, emb_run_state_name(in[k].state),
            ep, es, note);
  }
  int running = count[EMB_RUN_RUNNING] > 0 ? count[EMB_RUN_RUNNING] : 1;
  char eta[16];
  fmt_secs(remaining / running, eta, sizeof eta);
  fprintf(out, "\n%d runs: %d done, %d running, %d queued, %d interrupted, %d failed, %d blocked\n",
          n, count[EMB_RUN_DONE], count[EMB_RUN_RUNNING], count[EMB_RUN_QUEUED],
          count[EMB_RUN_INTERRUPTED], count[EMB_RUN_FAILED], count[EMB_RUN_BLOCKED]);
  if (count[EMB_RUN_DONE] < n) {
    if (remaining > 0)
      fprintf(out, "estimated time left: %s at %d run%s at a time%s\n", eta, running,
              running > 1 ? "s" : "", unknown ? " (plus runs whose length is not known yet)" : "");
    if (count[EMB_RUN_FAILED])
      fprintf(out, "failed runs: see %s/runs/<id>/error.txt; rerunning `embody grid run %s` "
                   "tries them again\n", dir, dir);
  }
  squeue_info(dir, out);
  int rc = count[EMB_RUN_DONE] == n ? 0 : 1;
  free(in);
  return rc;
}
