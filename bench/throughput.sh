#!/usr/bin/env bash
# (a) ack throughput at saturation, against a bare Vert.x endpoint answering a constant on the same
#     core, the two taking turns for ROUNDS rounds, as a ratio, with the CPU each used per request;
#     (b) a few hot users acking many times a second: Redis writes per ack and flush lag;
#     (c) 10,000 WebSocket clients: latency from POST /v1/messages to the badges frame.
# Writes $OUT/throughput.md (OUT: target/bench-results/ by default); with JFR=file.jfr, also 10 s of the service's first round, for
# bench/profile-shares.py.
#   bench/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
SATURATE_S=${SATURATE_S:-15}
ROUNDS=${ROUNDS:-3}
SOCKETS=${SOCKETS:-10000}
GATEWAY_RATE=${GATEWAY_RATE:-5000}
GATEWAY_S=${GATEWAY_S:-60}
# One shard, as the service itself chooses on the one core it is given (its default is one per core); the bare
# endpoint gets as many event loops.
SHARDS=${SHARDS:-1}
SECRET=bench-user-token-secret-0123456789-abcdef
PORT=18082
BARE_PORT=18083
POPULATION=(--hotUsers=100000 --coldUsers=0 --channelsPerUser=8)

HOST_SPEED_LINE=$(host_speed)
echo "$HOST_SPEED_LINE"
start_redis redis-throughput
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; stop_canaries' EXIT
"${TOOL[@]}" preload --redis="$REDIS_URL" "${POPULATION[@]}"

start_service() {
  READSTATES_HTTP_PORT=$PORT READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN \
  READSTATES_USER_TOKEN_SECRET=$SECRET READSTATES_SHARDS=$SHARDS READSTATES_CACHE_BYTES=$((256 << 20)) \
  READSTATES_MAX_SESSIONS=20000 READSTATES_LOG_LEVEL=WARN \
    taskset -c "$SERVICE_CPU" "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar "$JAR" > "$OUT/throughput-service.log" 2>&1 &
  SERVICE=$!
  PIDS+=("$SERVICE")
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health/live" && break; sleep 0.2; done
}
stop_service() { kill -TERM "$SERVICE"; wait "$SERVICE" || true; }

# steal: the machine's stolen time so far, in seconds.
steal() { awk -v hz="$(getconf CLK_TCK)" '/^cpu /{printf "%.2f", $9 / hz}' /proc/stat; }

# saturate LABEL PORT PID: one round against one endpoint; prints "LABEL RATE CPU_US_PER_REQUEST
# TOOL_CORE_BUSY% SERVICE_CORE_BUSY% STEAL_S", the CPU and the cores' figures over the measured seconds only.
saturate() {
  local s0 line
  s0=$(steal)
  if [ "$1" = service ] && [ -n "${JFR:-}" ] && [ ! -e "$JFR" ]; then
    "$(dirname "$JAVA")/jcmd" "$3" JFR.start delay=3s duration=10s settings=profile 'jdk.ExecutionSample#period=1ms' \
      filename="$JFR" > /dev/null
  fi
  line=$("${TOOL[@]}" saturate --url="http://127.0.0.1:$2" --token="$TOKEN" --duration="$SATURATE_S" --concurrency=128 \
    --label="$1" --measuredPid="$3" "${POPULATION[@]}")
  echo "$1 $(awk '{print $2}' <<< "$line") $(sed -nE 's/.*CPU per request ([0-9.]+) us.*/\1/p' <<< "$line")" \
    "$(sed -nE "s/.*core $LOAD_CPU busy ([0-9]+)%.*/\1/p" <<< "$line") $(sed -nE "s/.*core $SERVICE_CPU busy ([0-9]+)%.*/\1/p" <<< "$line")" \
    "$(python3 -c "print(round($(steal) - $s0, 2))")"
}

start_service
"${TOOL[@]}" warm --url="http://127.0.0.1:$PORT" --token="$TOKEN" "${POPULATION[@]}"
# The bare endpoint waits, idle, on the same core while the service is measured, and the other way round:
# the two take turns for ROUNDS rounds, so that a slow minute of a shared machine falls on both.
taskset -c "$SERVICE_CPU" "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar target/readstates-bench.jar bare --port=$BARE_PORT --shards=$SHARDS > "$OUT/bare.log" 2>&1 &
BARE=$!
PIDS+=("$BARE")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 0.2; done
ROUNDS_OUT=()
for round in $(seq 1 "$ROUNDS"); do
  ROUNDS_OUT+=("$(saturate service $PORT "$SERVICE")")
  ROUNDS_OUT+=("$(saturate bare $BARE_PORT "$BARE")")
  printf '%s\n' "${ROUNDS_OUT[@]: -2}"
done
kill "$BARE"
HOT_LINES=$("${TOOL[@]}" hot --url="http://127.0.0.1:$PORT" --token="$TOKEN" --redis="$REDIS_URL" --users=5 --rate=2000 --duration=30)
echo "$HOT_LINES"
# Canaries for the gateway's run only: on the service's core they would take a share of its saturation.
start_canaries gateway
GATEWAY_LINES=$("${TOOL[@]}" gateway --url="http://127.0.0.1:$PORT" --token="$TOKEN" --secret="$SECRET" --sockets="$SOCKETS" \
  --rate="$GATEWAY_RATE" --warmup=10 --duration="$GATEWAY_S" --out="$OUT" --label=gateway --connections=128 \
  --measuredPids="$SERVICE,$(cat "$REDIS_PIDFILE")$CANARY_PIDS" "${CANARY_OPTS[@]}")
stop_canaries
echo "$GATEWAY_LINES"
stop_service

RATIOS=$(printf '%s\n' "${ROUNDS_OUT[@]}" | python3 -c '
import sys
rows = [l.split() for l in sys.stdin if l.strip()]
pairs = [(rows[i], rows[i + 1]) for i in range(0, len(rows), 2)]
for n, (s, b) in enumerate(pairs, 1):
    print(f"| {n} | {int(float(s[1])):,} | {int(float(b[1])):,} | {float(s[1]) / float(b[1]):.2f} | {s[2]} / {b[2]} | "
          f"{float(b[2]) / float(s[2]):.2f} | {s[3]}% / {s[4]}% | {b[3]}% / {b[4]}% | {s[5]} / {b[5]} |")
ss = sum(float(s[1]) for s, _ in pairs); bs = sum(float(b[1]) for _, b in pairs)
sc = sum(float(s[2]) for s, _ in pairs); bc = sum(float(b[2]) for _, b in pairs)
print(f"| all | {int(ss / len(pairs)):,} | {int(bs / len(pairs)):,} | {ss / bs:.2f} | {sc / len(pairs):.1f} / {bc / len(pairs):.1f} | {bc / sc:.2f} | | | |")
')
{
  echo "# Throughput, coalescing and gateway latency"
  echo
  echo "$(date -u +%F), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), service -Xms1g -Xmx1g G1, shards: $SHARDS, on core $SERVICE_CPU; load tool and Redis on core $LOAD_CPU."
  echo "$HOST_SPEED_LINE"
  echo
  echo "## Ack throughput at saturation (closed loop, 128 concurrent, $ROUNDS rounds of ${SATURATE_S} s each, taking turns)"
  echo
  echo "CPU µs per request: CPU time of the measured process over the requests it answered, both taken over the"
  echo "round's measured seconds only; per CPU: the bare endpoint's CPU per request over the service's, the ratio of"
  echo "what each would answer with its core to itself. Cores busy: the load tool's and Redis's core (core $LOAD_CPU) and"
  echo "the measured process's (core $SERVICE_CPU) over the same seconds; when the first is near 100% and the second is not,"
  echo "the tool's core set the rate, and the requests per second understate the measured process."
  echo "Steal: seconds of the machine's CPU taken by the hypervisor during the round (service / bare)."
  echo
  echo "| round | readstates ack route, acks/s | bare Vert.x endpoint returning a constant, requests/s | ratio | CPU µs per request, service / bare | ratio per CPU | cores busy, service round (tool / service) | cores busy, bare round (tool / bare) | steal s |"
  echo "|---|---|---|---|---|---|---|---|---|"
  echo "$RATIOS"
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
