#!/usr/bin/env bash
# slurm-local.sh — start or stop a one-node SLURM cluster on localhost, for tests
# (recipe: ../shared/guides/stack.md, "A one-node SLURM cluster for tests"). Needs root,
# slurm-wlm and munge, no systemd.
#
#   scripts/slurm-local.sh start D   # config, state and logs under D; prints nothing on
#                                    # success but `export SLURM_CONF=D/slurm.conf`
#   scripts/slurm-local.sh stop D    # kills exactly the daemons that `start D` started
#
# D/pids lists the PIDs it started (munged only when no munged was answering already).
# Ports: the first free pair from 6817/6818 upwards (another cluster may be running).
set -euo pipefail
cmd=${1:-}; D=${2:-}
[ -n "$cmd" ] && [ -n "$D" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
D=$(mkdir -p "$D" && cd "$D" && pwd)

stop() {
  [ -f "$D/pids" ] || return 0
  while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
  done < "$D/pids"
  rm -f "$D/pids"
}

wait_for() { # seconds, description, command...
  local secs=$1 what=$2; shift 2
  for _ in $(seq $((secs * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "slurm-local: $what did not come up within ${secs}s (logs in $D/log)" >&2
  return 1
}

port_free() { ! ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "slurm-local: needs root" >&2; exit 1; }
for b in munged munge slurmctld slurmd sinfo; do
  command -v "$b" >/dev/null || { echo "slurm-local: $b missing (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
[ -f "$D/pids" ] && stop
mkdir -p "$D/state" "$D/spool" "$D/log"
: > "$D/pids"
trap 'echo "slurm-local: start failed; stopping what was started" >&2; stop' ERR

# munge: reuse a running munged, else start one (key created if missing)
if ! munge -n </dev/null >/dev/null 2>&1; then
  if [ ! -f /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key; chmod 600 /etc/munge/munge.key
  fi
  install -d -o munge -g munge /run/munge
  setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
    > "$D/log/munged.log" 2>&1 &
  echo "munged $!" >> "$D/pids"
  wait_for 10 munged munge -n
fi

H=$(hostname -s)
p=6817
while ! port_free $p || ! port_free $((p + 1)); do p=$((p + 2)); done
cat > "$D/slurm.conf" <<CONF
ClusterName=local
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$p
SlurmdPort=$((p + 1))
SlurmUser=root
AuthType=auth/munge
CryptoType=crypto/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
MinJobAge=600
NodeName=$H NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$D/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" > "$D/log/slurmctld.out" 2>&1 &
echo "slurmctld $!" >> "$D/pids"
slurmd -D -f "$SLURM_CONF" > "$D/log/slurmd.out" 2>&1 &
echo "slurmd $!" >> "$D/pids"
idle() { sinfo -h -o %T | grep -qx idle; }
wait_for 30 "the node (sinfo idle)" idle
trap - ERR
echo "export SLURM_CONF=$D/slurm.conf"
