/* analyze.c — emb_analyze: load the grid, compare, check the claims, write the tables,
 * figures, metrics.json and index.html (docs/analysis.md). */
#include "analysis/analysis.h"

/* paths are bounded (AN_PATH, checked in an_grid_load); a truncated note is harmless */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embody/emb_types.h"

void emb_analyze_options_default(embAnalyzeOptions *o) {
  memset(o, 0, sizeof *o);
  o->figures = 1;
}

int emb_analyze(const embAnalyzeOptions *o) {
  anGrid g;
  anResults *r = calloc(1, sizeof *r);
  json_t *metrics = NULL, *figures = json_array();
  if (!r || !figures) {
    free(r);
    json_decref(figures);
    return emb_error(EMB_ENOMEM, "analysis tables");
  }
  int st = an_grid_load(&g, o->grid_dir, o->out_dir);
  if (st) { /* a missing or unreadable grid is bad input, not a failure of the analysis */
    if (st == EMB_EIO) st = EMB_EINVAL;
    goto out;
  }
  if ((st = an_mkdir_p(g.out))) goto out;
  an_compare(&g, r);
  an_claims(&g, r);
  if ((st = an_write_tables(&g, r, &metrics))) goto out;
  if (o->figures && (st = an_write_figures(&g, r, o, figures))) goto out;
  json_object_set(metrics, "figures", figures);
  char path[AN_PATH + 32];
  snprintf(path, sizeof path, "%s/metrics.json", g.out);
  if (json_dump_file(metrics, path, JSON_INDENT(1) | JSON_REAL_PRECISION(12))) {
    st = emb_error(EMB_EIO, "cannot write %s", path);
    goto out;
  }
  if ((st = an_write_html(&g, r, metrics, figures))) goto out;
  if (!o->quiet) {
    int used = 0;
    for (int i = 0; i < g.nruns; i++) used += g.runs[i].usable;
    printf("grid %s: profile %s%s, %d runs planned, %d finished and used\n", g.dir, g.profile,
           g.paper_profile ? "" : " (not the paper's: smoothing window scaled with epochs)",
           g.nruns, used);
    for (int i = 0; i < g.nruns; i++)
      if (!g.runs[i].usable)
        printf("  not used: %s (%s%s%s)\n", g.runs[i].id, g.runs[i].state,
               *g.runs[i].note ? ": " : "", g.runs[i].note);
    for (int k = 0; k < 6; k++)
      printf("claim %d: %s%s\n", k + 1, an_verdict_name(r->claims[k].verdict),
             r->claims[k].direction_only ? " (direction only, no test)" : "");
    printf("report: %s/index.html\n", g.out);
  }
out:
  json_decref(metrics);
  json_decref(figures);
  if (g.runs || g.plan) an_grid_free(&g);
  free(r);
  return st;
}
