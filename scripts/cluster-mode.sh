#!/usr/bin/env bash
# A distributed berth on one machine, to try what several hosts would run (docs/distributed.md):
# a 3-member etcd cluster, 3 `berth server` processes on it and 3 `berth agent` processes, each
# agent given every server. Everything listens on loopback; each process logs to DIR/logs.
#
#   scripts/cluster-mode.sh up   [DIR]   start it (DIR defaults to ~/.berth-cluster)
#   scripts/cluster-mode.sh status [DIR] who runs, who leads, which shards each server owns
#   scripts/cluster-mode.sh down [DIR]   stop everything, tasks included (servers hand over on SIGTERM)
#
# Ports: etcd clients 23790-23792 (peers 23800-23802), servers 4666, 4676, 4686 (DNS on each + 1).
# Needs etcd (Debian: apt-get install etcd-server) and this checkout's `npm ci`.
set -euo pipefail
cmd=${1:-up}
dir=${2:-$HOME/.berth-cluster}
root=$(cd "$(dirname "$0")/.." && pwd)
berth="$root/bin/berth"
servers=(http://127.0.0.1:4666 http://127.0.0.1:4676 http://127.0.0.1:4686)

start() { # name, then the command: runs it in the background, remembers its pid
  local name=$1
  shift
  "$@" >"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name"
}

wait_for() { # what, then a command that succeeds once it is there
  local what=$1
  shift
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "gave up waiting for $what (see $dir/logs)" >&2
  exit 1
}

case $cmd in
up)
  command -v etcd >/dev/null || { echo "etcd is not installed (Debian: apt-get install etcd-server)" >&2; exit 1; }
  mkdir -p "$dir/logs" "$dir/pids"
  cluster=m0=http://127.0.0.1:23800,m1=http://127.0.0.1:23801,m2=http://127.0.0.1:23802
  for i in 0 1 2; do
    start "etcd-$i" etcd --name "m$i" --data-dir "$dir/etcd-$i" \
      --listen-client-urls "http://127.0.0.1:2379$i" --advertise-client-urls "http://127.0.0.1:2379$i" \
      --listen-peer-urls "http://127.0.0.1:2380$i" --initial-advertise-peer-urls "http://127.0.0.1:2380$i" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token berth-cluster-mode \
      --auto-compaction-retention=5m --max-txn-ops 10000
  done
  for i in 0 1 2; do wait_for "etcd member m$i" curl -sf "http://127.0.0.1:2379$i/health"; done
  store=etcd://127.0.0.1:23790,127.0.0.1:23791,127.0.0.1:23792
  # One secrets key for every server: they seal and open each other's values.
  [ -f "$dir/secrets.key" ] || (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$dir/secrets.key" && echo >>"$dir/secrets.key")
  for i in 0 1 2; do
    port=$((4666 + 10 * i))
    start "server-$i" "$berth" server --store "$store" --server-id "server-$i" --port "$port" \
      --data-dir "$dir/server-$i" --secrets-key-file "$dir/secrets.key"
  done
  for url in "${servers[@]}"; do wait_for "$url" curl -sf "$url/metrics"; done
  endpoints=$(IFS=,; echo "${servers[*]}")
  for i in 0 1 2; do
    start "agent-$i" "$berth" agent --endpoint "$endpoints" --runtime process \
      --state-dir "$dir/agent-$i" --metadata-port 0 --attribute "host=agent-$i"
  done
  echo "berth cluster mode is up in $dir"
  echo "  servers: ${servers[*]} (any one answers the whole API)"
  echo "  try:     aws ecs list-container-instances --endpoint-url ${servers[1]} --region us-east-1"
  echo "  watch:   scripts/cluster-mode.sh status $dir"
  ;;
status)
  for f in "$dir"/pids/*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if kill -0 "$(cat "$f")" 2>/dev/null; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: stopped"; fi
  done
  for url in "${servers[@]}"; do
    curl -sf "$url/metrics" 2>/dev/null | grep -E '^berth_coordination_(leader|shards)' | sed "s|^|$url |" || echo "$url: no answer"
  done
  ;;
down)
  # Agents first (their tasks keep running, as with any agent stop), then servers, then etcd.
  for kind in agent server etcd; do
    for f in "$dir"/pids/"$kind"-*; do
      [ -e "$f" ] || continue
      kill -TERM "$(cat "$f")" 2>/dev/null || true
    done
    sleep 1
    for f in "$dir"/pids/"$kind"-*; do
      [ -e "$f" ] || continue
      pid=$(cat "$f")
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$f"
    done
  done
  # A playground: the tasks go too (a real agent stop leaves them running for the next start).
  pkill -TERM -f "berth-wait $dir/agent-" 2>/dev/null || true
  echo "stopped, tasks included; state stays in $dir (remove it to start over)"
  ;;
*)
  echo "usage: $0 up|status|down [DIR]" >&2
  exit 2
  ;;
esac
