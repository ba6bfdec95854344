/* trainer.c — the epoch loop, checkpoints and transfer of one training run. */
#include "embody/emb_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *emb_segment_name(embSegment s) {
  return s == EMB_SEG_BASE ? "base" : s == EMB_SEG_TRANSFER ? "transfer" : "train";
}

int emb_trainer_init(embTrainer *t, const embTrainConfig *cfg) {
  memset(t, 0, sizeof *t);
  t->cfg = *cfg;
  embRolloutConfig rc;
  emb_rollout_config_from_train(&rc, cfg);
  int err = emb_rollout_create(&t->rollout, &rc);
  if (err) return err;
  embNetSizes sz = emb_rollout_net_sizes(t->rollout);
  if ((err = emb_params_alloc(&t->params, sz)) || (err = emb_params_alloc(&t->grads, sz)) ||
      (err = emb_adamw_alloc(&t->adam, sz))) {
    emb_trainer_free(t);
    return err;
  }
  emb_params_init(&t->params, (uint64_t)cfg->seed, cfg->h0_scale);
  return EMB_OK;
}

void emb_trainer_free(embTrainer *t) {
  emb_rollout_free(t->rollout);
  emb_params_free(&t->params);
  emb_params_free(&t->grads);
  emb_adamw_free(&t->adam);
  free(t->curve);
  memset(t, 0, sizeof *t);
}

static int push_row(embTrainer *t, const embCurveRow *row) {
  if (t->curve_rows == t->curve_cap) {
    long cap = t->curve_cap ? 2 * t->curve_cap : 1024;
    embCurveRow *c = realloc(t->curve, (size_t)cap * sizeof *c);
    if (!c) return emb_error(EMB_ENOMEM, "out of memory growing the learning curve");
    t->curve = c;
    t->curve_cap = cap;
  }
  t->curve[t->curve_rows++] = *row;
  return EMB_OK;
}

static int all_finite(const embParams *g) {
  for (size_t i = 0; i < g->n; i++)
    if (!isfinite(g->data[i])) return 0;
  return 1;
}

int emb_trainer_epoch(embTrainer *t, embCurveRow *out) {
  const embTrainConfig *c = &t->cfg;
  const long e = t->epochs_done;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  double lr = emb_cosine_lr(c->lr, c->lr_min, e, c->epochs);
  embRolloutStats st;
  int err = emb_rollout_forward(t->rollout, &t->params, (uint32_t)e, &st);
  if (err) return err;
  if (!isfinite(st.loss))
    return emb_error(EMB_ENONFINITE, "epoch %ld: the loss is not finite (%g); lower --lr or check the configuration",
                     t->epoch_offset + e, st.loss);
  emb_params_zero(&t->grads);
  emb_rollout_backward(t->rollout, &t->params, &t->grads);
  if (!all_finite(&t->grads))
    return emb_error(EMB_ENONFINITE, "epoch %ld: the gradient is not finite; lower --lr or --max-grad-norm",
                     t->epoch_offset + e);
  double norm = emb_clip_grad_norm(&t->grads, c->max_grad_norm);
  emb_adamw_step(&t->adam, &t->params, &t->grads, lr);
  embCurveRow row = {t->epoch_offset + e, st.loss, st.actor_loss, st.hidden_loss, st.hidden_deriv_loss,
                     st.muscle_loss, st.tar_frac, norm, lr,
                     /* a transfer run's curve starts with its base's rows */
                     t->curve_rows > 0 && t->curve[0].segment == EMB_SEG_BASE ? EMB_SEG_TRANSFER
                                                                               : EMB_SEG_TRAIN};
  if ((err = push_row(t, &row))) return err;
  t->epochs_done++;
  t->last = st;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  t->wall_seconds += (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  if (out) *out = row;
  return EMB_OK;
}

/* ---- checkpoints ---- */

#define CKPT_FORMAT "embody-checkpoint"
#define CKPT_FORMAT_VERSION 1

int emb_trainer_save(const embTrainer *t, const char *path, json_t *extra_meta) {
  json_t *meta = json_object();
  json_object_set_new(meta, "format", json_string(CKPT_FORMAT));
  json_object_set_new(meta, "format_version", json_integer(CKPT_FORMAT_VERSION));
  json_object_set_new(meta, "embody_version", json_string(EMB_VERSION));
  json_object_set_new(meta, "numeric_type", json_string(EMB_NUM_NAME));
  json_object_set_new(meta, "config", emb_config_to_json(&t->cfg));
  json_object_set_new(meta, "epochs_done", json_integer(t->epochs_done));
  json_object_set_new(meta, "epoch_offset", json_integer(t->epoch_offset));
  json_object_set_new(meta, "adam_step", json_integer(t->adam.step));
  json_object_set_new(meta, "wall_seconds", json_real(t->wall_seconds));
  json_object_set_new(meta, "rng", json_pack("{s:s, s:I, s:I}", "generator", "philox4x32-10", "seed",
                                             (json_int_t)t->cfg.seed, "next_epoch", (json_int_t)t->epochs_done));
  if (extra_meta) json_object_update(meta, extra_meta);
  char *meta_text = json_dumps(meta, JSON_COMPACT | JSON_REAL_PRECISION(17));
  json_decref(meta);

  /* curve as three tensors: values (rows, 8) float64, epoch (rows) int64, segment (rows) u8 */
  long n = t->curve_rows;
  double *values = emb_calloc((size_t)(n ? n : 1) * EMB_CURVE_NVALUES, sizeof(double));
  int64_t *epochs = emb_calloc((size_t)(n ? n : 1), sizeof(int64_t));
  uint8_t *segments = emb_calloc((size_t)(n ? n : 1), 1);
  embTensor tensors[3 * EMB_NET_NTENSORS + 3];
  int err = EMB_ENOMEM;
  if (values && epochs && segments) {
    for (long i = 0; i < n; i++) {
      const embCurveRow *r = &t->curve[i];
      double v[EMB_CURVE_NVALUES] = {r->loss, r->actor_loss, r->hidden_loss, r->hidden_deriv_loss,
                                     r->muscle_loss, r->tar_frac, r->grad_norm, r->lr};
      memcpy(values + i * EMB_CURVE_NVALUES, v, sizeof v);
      epochs[i] = r->epoch;
      segments[i] = (uint8_t)r->segment;
    }
    err = emb_params_to_tensors(&t->params, "param.", tensors);
    if (!err) err = emb_params_to_tensors(&t->adam.m, "adam.m.", tensors + EMB_NET_NTENSORS);
    if (!err) err = emb_params_to_tensors(&t->adam.v, "adam.v.", tensors + 2 * EMB_NET_NTENSORS);
    if (!err) {
      int k = 3 * EMB_NET_NTENSORS;
      int64_t s2[2] = {n, EMB_CURVE_NVALUES}, s1[1] = {n};
      tensors[k++] = emb_tensor_make("curve.values", EMB_DT_F64, values, 2, s2);
      tensors[k++] = emb_tensor_make("curve.epoch", EMB_DT_I64, epochs, 1, s1);
      tensors[k++] = emb_tensor_make("curve.segment", EMB_DT_U8, segments, 1, s1);
      err = emb_tf_write(path, meta_text, tensors, k);
    }
  }
  free(values);
  free(epochs);
  free(segments);
  free(meta_text);
  return err;
}

static int read_meta(const char *path, const embTensorFile *f, json_t **meta_out) {
  json_error_t jerr;
  json_t *meta = json_loads(f->meta, 0, &jerr);
  if (!meta || !json_is_object(meta) || !json_is_string(json_object_get(meta, "format")) ||
      strcmp(json_string_value(json_object_get(meta, "format")), CKPT_FORMAT)) {
    json_decref(meta);
    return emb_error(EMB_EFORMAT, "%s: not an embody checkpoint (metadata unreadable)", path);
  }
  *meta_out = meta;
  return EMB_OK;
}

int emb_checkpoint_config(const char *path, embTrainConfig *cfg) {
  embTensorFile f;
  int err = emb_tf_read(path, &f);
  if (err) return err;
  json_t *meta = NULL;
  err = read_meta(path, &f, &meta);
  emb_tf_free(&f);
  if (err) return err;
  char src[1100];
  snprintf(src, sizeof src, "%s (configuration)", path);
  err = emb_config_resolve(cfg, json_object_get(meta, "config"), src);
  json_decref(meta);
  return err;
}

static int load_curve(embTrainer *t, const embTensorFile *f, const char *path, embSegment force_segment,
                      int forced) {
  const embTensor *v = emb_tf_find(f, "curve.values"), *ep = emb_tf_find(f, "curve.epoch"),
                  *sg = emb_tf_find(f, "curve.segment");
  if (!v || !ep || !sg || v->dtype != EMB_DT_F64 || ep->dtype != EMB_DT_I64 || sg->dtype != EMB_DT_U8 ||
      v->ndim != 2 || v->shape[1] != EMB_CURVE_NVALUES || ep->shape[0] != v->shape[0] || sg->shape[0] != v->shape[0])
    return emb_error(EMB_EFORMAT, "%s: learning curve tensors missing or malformed", path);
  const double *vals = v->data;
  const int64_t *eps = ep->data;
  const uint8_t *segs = sg->data;
  for (int64_t i = 0; i < v->shape[0]; i++) {
    const double *x = vals + i * EMB_CURVE_NVALUES;
    embCurveRow r = {(long)eps[i], x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7],
                     forced ? force_segment : (embSegment)segs[i]};
    int err = push_row(t, &r);
    if (err) return err;
  }
  return EMB_OK;
}

int emb_trainer_load(embTrainer *t, const char *path) {
  embTensorFile f;
  int err = emb_tf_read(path, &f);
  if (err) return err;
  json_t *meta = NULL;
  if ((err = read_meta(path, &f, &meta))) goto done;
  embTrainConfig saved;
  char src[1100];
  snprintf(src, sizeof src, "%s (configuration)", path);
  if ((err = emb_config_resolve(&saved, json_object_get(meta, "config"), src))) goto done;
  char diff[1024];
  if (emb_config_diff(&saved, &t->cfg, diff, sizeof diff)) {
    err = emb_error(EMB_EINVAL, "%s: checkpoint was made with a different configuration: %s", path, diff);
    goto done;
  }
  if ((err = emb_params_load(&t->params, &f, "param.", path)) ||
      (err = emb_params_load(&t->adam.m, &f, "adam.m.", path)) ||
      (err = emb_params_load(&t->adam.v, &f, "adam.v.", path)))
    goto done;
  t->epochs_done = (long)json_integer_value(json_object_get(meta, "epochs_done"));
  t->epoch_offset = (long)json_integer_value(json_object_get(meta, "epoch_offset"));
  t->adam.step = (long)json_integer_value(json_object_get(meta, "adam_step"));
  t->wall_seconds = json_number_value(json_object_get(meta, "wall_seconds"));
  if (t->epochs_done < 0 || t->epochs_done > t->cfg.epochs) {
    err = emb_error(EMB_EFORMAT, "%s: epochs_done %ld outside [0, %ld]", path, t->epochs_done, t->cfg.epochs);
    goto done;
  }
  t->curve_rows = 0;
  err = load_curve(t, &f, path, EMB_SEG_TRAIN, 0);
done:
  json_decref(meta);
  emb_tf_free(&f);
  return err;
}

int emb_trainer_transfer(embTrainer *t, const char *base_path, embTransferReport *rep) {
  embTensorFile f;
  int err = emb_tf_read(base_path, &f);
  if (err) return err;
  json_t *meta = NULL;
  if ((err = read_meta(base_path, &f, &meta))) goto done;
  emb_params_transfer(&t->params, &f, "param.", rep);
  t->curve_rows = 0;
  if ((err = load_curve(t, &f, base_path, EMB_SEG_BASE, 1))) goto done;
  t->epoch_offset = t->curve_rows ? t->curve[t->curve_rows - 1].epoch + 1 : 0;
done:
  json_decref(meta);
  emb_tf_free(&f);
  return err;
}
