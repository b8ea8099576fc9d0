#!/usr/bin/env bash
# A real single-node Slurm cluster for the cluster tests: install (if missing), configure, start.
#
# Idempotent: a second call with the daemons already up only checks that the node is idle.
# Everything Slurm writes (config, state, spool, logs, pids) lives in $MLRTUI_SLURM_DIR
# (default /tmp/mlrtui-slurm); clients find the config through SLURM_CONF, printed on the last
# line as `SLURM_CONF=...`. Needs root and apt. Any failure prints one line starting with
# "slurm_up:" and exits non-zero. `slurm_up.sh restart-ctld` restarts the controller only.
set -u -o pipefail

STATE="${MLRTUI_SLURM_DIR:-/tmp/mlrtui-slurm}"
CONF="$STATE/slurm.conf"
NODE="$(hostname -s)"
export SLURM_CONF="$CONF"

fail() { echo "slurm_up: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (uid is $(id -u))"

install_packages() {
    local missing=()
    for bin in slurmctld slurmd munged sinfo; do
        command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
    done
    [ ${#missing[@]} = 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them"
    # Package scripts must not try to start services (there is no init system here).
    export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
    apt-get update -q >"$STATE/apt.log" 2>&1 || fail "apt-get update failed (see $STATE/apt.log)"
    apt-get install -y -q --no-install-recommends slurmctld slurmd munge slurm-client \
        >>"$STATE/apt.log" 2>&1 || fail "apt-get install failed (see $STATE/apt.log)"
}

start_munge() {
    if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
        return 0
    fi
    mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
    if [ ! -s /etc/munge/munge.key ]; then
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none \
            || fail "cannot write /etc/munge/munge.key"
    fi
    chmod 0400 /etc/munge/munge.key
    chmod 0700 /etc/munge /var/lib/munge /var/log/munge
    chmod 0755 /run/munge
    munged --force >"$STATE/munged.out" 2>&1 || fail "munged did not start: $(tail -n1 "$STATE/munged.out")"
    munge -n </dev/null | unmunge >/dev/null 2>&1 || fail "munge round trip fails after starting munged"
}

write_conf() {
    # The node line comes from slurmd itself, so the configured CPUs and memory match the machine.
    local hw
    hw="$(slurmd -C 2>/dev/null | grep '^NodeName=' | sed 's/ UpTime=.*//')"
    [ -n "$hw" ] || fail "slurmd -C printed no node line"
    mkdir -p "$STATE/ctld" "$STATE/spool"
    cat >"$CONF.new" <<EOF
# Written by tests/cluster/slurm_up.sh: one node, no cgroups, no accounting daemon.
ClusterName=mlrtui
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=60
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
$hw NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    mv "$CONF.new" "$CONF"
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_ctld() {
    alive "$STATE/slurmctld.pid" && return 0
    slurmctld -f "$CONF" >>"$STATE/slurmctld.out" 2>&1 \
        || fail "slurmctld did not start: $(tail -n1 "$STATE/slurmctld.log" 2>/dev/null)"
}

start_slurmd() {
    alive "$STATE/slurmd.pid" && return 0
    slurmd -f "$CONF" >>"$STATE/slurmd.out" 2>&1 \
        || fail "slurmd did not start: $(tail -n1 "$STATE/slurmd.log" 2>/dev/null)"
}

wait_idle() {
    local state=""
    for _ in $(seq 1 60); do
        state="$(sinfo -h -N -n "$NODE" -o %T 2>/dev/null | head -n1)"
        case "$state" in
            idle|mixed|allocated) return 0 ;;
            drain*|down*)
                scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 ;;
        esac
        sleep 0.5
    done
    fail "node $NODE not idle after 30s (state '${state:-none}'; see $STATE/slurmctld.log)"
}

restart_ctld() {
    if alive "$STATE/slurmctld.pid"; then
        local pid
        pid="$(cat "$STATE/slurmctld.pid")"
        kill "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    start_ctld
    wait_idle
}

mkdir -p "$STATE" || fail "cannot create $STATE"
if [ "${1:-}" = "restart-ctld" ]; then
    restart_ctld
    echo "SLURM_CONF=$CONF"
    exit 0
fi
install_packages
start_munge
[ -s "$CONF" ] || write_conf
start_ctld
start_slurmd
wait_idle
echo "SLURM_CONF=$CONF"
