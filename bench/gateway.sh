#!/usr/bin/env bash
# The WebSocket gateway alone, taken apart: SOCKETS clients, GATEWAY_RATE messages/s each mentioning one
# of them, latency from the message's intended send time to the badges frame (the load tool's view), beside
# the service's own view of the same window (push and message-route histograms from two /metrics scrapes),
# the GC pauses of the service and of the tool, and the CPU of every process. Writes $OUT/gateway.md.
#   bench/gateway.sh
#   SHARDS=2 GC=G1 TOOL_GC=Parallel TOOL_HEAP="-Xms4g -Xmx4g" bench/gateway.sh
#   CANARY=0 bench/gateway.sh   (without the canary on each core: bench/canary.py)
#   SCRAPE_S=0 bench/gateway.sh  (no scrape of /metrics inside the window but the two that bound it)
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
SOCKETS=${SOCKETS:-10000}
GATEWAY_RATE=${GATEWAY_RATE:-5000}
WARMUP=${WARMUP:-30}
GATEWAY_S=${GATEWAY_S:-30}
# How often /metrics is scraped inside the measured window (0: only at its start and end); the warm-up is
# scraped every 5 s whatever this says. Each scrape is work on the service's event loop, and its latency
# lands on the messages behind it; the first few are slower still (code not yet compiled: the first took
# the service about 100 ms), which the warm-up's scrapes keep out of the window.
SCRAPE_S=${SCRAPE_S:-5}
# One shard for the one core the service is given, as the service itself chooses under that placement:
# two event loops sharing one core cost a quarter more CPU for the same messages (46% of the core against 36%).
SHARDS=${SHARDS:-1}
GC=${GC:-ZGC}
SERVICE_HEAP=${SERVICE_HEAP:-"-Xms1g -Xmx1g"}
# The load tool's heap and collector: a pause of the tool is latency in its figures, and with ParallelGC
# its young collections (about 20 ms, every 3 s) weigh on the p99 as much as the service's own.
TOOL_HEAP=${TOOL_HEAP:-"-Xms1g -Xmx1g"}
TOOL_GC=${TOOL_GC:-ZGC}
SECRET=bench-user-token-secret-0123456789-abcdef
PORT=18084
declare -A GC_FLAG=([G1]=-XX:+UseG1GC [ZGC]=-XX:+UseZGC [Parallel]=-XX:+UseParallelGC)
SERVICE_GC_LOG=-Xlog:gc*,safepoint:file="$OUT/gateway-service-gc.log":uptime,level,tags
TOOL_GC_LOG=-Xlog:gc*,safepoint:file="$OUT/gateway-tool-gc.log":uptime,level,tags

HOST_SPEED_LINE=$(host_speed)
echo "$HOST_SPEED_LINE"
start_redis redis-gateway
PIDS=()
# Waits for the service to finish stopping (it closes every session and writes what is dirty), so that a run
# started right after finds the port free.
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait "${PIDS[@]}" 2>/dev/null || true; kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; stop_canaries' EXIT
READSTATES_HTTP_PORT=$PORT READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN \
READSTATES_USER_TOKEN_SECRET=$SECRET READSTATES_SHARDS=$SHARDS READSTATES_CACHE_BYTES=$((256 << 20)) \
READSTATES_MAX_SESSIONS=${MAX_SESSIONS:-20000} READSTATES_LOG_LEVEL=WARN \
  taskset -c "$SERVICE_CPU" "$JAVA" $SERVICE_HEAP "${GC_FLAG[$GC]}" "$SERVICE_GC_LOG" -jar "$JAR" > "$OUT/gateway-service.log" 2>&1 &
SERVICE=$!
PIDS+=("$SERVICE")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 0.2; done

taskset -c "$LOAD_CPU" bench/proc-cpu.py sample "$OUT/gateway-cpu.txt" "$SERVICE" &
PIDS+=($!)
start_canaries gateway
# Every second, how far each GC log has got, to cut both to the measured window; every 5 s of the warm-up
# and every SCRAPE_S s of the window, the service's metrics.
mkdir -p "$OUT/gateway-scrapes"
: > "$OUT/gateway-marks.txt"
rm -f "$OUT/gateway-window-start.txt"
scrape() { curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics" > "$OUT/gateway-scrapes/$1.txt"; }
( while sleep 1; do
    now=$(date +%s)
    if [[ ! -e "$OUT/gateway-window-start.txt" ]]; then every=5; else every=$SCRAPE_S; fi
    if [[ $every -gt 0 && $((now % every)) -eq 0 ]]; then scrape "$now"; fi
    echo "$now $(wc -l < "$OUT/gateway-service-gc.log") $(cat "$OUT/gateway-tool-gc.log" 2>/dev/null | wc -l)" >> "$OUT/gateway-marks.txt"
  done ) &
MARKS=$!
PIDS+=("$MARKS")
# The scrape that opens the window: WARMUP s after the tool has every socket identified (it starts sending then).
TOOL_OUT=$OUT/gateway-tool.out
: > "$TOOL_OUT"
( until grep -q "sockets identified" "$TOOL_OUT"; do sleep 0.05; done
  sleep "$WARMUP"
  date +%s > "$OUT/gateway-window-start.txt"
  scrape start ) &
PIDS+=($!)

taskset -c "$LOAD_CPU" "$JAVA" $TOOL_HEAP "${GC_FLAG[$TOOL_GC]}" -XX:+AlwaysPreTouch "$TOOL_GC_LOG" \
  -jar target/readstates-bench.jar gateway --url="http://127.0.0.1:$PORT" --token="$TOKEN" --secret="$SECRET" \
  --sockets="$SOCKETS" --rate="$GATEWAY_RATE" --warmup="$WARMUP" --duration="$GATEWAY_S" --out="$OUT" \
  --label=gateway --connections=128 --measuredPids="$SERVICE,$(cat "$REDIS_PIDFILE")$CANARY_PIDS" "${CANARY_OPTS[@]}" > "$TOOL_OUT"
LINES=$(cat "$TOOL_OUT")
echo "$LINES"
END=$(date +%s)
kill "$MARKS"
scrape end
# The window, from its opening scrape to the tool's summary, and the GC logs cut at the first mark inside it.
FROM=$(cat "$OUT/gateway-window-start.txt")
read -r _ SERVICE_GC_FROM TOOL_GC_FROM < <(awk -v start="$FROM" '$1 >= start' "$OUT/gateway-marks.txt" | head -1)
tail -n +"$((SERVICE_GC_FROM + 1))" "$OUT/gateway-service-gc.log" > "$OUT/gateway-service-gc-measured.log"
tail -n +"$((TOOL_GC_FROM + 1))" "$OUT/gateway-tool-gc.log" > "$OUT/gateway-tool-gc-measured.log"
WINDOW=$((END - FROM))
find "$OUT/gateway-scrapes" -type f ! -name start.txt ! -name end.txt -delete

{
  echo "# Gateway, taken apart"
  echo
  echo "$(date -u +%F), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1); service $SERVICE_HEAP $GC, $SHARDS shards, on core"
  echo "$SERVICE_CPU; load tool ($TOOL_HEAP $TOOL_GC, pre-touched) and Redis on core $LOAD_CPU. $SOCKETS sockets,"
  echo "$GATEWAY_RATE messages/s, each mentioning one connected user; warm-up $WARMUP s, measured $GATEWAY_S s."
  echo "$HOST_SPEED_LINE"
  echo
  echo '```'
  echo "$LINES"
  echo '```'
  echo
  echo "The service's own view, over the last $WINDOW s (scrapes of its metrics):"
  echo
  bench/metrics-window.py "$OUT/gateway-scrapes/start.txt" "$OUT/gateway-scrapes/end.txt"
  echo
  echo "Pauses over the same $WINDOW s:"
  echo
  echo "- service: $("${TOOL[@]}" gclog --file="$OUT/gateway-service-gc-measured.log")"
  echo "- load tool: $("${TOOL[@]}" gclog --file="$OUT/gateway-tool-gc-measured.log")"
  echo
  echo "CPU over the same $WINDOW s, % of one core (the busiest processes, and the service's threads):"
  echo
  echo "| process or thread | name (core) | % of a core |"
  echo "|---|---|---|"
  # Up to END: the summaries above run after it, and their JVMs are not the run's.
  bench/proc-cpu.py top "$OUT/gateway-cpu.txt" "$WINDOW" 10 "$END"
  if [[ ${#CANARY_PROCS[@]} -gt 0 ]]; then
    echo
    echo "Canaries over the same $WINDOW s (a wake every millisecond; late wakes are time the core was gone):"
    echo
    echo '```'
    bench/canary.py summary "${CANARY_LIMIT_MS:-10}" "$FROM" "$END" "$OUT"/gateway-canary-cpu*.csv
    echo '```'
  fi
} > "$OUT/gateway.md"
cat "$OUT/gateway.md"
