/* harness.h — shared helpers for the cmocka tests.
 * cmocka 1.1 has no floating-point compare: assert_close() prints both values and the
 * tolerance before failing. Paths: EMB_REFERENCE_DIR (../shared/reference), EMB_CLI_PATH. */
#ifndef EMB_TEST_HARNESS_H
#define EMB_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* |a - b| <= atol + rtol*|b|, else fail with the numbers */
#define assert_close(a, b, atol, rtol)                                                   \
  do {                                                                                   \
    double a_ = (double)(a), b_ = (double)(b);                                           \
    double tol_ = (double)(atol) + (double)(rtol)*fabs(b_);                              \
    if (!(fabs(a_ - b_) <= tol_))                                                        \
      fail_msg("%s = %.10g, expected %s = %.10g (|diff| %.3g > tol %.3g)", #a, a_, #b,   \
               b_, fabs(a_ - b_), tol_);                                                 \
  } while (0)

/* run a shell command, return its exit status (-1 if it did not exit normally) */
static inline int run_status(const char *cmd) {
  int st = system(cmd);
  if (st == -1 || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}
#include <sys/wait.h>

#endif
