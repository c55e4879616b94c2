#!/usr/bin/env bash
# The headline benchmark: the same service, off-heap store vs on-heap baseline, under the same open-loop
# load, with G1 and with ZGC, GC logged. Writes $OUT (target/bench-results/ by default): a results table (results.md), per-second
# timelines (CSV), percentile distributions, GC logs and one p99-over-time chart per collector.
#
#   bench/gc-benchmark.sh                  # the headline: 1,000,000 hot users x 8 channels, 5 min per run
#   DURATION=20 HOT_USERS=20000 bench/gc-benchmark.sh   # a quick rehearsal
#   CACHE_SHARE=60 bench/gc-benchmark.sh   # the eviction regime: the cache holds 60% of the hot set
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
DURATION=${DURATION:-300}
WARMUP=${WARMUP:-30}
RATE=${RATE:-5000}
HOT_USERS=${HOT_USERS:-1000000}
COLD_USERS=${COLD_USERS:-$((HOT_USERS / 4))}
CHANNELS_PER_USER=8
COLD_SHARE=${COLD_SHARE:-0.1}
HEAP=${HEAP:-4g}
SHARDS=${SHARDS:-2}
COLLECTORS=${COLLECTORS:-"G1 ZGC"}
STORES=${STORES:-"offheap onheap"}
PORT=${PORT:-18080}
# By default, room for every hot user's read states plus 5% for cold users passing through; below 100,
# the cache holds that share of the hot set and the LRU evicts and loads throughout the run. In each
# store's own bytes per read state (measured by MemoryFootprint, planned for the CHANNELS_PER_USER
# read states each user has), so that both hold the same number of users.
CACHE_SHARE=${CACHE_SHARE:-105}
SLOTS=$((HOT_USERS * CHANNELS_PER_USER * CACHE_SHARE / 100))
declare -A GC_FLAG=([G1]=-XX:+UseG1GC [ZGC]=-XX:+UseZGC)
declare -A CACHE_BYTES=([offheap]=$((SLOTS * 48)) [onheap]=$((SLOTS * 141)))

POPULATION=(--hotUsers="$HOT_USERS" --coldUsers="$COLD_USERS" --channelsPerUser="$CHANNELS_PER_USER")

HOST_SPEED_LINE=$(host_speed)
echo "$HOST_SPEED_LINE"
start_redis redis
# Stopped early (kill of this script), it stops what it started, the load tool in its pipeline included.
trap 'kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; for p in "${SERVICE:-}" "${BARE:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; stop_canaries; stop_descendants' EXIT
start_canaries run

{
  echo "# GC benchmark results"
  echo
  echo "$(date -u +%F), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), -Xms$HEAP -Xmx$HEAP, $SHARDS shards."
  echo "$HOST_SPEED_LINE"
  echo "Load: $RATE requests/s offered (open loop), mix ack 40 / read-states 40 / message 10 / badges 10,"
  echo "$HOT_USERS hot users (Zipfian 0.99) and $COLD_USERS cold users (${COLD_SHARE} of requests) x $CHANNELS_PER_USER channels,"
  echo "warm-up ${WARMUP} s, measured ${DURATION} s. Latency in ms from each request's intended send time."
  echo "Cache: room for ${CACHE_SHARE}% of the hot users' read states (evictions/s: users evicted per measured second)."
  echo
  echo "Placement: service and bare endpoint on core $SERVICE_CPU, load tool and Redis on core $LOAD_CPU."
  echo "A second is contaminated when other processes used more than 30% of a core, steal passed 10%, or (unless"
  echo "CANARY=0) a canary on either core (bench/canary.py) woke more than ${CANARY_LIMIT_MS:-10} ms late."
  echo "Each collector's bare endpoint (a Vert.x server answering a constant, same JVM flags) takes the same"
  echo "load from the same tool first; p99 / bare is the ratio of the two p99s."
  echo
  echo "| collector | store | p50 ms | p99 ms | bare p99 ms | p99 / bare | p99.9 ms | p99.99 ms | max ms | throughput/s | errors | contaminated s | evictions/s | GC pauses | GC total ms | longest GC ms | longest safepoint ms | heap after last GC MB | heap peak MB | RSS MB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$OUT/results.md"

# evictions: users the service has evicted so far, from its metrics.
evictions() {
  curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics" |
    awk '/^readstates_evictions_total/ { sum += $NF } END { printf "%.0f", sum }'
}

# canaries LABEL FROM TO: what the canaries saw over a run's measured window (epoch seconds), kept for
# the results: late wakes, and how long their fixed piece of work took on each core.
: > "$OUT/canaries.txt"
canaries() {
  [ ${#CANARY_PROCS[@]} -eq 0 ] && return 0
  echo "$1:" >> "$OUT/canaries.txt"
  bench/canary.py summary "${CANARY_LIMIT_MS:-10}" "$2" "$3" "$OUT"/run-canary-cpu*.csv | sed 's/^/  /' >> "$OUT/canaries.txt"
}

BARE_PORT=$((PORT + 1))
for gc in $COLLECTORS; do
  # The bare endpoint under the same load, the same JVM settings and the same placement.
  taskset -c "$SERVICE_CPU" "$JAVA" -Xms$HEAP -Xmx$HEAP "${GC_FLAG[$gc]}" -jar target/readstates-bench.jar bare \
    --port=$BARE_PORT --shards="$SHARDS" > "$OUT/$gc-bare.log" 2>&1 &
  BARE=$!
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 0.2; done
  FROM=$(( $(date +%s) + WARMUP ))
  tool_gc_logged "$OUT/$gc-bare-tool-gc.log" run --url="http://127.0.0.1:$BARE_PORT" --token=x --rate="$RATE" --warmup="$WARMUP" \
    --duration="$DURATION" --coldShare="$COLD_SHARE" --out="$OUT" --label="$gc-bare" --connections=256 \
    --measuredPids="$BARE,$(cat "$REDIS_PIDFILE")$CANARY_PIDS" "${CANARY_OPTS[@]}" "${POPULATION[@]}" | tee "$OUT/$gc-bare-summary.txt"
  canaries "$gc-bare" "$FROM" "$(date +%s)"
  kill "$BARE"; wait "$BARE" || true; BARE=
  BARE_P99=$(awk '/latency us/ {print $8/1000}' "$OUT/$gc-bare-summary.txt")
  for store in $STORES; do
    label="$gc-$store"
    echo "== $label"
    "$JAVA" -version >/dev/null 2>&1
    redis-cli -u "$REDIS_URL" flushall >/dev/null
    "${TOOL[@]}" preload --redis="$REDIS_URL" "${POPULATION[@]}"
    READSTATES_HTTP_PORT=$PORT READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN \
    READSTATES_SHARDS=$SHARDS READSTATES_STORE=$store READSTATES_CACHE_BYTES=${CACHE_BYTES[$store]} \
    READSTATES_READ_STATES_PER_USER=$CHANNELS_PER_USER \
      taskset -c "$SERVICE_CPU" "$JAVA" -Xms$HEAP -Xmx$HEAP "${GC_FLAG[$gc]}" \
      -Xlog:gc*,safepoint:file="$OUT/$label-gc.log":uptime,level,tags -jar "$JAR" > "$OUT/$label-service.log" 2>&1 &
    SERVICE=$!
    for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
    kill -0 "$SERVICE" || { cat "$OUT/$label-service.log"; exit 1; }
    "${TOOL[@]}" warm --url="http://127.0.0.1:$PORT" --token="$TOKEN" --connections=128 "${POPULATION[@]}"
    GC_LINES_BEFORE=$(wc -l < "$OUT/$label-gc.log")
    tool_gc_logged "$OUT/$label-tool-gc.log" run --url="http://127.0.0.1:$PORT" --token="$TOKEN" --rate="$RATE" --warmup="$WARMUP" \
      --duration="$DURATION" --coldShare="$COLD_SHARE" --out="$OUT" --label="$label" --connections=256 \
      --measuredPids="$SERVICE,$(cat "$REDIS_PIDFILE")$CANARY_PIDS" "${CANARY_OPTS[@]}" \
      "${POPULATION[@]}" > "$OUT/$label-summary.txt" &
    LOAD=$!
    sleep "$WARMUP"
    FROM=$(date +%s)
    EVICTED_BEFORE=$(evictions)
    wait "$LOAD"
    canaries "$label" "$FROM" "$(date +%s)"
    EVICTIONS=$(awk -v a="$(evictions)" -v b="$EVICTED_BEFORE" -v d="$DURATION" 'BEGIN { printf "%.0f", (a - b) / d }')
    cat "$OUT/$label-summary.txt"
    RSS_MB=$(( $(ps -o rss= -p "$SERVICE") / 1024 ))
    tail -n +"$((GC_LINES_BEFORE + 1))" "$OUT/$label-gc.log" > "$OUT/$label-gc-measured.log"
    kill -TERM "$SERVICE"; wait "$SERVICE" || true; SERVICE=
    GC=$("${TOOL[@]}" gclog --file="$OUT/$label-gc-measured.log")
    echo "$GC" | tee -a "$OUT/$label-summary.txt"
    read -r P50 P99 P999 P9999 MAX < <(awk '/latency us/ {print $4/1000, $8/1000, $10/1000, $12/1000, $14/1000}' "$OUT/$label-summary.txt")
    DONE=$(sed -nE 's/.*\(([0-9]+)\/s\).*/\1/p' "$OUT/$label-summary.txt")
    ERRORS=$(sed -nE 's/.*, ([0-9]+) errors.*/\1/p' "$OUT/$label-summary.txt")
    CONTAMINATED=$(sed -nE 's/.*contaminated seconds: ([0-9]+) of ([0-9]+).*/\1 of \2/p' "$OUT/$label-summary.txt")
    RATIO=$(awk -v a="$P99" -v b="$BARE_P99" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    read -r PAUSES TOTAL LONGEST AFTER PEAK SAFEPOINT < <(echo "$GC" | awk '{gsub(",",""); print $3, $5, $8, $14, $18, $22}')
    echo "| $gc | $store | $P50 | $P99 | $BARE_P99 | $RATIO | $P999 | $P9999 | $MAX | $DONE | $ERRORS | $CONTAMINATED | $EVICTIONS | $PAUSES | $TOTAL | $LONGEST | $SAFEPOINT | $AFTER | $PEAK | $RSS_MB |" >> "$OUT/results.md"
  done
  "${TOOL[@]}" chart --csv="$OUT/$gc-offheap-timeline.csv,$OUT/$gc-onheap-timeline.csv" \
    --labels="off-heap store ($gc),on-heap baseline ($gc)" --title="p99 latency per second, $gc, $RATE req/s offered" \
    --out="$OUT/p99-$gc.png" || true
done
# Each run's seconds: the median second's p99 against the worst second's, clean or not.
TIMELINES=()
for gc in $COLLECTORS; do
  TIMELINES+=("$gc, bare endpoint=$OUT/$gc-bare-timeline.csv")
  for store in $STORES; do TIMELINES+=("$gc, $store=$OUT/$gc-$store-timeline.csv"); done
done
{ echo; echo "Per-second p99 over the measured window:"; echo; bench/per-second.py "${TIMELINES[@]}"; } >> "$OUT/results.md"
if [ -s "$OUT/canaries.txt" ]; then
  { echo; echo "The canaries over each measured window (run-canary-cpuN.csv: the core N):"; echo; echo '```'
    cat "$OUT/canaries.txt"; echo '```'; } >> "$OUT/results.md"
fi
cat "$OUT/results.md"
