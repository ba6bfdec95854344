/* gnuplot.c — run a figure script through gnuplot (popen), check gnuplot's exit status
 * (pclose) and that it wrote a non-empty PNG and SVG. Each script (<name>.gp, written
 * by figures.c) draws both formats, so a user can re-plot with `gnuplot <name>.gp` in
 * the figures directory. gnuplot's messages go to <name>.log, removed on success. */
#include "analysis/analysis.h"

/* paths are bounded (AN_PATH, checked in an_grid_load); a truncated note is harmless */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "embody/emb_types.h"

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* single-quote a path for sh */
static void shell_quote(char *dst, size_t cap, const char *src) {
  size_t k = 0;
  if (k < cap - 1) dst[k++] = '\'';
  for (; *src && k + 5 < cap; src++) {
    if (*src == '\'') {
      memcpy(dst + k, "'\\''", 4);
      k += 4;
    } else {
      dst[k++] = *src;
    }
  }
  if (k < cap - 1) dst[k++] = '\'';
  dst[k] = 0;
}

int an_gnuplot_run(const char *figdir, const char *name) {
  char qdir[AN_PATH * 2], cmd[AN_PATH * 2 + 256];
  shell_quote(qdir, sizeof qdir, figdir);
  snprintf(cmd, sizeof cmd, "cd %s && gnuplot > '%s.log' 2>&1", qdir, name);
  /* a gnuplot that is missing or dies early must not kill us with SIGPIPE: its exit
   * status reports the problem */
  struct sigaction ign, old;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  FILE *p = popen(cmd, "w");
  if (!p) {
    sigaction(SIGPIPE, &old, NULL);
    return emb_error(EMB_EIO, "cannot start gnuplot for %s", name);
  }
  fprintf(p, "load '%s.gp'\n", name);
  int st = pclose(p);
  sigaction(SIGPIPE, &old, NULL);
  char log[AN_PATH + 64], png[AN_PATH + 64], svg[AN_PATH + 64];
  snprintf(log, sizeof log, "%s/%s.log", figdir, name);
  snprintf(png, sizeof png, "%s/%s.png", figdir, name);
  snprintf(svg, sizeof svg, "%s/%s.svg", figdir, name);
  if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    char msg[1024] = "";
    FILE *f = fopen(log, "r");
    if (f) {
      size_t n = fread(msg, 1, sizeof msg - 1, f);
      msg[n] = 0;
      fclose(f);
    }
    return emb_error(EMB_EIO,
                     "gnuplot failed on %s/%s.gp (exit status %d; is gnuplot installed with "
                     "the pngcairo and svg terminals?):\n%s", figdir, name,
                     (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1, msg);
  }
  if (file_size(png) <= 0 || file_size(svg) <= 0)
    return emb_error(EMB_EIO, "gnuplot ran %s/%s.gp but %s.png or %s.svg is missing or empty",
                     figdir, name, name, name);
  unlink(log);
  return EMB_OK;
}
