#!/usr/bin/env bash
# The small control run: a service jar (or several, to compare builds) under the same open-loop load,
# 100,000 hot and 25,000 cold users x 8 channels, 2,000 requests/s, 10% cold, 30 s measured after 10 s
# of warm-up. The service runs alone on core 1; Redis and the load tool share core 0. Each run's summary
# says how much CPU the hypervisor stole and which other processes used the CPU meanwhile.
#
#   bench/control.sh                                   # the service as built
#   JARS="before=/path/to/old.jar after=target/readstates.jar" ROUNDS=2 bench/control.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
JARS=${JARS:-"service=$JAR"}
ROUNDS=${ROUNDS:-1}
RATE=${RATE:-2000}
DURATION=${DURATION:-30}
PORT=${PORT:-18090}
POPULATION=(--hotUsers=100000 --coldUsers=25000 --channelsPerUser=8)
PINNED_TOOL=(taskset -c 0 "${TOOL[@]}")

start_redis control
trap 'kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; [ -n "${SERVICE:-}" ] && kill "$SERVICE" 2>/dev/null || true' EXIT
taskset -cp 0 "$(cat "$REDIS_PIDFILE")" > /dev/null

# cpu_snapshot FILE: the machine's CPU counters and every process's CPU seconds.
cpu_snapshot() { { head -1 /proc/stat; ps -eo pid=,comm=,cputimes=; } > "$1"; }

# cpu_report BEFORE AFTER SERVICE_PID: steal, and CPU seconds of processes other than the service,
# Redis and the load tool.
cpu_report() {
  python3 - "$1" "$2" "$3" "$(cat "$REDIS_PIDFILE")" <<'PY'
import sys
def read(path):
    lines = open(path).read().splitlines()
    cpu = list(map(int, lines[0].split()[1:]))
    procs = {}
    for line in lines[1:]:
        pid, comm, secs = line.split()
        procs[pid] = (comm, int(secs))
    return cpu, procs
(c0, p0), (c1, p1) = read(sys.argv[1]), read(sys.argv[2])
d = [b - a for a, b in zip(c0, c1)]
others = sorted(((p1[p][1] - p0.get(p, (0, 0))[1], p1[p][0]) for p in p1 if p not in sys.argv[3:]), reverse=True)
others = [f"{comm} {secs} s" for secs, comm in others if secs > 0]
print(f"  steal {100 * d[7] / sum(d):.2f}% of CPU time; other processes: {', '.join(others) or 'none'}")
PY
}

for round in $(seq 1 "$ROUNDS"); do
  for entry in $JARS; do
    label=${entry%%=*}; jar=${entry#*=}
    redis-cli -u "$REDIS_URL" flushall > /dev/null
    "${PINNED_TOOL[@]}" preload --redis="$REDIS_URL" "${POPULATION[@]}" > /dev/null
    READSTATES_HTTP_PORT=$PORT READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN READSTATES_SHARDS=1 \
    READSTATES_CACHE_BYTES=$((256 << 20)) READSTATES_LOG_LEVEL=WARN \
      taskset -c 1 "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar "$jar" > "$OUT/control-$label-$round-service.log" 2>&1 &
    SERVICE=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 0.2; done
    "${PINNED_TOOL[@]}" warm --url="http://127.0.0.1:$PORT" --token="$TOKEN" "${POPULATION[@]}" > /dev/null
    cpu_snapshot "$OUT/control-cpu-before"
    "${PINNED_TOOL[@]}" run --url="http://127.0.0.1:$PORT" --token="$TOKEN" --rate="$RATE" --warmup=10 \
      --duration="$DURATION" --coldShare=0.1 --out="$OUT" --label="control-$label-$round" "${POPULATION[@]}" \
      | tee "$OUT/control-$label-$round-summary.txt"
    cpu_snapshot "$OUT/control-cpu-after"
    cpu_report "$OUT/control-cpu-before" "$OUT/control-cpu-after" "$SERVICE" | tee -a "$OUT/control-$label-$round-summary.txt"
    kill -TERM "$SERVICE"; wait "$SERVICE" || true; SERVICE=
  done
done
