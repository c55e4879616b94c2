#!/usr/bin/env bash
# decomp.sh ROUNDS LABEL=DIR:ENV ... (DIR "bare" for the bare endpoint): side by side on core 1 (own Redis each), taking
# turns at saturation on the ack route; each line gives the measured process's CPU per request over the measured seconds
set -euo pipefail
ROUNDS=$1; shift
cd "$(dirname "$0")/../../.."; OUT=/tmp/decomp-run; mkdir -p $OUT
source bench/common.sh
POP=(--hotUsers=100000 --coldUsers=0 --channelsPerUser=8)
PIDS=(); RPIDS=(); PORTS=(); LABELS=(); i=0
trap 'kill "${PIDS[@]}" "${RPIDS[@]}" 2>/dev/null || true' EXIT
for spec in "$@"; do
  label=${spec%%=*}; rest=${spec#*=}; dir=${rest%%:*}; envs=${rest#*:}; port=$((18100 + i)); i=$((i + 1))
  if [ "$dir" = bare ]; then
    taskset -c 1 "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar target/readstates-bench.jar bare --port=$port --shards=2 > $OUT/bare-$port.log 2>&1 &
  else
    start_redis redis-$port; RPIDS+=($(cat "$REDIS_PIDFILE"))
    "${TOOL[@]}" preload --redis="$REDIS_URL" "${POP[@]}" >/dev/null
    (cd "$dir" && exec env READSTATES_HTTP_PORT=$port READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN READSTATES_SHARDS=${SHARDS:-2} \
      READSTATES_CACHE_BYTES=$((256 << 20)) READSTATES_LOG_LEVEL=WARN $envs taskset -c 1 "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -jar target/readstates.jar > $OUT/svc-$port.log 2>&1) &
  fi
  PIDS+=($!); PORTS+=($port); LABELS+=("$label")
done
for j in "${!PORTS[@]}"; do
  port=${PORTS[$j]}
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health/live" && break; sleep 0.2; done
  [ "${LABELS[$j]}" = bare ] || "${TOOL[@]}" warm --url="http://127.0.0.1:$port" --token="$TOKEN" "${POP[@]}" > /dev/null
  "${TOOL[@]}" saturate --url="http://127.0.0.1:$port" --token="$TOKEN" --duration=10 --concurrency=128 --label=jit "${POP[@]}" >/dev/null
done
for r in $(seq 1 "$ROUNDS"); do
  for j in "${!PORTS[@]}"; do
    "${TOOL[@]}" saturate --url="http://127.0.0.1:${PORTS[$j]}" --token="$TOKEN" --duration=12 --concurrency=128 \
      --label="round $r, ${LABELS[$j]}" --measuredPid="${PIDS[$j]}" "${POP[@]}"
  done
done
