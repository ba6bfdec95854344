/* test_sim_fd_f64.c — central finite-difference checks (double build) of every backward
 * function of the effectors: activation dynamics (both branches), the three muscle
 * models (both sides of every branch and floor), geometry, forward kinematics, joint
 * forces, skeleton dynamics (with and without an endpoint load), integration (free and
 * clipped), the whole step, and a whole multi-step rollout in a random direction.
 *
 * Each check contracts the outputs with a random weight vector g and compares, for
 * every input, d<g, f(x)>/dx_i by central differences with the backward's J^T g;
 * errors are relative to the largest |J^T g| of the check. */
#include "harness.h"

#include <string.h>

#include "embody/emb_effector.h"
#include "sim/sim_internal.h"

#define FD_TOL 2e-6

typedef void (*Fn)(const embModel *m, const double *x, double *y);

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double urand(void) { /* splitmix64 -> [0, 1) */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}
static double srand1(void) { return 2 * urand() - 1; }

static double worst_seen = 0;

/* compare an (n) = J^T g with central differences of <g, f(x)> */
static void fd_check(const char *what, const embModel *m, Fn f, const double *x, int n,
                     const double *g, int ny, const double *an) {
  double y1[256], y2[256], xp[256], scale = 0;
  for (int i = 0; i < n; i++) scale = fmax(scale, fabs(an[i]));
  for (int i = 0; i < n; i++) {
    double h = 1e-6 * fmax(1, fabs(x[i]));
    memcpy(xp, x, sizeof(double) * n);
    xp[i] = x[i] + h;
    f(m, xp, y1);
    xp[i] = x[i] - h;
    f(m, xp, y2);
    double fd = 0;
    for (int k = 0; k < ny; k++) fd += g[k] * (y1[k] - y2[k]);
    fd /= 2 * h;
    double err = fabs(fd - an[i]);
    double rel = err / fmax(scale, 1e-12);
    if (scale > 0) worst_seen = fmax(worst_seen, rel);
    if (!(err <= FD_TOL * scale + 1e-10))
      fail_msg("%s: input %d: backward %.12g, finite difference %.12g (|diff| %.3g, %.3g of "
               "the largest gradient %.3g; x = %.9g)",
               what, i, an[i], fd, err, rel, scale, x[i]);
  }
}

static void rand_vec(double *g, int n) {
  for (int k = 0; k < n; k++) g[k] = srand1();
}

/* ---- activation ------------------------------------------------------------------ */
static void f_act(const embModel *m, const double *x, double *y) {
  y[0] = sim_activation_deriv(m, x[0], x[1]);
}

static void test_activation(void **state) {
  (void)state;
  embModel m;
  emb_model_init(&m, EMB_ARM, EMB_MUSCLE_THELEN);
  /* u > act (activation branch), u < act (deactivation), u outside [min, 1] */
  const double pts[][2] = {{0.8, 0.2}, {0.3, 0.29}, {0.1, 0.6}, {0.5, 0.9},
                           {1.2, 0.5}, {-0.3, 0.4}, {0.02, 0.01}, {0.999, 0.002}};
  for (size_t p = 0; p < sizeof pts / sizeof pts[0]; p++) {
    double g = srand1(), an[2] = {0, 0};
    sim_activation_deriv_backward(&m, pts[p][0], pts[p][1], g, &an[0], &an[1]);
    fd_check("activation", &m, f_act, pts[p], 2, &g, 1, an);
  }
  /* clamped action: exactly zero gradient */
  double du = 0, da = 0;
  sim_activation_deriv_backward(&m, 1.3, 0.5, 1.0, &du, &da);
  assert_true(du == 0);
}

/* ---- muscles --------------------------------------------------------------------- */
static int muscle_j;
static void f_muscle(const embModel *m, const double *x, double *y) {
  sim_muscle(m, muscle_j, x[0], x[1], x[2], y);
}

static void check_muscles(embMuscleKind kind, embEffectorKind eff) {
  embModel m;
  emb_model_init(&m, eff, kind);
  /* fibre length as a multiple of l0_ce (plus slack): below/at the floors, short,
   * optimal, long (passive force on), very long (Kistemaker flce floor) */
  const double lfrac[] = {-0.02, 0.004, 0.5, 0.95, 1.05, 1.3, 1.5, 1.75};
  const double acts[] = {0.05, 0.25, 0.35, 0.9};
  const double vels[] = {-25, -3, -0.4, 0.4, 2.5};
  char what[128];
  for (int j = 0; j < m.M; j++)
    for (size_t a = 0; a < 4; a++)
      for (size_t l = 0; l < 8; l++)
        for (size_t v = 0; v < 5; v++) {
          double x[3] = {acts[a], m.l0_se[j] + lfrac[l] * m.l0_ce[j], vels[v]};
          if (eff == EMB_POINT_MASS) x[1] = 2.5 + lfrac[l];
          double g[7], an[3] = {0, 0, 0};
          rand_vec(g, m.S);
          muscle_j = j;
          sim_muscle_backward(&m, j, x[0], x[1], x[2], g, &an[0], &an[1], &an[2]);
          snprintf(what, sizeof what, "muscle %s/%s act %.2f len %.2f l0 vel %.1f", m.name,
                   m.muscle_names[j], x[0], lfrac[l], x[2]);
          fd_check(what, &m, f_muscle, x, 3, g, m.S, an);
        }
}

static void test_muscle_relu(void **s) { (void)s; check_muscles(EMB_MUSCLE_RELU, EMB_POINT_MASS); }
static void test_muscle_kistemaker(void **s) { (void)s; check_muscles(EMB_MUSCLE_KISTEMAKER, EMB_ARM); }
static void test_muscle_thelen(void **s) { (void)s; check_muscles(EMB_MUSCLE_THELEN, EMB_ARM); }

/* ---- geometry and kinematics ----------------------------------------------------- */
static void f_geom(const embModel *m, const double *x, double *y) { sim_geometry(m, x, y); }
static void f_fk(const embModel *m, const double *x, double *y) { sim_fk(m, x, y); }

static void random_joint(const embModel *m, double q[4]) {
  for (int d = 0; d < 2; d++) {
    q[d] = m->pos_lb[d] + (0.05 + 0.9 * urand()) * (m->pos_ub[d] - m->pos_lb[d]);
    q[2 + d] = 2 * srand1();
  }
}

static void test_geometry_and_kinematics(void **state) {
  (void)state;
  for (int e = 0; e < 2; e++) {
    embModel m;
    emb_model_init(&m, e ? EMB_ARM : EMB_POINT_MASS, e ? EMB_MUSCLE_THELEN : EMB_MUSCLE_RELU);
    for (int rep = 0; rep < 20; rep++) {
      double q[4], g[24], an[4] = {0};
      random_joint(&m, q);
      rand_vec(g, 4 * m.M);
      sim_geometry_backward(&m, q, g, an);
      fd_check("geometry", &m, f_geom, q, 4, g, 4 * m.M, an);
      memset(an, 0, sizeof an);
      rand_vec(g, 4);
      sim_fk_backward(&m, q, g, an);
      fd_check("forward kinematics", &m, f_fk, q, 4, g, 4, an);
    }
  }
}

/* ---- joint forces, dynamics, integration ----------------------------------------- */
static double fixed_load[2];
static int use_load;
static void f_forces(const embModel *m, const double *x, double *y) {
  sim_joint_forces(m, x, x + EMB_OFF_MUSCLE, x + emb_geom_offset(m), y);
}
static void f_accel(const embModel *m, const double *x, double *y) {
  sim_joint_accel(m, x, x + 4, use_load ? fixed_load : NULL, y);
}
static void f_integrate(const embModel *m, const double *x, double *y) {
  sim_integrate(m, x, x + 4, y);
}

static void random_state(const embModel *m, double *s) {
  double q[4];
  random_joint(m, q);
  emb_reset(m, s, q, 1);
  for (int j = 0; j < m->M; j++) { /* some activation and force */
    s[EMB_OFF_MUSCLE + j] = m->min_act + 0.05 + 0.5 * urand();
  }
  /* commands that keep the activation strictly inside (0, 1): a finite difference
   * cannot see PyTorch's inclusive clamp at a bound */
  double a[EMB_MAX_MUSCLES];
  for (int j = 0; j < m->M; j++) a[j] = 0.05 + 0.5 * urand();
  emb_step(m, s, s, a, NULL, 1); /* a consistent state with non-zero forces */
}

static void test_skeleton(void **state) {
  (void)state;
  for (int e = 0; e < 2; e++) {
    embModel m;
    emb_model_init(&m, e ? EMB_ARM : EMB_POINT_MASS, e ? EMB_MUSCLE_KISTEMAKER : EMB_MUSCLE_RELU);
    m.damping = 0.3;                           /* exercise the damping term */
    m.joint_load[0] = 0.2, m.joint_load[1] = -0.1;
    const int NS = emb_state_size(&m);
    for (int rep = 0; rep < 20; rep++) {
      double s[128], g[8], an[128];
      random_state(&m, s);
      /* joint forces w.r.t. the whole state row */
      memset(an, 0, sizeof an);
      rand_vec(g, 2);
      sim_joint_forces_backward(&m, s, s + EMB_OFF_MUSCLE, s + emb_geom_offset(&m), g, an,
                                an + EMB_OFF_MUSCLE, an + emb_geom_offset(&m));
      fd_check("joint forces", &m, f_forces, s, NS, g, 2, an);
      /* dynamics w.r.t. (joint, Q), without and with an endpoint load */
      for (use_load = 0; use_load < 2; use_load++) {
        fixed_load[0] = 3 * srand1(), fixed_load[1] = 3 * srand1();
        double x[6] = {s[0], s[1], s[2], s[3], 5 * srand1(), 5 * srand1()};
        memset(an, 0, sizeof an);
        rand_vec(g, 2);
        sim_joint_accel_backward(&m, x, x + 4, use_load ? fixed_load : NULL, g, an, an + 4);
        fd_check(use_load ? "dynamics with load" : "dynamics", &m, f_accel, x, 6, g, 2, an);
      }
    }
  }
}

static void test_integration_with_clipping(void **state) {
  (void)state;
  embModel m;
  emb_model_init(&m, EMB_ARM, EMB_MUSCLE_THELEN);
  const double ub = m.pos_ub[0];
  /* (q0, q1, qd0, qd1, acc0, acc1): free; past the upper bound moving out (velocity
   * zeroed, position clamped); past the lower bound; moving back in from a clamp */
  const double cases[][6] = {{1.0, 1.2, 0.3, -0.5, 2, -3},
                             {ub - 0.001, 1.2, 0.5, 0.1, 4, 1},
                             {0.001, 0.0005, -0.3, -0.2, -1, -2},
                             {ub - 0.001, 0.001, 0.5, -0.5, -200, 300},
                             {1.0, 2.7, 0.2, 0.1, -30, 5}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double g[4], an[6] = {0};
    rand_vec(g, 4);
    sim_integrate_backward(&m, cases[c], cases[c] + 4, g, an, an + 4);
    fd_check("integration", &m, f_integrate, cases[c], 6, g, 4, an);
  }
  embModel pm;
  emb_model_init(&pm, EMB_POINT_MASS, EMB_MUSCLE_RELU);
  const double pcases[][6] = {{0.2, -0.3, 0.5, -0.4, 10, -20},
                              {0.999, -0.999, 0.5, -0.4, 10, -20},
                              {-0.9995, 0.9995, -0.1, 0.2, 30, -50}};
  for (size_t c = 0; c < sizeof pcases / sizeof pcases[0]; c++) {
    double g[4], an[6] = {0};
    rand_vec(g, 4);
    sim_integrate_backward(&pm, pcases[c], pcases[c] + 4, g, an, an + 4);
    fd_check("integration (point mass)", &pm, f_integrate, pcases[c], 6, g, 4, an);
  }
}

/* ---- whole step ------------------------------------------------------------------ */
static void f_step(const embModel *m, const double *x, double *y) {
  emb_step(m, y, x, x + emb_state_size(m), use_load ? fixed_load : NULL, 1);
}

static void test_whole_step(void **state) {
  (void)state;
  const embMuscleKind mk[3] = {EMB_MUSCLE_RELU, EMB_MUSCLE_KISTEMAKER, EMB_MUSCLE_THELEN};
  for (int e = 0; e < 3; e++) {
    embModel m;
    emb_model_init(&m, e ? EMB_ARM : EMB_POINT_MASS, mk[e]);
    const int NS = emb_state_size(&m), M = m.M;
    for (int rep = 0; rep < 10; rep++) {
      double x[128], g[128], an[128] = {0};
      random_state(&m, x);
      for (int j = 0; j < M; j++) x[NS + j] = -0.1 + 1.2 * urand(); /* some clamped */
      use_load = rep % 2;
      fixed_load[0] = 2 * srand1(), fixed_load[1] = 2 * srand1();
      rand_vec(g, NS);
      emb_step_backward(&m, an, an + NS, g, x, x + NS, use_load ? fixed_load : NULL, 1);
      fd_check(m.name, &m, f_step, x, NS + M, g, NS, an);
    }
  }
}

/* ---- a whole rollout in a random direction --------------------------------------- */
#define T_ROLL 40
static void test_rollout_direction(void **state) {
  (void)state;
  const embMuscleKind mk[3] = {EMB_MUSCLE_RELU, EMB_MUSCLE_KISTEMAKER, EMB_MUSCLE_THELEN};
  for (int e = 0; e < 3; e++) {
    embModel m;
    emb_model_init(&m, e ? EMB_ARM : EMB_POINT_MASS, mk[e]);
    const int NS = emb_state_size(&m), M = m.M, B = 3;
    const double load[2] = {0.5, -0.3};
    static double S[T_ROLL + 1][3 * 128], U[T_ROLL][3 * 6], dU[T_ROLL][3 * 6];
    double w[3 * 128], dS[3 * 128], dP[3 * 128], dS0[3 * 128], v0[3 * 128], vU[T_ROLL][3 * 6];
    double q[3][4];
    for (int b = 0; b < B; b++) random_joint(&m, q[b]);
    /* start near the middle, slowly, with weak commands: no joint limit is touched
     * (a joint resting on a limit gets PyTorch's half gradient, which a finite
     * difference cannot reproduce; checked below) */
    for (int b = 0; b < B; b++)
      for (int d = 0; d < 2; d++) {
        double mid = 0.5 * (m.pos_lb[d] + m.pos_ub[d]);
        q[b][d] = mid + 0.2 * (q[b][d] - mid);
        q[b][2 + d] *= 0.05;
      }
    emb_reset(&m, S[0], &q[0][0], B);
    for (int t = 0; t < T_ROLL; t++)
      for (int k = 0; k < B * M; k++) U[t][k] = 0.03 + 0.03 * urand();
    /* warm up: the reset activation sits exactly on its lower clamp bound, where a
     * perturbation of the state in a random direction would be one-sided */
    for (int t = 0; t < 3; t++) emb_step(&m, S[0], S[0], U[t], load, B);
    rand_vec(w, B * NS);
    rand_vec(v0, B * NS);
    for (int t = 0; t < T_ROLL; t++) rand_vec(vU[t], B * M);
    /* loss = <w, state_T> */
#define ROLL(eps)                                                                  \
  ({                                                                               \
    double s0[3 * 128], s1[3 * 128], u[3 * 6];                                     \
    for (int k = 0; k < B * NS; k++) s0[k] = S[0][k] + (eps) * v0[k];              \
    for (int t = 0; t < T_ROLL; t++) {                                             \
      for (int k = 0; k < B * M; k++) u[k] = U[t][k] + (eps) * vU[t][k];           \
      emb_step(&m, s1, s0, u, load, B);                                            \
      memcpy(s0, s1, sizeof s1);                                                   \
    }                                                                              \
    double L = 0;                                                                  \
    for (int k = 0; k < B * NS; k++) L += w[k] * s0[k];                            \
    L;                                                                             \
  })
    for (int t = 0; t < T_ROLL; t++) emb_step(&m, S[t + 1], S[t], U[t], load, B);
    for (int t = 0; t <= T_ROLL; t++)
      for (int b = 0; b < B; b++)
        for (int d = 0; d < 2; d++) {
          double p = S[t][b * NS + d];
          if (!(p > m.pos_lb[d] + 1e-3 && p < m.pos_ub[d] - 1e-3))
            fail_msg("%s rollout touches a joint limit at step %d (row %d, q%d = %g): "
                     "the test setup must avoid contacts", m.name, t, b, d, p);
        }
    memcpy(dS, w, sizeof(double) * B * NS);
    memset(dU, 0, sizeof dU);
    for (int t = T_ROLL - 1; t >= 0; t--) {
      memset(dP, 0, sizeof dP);
      emb_step_backward(&m, dP, dU[t], dS, S[t], U[t], load, B);
      memcpy(dS, dP, sizeof dP);
    }
    memcpy(dS0, dS, sizeof dS);
    double an = 0;
    for (int k = 0; k < B * NS; k++) an += dS0[k] * v0[k];
    for (int t = 0; t < T_ROLL; t++)
      for (int k = 0; k < B * M; k++) an += dU[t][k] * vU[t][k];
    const double h = 1e-6;
    double fd = (ROLL(h) - ROLL(-h)) / (2 * h);
    printf("[ fd ] %s rollout (%d steps, B=%d): directional derivative %.12g, FD %.12g\n",
           m.name, T_ROLL, B, an, fd);
    assert_close(an, fd, 1e-9, 1e-7);
  }
}

static int report(void **state) {
  (void)state;
  printf("[ fd ] worst relative error of the per-input checks: %.3g (tolerance %.1g)\n",
         worst_seen, FD_TOL);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_activation),
      cmocka_unit_test(test_muscle_relu),
      cmocka_unit_test(test_muscle_kistemaker),
      cmocka_unit_test(test_muscle_thelen),
      cmocka_unit_test(test_geometry_and_kinematics),
      cmocka_unit_test(test_skeleton),
      cmocka_unit_test(test_integration_with_clipping),
      cmocka_unit_test(test_whole_step),
      cmocka_unit_test(test_rollout_direction),
  };
  return cmocka_run_group_tests(tests, NULL, report);
}
