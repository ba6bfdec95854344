/* test_sim_golden_f64.c — the golden trajectory and gradient tests in the double build
 * (trajectories against MotorNet's float32 files, gradients against `grad64_`). */
#include "test_sim_golden.c"
