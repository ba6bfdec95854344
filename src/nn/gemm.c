/* gemm.c — matrix products of the network: CBLAS with a plain-loop reference twin.
 * One BLAS thread (emb_nn_init): OpenBLAS with one thread gives the same bits for the
 * same shapes every time, which the determinism of training relies on. */
#include "nn/gemm.h"
#include "embody/emb_nn.h"

#include <cblas.h>
#include <pthread.h>

static int use_reference = 0;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void blas_single_thread(void) { openblas_set_num_threads(1); }
void emb_nn_init(void) { pthread_once(&blas_once, blas_single_thread); }

void emb_nn_use_reference_gemm(int on) { use_reference = on; }

void nn_gemm_naive(int ta, int tb, int m, int n, int k, embNum alpha, const embNum *A,
                   int lda, const embNum *B, int ldb, embNum beta, embNum *C, int ldc) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      embNum acc = 0;
      for (int l = 0; l < k; l++) {
        embNum a = ta ? A[(size_t)l * lda + i] : A[(size_t)i * lda + l];
        embNum b = tb ? B[(size_t)j * ldb + l] : B[(size_t)l * ldb + j];
        acc += a * b;
      }
      embNum *c = &C[(size_t)i * ldc + j];
      *c = (beta == 0 ? 0 : beta * *c) + alpha * acc; /* beta 0 ignores C, as BLAS */
    }
}

void nn_gemm(int ta, int tb, int m, int n, int k, embNum alpha, const embNum *A, int lda,
             const embNum *B, int ldb, embNum beta, embNum *C, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (use_reference || k <= 0) {
    nn_gemm_naive(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
#ifdef EMB_USE_DOUBLE
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
#else
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
#endif
}
