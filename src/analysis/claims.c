/* claims.c — the six claims of spec/metrics.md §3, each with the measured numbers and a
 * verdict by the rules of §2 (constants in emb_analysis.h, documented in
 * docs/analysis.md):
 *  - a "greater than" item holds when the difference is positive and Welch p < 0.05;
 *    when no test is possible (one seed, zero spread) the direction alone decides and the
 *    claim is marked "direction only, no test";
 *  - a claim over several items is "not supported" as soon as one item fails, "not
 *    enough data" when none fails but some lack data, "supported" otherwise;
 *  - "about X-Y %" holds when the mean lies in [X-5, Y+5];
 *  - "about half" of the six tasks means 2..4. */
#include "analysis/analysis.h"

/* paths are bounded (AN_PATH, checked in an_grid_load); a truncated note is harmless */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { ITEM_OK, ITEM_FAIL, ITEM_NODATA };

const char *an_verdict_name(anVerdict v) {
  switch (v) {
  case AN_SUPPORTED: return "supported";
  case AN_NOT_SUPPORTED: return "not supported";
  default: return "not enough data";
  }
}

static void add(anClaim *c, const char *fmt, ...) {
  size_t len = strlen(c->measured);
  if (len + 1 >= sizeof c->measured) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->measured + len, sizeof c->measured - len, fmt, ap);
  va_end(ap);
}

static anVerdict combine(int fails, int nodata) {
  if (fails) return AN_NOT_SUPPORTED;
  if (nodata) return AN_NOT_ENOUGH;
  return AN_SUPPORTED;
}

/* a "greater than" item (diff = a - b > 0) from a Welch result */
static int greater_item(const embWelchResult *w, int *direction_only) {
  if (w->na < 1 || w->nb < 1) return ITEM_NODATA;
  if (!w->tested) {
    *direction_only = 1;
    return w->diff > 0 ? ITEM_OK : ITEM_FAIL;
  }
  return (w->diff > 0 && w->p < EMB_CLAIM_ALPHA) ? ITEM_OK : ITEM_FAIL;
}

static void fmt_p(char *buf, size_t cap, const embWelchResult *w) {
  if (w->tested) snprintf(buf, cap, "p=%.3g %s", w->p, emb_star_code(w->p));
  else snprintf(buf, cap, "no test");
}

static anStat target_gain(const anResults *r, int e, int b, int S) {
  double v[AN_NT * AN_MAX_SEEDS];
  int k = 0;
  for (int a = 0; a < AN_NT; a++)
    for (int s = 0; s < S; s++)
      if (isfinite(r->gain[e][b][a][s])) v[k++] = r->gain[e][b][a][s];
  return an_stat(v, k);
}

void an_claims(const anGrid *g, anResults *r) {
  int S = g->nseeds;
  const int COBJGR = an_task_index("COBJGR"), COBFGR = an_task_index("COBFGR"),
            DCOR = an_task_index("DCOR");
  memset(r->claims, 0, sizeof r->claims);
  for (int i = 0; i < 6; i++) r->claims[i].number = i + 1;
  char p[64];

  /* 1: no transfer, point mass AUC > arm AUC on all six tasks */
  anClaim *c = &r->claims[0];
  c->text = "From scratch, the point mass learns faster than the arm on all six tasks "
            "(AUC_pm > AUC_arm, no transfer).";
  c->rule = "per task: AUC_pm - AUC_arm > 0 and Welch p < 0.05 over seeds; all six tasks";
  int fails = 0, nodata = 0, ok = 0;
  for (int b = 0; b < AN_NT; b++) {
    const embWelchResult *w = &r->nt_test[b];
    int it = greater_item(w, &c->direction_only);
    fails += it == ITEM_FAIL;
    nodata += it == ITEM_NODATA;
    ok += it == ITEM_OK;
    if (it == ITEM_NODATA) {
      add(c, "%s: no data; ", an_tasks[b]);
      continue;
    }
    fmt_p(p, sizeof p, w);
    add(c, "%s: pm %.4g vs arm %.4g (n=%d/%d), diff %+.4g, %s; ", an_tasks[b], w->mean_a,
        w->mean_b, w->na, w->nb, w->diff, p);
  }
  add(c, "holds on %d of 6 tasks", ok);
  c->verdict = combine(fails, nodata);

  /* 2: arm gains > point-mass gains for all 30 combinations */
  c = &r->claims[1];
  c->text = "Transfer gains of the arm exceed those of the point mass for all task "
            "combinations.";
  c->rule = "per (base, target) pair: gain_arm - gain_pm > 0 and Welch p < 0.05 over "
            "seeds; all 30 pairs";
  fails = nodata = ok = 0;
  int positive = 0, have = 0;
  char failed[1024] = "";
  for (int b = 0; b < AN_NT; b++)
    for (int a = 0; a < AN_NT; a++) {
      if (a == b) continue;
      const embWelchResult *w = &r->pair_test[b][a];
      int it = greater_item(w, &c->direction_only);
      fails += it == ITEM_FAIL;
      nodata += it == ITEM_NODATA;
      ok += it == ITEM_OK;
      if (it != ITEM_NODATA) {
        have++;
        positive += w->diff > 0;
      }
      if (it == ITEM_FAIL && strlen(failed) < sizeof failed - 64)
        snprintf(failed + strlen(failed), sizeof failed - strlen(failed), " %s->%s (%+.3g%s)",
                 an_tasks[a], an_tasks[b], w->diff, w->tested ? (w->p < 0.05 ? "" : ", ns")
                                                               : ", no test");
    }
  add(c, "%d of 30 pairs with data; arm gain > pm gain in %d, significantly so "
      "(or by direction with one seed) in %d", have, positive, ok);
  if (*failed) add(c, "; pairs against the claim:%s", failed);
  c->verdict = combine(fails, nodata);

  /* 3: COBJGR gains: arm about 30-35 %, point mass about 15-20 % */
  c = &r->claims[2];
  c->text = "On COBJGR the arm's gain is about 30-35 % and the point mass's about 15-20 %.";
  c->rule = "mean gain over bases and seeds with COBJGR as target: arm in [25, 40] %, "
            "point mass in [10, 25] % (bands widened by 5 points)";
  {
    anStat ga = target_gain(r, 1, COBJGR, S), gp = target_gain(r, 0, COBJGR, S);
    double lo_a = 30 - EMB_BAND_WIDENING, hi_a = 35 + EMB_BAND_WIDENING;
    double lo_p = 15 - EMB_BAND_WIDENING, hi_p = 20 + EMB_BAND_WIDENING;
    if (ga.n == 0 || gp.n == 0) {
      c->verdict = AN_NOT_ENOUGH;
      add(c, "arm n=%d, point mass n=%d gains with COBJGR as target", ga.n, gp.n);
    } else {
      int in_a = ga.mean >= lo_a && ga.mean <= hi_a, in_p = gp.mean >= lo_p && gp.mean <= hi_p;
      add(c, "arm %.3g %% (sd %.3g, n=%d) %s [%g, %g]; point mass %.3g %% (sd %.3g, n=%d) %s "
          "[%g, %g]", ga.mean, ga.sd, ga.n, in_a ? "in" : "outside", lo_a, hi_a, gp.mean,
          gp.sd, gp.n, in_p ? "in" : "outside", lo_p, hi_p);
      c->verdict = (in_a && in_p) ? AN_SUPPORTED : AN_NOT_SUPPORTED;
    }
  }

  /* 4: COBFGR and DCOR: point mass negligible or negative, arm positive */
  c = &r->claims[3];
  c->text = "For COBFGR and DCOR the point mass shows negligible or negative transfer; the "
            "arm stays positive.";
  c->rule = "mean gain over bases and seeds with COBFGR / DCOR as target: point mass <= 5 % "
            "(negligible or negative), arm > 0 %";
  fails = nodata = 0;
  int targets[2] = {COBFGR, DCOR};
  for (int k = 0; k < 2; k++) {
    int b = targets[k];
    anStat ga = target_gain(r, 1, b, S), gp = target_gain(r, 0, b, S);
    if (ga.n == 0 || gp.n == 0) {
      nodata++;
      add(c, "%s: no data (arm n=%d, pm n=%d); ", an_tasks[b], ga.n, gp.n);
      continue;
    }
    int pm_ok = gp.mean <= EMB_NEGLIGIBLE_GAIN, arm_ok = ga.mean > 0;
    fails += !(pm_ok && arm_ok);
    add(c, "%s: point mass %.3g %% (n=%d, %s), arm %.3g %% (n=%d, %s); ", an_tasks[b],
        gp.mean, gp.n, pm_ok ? "<= 5" : "> 5", ga.mean, ga.n, arm_ok ? "> 0" : "<= 0");
  }
  c->verdict = combine(fails, nodata);

  /* 5: the arm's gain advantage is significant for every target except COBFGR */
  c = &r->claims[4];
  c->text = "The arm's advantage is significant for every target task except COBFGR.";
  c->rule = "per target task, arm vs point-mass gains over all bases and seeds: Welch "
            "p < 0.05 with a positive difference for the five targets other than COBFGR, "
            "not so for COBFGR";
  fails = nodata = 0;
  for (int b = 0; b < AN_NT; b++) {
    const embWelchResult *w = &r->target_welch[b];
    const embMwuResult *u = &r->target_mwu[b];
    if (!w->tested) {
      nodata++;
      add(c, "%s: no test (n=%d/%d); ", an_tasks[b], w->na, w->nb);
      continue;
    }
    int sig = w->diff > 0 && w->p < EMB_CLAIM_ALPHA;
    int good = (b == COBFGR) ? !sig : sig;
    fails += !good;
    add(c, "%s: arm %.3g vs pm %.3g %%, diff %+.3g, Welch p=%.3g %s, MWU p=%.3g; ",
        an_tasks[b], w->mean_a, w->mean_b, w->diff, w->p, emb_star_code(w->p), u->p);
  }
  c->verdict = combine(fails, nodata);

  /* 6: after transfer, the arm beats the point mass on about half of the tasks */
  c = &r->claims[5];
  c->text = "After transfer, the arm beats the point mass (AUC) on about half of the tasks.";
  c->rule = "per target task: mean over bases and seeds of AUC(T_arm) - AUC(T_pm) > 0; "
            "supported when 2..4 of the 6 tasks";
  int beats = 0, with = 0;
  for (int b = 0; b < AN_NT; b++) {
    const anStat *d = &r->at_diff_task[b];
    if (d->n == 0) {
      add(c, "%s: no data; ", an_tasks[b]);
      continue;
    }
    with++;
    beats += d->mean > 0;
    add(c, "%s: %+.4g (%d of %d pairs positive); ", an_tasks[b], d->mean,
        r->at_positive_cells[b], r->at_cells[b]);
  }
  add(c, "arm ahead on %d of %d tasks with data", beats, with);
  if (beats > EMB_HALF_HIGH) c->verdict = AN_NOT_SUPPORTED;
  else if (with < AN_NT) c->verdict = (beats + (AN_NT - with) < EMB_HALF_LOW)
                                          ? AN_NOT_SUPPORTED : AN_NOT_ENOUGH;
  else c->verdict = (beats >= EMB_HALF_LOW && beats <= EMB_HALF_HIGH) ? AN_SUPPORTED
                                                                      : AN_NOT_SUPPORTED;
}
