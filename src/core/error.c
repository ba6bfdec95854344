/* error.c — status strings, the replaceable error handler and checked allocation. */
#include "embody/emb_types.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char last_message[1024];
static embErrorHandler handler = NULL;
static long alloc_fail_after = -1;

void emb_set_error_handler(embErrorHandler h) { handler = h; }
embErrorHandler emb_get_error_handler(void) { return handler; }

const char *emb_last_error(void) { return last_message; }

int emb_error(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_message, sizeof last_message, fmt, ap);
  va_end(ap);
  if (handler)
    handler(code, last_message);
  else
    fprintf(stderr, "embody: %s\n", last_message);
  return code;
}

const char *emb_status_string(int code) {
  switch (code) {
  case EMB_OK: return "ok";
  case EMB_EINVAL: return "invalid argument";
  case EMB_ENOMEM: return "out of memory";
  case EMB_EIO: return "input/output error";
  case EMB_EFORMAT: return "malformed file";
  case EMB_ERANGE: return "value out of range";
  case EMB_ENONFINITE: return "non-finite value";
  case EMB_EINTR: return "interrupted";
  default: return "unknown error";
  }
}

void emb_set_alloc_fail_after(long n) { alloc_fail_after = n; }

static int should_fail(void) {
  if (alloc_fail_after < 0) return 0;
  if (alloc_fail_after == 0) return 1;
  alloc_fail_after--;
  return 0;
}

void *emb_malloc(size_t bytes) {
  void *p = should_fail() ? NULL : malloc(bytes ? bytes : 1);
  if (!p) emb_error(EMB_ENOMEM, "out of memory allocating %zu bytes", bytes);
  return p;
}

void *emb_calloc(size_t count, size_t size) {
  void *p = should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
  if (!p) emb_error(EMB_ENOMEM, "out of memory allocating %zu x %zu bytes", count, size);
  return p;
}
