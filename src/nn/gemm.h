/* gemm.h — the one matrix product the network uses: C = alpha op(A) op(B) + beta C on
 * row-major embNum arrays, through CBLAS (sgemm / dgemm, one BLAS thread) or, for
 * tests, a plain triple loop (emb_nn_use_reference_gemm). Private to src/nn. */
#ifndef EMB_NN_GEMM_H
#define EMB_NN_GEMM_H

#include "embody/emb_types.h"

/* ta/tb: 0 = as stored, 1 = transposed. C is (m,n), op(A) (m,k), op(B) (k,n). */
void nn_gemm(int ta, int tb, int m, int n, int k, embNum alpha, const embNum *A, int lda,
             const embNum *B, int ldb, embNum beta, embNum *C, int ldc);

/* The plain-loop reference (always available, whatever the switch says). */
void nn_gemm_naive(int ta, int tb, int m, int n, int k, embNum alpha, const embNum *A,
                   int lda, const embNum *B, int ldb, embNum beta, embNum *C, int ldc);

#endif
