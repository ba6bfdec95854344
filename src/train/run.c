/* run.c — one training run in its run directory: set-up, resume, transfer, the epoch
 * loop with checkpoints, progress, signals and clean failure. */
#include "embody/emb_run.h"

#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embody/emb_clock.h"
#include "embody/emb_fs.h"
#include "embody/emb_json.h"
#include "embody/emb_train.h"
#include "train/progress.h"

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

/* ---- small helpers ---- */

typedef struct {
  char dir[4096];
  FILE *log;
  FILE *curve;
  int quiet;
} Run;

static void path_in(const Run *r, const char *name, char *out, size_t n) { snprintf(out, n, "%s/%s", r->dir, name); }

static void run_log(Run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_log(Run *r, const char *fmt, ...) {
  if (!r->log) return;
  char ts[32];
  emb_now_iso(ts, sizeof ts);
  fprintf(r->log, "%s ", ts);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(r->log, fmt, ap);
  va_end(ap);
  fputc('\n', r->log);
  fflush(r->log);
}

static void write_curve_header(FILE *f) {
  fputs("epoch,loss,actor_loss,hidden_loss,hidden_deriv_loss,muscle_loss,tar_frac,grad_norm,lr,segment\n", f);
}

static void write_curve_row(FILE *f, const embCurveRow *r) {
  fprintf(f, "%ld,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%s\n", r->epoch, r->loss, r->actor_loss,
          r->hidden_loss, r->hidden_deriv_loss, r->muscle_loss, r->tar_frac, r->grad_norm, r->lr,
          emb_segment_name(r->segment));
}

/* curve.csv rewritten from the trainer's rows (fresh start, resume), then kept open */
static int open_curve(Run *r, const embTrainer *t) {
  char p[4200];
  path_in(r, "curve.csv", p, sizeof p);
  r->curve = fopen(p, "w");
  if (!r->curve) return emb_error(EMB_EIO, "cannot write %s: %s", p, strerror(errno));
  write_curve_header(r->curve);
  for (long i = 0; i < t->curve_rows; i++) write_curve_row(r->curve, &t->curve[i]);
  fflush(r->curve);
  return EMB_OK;
}

static int write_progress(const Run *r, const embTrainer *t, const char *state, const char *error) {
  json_t *o = json_pack("{s:s, s:I, s:I, s:f}", "state", state, "epochs_done", (json_int_t)t->epochs_done,
                        "epochs_total", (json_int_t)t->cfg.epochs, "wall_seconds", t->wall_seconds);
  json_object_set_new(o, "error", error ? json_string(error) : json_null());
  if (t->curve_rows > 0) json_object_set_new(o, "last_tar_frac", emb_json_number(t->curve[t->curve_rows - 1].tar_frac));
  char p[4200];
  path_in(r, "progress.json", p, sizeof p);
  int err = emb_write_json_atomic(p, o, JSON_INDENT(2));
  json_decref(o);
  return err;
}

static int save_checkpoint(Run *r, const embTrainer *t, int final) {
  char p[4200];
  path_in(r, final ? "final.ckpt" : "checkpoint.ckpt", p, sizeof p);
  int err = emb_trainer_save(t, p, NULL);
  if (!err) run_log(r, "%s written after %ld epochs", final ? "final.ckpt" : "checkpoint.ckpt", t->epochs_done);
  return err;
}

static json_t *load_json_file(const char *path) {
  json_error_t e;
  json_t *j = json_load_file(path, 0, &e);
  if (!j) emb_error(EMB_EFORMAT, "%s:%d:%d: %s", path, e.line, e.column, e.text);
  return j;
}

static json_t *config_json(const embTrainer *t, const char *start_time) {
  json_t *o = emb_config_to_json(&t->cfg);
  char host[256] = "unknown";
  gethostname(host, sizeof host - 1);
  json_object_set_new(o, "embody_version", json_string(EMB_VERSION));
  json_object_set_new(o, "git_commit", EMB_GIT_COMMIT[0] ? json_string(EMB_GIT_COMMIT) : json_null());
  json_object_set_new(o, "start_time", json_string(start_time));
  json_object_set_new(o, "host", json_string(host));
  json_object_set_new(o, "numeric_type", json_string(EMB_NUM_NAME));
  if (t->cfg.profile != EMB_PROFILE_PAPER)
    json_object_set_new(o, "profile_note",
                        json_sprintf("non-paper profile '%s': epochs (and COBFGR batch) reduced; not the paper's presets",
                                     emb_profile_name(t->cfg.profile)));
  return o;
}

/* ---- the epoch loop shared by fresh runs and resumes ---- */

static int train_loop(Run *r, embTrainer *t, long stop_after) {
  const long first = t->epochs_done;
  const embTrainConfig *c = &t->cfg;
  embProgress prog;
  emb_progress_start(&prog, r->quiet, c->epochs, t->epochs_done,
                     c->profile != EMB_PROFILE_PAPER ? emb_profile_name(c->profile) : NULL);
  write_progress(r, t, "running", NULL);
  while (t->epochs_done < c->epochs) {
    embCurveRow row;
    int err = emb_trainer_epoch(t, &row);
    if (err) {
      emb_progress_end(&prog);
      char ck[4200];
      path_in(r, "checkpoint.ckpt", ck, sizeof ck);
      run_log(r, "FAILED at epoch %ld: %s (%s)", t->epoch_offset + t->epochs_done, emb_last_error(),
              emb_file_exists(ck) ? "the last good checkpoint is kept" : "no checkpoint had been written yet");
      write_progress(r, t, "failed", emb_last_error());
      return EMB_RUN_FAILED;
    }
    write_curve_row(r->curve, &row);
    fflush(r->curve);
    emb_progress_update(&prog, t->epochs_done, row.loss, row.tar_frac);
    int last = t->epochs_done == c->epochs;
    if (stop_after > 0 && t->epochs_done - first >= stop_after) stop_requested = 1;
    if (last || t->epochs_done % c->save_every == 0 || stop_requested) {
      if ((err = save_checkpoint(r, t, 0))) {
        emb_progress_end(&prog);
        run_log(r, "FAILED writing the checkpoint: %s", emb_last_error());
        write_progress(r, t, "failed", emb_last_error());
        return EMB_RUN_FAILED;
      }
      if (!last) write_progress(r, t, "running", NULL);
    }
    if (stop_requested && !last) {
      emb_progress_end(&prog);
      run_log(r, "stopped (signal or --stop-after) after %ld epochs; checkpoint written", t->epochs_done);
      write_progress(r, t, "interrupted", NULL);
      fprintf(stderr, "embody train: stopped after %ld/%ld epochs; checkpoint written. Resume with: embody train --resume %s\n",
              t->epochs_done, c->epochs, r->dir);
      return EMB_RUN_INTERRUPTED;
    }
  }
  emb_progress_end(&prog);
  if (save_checkpoint(r, t, 1)) {
    write_progress(r, t, "failed", emb_last_error());
    return EMB_RUN_FAILED;
  }
  write_progress(r, t, "done", NULL);
  run_log(r, "done: %ld epochs, final tar_frac %.4f, %.1f s", t->epochs_done,
          t->curve_rows ? t->curve[t->curve_rows - 1].tar_frac : 0.0, t->wall_seconds);
  if (!r->quiet)
    fprintf(stderr, "embody train: done (%ld epochs, %.1f s); model in %s/final.ckpt\n", t->epochs_done,
            t->wall_seconds, r->dir);
  return EMB_RUN_DONE;
}

static int open_log(Run *r) {
  char p[4200];
  path_in(r, "log.txt", p, sizeof p);
  r->log = fopen(p, "a");
  if (!r->log) return emb_error(EMB_EIO, "cannot write %s: %s", p, strerror(errno));
  return EMB_OK;
}

static void close_run(Run *r) {
  if (r->log) fclose(r->log);
  if (r->curve) fclose(r->curve);
}

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

/* transfer from a base run directory: copy matching tensors, record the report */
static int do_transfer(Run *r, embTrainer *t, const char *base_dir, json_t *cfgjson) {
  char base_final[4200];
  snprintf(base_final, sizeof base_final, "%s/final.ckpt", base_dir);
  if (!emb_file_exists(base_final))
    return emb_error(EMB_EINVAL, "--init-from %s: the base run is not finished (no final.ckpt); train it first",
                     base_dir);
  embTrainConfig base_cfg;
  int err = emb_checkpoint_config(base_final, &base_cfg);
  if (err) return err;
  if (base_cfg.effector != t->cfg.effector)
    return emb_error(EMB_EINVAL, "--init-from %s: the base run used the %s, this run the %s", base_dir,
                     emb_effector_name(base_cfg.effector), emb_effector_name(t->cfg.effector));
  embTransferReport rep;
  if ((err = emb_trainer_transfer(t, base_final, &rep))) return err;
  json_t *yes = json_array(), *no = json_array();
  run_log(r, "transfer from %s (task %s, %ld epochs): epochs continue at %ld", base_dir, emb_task_name(base_cfg.task),
          t->epoch_offset, t->epoch_offset);
  for (int k = 0; k < EMB_NET_NTENSORS; k++) {
    embTensorInfo info = emb_params_info(t->params.sz, k);
    if (rep.copied[k]) {
      json_array_append_new(yes, json_string(info.name));
      run_log(r, "  transferred %s", info.name);
    } else {
      json_array_append_new(no, json_pack("{s:s, s:s}", "name", info.name, "reason", rep.reason[k]));
      run_log(r, "  not transferred %s: %s", info.name, rep.reason[k]);
    }
  }
  json_object_set_new(cfgjson, "init_from", json_string(base_dir));
  json_object_set_new(cfgjson, "base_task", json_string(emb_task_name(base_cfg.task)));
  json_object_set_new(cfgjson, "epoch_offset", json_integer(t->epoch_offset));
  json_object_set_new(cfgjson, "transferred", yes);
  json_object_set_new(cfgjson, "not_transferred", no);
  return EMB_OK;
}

static int fresh_run(const embRunOptions *opt) {
  embTrainConfig cfg;
  if (emb_config_resolve(&cfg, opt->settings, opt->settings_source)) return EMB_RUN_BAD_INPUT;
  Run r = {.quiet = opt->quiet};
  snprintf(r.dir, sizeof r.dir, "%s", opt->out_dir);
  char p[4200];
  path_in(&r, "config.json", p, sizeof p);
  char q[4200];
  path_in(&r, "checkpoint.ckpt", q, sizeof q);
  if (emb_file_exists(p) || emb_file_exists(q)) {
    emb_error(EMB_EINVAL, "%s already holds a run; continue it with `embody train --resume %s` or choose another --out",
              r.dir, r.dir);
    return EMB_RUN_BAD_INPUT;
  }
  if (emb_mkdir_p(r.dir)) return EMB_RUN_BAD_INPUT;
  if (access(r.dir, W_OK)) {
    emb_error(EMB_EIO, "the run directory %s is not writable", r.dir);
    return EMB_RUN_BAD_INPUT;
  }
  embTrainer t;
  if (emb_trainer_init(&t, &cfg)) return EMB_RUN_FAILED;
  int status = EMB_RUN_FAILED;
  char start[32];
  emb_now_iso(start, sizeof start);
  json_t *cj = config_json(&t, start);
  if (open_log(&r)) goto out;
  run_log(&r, "start: %s on %s, task %s, profile %s, seed %ld, %ld epochs, batch %ld", emb_effector_name(cfg.effector),
          emb_muscle_name(cfg.muscle), emb_task_name(cfg.task), emb_profile_name(cfg.profile), cfg.seed, cfg.epochs,
          cfg.batch_size);
  if (opt->init_from && do_transfer(&r, &t, opt->init_from, cj)) {
    status = EMB_RUN_BAD_INPUT;
    run_log(&r, "transfer failed: %s", emb_last_error());
    goto out;
  }
  if (emb_write_json_atomic(p, cj, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) || open_curve(&r, &t)) goto out;
  status = train_loop(&r, &t, opt->stop_after);
out:
  json_decref(cj);
  close_run(&r);
  emb_trainer_free(&t);
  return status;
}

static int resume_run(const embRunOptions *opt) {
  Run r = {.quiet = opt->quiet};
  snprintf(r.dir, sizeof r.dir, "%s", opt->resume_dir);
  char cpath[4200], ckpt[4200], fin[4200];
  path_in(&r, "config.json", cpath, sizeof cpath);
  path_in(&r, "checkpoint.ckpt", ckpt, sizeof ckpt);
  path_in(&r, "final.ckpt", fin, sizeof fin);
  if (!emb_file_exists(cpath)) {
    emb_error(EMB_EINVAL, "--resume %s: no run there (no config.json); start one with --out", r.dir);
    return EMB_RUN_BAD_INPUT;
  }
  json_t *cj = load_json_file(cpath);
  if (!cj) return EMB_RUN_BAD_INPUT;
  json_t *saved_settings = emb_config_pick(cj);
  embTrainConfig saved, wanted;
  int bad = emb_config_resolve(&saved, saved_settings, cpath);
  json_t *merged = json_deep_copy(saved_settings);
  if (opt->settings) json_object_update(merged, opt->settings);
  if (!bad) bad = emb_config_resolve(&wanted, merged, opt->settings_source);
  json_decref(saved_settings);
  json_decref(merged);
  if (bad) {
    json_decref(cj);
    return EMB_RUN_BAD_INPUT;
  }
  char diff[2048];
  if (emb_config_diff(&saved, &wanted, diff, sizeof diff)) {
    emb_error(EMB_EINVAL, "--resume %s: refusing to continue with a different configuration: %s", r.dir, diff);
    json_decref(cj);
    return EMB_RUN_BAD_INPUT;
  }
  if (emb_file_exists(fin)) {
    if (!opt->quiet) fprintf(stderr, "embody train: %s is already finished (final.ckpt exists)\n", r.dir);
    json_decref(cj);
    return EMB_RUN_DONE;
  }
  embTrainer t;
  if (emb_trainer_init(&t, &saved)) {
    json_decref(cj);
    return EMB_RUN_FAILED;
  }
  int status = EMB_RUN_FAILED;
  if (open_log(&r)) goto out;
  if (emb_file_exists(ckpt)) {
    if (emb_trainer_load(&t, ckpt)) {
      run_log(&r, "resume failed: %s", emb_last_error());
      status = EMB_RUN_BAD_INPUT;
      goto out;
    }
    run_log(&r, "resumed from checkpoint.ckpt at epoch %ld of %ld", t.epochs_done, saved.epochs);
  } else {
    /* interrupted before the first checkpoint: start again (redoing any transfer) */
    json_t *from = json_object_get(cj, "init_from");
    if (json_is_string(from)) {
      json_t *tmp = json_object();
      if (do_transfer(&r, &t, json_string_value(from), tmp)) {
        json_decref(tmp);
        status = EMB_RUN_BAD_INPUT;
        goto out;
      }
      json_decref(tmp);
    }
    run_log(&r, "no checkpoint yet: starting again from epoch 0");
  }
  if (open_curve(&r, &t)) goto out;
  status = train_loop(&r, &t, opt->stop_after);
out:
  json_decref(cj);
  close_run(&r);
  emb_trainer_free(&t);
  return status;
}

int emb_run_train(const embRunOptions *opt) {
  install_signals();
  omp_set_num_threads(opt->threads > 0 ? opt->threads : 1);
  if (opt->resume_dir) return resume_run(opt);
  return fresh_run(opt);
}
