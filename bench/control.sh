#!/usr/bin/env bash
# The small control run: a service jar (or several, to compare builds) under the same open-loop load,
# 100,000 hot and 25,000 cold users x 8 channels, 2,000 requests/s, 10% cold, 30 s measured after 10 s
# of warm-up. The service runs alone on core 1; Redis and the load tool share core 0 (bench/common.sh). Each run's timeline
# records, second by second, the CPU other processes used and the CPU stolen, and its summary says how
# many seconds that contaminated.
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
SHARDS=${SHARDS:-1}
POPULATION=(--hotUsers=100000 --coldUsers=25000 --channelsPerUser=8)

start_redis control
trap 'kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; [ -n "${SERVICE:-}" ] && kill "$SERVICE" 2>/dev/null || true' EXIT

for round in $(seq 1 "$ROUNDS"); do
  for entry in $JARS; do
    label=${entry%%=*}; jar=${entry#*=}
    redis-cli -u "$REDIS_URL" flushall > /dev/null
    "${TOOL[@]}" preload --redis="$REDIS_URL" "${POPULATION[@]}" > /dev/null
    READSTATES_HTTP_PORT=$PORT READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN READSTATES_SHARDS=$SHARDS \
    READSTATES_CACHE_BYTES=$((256 << 20)) READSTATES_LOG_LEVEL=WARN \
      taskset -c "$SERVICE_CPU" "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar "$jar" > "$OUT/control-$label-$round-service.log" 2>&1 &
    SERVICE=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 0.2; done
    "${TOOL[@]}" warm --url="http://127.0.0.1:$PORT" --token="$TOKEN" "${POPULATION[@]}" > /dev/null
    "${TOOL[@]}" run --url="http://127.0.0.1:$PORT" --token="$TOKEN" --rate="$RATE" --warmup=10 \
      --duration="$DURATION" --coldShare=0.1 --out="$OUT" --label="control-$label-$round" "${POPULATION[@]}" \
      --measuredPids="$SERVICE,$(cat "$REDIS_PIDFILE")" \
      | tee "$OUT/control-$label-$round-summary.txt"
    kill -TERM "$SERVICE"; wait "$SERVICE" || true; SERVICE=
  done
done
