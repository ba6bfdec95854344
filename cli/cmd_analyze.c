/* cmd_analyze.c — `embody analyze DIR`: metrics, statistics, claims, figures and an HTML
 * report for a grid directory (docs/analysis.md). */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "embody/emb_analysis.h"
#include "embody/emb_types.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: embody analyze DIR [--out DIR/report] [--pair BASE:TARGET]... "
          "[--no-figures] [--quiet]\n\n"
          "Reads DIR/plan.json and DIR/runs/*/ (finished or not) and writes to the output\n"
          "directory: index.html (claim table, figures, tables), summary.csv, metrics.json,\n"
          "gain_matrix.csv, after_transfer_difference.csv, no_transfer.csv,\n"
          "arm_vs_point_mass.csv, claims.csv and figures/ (PNG, SVG, data CSV, gnuplot\n"
          "script per figure). See docs/analysis.md.\n\n"
          "  --out DIR          output directory (default DIR/report)\n"
          "  --pair BASE:TARGET transfer-vs-no-transfer learning-curve figure for this pair\n"
          "                     (repeatable, up to %d; default COR:COBJGR and RTR:DCOR)\n"
          "  --no-figures       skip gnuplot (tables, JSON and HTML only)\n"
          "  --quiet            no summary on stdout\n",
          EMB_MAX_PAIRS);
}

static int is_task(const char *s) {
  const char *t[] = {"RTR", "COR", "COBJGR", "COBFGR", "DCOR", "JTR"};
  for (int i = 0; i < 6; i++)
    if (!strcmp(s, t[i])) return 1;
  return 0;
}

int cmd_analyze(int argc, char **argv) {
  embAnalyzeOptions o;
  emb_analyze_options_default(&o);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return EMB_EXIT_OK;
    } else if (!strcmp(a, "--out")) {
      if (!(o.out_dir = arg_value("analyze", argc, argv, &i))) return EMB_EXIT_USAGE;
    } else if (!strcmp(a, "--no-figures")) {
      o.figures = 0;
    } else if (!strcmp(a, "--quiet")) {
      o.quiet = 1;
    } else if (!strcmp(a, "--pair")) {
      if (!(v = arg_value("analyze", argc, argv, &i))) return EMB_EXIT_USAGE;
      const char *colon = strchr(v, ':');
      char base[16] = "", target[16] = "";
      if (colon && colon - v < 16 && strlen(colon + 1) < 16) {
        memcpy(base, v, (size_t)(colon - v));
        strcpy(target, colon + 1);
      }
      if (!is_task(base) || !is_task(target) || !strcmp(base, target)) {
        fprintf(stderr, "embody analyze: --pair expects BASE:TARGET with two different tasks "
                        "among RTR, COR, COBJGR, COBFGR, DCOR, JTR (got '%s')\n", v);
        return EMB_EXIT_USAGE;
      }
      if (o.npairs >= EMB_MAX_PAIRS) {
        fprintf(stderr, "embody analyze: at most %d --pair options\n", EMB_MAX_PAIRS);
        return EMB_EXIT_USAGE;
      }
      strcpy(o.pairs[o.npairs][0], base);
      strcpy(o.pairs[o.npairs][1], target);
      o.npairs++;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "embody analyze: unknown option '%s' (see embody analyze --help)\n", a);
      return EMB_EXIT_USAGE;
    } else if (!o.grid_dir) {
      o.grid_dir = a;
    } else {
      fprintf(stderr, "embody analyze: one grid directory at a time\n");
      return EMB_EXIT_USAGE;
    }
  }
  if (!o.grid_dir) {
    usage(stderr);
    return EMB_EXIT_USAGE;
  }
  int st = emb_analyze(&o);
  if (st == EMB_OK) return EMB_EXIT_OK;
  /* a missing grid or a bad plan is bad input; outputs and gnuplot are failures */
  return (st == EMB_EINVAL || st == EMB_EFORMAT) ? EMB_EXIT_USAGE : EMB_EXIT_FAIL;
}
