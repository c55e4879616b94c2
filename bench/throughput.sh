#!/usr/bin/env bash
# (a) ack throughput at saturation, against a bare Vert.x endpoint answering a constant on the same
#     machine, as a ratio; (b) a few hot users acking many times a second: Redis writes per ack and
#     flush lag; (c) 10,000 WebSocket clients: latency from POST /v1/messages to the badges frame.
# Writes bench/results/throughput.md.
#   bench/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
SATURATE_S=${SATURATE_S:-30}
SOCKETS=${SOCKETS:-10000}
GATEWAY_RATE=${GATEWAY_RATE:-5000}
GATEWAY_S=${GATEWAY_S:-60}
SECRET=bench-user-token-secret-0123456789-abcdef
PORT=18082
BARE_PORT=18083
POPULATION=(--hotUsers=100000 --coldUsers=0 --channelsPerUser=8)

start_redis redis-throughput
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true' EXIT
"${TOOL[@]}" preload --redis="$REDIS_URL" "${POPULATION[@]}"

start_service() {
  READSTATES_HTTP_PORT=$PORT READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN \
  READSTATES_USER_TOKEN_SECRET=$SECRET READSTATES_SHARDS=2 READSTATES_CACHE_BYTES=$((256 << 20)) \
  READSTATES_MAX_SESSIONS=20000 READSTATES_LOG_LEVEL=WARN \
    taskset -c "$SERVICE_CPU" "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar "$JAR" > "$OUT/throughput-service.log" 2>&1 &
  SERVICE=$!
  PIDS+=("$SERVICE")
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 0.2; done
}
stop_service() { kill -TERM "$SERVICE"; wait "$SERVICE" || true; }

start_service
"${TOOL[@]}" warm --url="http://127.0.0.1:$PORT" --token="$TOKEN" "${POPULATION[@]}"
SERVICE_LINE=$("${TOOL[@]}" saturate --url="http://127.0.0.1:$PORT" --token="$TOKEN" --duration="$SATURATE_S" --concurrency=128 \
  --label=service "${POPULATION[@]}")
echo "$SERVICE_LINE"
HOT_LINES=$("${TOOL[@]}" hot --url="http://127.0.0.1:$PORT" --token="$TOKEN" --redis="$REDIS_URL" --users=5 --rate=2000 --duration=30)
echo "$HOT_LINES"
GATEWAY_LINES=$("${TOOL[@]}" gateway --url="http://127.0.0.1:$PORT" --token="$TOKEN" --secret="$SECRET" --sockets="$SOCKETS" \
  --rate="$GATEWAY_RATE" --warmup=10 --duration="$GATEWAY_S" --out="$OUT" --label=gateway --connections=128 \
  --measuredPids="$SERVICE,$(cat "$REDIS_PIDFILE")")
echo "$GATEWAY_LINES"
stop_service

taskset -c "$SERVICE_CPU" "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar target/readstates-bench.jar bare --port=$BARE_PORT --shards=2 > "$OUT/bare.log" 2>&1 &
BARE=$!
PIDS+=("$BARE")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 0.2; done
BARE_LINE=$("${TOOL[@]}" saturate --url="http://127.0.0.1:$BARE_PORT" --token=x --duration="$SATURATE_S" --concurrency=128 \
  --label=bare "${POPULATION[@]}")
echo "$BARE_LINE"
kill "$BARE"

SERVICE_RATE=$(echo "$SERVICE_LINE" | awk '{print $2}')
BARE_RATE=$(echo "$BARE_LINE" | awk '{print $2}')
{
  echo "# Throughput, coalescing and gateway latency"
  echo
  echo "$(date -u +%F), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), service -Xms1g -Xmx1g G1, 2 shards; load tool on the same machine."
  echo
  echo "## Ack throughput at saturation (closed loop, 128 concurrent, ${SATURATE_S} s)"
  echo
  echo "| endpoint | acks/s |"
  echo "|---|---|"
  echo "| readstates ack route | $SERVICE_RATE |"
  echo "| bare Vert.x endpoint returning a constant | $BARE_RATE |"
  echo "| ratio | $(python3 -c "print(round($SERVICE_RATE / $BARE_RATE, 2))") |"
  echo
  echo "## Hot users: 5 users, 2,000 acks/s for 30 s"
  echo
  echo '```'
  echo "$HOT_LINES"
  echo '```'
  echo
  echo "## WebSocket: $SOCKETS sockets, $GATEWAY_RATE messages/s, each mentioning one connected user"
  echo
  echo '```'
  echo "$GATEWAY_LINES"
  echo '```'
} > "$OUT/throughput.md"
cat "$OUT/throughput.md"
