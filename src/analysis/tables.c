/* tables.c — the machine-readable outputs of `embody analyze`: summary.csv (one row per
 * planned run), the matrix and comparison CSVs (long format, one row per cell) and
 * metrics.json with all numbers (NaN/unavailable = empty CSV cell / JSON null). */
#include "analysis/analysis.h"

/* paths are bounded (AN_PATH, checked in an_grid_load); a truncated note is harmless */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "embody/emb_types.h"

#include "embody/emb_json.h"

/* a number cell: empty when not finite */
static void num(FILE *f, double x) {
  if (isfinite(x)) fprintf(f, "%.10g", x);
}

/* a text cell, quoted as RFC 4180 when it holds a comma, quote or newline (pandas and
 * Python's csv read it back unchanged) */
static void txt(FILE *f, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static FILE *open_out(const anGrid *g, const char *name) {
  char path[AN_PATH + 64];
  snprintf(path, sizeof path, "%s/%s", g->out, name);
  FILE *f = fopen(path, "w");
  if (!f) emb_error(EMB_EIO, "cannot write %s", path);
  return f;
}

static int close_out(FILE *f, const anGrid *g, const char *name) {
  int bad = ferror(f);
  if (fclose(f) || bad) return emb_error(EMB_EIO, "error writing %s/%s", g->out, name);
  return EMB_OK;
}

static int write_summary(const anGrid *g) {
  FILE *f = open_out(g, "summary.csv");
  if (!f) return EMB_EIO;
  fprintf(f, "id,kind,effector,task,base_task,seed,epochs,state,used,segment_rows,window,"
             "auc,raw_peak,raw_peak_index,peak,peak_index,ttp,final_performance,"
             "wall_seconds,note\n");
  for (int i = 0; i < g->nruns; i++) {
    const anRun *u = &g->runs[i];
    fprintf(f, "%s,%s,%s,%s,%s,%ld,", u->id, u->kind, u->effector, u->task, u->base_task,
            u->seed);
    if (u->epochs > 0) fprintf(f, "%ld", u->epochs);
    fprintf(f, ",%s,%d,%d,", u->state, u->usable, u->n);
    if (u->has_metrics) {
      fprintf(f, "%d,", u->m.window);
      num(f, u->m.auc);
      fputc(',', f);
      num(f, u->m.raw_peak);
      fprintf(f, ",%d,", u->m.raw_peak_index);
      num(f, u->m.peak);
      fprintf(f, ",%d,%d,", u->m.peak_index, u->m.ttp);
      num(f, u->final_perf);
    } else {
      fprintf(f, ",,,,,,,");
    }
    fputc(',', f);
    num(f, u->wall_seconds);
    fputc(',', f);
    char note[600];
    snprintf(note, sizeof note, "%s%s%s", u->note,
             (u->has_metrics && !u->m.smoothed) ? " curve too short to smooth" : "",
             (u->has_metrics && u->m.window_reduced)
                 ? " window reduced to the largest odd window <= n" : "");
    txt(f, note);
    fputc('\n', f);
  }
  return close_out(f, g, "summary.csv");
}

static void stat_cells(FILE *f, anStat s) {
  num(f, s.mean);
  fputc(',', f);
  num(f, s.sd);
  fprintf(f, ",%d", s.n);
}

static int write_matrices(const anGrid *g, const anResults *r) {
  FILE *f = open_out(g, "gain_matrix.csv");
  if (!f) return EMB_EIO;
  fprintf(f, "effector,target_task,base_task,gain_pct_mean,gain_pct_sd,n\n");
  for (int e = 0; e < AN_NE; e++)
    for (int b = 0; b < AN_NT; b++)
      for (int a = 0; a < AN_NT; a++) {
        if (a == b) continue;
        fprintf(f, "%s,%s,%s,", an_effectors[e], an_tasks[b], an_tasks[a]);
        stat_cells(f, r->gain_stat[e][b][a]);
        fputc('\n', f);
      }
  if (close_out(f, g, "gain_matrix.csv")) return EMB_EIO;

  f = open_out(g, "after_transfer_difference.csv");
  if (!f) return EMB_EIO;
  fprintf(f, "target_task,base_task,auc_arm_minus_point_mass_mean,sd,n\n");
  for (int b = 0; b < AN_NT; b++)
    for (int a = 0; a < AN_NT; a++) {
      if (a == b) continue;
      fprintf(f, "%s,%s,", an_tasks[b], an_tasks[a]);
      stat_cells(f, r->at_diff[b][a]);
      fputc('\n', f);
    }
  if (close_out(f, g, "after_transfer_difference.csv")) return EMB_EIO;

  f = open_out(g, "no_transfer.csv");
  if (!f) return EMB_EIO;
  fprintf(f, "task,auc_point_mass_mean,auc_point_mass_sd,n_point_mass,auc_arm_mean,"
             "auc_arm_sd,n_arm,auc_arm_minus_point_mass_mean,sd,n_pairs,welch_p,stars,"
             "ttp_point_mass_mean,ttp_point_mass_sd,ttp_point_mass_reached,"
             "ttp_point_mass_runs,ttp_arm_mean,ttp_arm_sd,ttp_arm_reached,ttp_arm_runs\n");
  for (int b = 0; b < AN_NT; b++) {
    fprintf(f, "%s,", an_tasks[b]);
    stat_cells(f, r->nt_auc_stat[0][b]);
    fputc(',', f);
    stat_cells(f, r->nt_auc_stat[1][b]);
    fputc(',', f);
    stat_cells(f, r->nt_diff[b]);
    fputc(',', f);
    num(f, r->nt_test[b].p);
    fprintf(f, ",%s", emb_star_code(r->nt_test[b].p));
    for (int e = 0; e < AN_NE; e++) {
      fputc(',', f);
      num(f, r->ttp[e][b].mean);
      fputc(',', f);
      num(f, r->ttp[e][b].sd);
      fprintf(f, ",%d,%d", r->ttp[e][b].n, r->ttp_runs[e][b]);
    }
    fputc('\n', f);
  }
  if (close_out(f, g, "no_transfer.csv")) return EMB_EIO;

  f = open_out(g, "arm_vs_point_mass.csv");
  if (!f) return EMB_EIO;
  fprintf(f, "target_task,n_arm,n_point_mass,gain_arm_mean,gain_arm_sd,gain_point_mass_mean,"
             "gain_point_mass_sd,difference,ci95_low,ci95_high,welch_t,welch_df,welch_p,"
             "mwu_u,mwu_p_exact,stars_welch,stars_mwu\n");
  for (int b = 0; b < AN_NT; b++) {
    const embWelchResult *w = &r->target_welch[b];
    const embMwuResult *u = &r->target_mwu[b];
    fprintf(f, "%s,%d,%d", an_tasks[b], w->na, w->nb);
    double v[] = {w->mean_a, w->sd_a, w->mean_b, w->sd_b, w->diff, w->ci_low, w->ci_high,
                  w->t, w->df, w->p, u->u, u->p};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
      fputc(',', f);
      num(f, v[k]);
    }
    fprintf(f, ",%s,%s\n", emb_star_code(w->p), emb_star_code(u->p));
  }
  if (close_out(f, g, "arm_vs_point_mass.csv")) return EMB_EIO;

  f = open_out(g, "claims.csv");
  if (!f) return EMB_EIO;
  fprintf(f, "claim,verdict,direction_only,text,rule,measured\n");
  for (int k = 0; k < 6; k++) {
    const anClaim *c = &r->claims[k];
    fprintf(f, "%d,%s,%d,", c->number, an_verdict_name(c->verdict), c->direction_only);
    txt(f, c->text);
    fputc(',', f);
    txt(f, c->rule);
    fputc(',', f);
    txt(f, c->measured);
    fputc('\n', f);
  }
  return close_out(f, g, "claims.csv");
}

static json_t *jstat(anStat s) {
  return json_pack("{s:o, s:o, s:i}", "mean", emb_json_number(s.mean), "sd", emb_json_number(s.sd), "n", s.n);
}

/* 6x6 matrix of one field of anStat (rows = target, columns = base; diagonal null) */
static json_t *jmatrix(const anStat m[AN_NT][AN_NT], int field) {
  json_t *rows = json_array();
  for (int b = 0; b < AN_NT; b++) {
    json_t *row = json_array();
    for (int a = 0; a < AN_NT; a++) {
      anStat s = m[b][a];
      if (a == b || s.n == 0) json_array_append_new(row, json_null());
      else json_array_append_new(row, field == 0 ? emb_json_number(s.mean) : field == 1 ? emb_json_number(s.sd)
                                                                        : json_integer(s.n));
    }
    json_array_append_new(rows, row);
  }
  return rows;
}

static json_t *jwelch(const embWelchResult *w) {
  return json_pack("{s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "n_a",
                   w->na, "n_b", w->nb, "mean_a", emb_json_number(w->mean_a), "mean_b", emb_json_number(w->mean_b),
                   "sd_a", emb_json_number(w->sd_a), "sd_b", emb_json_number(w->sd_b), "difference", emb_json_number(w->diff),
                   "ci95_low", emb_json_number(w->ci_low), "ci95_high", emb_json_number(w->ci_high), "welch_t",
                   emb_json_number(w->t), "welch_df", emb_json_number(w->df), "welch_p", emb_json_number(w->p), "stars",
                   emb_star_code(w->p));
}

static json_t *build_json(const anGrid *g, const anResults *r) {
  json_t *j = json_object();
  json_object_set_new(j, "grid", json_string(g->dir));
  json_object_set_new(j, "profile", json_string(g->profile));
  json_object_set_new(j, "paper_profile", json_boolean(g->paper_profile));
  json_t *tasks = json_array(), *effs = json_array(), *seeds = json_array(),
         *win = json_object();
  for (int t = 0; t < AN_NT; t++) {
    json_array_append_new(tasks, json_string(an_tasks[t]));
    json_object_set_new(win, an_tasks[t], json_integer(g->windows[t]));
  }
  for (int e = 0; e < AN_NE; e++) json_array_append_new(effs, json_string(an_effectors[e]));
  for (int s = 0; s < g->nseeds; s++) json_array_append_new(seeds, json_integer(g->seeds[s]));
  json_object_set_new(j, "tasks", tasks);
  json_object_set_new(j, "effectors", effs);
  json_object_set_new(j, "seeds", seeds);
  json_object_set_new(
      j, "smoothing",
      json_pack("{s:i, s:o, s:f, s:f, s:s}", "order", EMB_SAVGOL_ORDER, "window_per_task", win,
                "ttp_tolerance", EMB_TTP_TOLERANCE, "ttp_slope", EMB_TTP_SLOPE, "rule",
                g->paper_profile ? "paper profile: window 500 (largest odd <= n for shorter "
                                   "curves)"
                                 : "non-paper profile: window = 500 x epochs / paper epochs, "
                                   "at least 11"));
  json_t *runs = json_array();
  json_t *states = json_object();
  for (int i = 0; i < g->nruns; i++) {
    const anRun *u = &g->runs[i];
    json_t *c = json_object_get(states, u->state);
    json_object_set_new(states, u->state, json_integer(c ? json_integer_value(c) + 1 : 1));
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:s, s:b, s:i, s:o, s:s}",
                          "id", u->id, "kind", u->kind, "effector", u->effector, "task",
                          u->task, "base_task",
                          u->transfer ? json_string(u->base_task) : json_null(), "seed",
                          (json_int_t)u->seed, "epochs",
                          u->epochs > 0 ? json_integer(u->epochs) : json_null(), "state",
                          u->state, "used", u->usable, "segment_rows", u->n, "wall_seconds",
                          emb_json_number(u->wall_seconds), "note", u->note);
    if (u->has_metrics)
      json_object_set_new(
          o, "metrics",
          json_pack("{s:f, s:f, s:i, s:f, s:i, s:o, s:i, s:b, s:o}", "auc", u->m.auc,
                    "raw_peak", u->m.raw_peak, "raw_peak_index", u->m.raw_peak_index, "peak",
                    u->m.peak, "peak_index", u->m.peak_index, "ttp",
                    u->m.ttp < 0 ? json_null() : json_integer(u->m.ttp), "window",
                    u->m.window, "window_reduced", u->m.window_reduced, "final_performance",
                    emb_json_number(u->final_perf)));
    else
      json_object_set_new(o, "metrics", json_null());
    json_array_append_new(runs, o);
  }
  json_object_set_new(j, "run_states", states);
  json_object_set_new(j, "runs", runs);

  json_t *gm = json_object(), *nta = json_object(), *ttp = json_object();
  for (int e = 0; e < AN_NE; e++) {
    json_object_set_new(gm, an_effectors[e],
                        json_pack("{s:o, s:o, s:o}", "mean", jmatrix(r->gain_stat[e], 0), "sd",
                                  jmatrix(r->gain_stat[e], 1), "n",
                                  jmatrix(r->gain_stat[e], 2)));
    json_t *a = json_object(), *t = json_object();
    for (int b = 0; b < AN_NT; b++) {
      json_object_set_new(a, an_tasks[b], jstat(r->nt_auc_stat[e][b]));
      json_t *s = jstat(r->ttp[e][b]);
      json_object_set_new(s, "not_reached", json_integer(r->ttp_not_reached[e][b]));
      json_object_set_new(s, "runs", json_integer(r->ttp_runs[e][b]));
      json_object_set_new(t, an_tasks[b], s);
    }
    json_object_set_new(nta, an_effectors[e], a);
    json_object_set_new(ttp, an_effectors[e], t);
  }
  json_object_set_new(j, "gain_matrix_pct",
                      json_pack("{s:s, s:s, s:o}", "rows", "target (transfer) task", "columns",
                                "base task", "effectors", gm));
  json_object_set_new(j, "no_transfer_auc", nta);
  json_object_set_new(j, "ttp", ttp);
  json_t *ntd = json_object(), *atd = json_object(), *avp = json_object();
  for (int b = 0; b < AN_NT; b++) {
    json_t *d = jstat(r->nt_diff[b]);
    json_object_set_new(d, "test_point_mass_vs_arm", jwelch(&r->nt_test[b]));
    json_object_set_new(ntd, an_tasks[b], d);
    json_t *p = jstat(r->at_diff_task[b]);
    json_object_set_new(p, "positive_pairs", json_integer(r->at_positive_cells[b]));
    json_object_set_new(p, "pairs", json_integer(r->at_cells[b]));
    json_object_set_new(atd, an_tasks[b], p);
    json_t *w = jwelch(&r->target_welch[b]);
    json_object_set_new(w, "mwu_u", emb_json_number(r->target_mwu[b].u));
    json_object_set_new(w, "mwu_p_exact", emb_json_number(r->target_mwu[b].p));
    json_object_set_new(w, "stars_mwu", json_string(emb_star_code(r->target_mwu[b].p)));
    json_object_set_new(avp, an_tasks[b], w);
  }
  json_object_set_new(j, "no_transfer_difference_arm_minus_point_mass", ntd);
  json_object_set_new(j, "after_transfer_difference_arm_minus_point_mass",
                      json_pack("{s:o, s:o, s:o, s:o}", "mean", jmatrix(r->at_diff, 0), "sd",
                                jmatrix(r->at_diff, 1), "n", jmatrix(r->at_diff, 2),
                                "per_target_task", atd));
  json_object_set_new(j, "arm_vs_point_mass_gain",
                      json_pack("{s:s, s:o}", "samples",
                                "a = arm gains, b = point-mass gains (%) over all bases and "
                                "seeds of the target task",
                                "per_target_task", avp));
  json_t *claims = json_array();
  for (int k = 0; k < 6; k++) {
    const anClaim *c = &r->claims[k];
    json_array_append_new(
        claims, json_pack("{s:i, s:s, s:s, s:s, s:s, s:b}", "number", c->number, "claim",
                          c->text, "rule", c->rule, "measured", c->measured, "verdict",
                          an_verdict_name(c->verdict), "direction_only", c->direction_only));
  }
  json_object_set_new(j, "claims", claims);
  return j;
}

int an_write_tables(const anGrid *g, const anResults *r, json_t **metrics_out) {
  int st = write_summary(g);
  if (!st) st = write_matrices(g, r);
  if (st) return st;
  *metrics_out = build_json(g, r);
  return *metrics_out ? EMB_OK : emb_error(EMB_ENOMEM, "building metrics.json");
}
