/* test_trainer.c — checkpoint/resume at the trainer level: N epochs + save + load + N
 * epochs equals 2N straight, bit for bit (parameters, AdamW state, curve), for both
 * effectors; and a checkpoint of another configuration is refused naming the keys. */
#include "harness.h"

#include <string.h>
#include <unistd.h>

#include "embody/emb_train.h"

static embTrainConfig config(const char *eff, const char *task) {
  json_t *s = json_pack("{s:s, s:s, s:i, s:i, s:[ii]}", "effector", eff, "task", task, "epochs", 6, "batch_size", 8,
                        "hidden_sizes", 16, 8);
  embTrainConfig c;
  assert_int_equal(emb_config_resolve(&c, s, "test"), 0);
  json_decref(s);
  return c;
}

static void check_resume(const char *eff, const char *task) {
  embTrainConfig c = config(eff, task);
  embTrainer a, b;
  assert_int_equal(emb_trainer_init(&a, &c), 0);
  for (int e = 0; e < 6; e++) assert_int_equal(emb_trainer_epoch(&a, NULL), 0);
  assert_int_equal(emb_trainer_init(&b, &c), 0);
  for (int e = 0; e < 3; e++) assert_int_equal(emb_trainer_epoch(&b, NULL), 0);
  char path[] = "/tmp/emb_test_trainer_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  assert_int_equal(emb_trainer_save(&b, path, NULL), 0);
  emb_trainer_free(&b);
  assert_int_equal(emb_trainer_init(&b, &c), 0);
  assert_int_equal(emb_trainer_load(&b, path), 0);
  for (int e = 0; e < 3; e++) assert_int_equal(emb_trainer_epoch(&b, NULL), 0);
  if (memcmp(a.params.data, b.params.data, a.params.n * sizeof(embNum))) fail_msg("%s %s: parameters differ", eff, task);
  if (memcmp(a.adam.m.data, b.adam.m.data, a.params.n * sizeof(embNum)) ||
      memcmp(a.adam.v.data, b.adam.v.data, a.params.n * sizeof(embNum)) || a.adam.step != b.adam.step)
    fail_msg("%s %s: optimiser state differs", eff, task);
  assert_int_equal(a.curve_rows, b.curve_rows);
  for (long i = 0; i < a.curve_rows; i++) {
    embCurveRow x = a.curve[i], y = b.curve[i];
    assert_true(x.epoch == y.epoch && x.loss == y.loss && x.tar_frac == y.tar_frac && x.grad_norm == y.grad_norm &&
                x.lr == y.lr && x.segment == y.segment);
  }
  /* a checkpoint of another configuration is refused, naming the key */
  embTrainConfig other = c;
  other.lr = 0.5;
  embTrainer o;
  assert_int_equal(emb_trainer_init(&o, &other), 0);
  assert_int_not_equal(emb_trainer_load(&o, path), 0);
  assert_non_null(strstr(emb_last_error(), "lr"));
  emb_trainer_free(&o);
  unlink(path);
  emb_trainer_free(&a);
  emb_trainer_free(&b);
}

static void test_resume_point_mass(void **s) { (void)s; check_resume("point-mass", "JTR"); }
static void test_resume_arm(void **s) { (void)s; check_resume("arm", "COBFGR"); }

static void test_cosine_schedule_used(void **s) {
  (void)s;
  embTrainConfig c = config("point-mass", "RTR");
  c.lr_min = 1e-4;
  embTrainer t;
  assert_int_equal(emb_trainer_init(&t, &c), 0);
  for (int e = 0; e < 6; e++) assert_int_equal(emb_trainer_epoch(&t, NULL), 0);
  assert_close(t.curve[0].lr, 1e-3, 1e-15, 0);
  assert_close(t.curve[3].lr, 1e-4 + 0.9e-3 * 0.5, 1e-12, 0); /* halfway: mean of lr and lr_min */
  emb_trainer_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_resume_point_mass),
      cmocka_unit_test(test_resume_arm),
      cmocka_unit_test(test_cosine_schedule_used),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
