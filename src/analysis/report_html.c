/* report_html.c — report/index.html: one self-contained page (inline CSS, no scripts,
 * no network) with the claim table first, the profile stated at the top, the figures,
 * the tables, the runs that are not used and the grid's configuration, with relative
 * links to every CSV/JSON/SVG/gnuplot file. */
#include "analysis/analysis.h"

/* paths are bounded (AN_PATH, checked in an_grid_load); a truncated note is harmless */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "embody/emb_types.h"

static void esc(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default: fputc(*s, f);
    }
  }
}

static void cell_num(FILE *f, double x, const char *fmt) {
  fputs("<td>", f);
  if (isfinite(x)) fprintf(f, fmt, x);
  else fputs("&ndash;", f);
  fputs("</td>", f);
}

static void cell_stat(FILE *f, anStat s, int digits) {
  if (s.n == 0) {
    fputs("<td class=\"na\">&ndash;</td>", f);
    return;
  }
  fprintf(f, "<td>%.*f", digits, s.mean);
  if (s.n > 1) fprintf(f, " &plusmn; %.*f", digits, s.sd);
  fprintf(f, " <small>(n=%d)</small></td>", s.n);
}

static void matrix(FILE *f, const char *caption, const anStat m[AN_NT][AN_NT], int digits) {
  fprintf(f, "<table class=\"m\"><caption>");
  esc(f, caption);
  fputs("</caption><tr><th>target \\ base</th>", f);
  for (int a = 0; a < AN_NT; a++) fprintf(f, "<th>%s</th>", an_tasks[a]);
  fputs("</tr>\n", f);
  for (int b = 0; b < AN_NT; b++) {
    fprintf(f, "<tr><th>%s</th>", an_tasks[b]);
    for (int a = 0; a < AN_NT; a++) {
      if (a == b) fputs("<td class=\"diag\"></td>", f);
      else cell_stat(f, m[b][a], digits);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table>\n", f);
}

static const char *verdict_class(anVerdict v) {
  return v == AN_SUPPORTED ? "yes" : v == AN_NOT_SUPPORTED ? "no" : "na";
}

int an_write_html(const anGrid *g, const anResults *r, json_t *metrics, json_t *figures) {
  (void)metrics;
  char path[AN_PATH + 32];
  snprintf(path, sizeof path, "%s/index.html", g->out);
  FILE *f = fopen(path, "w");
  if (!f) return emb_error(EMB_EIO, "cannot write %s", path);
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>embody "
        "analysis of ", f);
  esc(f, g->dir);
  fputs("</title>\n<style>\nbody{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1200px;"
        "margin:1em auto;padding:0 1em;color:#222}\ntable{border-collapse:collapse;margin:"
        "0.6em 0}\ntd,th{border:1px solid #bbb;padding:3px 7px;vertical-align:top;font-size:"
        "0.92em}\nth{background:#f0f0f0}\ncaption{font-weight:bold;text-align:left;padding:"
        "4px 0}\n.yes{background:#d9f2d9}.no{background:#f8d7d7}.na{background:#f0f0f0;"
        "color:#666}\n.diag{background:#d9d9d9}\n.banner{border:2px solid #c97a00;background:"
        "#fff4e0;padding:0.6em 1em;margin:1em 0}\nfigure{margin:1.5em 0}\nfigure img{max-width:"
        "100%;border:1px solid #ddd}\nfigcaption{font-size:0.92em;color:#333}\npre{background:"
        "#f7f7f7;padding:0.6em;overflow-x:auto}\n</style></head><body>\n", f);
  fputs("<h1>How the body shapes transfer: analysis of a grid</h1>\n<p>Grid directory: <code>",
        f);
  esc(f, g->dir);
  fprintf(f, "</code> &middot; profile <b>");
  esc(f, g->profile);
  fputs("</b></p>\n", f);
  if (!g->paper_profile) {
    fputs("<div class=\"banner\"><b>Non-paper profile &laquo;", f);
    esc(f, g->profile);
    fputs("&raquo;.</b> The runs use fewer epochs than the paper, so the numbers below are "
          "<b>not</b> the paper's experiment. The Savitzky&ndash;Golay window scales with the "
          "epochs (W = 500 &times; epochs / paper epochs, at least 11; paper epochs 5000, or "
          "35000 for COBFGR and DCOR):", f);
    for (int t = 0; t < AN_NT; t++)
      if (g->task_epochs[t] > 0)
        fprintf(f, " %s %ld epochs &rarr; W = %d;", an_tasks[t], g->task_epochs[t],
                g->windows[t]);
    fputs("</div>\n", f);
  }
  int used = 0;
  for (int i = 0; i < g->nruns; i++) used += g->runs[i].usable;
  fprintf(f, "<p>%d runs planned, %d finished and used, %d seed(s).</p>\n", g->nruns, used,
          g->nseeds);

  /* 1. claims */
  fputs("<h2 id=\"claims\">1. The paper's claims</h2>\n<table><tr><th>#</th><th>claim</th>"
        "<th>verdict</th><th>measured</th><th>rule</th></tr>\n", f);
  for (int k = 0; k < 6; k++) {
    const anClaim *c = &r->claims[k];
    fprintf(f, "<tr><td>%d</td><td>", c->number);
    esc(f, c->text);
    fprintf(f, "</td><td class=\"%s\"><b>%s</b>%s</td><td>", verdict_class(c->verdict),
            an_verdict_name(c->verdict),
            c->direction_only ? "<br><small>direction only, no test</small>" : "");
    esc(f, c->measured);
    fputs("</td><td><small>", f);
    esc(f, c->rule);
    fputs("</small></td></tr>\n", f);
  }
  fputs("</table>\n<p><small>Verdict rules (spec/metrics.md &sect;2, docs/analysis.md): a "
        "&ldquo;greater than&rdquo; item needs a positive difference and Welch p &lt; 0.05 "
        "(one seed: direction only, no test); &ldquo;about X&ndash;Y %&rdquo; needs the mean "
        "in the band widened by 5 points; &ldquo;about half&rdquo; means 2&ndash;4 of 6 tasks; "
        "a claim with no failing item but missing data has &ldquo;not enough data&rdquo;. "
        "Also in <a href=\"claims.csv\">claims.csv</a>.</small></p>\n", f);

  /* 2. figures */
  fputs("<h2 id=\"figures\">2. Figures</h2>\n", f);
  size_t i;
  json_t *fig;
  int nfig = 0;
  json_array_foreach(figures, i, fig) {
    const char *png = json_string_value(json_object_get(fig, "png"));
    if (!png) continue;
    nfig++;
    fputs("<figure><img src=\"", f);
    esc(f, png);
    fputs("\" alt=\"", f);
    esc(f, json_string_value(json_object_get(fig, "title")));
    fputs("\"><figcaption><b>", f);
    esc(f, json_string_value(json_object_get(fig, "title")));
    fputs(".</b> ", f);
    esc(f, json_string_value(json_object_get(fig, "caption")));
    fputs(" <a href=\"", f);
    esc(f, json_string_value(json_object_get(fig, "svg")));
    fputs("\">SVG</a>", f);
    size_t k;
    json_t *d;
    json_array_foreach(json_object_get(fig, "data"), k, d) {
      fputs(" &middot; <a href=\"", f);
      esc(f, json_string_value(d));
      fputs("\">data (CSV)</a>", f);
    }
    fputs(" &middot; <a href=\"", f);
    esc(f, json_string_value(json_object_get(fig, "script")));
    fputs("\">gnuplot script</a></figcaption></figure>\n", f);
  }
  if (!nfig) fputs("<p>No figures were drawn.</p>\n", f);
  int nskip = 0;
  json_array_foreach(figures, i, fig) {
    const char *why = json_string_value(json_object_get(fig, "skipped"));
    if (!why) continue;
    if (!nskip++) fputs("<p>Figures not drawn:</p><ul>\n", f);
    fputs("<li>", f);
    esc(f, json_string_value(json_object_get(fig, "title")));
    fputs(": ", f);
    esc(f, why);
    fputs("</li>\n", f);
  }
  if (nskip) fputs("</ul>\n", f);

  /* 3. tables */
  fputs("<h2 id=\"tables\">3. Tables</h2>\n<p>Mean &plusmn; standard deviation over seeds "
        "(n = number of values). Rows are the transfer (target) task, columns the base "
        "task.</p>\n", f);
  for (int e = 0; e < AN_NE; e++) {
    char cap[160];
    snprintf(cap, sizeof cap, "Transfer gain of the %s (%%): 100 (AUC(T(A->B)) - AUC(NT(B))) "
                              "/ AUC(NT(B))", an_effector_labels[e]);
    matrix(f, cap, r->gain_stat[e], 1);
  }
  matrix(f, "After transfer: AUC(T_arm(A->B)) - AUC(T_pm(A->B))", r->at_diff, 2);
  fputs("<table><caption>No transfer, per task: AUC, effector difference and time to plateau"
        "</caption><tr><th>task</th><th>AUC point mass</th><th>AUC arm</th><th>AUC arm &minus; "
        "point mass</th><th>Welch p (pm vs arm)</th><th>TTP point mass (epochs)</th><th>TTP "
        "arm (epochs)</th></tr>\n", f);
  for (int b = 0; b < AN_NT; b++) {
    fprintf(f, "<tr><th>%s</th>", an_tasks[b]);
    cell_stat(f, r->nt_auc_stat[0][b], 2);
    cell_stat(f, r->nt_auc_stat[1][b], 2);
    cell_stat(f, r->nt_diff[b], 2);
    fputs("<td>", f);
    if (r->nt_test[b].tested) fprintf(f, "%.3g %s", r->nt_test[b].p,
                                      emb_star_code(r->nt_test[b].p));
    else fputs("no test", f);
    fputs("</td>", f);
    for (int e = 0; e < AN_NE; e++) {
      fputs("<td>", f);
      if (r->ttp[e][b].n > 0) {
        fprintf(f, "%.0f", r->ttp[e][b].mean);
        if (r->ttp[e][b].n > 1) fprintf(f, " &plusmn; %.0f", r->ttp[e][b].sd);
      } else {
        fputs("&ndash;", f);
      }
      if (r->ttp_not_reached[e][b])
        fprintf(f, " <small>(%d of %d runs: not reached)</small>", r->ttp_not_reached[e][b],
                r->ttp_runs[e][b]);
      fputs("</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table>\n", f);
  fputs("<table><caption>Arm vs point mass transfer gain per target task (all bases and "
        "seeds)</caption><tr><th>target</th><th>n arm / pm</th><th>gain arm (%)</th><th>gain "
        "point mass (%)</th><th>difference</th><th>95% CI (Welch)</th><th>Welch t, df</th>"
        "<th>Welch p</th><th>Mann&ndash;Whitney U, exact p</th><th>stars (Welch / MWU)</th>"
        "</tr>\n", f);
  for (int b = 0; b < AN_NT; b++) {
    const embWelchResult *w = &r->target_welch[b];
    const embMwuResult *u = &r->target_mwu[b];
    fprintf(f, "<tr><th>%s</th><td>%d / %d</td>", an_tasks[b], w->na, w->nb);
    cell_num(f, w->mean_a, "%.2f");
    cell_num(f, w->mean_b, "%.2f");
    cell_num(f, w->diff, "%+.2f");
    if (w->tested) fprintf(f, "<td>[%.2f, %.2f]</td><td>%.3f, %.2f</td>", w->ci_low,
                           w->ci_high, w->t, w->df);
    else fputs("<td>&ndash;</td><td>&ndash;</td>", f);
    cell_num(f, w->p, "%.3g");
    if (u->tested) fprintf(f, "<td>%g, %.3g</td>", u->u, u->p);
    else fputs("<td>&ndash;</td>", f);
    fprintf(f, "<td>%s / %s</td></tr>\n", emb_star_code(w->p), emb_star_code(u->p));
  }
  fputs("</table>\n", f);

  /* 4. runs */
  fputs("<h2 id=\"runs\">4. Runs</h2>\n<p>One row per planned run in <a href=\"summary.csv\">"
        "summary.csv</a>. Runs not used in the comparisons:</p>\n", f);
  int nbad = 0;
  for (int k = 0; k < g->nruns; k++) {
    const anRun *u = &g->runs[k];
    if (u->usable) continue;
    if (!nbad++) fputs("<table><tr><th>run</th><th>state</th><th>epochs done</th><th>why"
                       "</th></tr>\n", f);
    fputs("<tr><td>", f);
    esc(f, u->id);
    fputs("</td><td>", f);
    esc(f, u->state);
    fputs("</td><td>", f);
    if (u->epochs_done >= 0) fprintf(f, "%ld / %ld", u->epochs_done, u->epochs_total);
    else fputs("&ndash;", f);
    fputs("</td><td>", f);
    esc(f, *u->note ? u->note : (strcmp(u->state, "done") ? "not finished" : ""));
    fputs("</td></tr>\n", f);
  }
  if (nbad) fputs("</table>\n", f);
  else fputs("<p>None: every planned run finished and was used.</p>\n", f);

  /* 5. configuration */
  fputs("<h2 id=\"config\">5. Grid configuration</h2>\n<table>", f);
  fputs("<tr><th>profile</th><td>", f);
  esc(f, g->profile);
  fputs(g->paper_profile ? " (the paper's)" : " (not the paper's: scaled epochs)", f);
  fputs("</td></tr>\n<tr><th>seeds</th><td>", f);
  for (int s = 0; s < g->nseeds; s++) fprintf(f, "%s%ld", s ? ", " : "", g->seeds[s]);
  fputs("</td></tr>\n<tr><th>epochs and smoothing window per task</th><td>", f);
  for (int t = 0; t < AN_NT; t++)
    if (g->task_epochs[t] > 0)
      fprintf(f, "%s: %ld epochs, W = %d; ", an_tasks[t], g->task_epochs[t], g->windows[t]);
  fputs("(Savitzky&ndash;Golay order 3; TTP tolerance 10 % of the peak, |slope| &lt; 1e-4 per "
        "epoch)</td></tr>\n", f);
  const char *keys[] = {"effectors", "tasks", "train_overrides"};
  for (int k = 0; k < 3; k++) {
    json_t *v = json_object_get(g->plan, keys[k]);
    if (!v) continue;
    char *s = json_dumps(v, JSON_INDENT(1) | JSON_ENCODE_ANY);
    fprintf(f, "<tr><th>%s</th><td><pre>", keys[k]);
    esc(f, s);
    fputs("</pre></td></tr>\n", f);
    free(s);
  }
  fputs("</table>\n", f);

  /* 6. files */
  fputs("<h2 id=\"files\">6. Data files</h2>\n<ul>\n"
        "<li><a href=\"metrics.json\">metrics.json</a>: every number of this page</li>\n"
        "<li><a href=\"summary.csv\">summary.csv</a>: one row per run</li>\n"
        "<li><a href=\"gain_matrix.csv\">gain_matrix.csv</a>: transfer gains</li>\n"
        "<li><a href=\"after_transfer_difference.csv\">after_transfer_difference.csv</a></li>\n"
        "<li><a href=\"no_transfer.csv\">no_transfer.csv</a>: AUC, differences, TTP</li>\n"
        "<li><a href=\"arm_vs_point_mass.csv\">arm_vs_point_mass.csv</a>: tests per target "
        "task</li>\n<li><a href=\"claims.csv\">claims.csv</a></li>\n</ul>\n"
        "<p><small>Written by embody " EMB_VERSION ". Definitions: docs/analysis.md."
        "</small></p>\n</body></html>\n", f);
  int bad = ferror(f);
  if (fclose(f) || bad) return emb_error(EMB_EIO, "error writing %s", path);
  return EMB_OK;
}
