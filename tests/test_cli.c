/* test_cli.c — the embody program starts, lists its commands and rejects unknown ones. */
#include "harness.h"

#include <string.h>

#include "embody/emb_types.h"

static void test_help_lists_commands(void **state) {
  (void)state;
  FILE *p = popen(EMB_CLI_PATH " --help", "r");
  assert_non_null(p);
  char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  buf[n] = 0;
  assert_int_equal(pclose(p), 0);
  const char *names[] = {"sim", "gradcheck", "train", "eval", "grid", "metrics", "analyze"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strstr(buf, names[i])) fail_msg("--help does not list '%s':\n%s", names[i], buf);
}

static void test_unknown_command_fails(void **state) {
  (void)state;
  assert_int_equal(run_status(EMB_CLI_PATH " frobnicate 2>/dev/null"), 2);
}

static int captured_code;
static void capture(int code, const char *msg) { (void)msg; captured_code = code; }

static void test_error_handler_and_alloc_failure(void **state) {
  (void)state;
  emb_set_error_handler(capture);
  assert_ptr_equal(emb_get_error_handler(), capture);
  emb_set_alloc_fail_after(0);
  void *p = emb_malloc(16);
  assert_null(p);
  assert_int_equal(captured_code, EMB_ENOMEM);
  assert_non_null(strstr(emb_last_error(), "16 bytes"));
  emb_set_alloc_fail_after(-1);
  p = emb_malloc(16);
  assert_non_null(p);
  free(p);
  emb_set_error_handler(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help_lists_commands),
      cmocka_unit_test(test_unknown_command_fails),
      cmocka_unit_test(test_error_handler_and_alloc_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
