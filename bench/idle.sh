#!/usr/bin/env bash
# What a node costs when nothing asks anything of it: CPU per second of each node, alone and in a
# cluster of three, and by thread (digits in thread names folded, so that a pool is one line; the kernel
# keeps 15 characters of a name). Every node
# runs on core 1 (bench/common.sh), with Redis on core 0; no load. The nodes are started,
# then left SETTLE seconds (60) to settle (slots owned, the JIT of start-up done), then measured over
# DURATION seconds (30).
#
#   bench/idle.sh                  # 1 node, then 3
#   NODES=3 DURATION=60 bench/idle.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
NODES=${NODES:-"1 3"}
DURATION=${DURATION:-30}
SETTLE=${SETTLE:-60}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# threads_ms PID...: "pid name ms" for every thread of the processes, CPU used since they started.
threads_ms() {
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      awk -v p="$p" -v hz="$(getconf CLK_TCK)" -v name="$(tr ' ' '_' < "$t/comm")" \
        '{ print p, name, ($14 + $15) * 1000 / hz }' "$t/stat" 2>/dev/null || true
    done
  done
}

SUMMARY="$OUT/idle-summary.txt"
mkdir -p "$OUT"
host_speed | tee "$SUMMARY"
start_redis idle
PIDS=()
trap 'kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done' EXIT

for n in $NODES; do
  HTTP=(); CLUSTER=(); PIDS=()
  for i in $(seq 1 "$n"); do HTTP+=("$(free_port)"); CLUSTER+=("$(free_port)"); done
  MEMBERS=$(printf '127.0.0.1:%s,' "${CLUSTER[@]}"); MEMBERS=${MEMBERS%,}
  for i in $(seq 0 $((n - 1))); do
    CLUSTER_ENV=()
    if [ "$n" -gt 1 ]; then
      CLUSTER_ENV=(READSTATES_CLUSTER_MEMBERS="$MEMBERS" READSTATES_CLUSTER_SECRET=a-cluster-secret-for-benchmarks
        READSTATES_CLUSTER_HOST=127.0.0.1 READSTATES_CLUSTER_PORT="${CLUSTER[$i]}")
    fi
    env READSTATES_HTTP_PORT="${HTTP[$i]}" READSTATES_REDIS_URL="$REDIS_URL" READSTATES_INTERNAL_TOKEN="$TOKEN" \
      READSTATES_SHARDS=1 READSTATES_CACHE_BYTES=$((64 << 20)) READSTATES_LOG_LEVEL=WARN "${CLUSTER_ENV[@]}" \
      taskset -c "$SERVICE_CPU" "$JAVA" -Xms256m -Xmx256m -XX:+UseG1GC ${NODE_JAVA_OPTS:-} -jar "$JAR" > "$OUT/idle-$n-node$i.log" 2>&1 &
    PIDS+=($!)
  done
  for _ in $(seq 1 300); do
    ready=0
    for port in "${HTTP[@]}"; do
      curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null && ready=$((ready + 1))
    done
    [ "$ready" = "$n" ] && break
    sleep 0.2
  done
  sleep "$SETTLE"
  threads_ms "${PIDS[@]}" > "$OUT/idle-$n-before.txt"
  sleep "$DURATION"
  threads_ms "${PIDS[@]}" > "$OUT/idle-$n-after.txt"
  {
    echo "== $n node(s), idle for $DURATION s"
    python3 - "$OUT/idle-$n-before.txt" "$OUT/idle-$n-after.txt" "$DURATION" "$n" <<'PY'
import collections, re, sys
def by_thread(path):
    out = collections.defaultdict(list)
    for line in open(path):
        pid, name, ms = line.split()
        out[(pid, name)].append(float(ms))
    return out
before, after = by_thread(sys.argv[1]), by_thread(sys.argv[2])
seconds, nodes = float(sys.argv[3]), int(sys.argv[4])
per_node = collections.defaultdict(float)
per_name = collections.defaultdict(float)
for key, values in after.items():
    old = before.get(key, [])
    # Threads of one name are compared in order; a thread that started since counts whole.
    used = sum(values) - sum(old) if len(old) == len(values) else sum(values) - sum(old[:len(values)])
    per_node[key[0]] += used
    # Hazelcast names its threads after its instance, which differs from node to node: one line for all.
    name = "hz.* (Hazelcast)" if key[1].startswith("hz.") else re.sub(r"\d+", "#", key[1])
    per_name[name] += used
for pid, used in sorted(per_node.items()):
    print(f"node pid {pid}: {used / seconds:.1f} ms CPU per second")
print(f"mean per node: {sum(per_node.values()) / seconds / nodes:.1f} ms/s; by thread (all nodes, ms/s per node):")
for name, used in sorted(per_name.items(), key=lambda kv: -kv[1])[:12]:
    print(f"  {name:<24} {used / seconds / nodes:6.2f}")
PY
  } | tee -a "$SUMMARY"
  for p in "${PIDS[@]}"; do kill -TERM "$p"; done
  for p in "${PIDS[@]}"; do wait "$p" || true; done
  PIDS=()
done
