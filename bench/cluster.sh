#!/usr/bin/env bash
# What predicts how the cluster scales, on a machine too small to show it: CPU time per 1,000 requests on
# each node with 1, 2 and 3 nodes (the open-loop load spread over the nodes in turn, so that with N
# nodes about (N-1)/N of the requests are forwarded to their owner), and the latency the client sees.
# Every node runs on core 1, Redis and the load tool on core 0 (bench/common.sh). After a warm-up run
# (JIT, users loaded), each node's CPU time is read from /proc over 10 s with no load (the cluster's own
# upkeep: heartbeats, timers), then over the measured run.
#
# Then messages alone (each mentioning one user), through every node in turn: CPU per 1,000 messages.
# With 2 and 3 nodes it then sends the mix to each user's owner, then asks one node only for users it owns,
# then only for users it forwards (acks and reads, half the rate): the difference is the latency of a forward.
#
# At a fixed rate on this machine, every request wakes each process it passes through, and the wake-ups
# cost more than the work. So the last part measures the work: acks at saturation (closed loop), sent to
# every node in turn and then to the owners, with the CPU of all nodes per ack over the measured seconds.
#
#   bench/cluster.sh                 # 1, 2 and 3 nodes, 1,000 requests/s, 10 s warm-up, 30 s measured
#   NODES="1 3" RATE=500 bench/cluster.sh
#   PARTS=saturate bench/cluster.sh  # only the saturation part (PARTS="rate saturate" by default)
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh
NODES=${NODES:-"1 2 3"}
RATE=${RATE:-1000}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
PARTS=${PARTS:-"rate saturate"}
SATURATE_S=${SATURATE_S:-20}
# Three nodes on one core compile the forwarding path slowly: after 20 s at saturation their C2 threads still
# took half the core, and the CPU per ack read then was 3.0 and 3.6 times the figure after 90 s.
SATURATE_WARMUP=${SATURATE_WARMUP:-90}
POPULATION=(--hotUsers=50000 --coldUsers=0 --channelsPerUser=8)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
# Runs the load tool with the given arguments into $OUT/<label>.txt and prints the CPU all nodes used over
# its measured window, in ms.
measured_cpu() {
  local label=$1; shift
  "${TOOL[@]}" run --url="$URLS" --token="$TOKEN" --rate="$RATE" --warmup="$WARMUP" --duration="$DURATION" \
    --out="$OUT" --label="$label" "${POPULATION[@]}" "${CANARY_OPTS[@]}" \
    --measuredPids="$(IFS=,; echo "${PIDS[*]}"),$(cat "$REDIS_PIDFILE")$CANARY_PIDS" "$@" > "$OUT/$label.txt" &
  local load=$! before=() total=0
  sleep "$WARMUP"
  for p in "${PIDS[@]}"; do before+=("$(cpu_ms "$p")"); done
  wait "$load"
  for i in "${!PIDS[@]}"; do
    total=$(awk -v t="$total" -v a="$(cpu_ms "${PIDS[$i]}")" -v b="${before[$i]}" 'BEGIN { print t + a - b }')
  done
  echo "$total"
}

SUMMARY="$OUT/cluster-summary.txt"
host_speed | tee "$SUMMARY"
start_redis cluster
PIDS=()
trap 'kill $(cat "$REDIS_PIDFILE") 2>/dev/null || true; for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; stop_canaries' EXIT
start_canaries cluster

for n in $NODES; do
  redis-cli -u "$REDIS_URL" flushall > /dev/null
  "${TOOL[@]}" preload --redis="$REDIS_URL" "${POPULATION[@]}" > /dev/null
  HTTP=(); CLUSTER=(); PIDS=()
  for i in $(seq 1 "$n"); do HTTP+=("$(free_port)"); CLUSTER+=("$(free_port)"); done
  MEMBERS=$(printf '127.0.0.1:%s,' "${CLUSTER[@]}"); MEMBERS=${MEMBERS%,}
  for i in $(seq 0 $((n - 1))); do
    READSTATES_HTTP_PORT=${HTTP[$i]} READSTATES_REDIS_URL=$REDIS_URL READSTATES_INTERNAL_TOKEN=$TOKEN READSTATES_SHARDS=1 \
    READSTATES_CACHE_BYTES=$((256 << 20)) READSTATES_LOG_LEVEL=WARN READSTATES_CLUSTER_MEMBERS=$MEMBERS \
    READSTATES_CLUSTER_SECRET=a-cluster-secret-for-benchmarks \
    READSTATES_CLUSTER_HOST=127.0.0.1 READSTATES_CLUSTER_PORT=${CLUSTER[$i]} READSTATES_CLUSTER_MIN_MEMBERS=$n \
      taskset -c "$SERVICE_CPU" "$JAVA" -Xms512m -Xmx512m -XX:+UseG1GC -jar "$JAR" > "$OUT/cluster-$n-node$i.log" 2>&1 &
    PIDS+=($!)
  done
  for _ in $(seq 1 300); do
    served=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${HTTP[0]}/v1/cluster" |
      python3 -c 'import json,sys; v=json.load(sys.stdin); print(sum(m["slots"] or 0 for m in v["members"]) if len(v["members"])=='"$n"' else 0)' 2>/dev/null || echo 0)
    [ "$served" = 1024 ] && break
    sleep 0.2
  done
  URLS=$(printf 'http://127.0.0.1:%s,' "${HTTP[@]}"); URLS=${URLS%,}
  "${TOOL[@]}" warm --url="$URLS" --token="$TOKEN" "${POPULATION[@]}" > /dev/null
  "${TOOL[@]}" run --url="$URLS" --token="$TOKEN" --rate="$RATE" --warmup=0 --duration="$WARMUP" \
    --out="$OUT" --label="cluster-$n-warmup" "${POPULATION[@]}" > /dev/null
  if [[ " $PARTS " == *" rate "* ]]; then
    idle=(); for p in "${PIDS[@]}"; do idle+=("$(cpu_ms "$p")"); done
    sleep 10
    quiet=(); for p in "${PIDS[@]}"; do quiet+=("$(cpu_ms "$p")"); done
    # The load tool warms up too (its own JIT); the nodes' CPU is read over its measured window only.
    "${TOOL[@]}" run --url="$URLS" --token="$TOKEN" --rate="$RATE" --warmup="$WARMUP" --duration="$DURATION" \
      --out="$OUT" --label="cluster-$n" "${POPULATION[@]}" "${CANARY_OPTS[@]}" \
      --measuredPids="$(IFS=,; echo "${PIDS[*]}"),$(cat "$REDIS_PIDFILE")$CANARY_PIDS" \
      > "$OUT/cluster-$n-run.txt" &
    LOAD=$!
    sleep "$WARMUP"
    before=(); for p in "${PIDS[@]}"; do before+=("$(cpu_ms "$p")"); done
    wait "$LOAD"
    requests=$((RATE * DURATION))
    {
      echo "== $n node(s), $RATE requests/s through all of them in turn, $requests requests measured"
      total=0
      for i in $(seq 0 $((n - 1))); do
        upkeep=$(awk -v a="${quiet[$i]}" -v b="${idle[$i]}" 'BEGIN { print (a - b) / 10 }')
        used=$(awk -v a="$(cpu_ms "${PIDS[$i]}")" -v b="${before[$i]}" 'BEGIN { print a - b }')
        total=$(awk -v t="$total" -v u="$used" 'BEGIN { print t + u }')
        awk -v u="$used" -v r="$requests" -v n="$n" -v i="$i" -v k="$upkeep" -v d="$DURATION" \
          'BEGIN { printf "node %d: %.0f ms CPU, %.1f ms per 1,000 requests it received (%.1f without its upkeep of %.1f ms/s idle)\n", i, u, u / (r / n / 1000), (u - k * d) / (r / n / 1000), k }'
      done
      awk -v t="$total" -v r="$requests" 'BEGIN { printf "all nodes: %.1f ms CPU per 1,000 requests\n", t / (r / 1000) }'
      grep -E "p50|p99|contaminated|requests" "$OUT/cluster-$n-run.txt" || cat "$OUT/cluster-$n-run.txt"
    } | tee -a "$SUMMARY"
    # Messages alone, each mentioning one member of its channel, through every node in turn.
    total=$(measured_cpu "cluster-$n-messages" --mix=message=100)
    awk -v t="$total" -v r="$requests" 'BEGIN { printf "messages alone: all nodes: %.1f ms CPU per 1,000 messages\n", t / (r / 1000) }' \
      | tee -a "$SUMMARY"
    grep -E "latency us|contaminated" "$OUT/cluster-$n-messages.txt" | tee -a "$SUMMARY"
    if [ "$n" -gt 1 ]; then
      # The same load, each request sent to its user's owner, as a caller that knows the owners would.
      total=$(measured_cpu "cluster-$n-routed" --owner=routed)
      awk -v t="$total" -v r="$requests" \
        'BEGIN { printf "routed to the owners: all nodes: %.1f ms CPU per 1,000 requests\n", t / (r / 1000) }' \
        | tee -a "$SUMMARY"
      grep -E "latency us|contaminated" "$OUT/cluster-$n-routed.txt" | tee -a "$SUMMARY"
      # The latency a forward adds: the same node, asked only for users it owns, then only for users it forwards.
      for owner in local remote; do
        "${TOOL[@]}" run --url="http://127.0.0.1:${HTTP[0]}" --token="$TOKEN" --rate=$((RATE / 2)) --warmup="$WARMUP" \
          --duration="$DURATION" --mix=ack=50,read=50 --owner="$owner" --out="$OUT" --label="cluster-$n-$owner" \
          "${POPULATION[@]}" > "$OUT/cluster-$n-$owner.txt"
        echo "node 0 asked only for users $( [ $owner = local ] && echo it owns || echo it forwards ), $((RATE / 2)) requests/s:" \
          "$(grep -E "latency us" "$OUT/cluster-$n-$owner.txt")" | tee -a "$SUMMARY"
      done
    fi
  fi
  if [[ " $PARTS " == *" saturate "* ]]; then
    # Acks at saturation: the nodes' CPU per ack, all nodes together, over the measured seconds only.
    for owner in any routed; do
      [ "$n" = 1 ] && [ "$owner" = routed ] && continue
      line=$("${TOOL[@]}" saturate --url="$URLS" --token="$TOKEN" --warmup="$SATURATE_WARMUP" --duration="$SATURATE_S" \
        --concurrency=64 --owner="$owner" --label="cluster-$n-saturated-$owner" --measuredPids="$(IFS=,; echo "${PIDS[*]}")" "${POPULATION[@]}")
      echo "$n node(s), acks at saturation sent to $( [ $owner = any ] && echo each node in turn || echo each user\'s owner ): $line" \
        | tee -a "$SUMMARY"
    done
  fi
  for p in "${PIDS[@]}"; do kill -TERM "$p"; done
  for p in "${PIDS[@]}"; do wait "$p" || true; done
  PIDS=()
done
