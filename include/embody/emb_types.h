/* emb_types.h — the numeric type, math wrappers, status codes and error reporting.
 *
 * embNum is float by default and double when EMB_USE_DOUBLE is defined: the whole
 * library is compiled twice (libembody, libembody64) from the same sources, the double
 * build serving the finite-difference gradient checks. */
#ifndef EMB_TYPES_H
#define EMB_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <math.h>

#ifdef EMB_USE_DOUBLE
typedef double embNum;
#define EMB_NUM_NAME "double"
#define emb_exp  exp
#define emb_log  log
#define emb_sqrt sqrt
#define emb_sin  sin
#define emb_cos  cos
#define emb_tanh tanh
#define emb_acos acos
#define emb_atan2 atan2
#define emb_fabs fabs
#define emb_log1p log1p
#define emb_expm1 expm1
#else
typedef float embNum;
#define EMB_NUM_NAME "float"
#define emb_exp  expf
#define emb_log  logf
#define emb_sqrt sqrtf
#define emb_sin  sinf
#define emb_cos  cosf
#define emb_tanh tanhf
#define emb_acos acosf
#define emb_atan2 atan2f
#define emb_fabs fabsf
#define emb_log1p log1pf
#define emb_expm1 expm1f
#endif

/* status codes returned by library functions */
typedef enum {
  EMB_OK = 0,
  EMB_EINVAL = 1,   /* invalid argument or configuration */
  EMB_ENOMEM = 2,   /* allocation failed */
  EMB_EIO = 3,      /* file could not be read or written */
  EMB_EFORMAT = 4,  /* file content malformed (bad magic, CRC, columns ...) */
  EMB_ERANGE = 5,   /* value outside its allowed range (e.g. unreachable point) */
  EMB_ENONFINITE = 6, /* NaN or infinity met */
  EMB_EINTR = 7     /* interrupted by a signal (a checkpoint was written) */
} embStatus;

/* Report an error: formats the message and passes it to the installed handler
 * (default: print "embody: <message>" to stderr). Returns `code` so callers can write
 * `return emb_error(EMB_EINVAL, "...", ...)`. */
int emb_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Install a handler (NULL restores the default). Tests use it to capture messages. */
typedef void (*embErrorHandler)(int code, const char *message);
void emb_set_error_handler(embErrorHandler handler);
/* The installed handler (NULL: the default), to restore after a temporary one. */
embErrorHandler emb_get_error_handler(void);

/* The most recent error message (thread-local), "" if none. */
const char *emb_last_error(void);

/* Name of a status code ("invalid argument", ...). */
const char *emb_status_string(int code);

/* malloc/calloc that report EMB_ENOMEM through emb_error and return NULL on failure.
 * emb_set_alloc_fail_after(n) makes the n-th following allocation fail (tests). */
void *emb_malloc(size_t bytes);
void *emb_calloc(size_t count, size_t size);
void emb_set_alloc_fail_after(long n);

#define EMB_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EMB_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
