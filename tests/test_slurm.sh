#!/usr/bin/env bash
# test_slurm.sh — `embody grid slurm` on a real one-node SLURM cluster (label slurm).
# Installs slurm-wlm and munge when missing (as root; skips with a message otherwise),
# starts a cluster on localhost (scripts/slurm-local.sh, a temp dir), submits a tiny grid
# (both effectors, two tasks, one seed, a few epochs) through sbatch, pre-empts one base
# element (SIGTERM to its batch shell, as --signal=B:TERM does) and checks it checkpoints,
# requeues and resumes; waits for the grid, checks every run finished and every transfer
# started after its base's final.ckpt was written, then stops exactly the daemons it
# started. Usage: bash test_slurm.sh <embody> <source dir>
set -euo pipefail
EMB=$1; SRC=$2
source "$SRC/tests/grid_common.sh"
have() { command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
         command -v sbatch >/dev/null && command -v munged >/dev/null; }
if ! have; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: slurm-wlm and munge are not installed and this is not root; install them with"
    echo "  sudo apt-get install -y slurm-wlm munge"
    exit 0
  fi
  note "installing slurm-wlm and munge"
  "$SRC/scripts/install-deps.sh" --with-slurm > /dev/null
  have || fail "slurm-wlm/munge still missing after installing"
fi
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the local SLURM cluster needs root"; exit 0; }

T=$(mktemp -d /tmp/emb_slurm.XXXXXX)
stop_all() {
  [ -n "${SLURM_CONF:-}" ] && [ -f "$T/jobs" ] && timeout 10 scancel $(cat "$T/jobs") 2>/dev/null || true
  "$SRC/scripts/slurm-local.sh" stop "$T/cluster" || true
  wait_until 30 locks_free "$T/g" || true
  rm -rf "$T"
}
trap stop_all EXIT
eval "$("$SRC/scripts/slurm-local.sh" start "$T/cluster")"
export SLURM_CONF
note "cluster up ($(sinfo -h -o '%N %c CPUs %T'))"

G=$T/g
EPOCHS=${GRID_TEST_EPOCHS:-1500} # ~3 ms per epoch at batch 8: seconds per run
"$EMB" grid slurm "$G" --effectors point-mass,arm --tasks RTR,COR --seed-list 0 --profile demo \
  --epochs "$EPOCHS" --batch-size 8 --save-every 50 --time 10 > "$T/submit.out" 2>&1 \
  || { cat "$T/submit.out"; fail "grid slurm failed"; }
cat "$T/submit.out"
cut -d' ' -f1 "$G/slurm/jobs.txt" | tr '\n' ' ' > "$T/jobs"
[ "$(wc -l < "$G/slurm/jobs.txt")" -eq 2 ] || fail "expected a base array and one transfer array"
grep -q "aftercorr:" "$T/submit.out" || fail "transfers not submitted with aftercorr"
BASEJOB=$(head -1 "$G/slurm/jobs.txt" | cut -d' ' -f1)

# pre-empt base element 0 once it has a checkpoint
R0=$(sed -n 's/^runs=(\([0-9]*\).*/\1/p' "$G/slurm/bases.sbatch")
ID0=$(grep -o '"id": "[^"]*"' "$G/plan.json" | sed -n "$((R0 + 1))p" | cut -d'"' -f4)
has_ckpt() { [ -f "$G/runs/$ID0/checkpoint.ckpt" ] && [ ! -f "$G/runs/$ID0/final.ckpt" ]; }
if wait_until 60 has_ckpt; then
  # (scancel itself may hang ~90 s reporting "can not be altered now" once the element
  # has requeued itself: do not wait for it)
  timeout 5 scancel --batch --signal=TERM "${BASEJOB}_0" 2>/dev/null || true
  requeued() { scontrol show job "${BASEJOB}_0" 2>/dev/null | grep -q "Restarts=[1-9]"; }
  wait_until 30 requeued || fail "base element 0 ($ID0) was not requeued after SIGTERM"
  # SLURM holds a requeued job ~2 minutes; release it now
  JID=$(scontrol show job "${BASEJOB}_0" | sed -n 's/^JobId=\([0-9]*\).*/\1/p' | head -1)
  scontrol update JobId="$JID" StartTime=now
  PREEMPTED=1
  note "pre-empted $ID0 (job ${BASEJOB}_0): checkpointed and requeued"
else
  fail "$ID0 wrote no checkpoint within 60 s"
fi

all_done() { "$EMB" grid status "$G" > "$T/status.out" 2>&1; }
wait_until 240 all_done || { cat "$T/status.out"; tail -n 5 "$G"/slurm/logs/*; fail "grid not done within 240 s"; }
cat "$T/status.out" | tail -4
n=0
for d in "$G"/runs/*; do
  id=${d##*/}; n=$((n + 1))
  [ -f "$d/final.ckpt" ] || fail "$id has no final.ckpt"
  rows=$(own_rows "$d/curve.csv")
  [ "$rows" -eq "$EPOCHS" ] || fail "$id: $rows own epochs in curve.csv, expected $EPOCHS"
  case $id in *-to-*)
    base=${id%%-to-*}__s${id##*__s}
    bstart=$(stat -c '%.6Y' "$G/runs/$base/final.ckpt")
    tstart=$(sed -n 's/^=== .* (unix \([0-9.]*\)) embody grid starts.*/\1/p' "$G/logs/$id.log" | head -1)
    [ -n "$tstart" ] || fail "$id: no start time in its log"
    awk -v t="$tstart" -v b="$bstart" 'BEGIN { exit !(t >= b) }' \
      || fail "$id started at $tstart, before its base $base finished ($bstart)"
    note "$id started $(awk -v t="$tstart" -v b="$bstart" 'BEGIN { printf "%.2f", t - b }') s after $base finished";;
  esac
done
[ $n -eq 8 ] || fail "expected 8 run directories, found $n"
grep -q -- "train --resume $G/runs/$ID0" "$G/logs/$ID0.log" || fail "$ID0 was not resumed after pre-emption"
note "all 8 runs done through SLURM; $ID0 resumed after pre-emption"
echo "PASS"
