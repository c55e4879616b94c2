#!/usr/bin/env bash
# What a durable ack (durable=true: answered once Redis confirmed it) costs over a plain one, in the same
# run: one node, half plain and half durable acks of resident users, at a constant offered rate, 60 s
# measured after 30 s of warm-up. The service runs alone on core 1; Redis and the load tool share core 0
# (bench/common.sh), a canary on each core. The summary gives each kind's percentiles, and the seconds
# that other processes, steal or a late canary contaminated; compare the kinds within one clean run.
#
#   bench/durable.sh                  # 1,000 acks/s
#   RATE=3000 bench/durable.sh
#   MIX=ack=100 bench/durable.sh   # plain acks alone, for the floor of the same setup
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
RATE=${RATE:-1000}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-30}
PORT=${PORT:-18091}
POPULATION=(--hotUsers=20000 --coldUsers=0 --channelsPerUser=8)

host_speed
start_redis durable
trap 'kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; [ -n "${SERVICE:-}" ] && kill "$SERVICE" 2>/dev/null || true; stop_canaries' EXIT

redis-cli -u "$REDIS_URL" flushall > /dev/null
"${TOOL[@]}" preload --redis="$REDIS_URL" "${POPULATION[@]}" > /dev/null
READSTATES_HTTP_PORT=$PORT READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN READSTATES_SHARDS=1 \
READSTATES_CACHE_BYTES=$((256 << 20)) READSTATES_LOG_LEVEL=WARN \
  taskset -c "$SERVICE_CPU" "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -Xlog:gc:file="$OUT/durable-gc.log":uptime -jar "$JAR" \
    > "$OUT/durable-service.log" 2>&1 &
SERVICE=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 0.2; done
"${TOOL[@]}" warm --url="http://127.0.0.1:$PORT" --token="$TOKEN" "${POPULATION[@]}" > /dev/null
start_canaries durable
"${TOOL[@]}" run --url="http://127.0.0.1:$PORT" --token="$TOKEN" --rate="$RATE" --warmup="$WARMUP" \
  --duration="$DURATION" --coldShare=0 --mix="${MIX:-ack=50,durable=50}" --out="$OUT" --label="durable" "${POPULATION[@]}" \
  "${CANARY_OPTS[@]}" --measuredPids="$SERVICE,$(cat "$REDIS_PIDFILE")$CANARY_PIDS" \
  | tee "$OUT/durable-summary.txt"
kill -TERM "$SERVICE"; wait "$SERVICE" || true; SERVICE=
