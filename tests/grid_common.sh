# grid_common.sh — helpers sourced by tests/test_grid*.sh and tests/test_slurm.sh.
# fail MSG: print and exit 1; wait_until SECS CMD...: poll every 0.05 s.
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }
wait_until() {
  local secs=$1; shift
  local end=$((SECONDS + secs))
  until "$@"; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.05
  done
}
# 0 when no train process holds a lock of grid $1
locks_free() {
  local l
  for l in "$1"/locks/*.lock; do
    [ -e "$l" ] || continue
    flock -n "$l" true || return 1
  done
  return 0
}
# own epochs in a curve.csv (a transfer run's base rows excluded)
own_rows() { tail -n +2 "$1" | grep -vc ',base$' || true; }
