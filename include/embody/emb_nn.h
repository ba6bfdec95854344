/* emb_nn.h — the policy network: parameters as one named flat block, the GRU cell, the
 * Gaussian head, the learnable initial state, the loss terms, AdamW, clipping and the
 * learning-rate schedule (spec: ../shared/spec/training.md §1–§3; docs/nn.md).
 *
 * Conventions (llm.c style):
 *   - arrays are row-major; a comment gives each shape, e.g. (B,H1);
 *   - arguments: outputs first, then inputs, then parameters, then sizes;
 *   - forward functions write their outputs; backward functions ACCUMULATE (+=) into
 *     every gradient output (d-prefixed); clear a gradient block with emb_params_zero;
 *   - matrix products go through CBLAS with one BLAS thread (emb_nn_init), summation
 *     orders are fixed: results do not depend on the thread count;
 *   - the functions are not parallel themselves and are safe to call from several
 *     threads on disjoint data.
 *
 * Sizes: n_in observation size (the spec's I), H1 GRU units, H2 striatum units, M muscles (actions). */
#ifndef EMB_NN_H
#define EMB_NN_H

#include "emb_types.h"

/* (the input size is not called I: <complex.h>, pulled in by cblas.h, defines I) */
typedef struct {
  int n_in, H1, H2, M;
} embNetSizes;

/* The scale non-linearity of the head (config key positive_func). */
typedef enum { EMB_POS_EXP = 0, EMB_POS_SOFTPLUS = 1 } embPositiveFunc;

/* ------------------------------------------------------------------------------------ */
/* Parameters: one X-macro list (field, name, ndim, rows, cols) in terms of n_in, H1, H2,
 * M.
 * Order = order in the flat block = order in checkpoints. Shapes are PyTorch's:
 * 1-D tensors have shape (rows,), GRU gate rows are stacked r, z, n. */
#define EMB_NET_TENSORS(X)                                        \
  X(gru_weight_ih, "gru.weight_ih", 2, 3 * H1, n_in)               \
  X(gru_weight_hh, "gru.weight_hh", 2, 3 * H1, H1)                \
  X(gru_bias_ih, "gru.bias_ih", 1, 3 * H1, 1)                     \
  X(gru_bias_hh, "gru.bias_hh", 1, 3 * H1, 1)                     \
  X(gru_hidden0, "gru.hidden0", 1, H1, 1)                         \
  X(bg_cs_weight, "bg.cs.weight", 2, H2, H1)                      \
  X(bg_cs_bias, "bg.cs.bias", 1, H2, 1)                           \
  X(bg_loc_weight, "bg.loc.weight", 2, M, H2)                     \
  X(bg_loc_bias, "bg.loc.bias", 1, M, 1)                          \
  X(bg_scale_weight, "bg.scale.weight", 2, M, H2)                 \
  X(bg_scale_bias, "bg.scale.bias", 1, M, 1)

#define EMB_NET_NTENSORS 11

/* A parameter-shaped block: `data` is one flat array of `n` numbers, the named fields
 * point into it. Parameters, gradients, Adam m and v are all embParams of equal sizes. */
typedef struct {
  embNetSizes sz;
  size_t n;      /* total numbers */
  embNum *data;  /* (n), owned */
#define EMB_X_FIELD(field, name, ndim, rows, cols) embNum *field;
  EMB_NET_TENSORS(EMB_X_FIELD)
#undef EMB_X_FIELD
} embParams;

/* Description of one tensor of the block. */
typedef struct {
  const char *name;  /* e.g. "gru.weight_ih" */
  int ndim;          /* 1 or 2 */
  int shape[2];      /* shape[1] = 1 when ndim == 1 */
  size_t offset;     /* into data */
  size_t size;       /* numbers */
} embTensorInfo;

/* Number of parameters for sizes sz (0 when a size is < 1). */
size_t emb_params_count(embNetSizes sz);

/* Allocate a zeroed block (EMB_EINVAL for sizes < 1, EMB_ENOMEM). Also calls
 * emb_nn_init(). Free with emb_params_free (safe on a zeroed struct). */
int emb_params_alloc(embParams *p, embNetSizes sz);
void emb_params_free(embParams *p);

/* Tensor k (0 <= k < EMB_NET_NTENSORS) of sizes sz. */
embTensorInfo emb_params_info(embNetSizes sz, int k);

/* Pointer to tensor k of p. */
embNum *emb_params_tensor(const embParams *p, int k);

/* Index of the tensor called `name`, or -1. */
int emb_params_find(const char *name);

/* p = 0 / dst = src (same sizes) / a += s * b. */
void emb_params_zero(embParams *p);
void emb_params_copy(embParams *dst, const embParams *src);
void emb_params_axpy(embParams *a, double s, const embParams *b);

/* PyTorch-default initialisation (training.md §1) as a pure function of the seed:
 * every GRU weight and bias ~ U(-1/sqrt(H1), 1/sqrt(H1)); each Linear's weight and bias
 * ~ U(-1/sqrt(in), 1/sqrt(in)) with in its input size; gru.hidden0 ~ N(0, h0_scale^2).
 * Draws: key (seed, EMB_RNG_INIT, epoch 0), step = tensor index k, row 0, element = index
 * within the tensor. */
void emb_params_init(embParams *p, uint64_t seed, double h0_scale);

/* Set OpenBLAS to one thread (idempotent, thread-safe). */
void emb_nn_init(void);

/* Tests: route every matrix product through the plain-loop reference (1) or CBLAS (0,
 * the default). Process-wide; not for use while other threads run the network. */
void emb_nn_use_reference_gemm(int on);

/* ------------------------------------------------------------------------------------ */
/* Scratch needed by the backward functions for a batch of B rows (numbers). */
size_t emb_nn_work_size(embNetSizes sz, int B);

/* GRU cache: per row 4*H1 numbers, [ r | z | n | W_hn h + b_hn ]. */
#define EMB_GRU_CACHE(H1) (4 * (H1))

/* h = GRU(x, h_prev), PyTorch convention:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 * `h` must not alias h_prev. */
void emb_gru_forward(embNum *h /*(B,H1)*/, embNum *cache /*(B,4*H1)*/,
                     const embNum *x /*(B,n_in)*/, const embNum *h_prev /*(B,H1)*/,
                     const embParams *p, int B);

/* Backward of emb_gru_forward: accumulates dL/dx (may be NULL), dL/dh_prev and the
 * parameter gradients (gru.weight_ih, weight_hh, bias_ih, bias_hh) from dh = dL/dh. */
void emb_gru_backward(embNum *dx /*(B,n_in) or NULL*/, embNum *dh_prev /*(B,H1)*/,
                      embParams *dp, const embNum *dh /*(B,H1)*/,
                      const embNum *cache /*(B,4*H1)*/, const embNum *x /*(B,n_in)*/,
                      const embNum *h_prev /*(B,H1)*/, const embParams *p, int B,
                      embNum *work /*(emb_nn_work_size)*/);

/* The backward in two parts, for rollouts that make the weight gradients once over all
 * time steps (emb_gru_backward = step + weights on the same B rows):
 * step: writes the gate gradients dg (B,4*H1) = [ dar | daz | dan | dan ⊙ r ] (d of the
 *   r, z and n pre-activations; dg may be the cache itself, which it then overwrites) and
 *   accumulates dL/dx (may be NULL) and dL/dh_prev;
 * weights: accumulates gru.weight_ih, weight_hh, bias_ih, bias_hh from N rows of gate
 *   gradients with their inputs x and states h_prev (rows summed in order). */
void emb_gru_backward_step(embNum *dx /*(B,n_in) or NULL*/, embNum *dh_prev /*(B,H1)*/,
                           embNum *dg /*(B,4*H1)*/, const embNum *dh /*(B,H1)*/,
                           const embNum *cache /*(B,4*H1)*/, const embNum *h_prev /*(B,H1)*/,
                           const embParams *p, int B);
void emb_gru_backward_weights(embParams *dp, const embNum *dg /*(N,4*H1)*/, const embNum *x /*(N,n_in)*/,
                              const embNum *h_prev /*(N,H1)*/, int N);

/* Head cache: per row H2 + 3*M numbers, [ s | mu | scale pre-activation | sigma ]. */
#define EMB_HEAD_CACHE(H2, M) ((H2) + 3 * (M))

/* s = ReLU(W_cs h + b_cs), mu = W_loc s + b_loc, sigma = pos(W_s s + b_s),
 * action = mu + sigma ⊙ eps (eps NULL: action = mu, the deterministic policy).
 * softplus is PyTorch's (beta 1, threshold 20). */
void emb_head_forward(embNum *action /*(B,M)*/, embNum *cache /*(B,H2+3M)*/,
                      const embNum *h /*(B,H1)*/, const embNum *eps /*(B,M) or NULL*/,
                      const embParams *p, embPositiveFunc pos, int B);

/* Backward of emb_head_forward from daction = dL/daction: accumulates dL/dh and the bg.*
 * gradients. ReLU derivative: 1 where s > 0, else 0 (paper: where(s > 0, 1, 0)). */
void emb_head_backward(embNum *dh /*(B,H1)*/, embParams *dp, const embNum *daction /*(B,M)*/,
                       const embNum *cache /*(B,H2+3M)*/, const embNum *h /*(B,H1)*/,
                       const embNum *eps /*(B,M) or NULL*/, const embParams *p,
                       embPositiveFunc pos, int B, embNum *work /*(emb_nn_work_size)*/);

/* The head backward in two parts (emb_head_backward = step + weights on the same rows):
 * step: writes dpre (B,M), the gradient of the scale pre-activation, and ds (B,H2), the
 *   gradient of the striatum pre-activation, and accumulates dL/dh;
 * weights: accumulates the bg.* gradients from N rows of daction, dpre, ds with their
 *   caches and cortex states h (rows summed in order). */
void emb_head_backward_step(embNum *dh /*(B,H1)*/, embNum *dpre /*(B,M)*/, embNum *ds /*(B,H2)*/,
                            const embNum *daction /*(B,M)*/, const embNum *cache /*(B,H2+3M)*/,
                            const embNum *eps /*(B,M) or NULL*/, const embParams *p,
                            embPositiveFunc pos, int B);
void emb_head_backward_weights(embParams *dp, const embNum *daction /*(N,M)*/, const embNum *dpre /*(N,M)*/,
                               const embNum *ds /*(N,H2)*/, const embNum *cache /*(N,H2+3M)*/,
                               const embNum *h /*(N,H1)*/, int N);

/* h0 = tanh(θ0) broadcast to B rows. */
void emb_h0_forward(embNum *h0 /*(B,H1)*/, const embParams *p, int B);

/* dθ0 += (1 − tanh²θ0) ⊙ Σ_b dh0[b] (rows summed in order). */
void emb_h0_backward(embParams *dp, const embNum *dh0 /*(B,H1)*/, const embParams *p, int B);

/* ------------------------------------------------------------------------------------ */
/* Loss terms over a rollout (training.md §2). Time index t = 0..T-1 stands for the
 * spec's t = 1..T. Values are accumulated in double. Each backward adds w * d(term) to
 * its gradient arrays, w being dL/d(term) (the term's weight in the loss). */

/* actor_loss = − mean_b Σ_t r[t,b]. */
double emb_loss_actor(const embNum *r /*(T,B)*/, int T, int B);
void emb_loss_actor_backward(embNum *dr /*(T,B)*/, double w, int T, int B);

/* hidden_loss = mean_{b,t} Σ_i h[t,b,i]^2 / H. */
double emb_loss_hidden(const embNum *h /*(T,B,H)*/, int T, int B, int H);
void emb_loss_hidden_backward(embNum *dh /*(T,B,H)*/, double w, const embNum *h, int T, int B,
                              int H);

/* hidden_deriv_loss = mean_b Σ_t Σ_i ((h[t,b,i] − h[t−1,b,i]) / dt)^2 / H, with h[−1] = h0. */
double emb_loss_hidden_deriv(const embNum *h /*(T,B,H)*/, const embNum *h0 /*(B,H)*/,
                             double dt, int T, int B, int H);
void emb_loss_hidden_deriv_backward(embNum *dh /*(T,B,H)*/, embNum *dh0 /*(B,H) or NULL*/,
                                    double w, const embNum *h, const embNum *h0, double dt,
                                    int T, int B, int H);

/* Both hidden terms in one pass (the same values as the two functions above), and their
 * weighted gradient WRITTEN (not accumulated): dh = w_hidden d(hidden_loss)/dh +
 * w_deriv d(hidden_deriv_loss)/dh, dh0 = w_deriv d(hidden_deriv_loss)/dh0 — the sums the
 * separate backward functions would add to zeroed arrays, in the same order. */
void emb_loss_hidden_terms(double *hidden, double *deriv, const embNum *h /*(T,B,H)*/,
                           const embNum *h0 /*(B,H)*/, double dt, int T, int B, int H);
void emb_loss_hidden_terms_backward(embNum *dh /*(T,B,H)*/, embNum *dh0 /*(B,H)*/, double w_hidden,
                                    double w_deriv, const embNum *h, const embNum *h0, double dt,
                                    int T, int B, int H);

/* The same one step at a time, for a rollout that visits the states while they are in
 * cache: terms_step adds step t's sums Σ h_t² and Σ (h_t − h_{t−1})² (n = B·H numbers,
 * 8 interleaved partial sums in a fixed order) to sums[2]; after t = 0..T−1 in order,
 * hidden_loss = sums[0] / (T B H), hidden_deriv_loss = sums[1] / (dt² B H) — exactly
 * what emb_loss_hidden_terms returns. grad_step WRITES the gradient (n = B·H numbers) of state t given its neighbours
 * prev = h_{t−1} (h0 for t = 0), cur = h_t, next = h_{t+1} (NULL for the last step), or
 * of h0 itself with cur = NULL, prev = h0, next = h_0. */
void emb_loss_hidden_terms_step(double sums[2], const embNum *cur, const embNum *prev, size_t n);
void emb_loss_hidden_terms_grad_step(embNum *d, const embNum *prev, const embNum *cur, const embNum *next,
                                     double w_hidden, double w_deriv, double dt, int T, int B, int H);

/* muscle_loss = mean_b Σ_t (Σ_m a[t,b,m] f̂_m)^2, f̂ = fmax / ‖fmax‖₂. */
double emb_loss_muscle(const embNum *a /*(T,B,M)*/, const embNum *fmax /*(M)*/, int T, int B,
                       int M);
void emb_loss_muscle_backward(embNum *da /*(T,B,M)*/, double w, const embNum *a,
                              const embNum *fmax, int T, int B, int M);

/* ------------------------------------------------------------------------------------ */
/* Optimiser (training.md §3): torch.optim.AdamW, clip_grad_norm_, CosineAnnealingLR. */
#define EMB_ADAMW_BETA1 0.9
#define EMB_ADAMW_BETA2 0.999
#define EMB_ADAMW_EPS 1e-8
#define EMB_ADAMW_WEIGHT_DECAY 0.01
#define EMB_CLIP_EPS 1e-6 /* clip_grad_norm_: scale = max_norm / (norm + 1e-6) */

typedef struct {
  double beta1, beta2, eps, weight_decay;
  long step;     /* updates done so far (PyTorch's state['step']) */
  embParams m;   /* exp_avg */
  embParams v;   /* exp_avg_sq */
} embAdamW;

/* PyTorch defaults above, step 0, m = v = 0. Free with emb_adamw_free. */
int emb_adamw_alloc(embAdamW *o, embNetSizes sz);
void emb_adamw_free(embAdamW *o);

/* One AdamW update of p with gradient g at learning rate lr (step += 1):
 *   p -= lr*wd*p; m = lerp(m, g, 1−β1); v = β2 v + (1−β2) g²;
 *   p -= lr/(1−β1^step) * m / (sqrt(v)/sqrt(1−β2^step) + eps). */
void emb_adamw_step(embAdamW *o, embParams *p, const embParams *g, double lr);

/* The same on flat arrays (step = the new step number, >= 1). */
void emb_adamw_update(embNum *p, const embNum *g, embNum *m, embNum *v, size_t n, long step,
                      double lr, double beta1, double beta2, double eps, double weight_decay);

/* Global L2 norm of g (in double, fixed order); when norm > max_norm every gradient is
 * scaled by max_norm / (norm + 1e-6). Returns the norm before clipping. A non-finite
 * norm leaves g untouched (the caller stops). max_norm <= 0: no clipping. */
double emb_clip_grad_norm(embParams *g, double max_norm);
double emb_grad_norm(const embNum *g, size_t n);

/* lr at `epoch` (0-based): lr_min + (lr − lr_min)(1 + cos(π epoch / t_max)) / 2; constant
 * lr when lr_min is NaN (config lr_min null) or t_max <= 0. */
double emb_cosine_lr(double lr, double lr_min, long epoch, long t_max);

#endif
