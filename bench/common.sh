# Shared by the benchmark scripts (sourced from the repository root): the JDK they run on, where results
# go, the service jar and load tool, and a Redis of their own. Processes are placed: what is measured
# (the service, or the bare endpoint) runs on core 1 (SERVICE_CPU), the load tool and Redis on core 0
# (LOAD_CPU), so that they do not take each other's time.
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
OUT=${OUT:-target/bench-results}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
TOKEN=bench-internal-token-0123456789
# The off-heap store on transparent huge pages (docs/design.md, "Huge pages"): glibc advises its large allocations
# to the kernel. Every process the scripts start inherits it; set it empty to measure without.
export GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.hugetlb=1}
[ -f target/readstates.jar ] && [ -f target/readstates-bench.jar ] || mvn -q -B package -DskipTests
JAR=${JAR:-target/readstates.jar}
SERVICE_CPU=${SERVICE_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
# Redis shares the load tool's core unless told otherwise (an experiment: on two cores, every placement
# puts it beside something measured).
REDIS_CPU=${REDIS_CPU:-$LOAD_CPU}
# The tool keeps its connections for the whole run; a service closing those idle for its default 120 s
# failed the requests sent just as it closed them (HttpClosedException, a few per run).
export READSTATES_CONNECTION_IDLE_TIMEOUT_MS=${READSTATES_CONNECTION_IDLE_TIMEOUT_MS:-3600000}
# The load tool touches its whole heap at start: its first young collections otherwise paused it about
# 110 ms each (page faults on memory it had not used yet), and a pause of the tool is latency in its results.
# What survives a young collection goes straight to the old generation: the tool's 19 MB of long-lived
# state (schedules, histograms) was otherwise copied from survivor space to survivor space by its first
# seven collections, 9 to 18 ms each, before it was promoted; the collections after were under 1.2 ms.
TOOL_FLAGS=(-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch -XX:InitialTenuringThreshold=0 -XX:MaxTenuringThreshold=0)
TOOL=(taskset -c "$LOAD_CPU" "$JAVA" "${TOOL_FLAGS[@]}" -jar target/readstates-bench.jar)

# tool_gc_logged FILE ARGS...: the load tool with its collections logged to FILE, for the runs whose
# seconds are judged: a pause of the tool shows as latency of what it measures, and the log tells the two apart.
tool_gc_logged() {
  local log=$1
  shift
  taskset -c "$LOAD_CPU" "$JAVA" "${TOOL_FLAGS[@]}" -Xlog:gc:file="$log":uptime -jar target/readstates-bench.jar "$@"
}

# start_redis NAME: starts a redis-server (no persistence) with its files in $OUT/NAME; sets REDIS_URL
# and REDIS_PIDFILE.
start_redis() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$OUT/$1"
  REDIS_PIDFILE="$OUT/$1/redis.pid"
  taskset -c "$REDIS_CPU" redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$OUT/$1" \
    --daemonize yes --logfile "$OUT/$1/redis.log" --pidfile "$REDIS_PIDFILE"
  REDIS_URL=redis://127.0.0.1:$port
  sleep 1
}

# start_canaries NAME: unless CANARY=0, a canary on the measured core and one on the tool's
# (bench/canary.py, $OUT/NAME-canary-cpuN.csv) for the time a host takes a core without reporting steal;
# each costs about 5% of its core. They run at a real-time priority (SCHED_FIFO 1) where allowed: at the
# normal one, three busy threads on the core made a canary's wakes 8.5 ms late; real-time, under 2 ms.
# So a late wake is the host's doing (or the kernel's), not the measured process's. Sets CANARY_OPTS,
# the load tool's options that judge each second by them too (a wake later than CANARY_LIMIT_MS, 10 by
# default, contaminates it; so does, when CANARY_SLOWDOWN is set, a canary's fixed work that many times
# slower than in its fastest second so far: off by default, see docs/benchmarks.md), and CANARY_PIDS, to append
# to --measuredPids. stop_canaries stops them.
CANARY_OPTS=()
CANARY_PIDS=
CANARY_PROCS=()
start_canaries() {
  [[ "${CANARY:-1}" == 0 ]] && return 0
  local files="" cpu realtime=(chrt -f 1)
  "${realtime[@]}" true 2>/dev/null || { echo "canaries at the normal priority: chrt -f refused" >&2; realtime=(); }
  for cpu in "$SERVICE_CPU" "$LOAD_CPU"; do
    "${realtime[@]}" taskset -c "$cpu" bench/canary.py run "$OUT/$1-canary-cpu$cpu.csv" &
    CANARY_PROCS+=($!)
    CANARY_PIDS+=",$!"
    files+="${files:+,}$OUT/$1-canary-cpu$cpu.csv"
  done
  CANARY_OPTS=(--canaries="$files" --canaryLimitMs="${CANARY_LIMIT_MS:-10}" --canarySlowdown="${CANARY_SLOWDOWN:-0}")
}
stop_canaries() {
  [ ${#CANARY_PROCS[@]} -eq 0 ] && return 0
  kill "${CANARY_PROCS[@]}" 2>/dev/null || true
  wait "${CANARY_PROCS[@]}" 2>/dev/null || true
  CANARY_PROCS=()
}

# host_speed: how fast this machine is now, for the results' header. The same virtual
# machine answered the store benchmark's map gets at 18.4 M/s one morning and 12.2 M/s that afternoon,
# and every figure of the afternoon (the bare endpoint's too) was slower; neither /proc nor the canaries'
# late wakes show that kind of slowness. So each run first measures Agrona's Long2LongHashMap at 8 M entries on
# the measured core (about 20 s; HOST_SPEED=0 skips it): compare with 18 M/s before comparing runs. Then
# each core idle under a canary, which does show a core the host slows. Call it before start_canaries
# (it stops the canaries it started with stop_canaries).
host_speed() {
  [[ "${HOST_SPEED:-1}" == 0 ]] && return 0
  local rate
  rate=$(taskset -c "$SERVICE_CPU" "$JAVA" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -jar target/readstates-bench.jar \
    jmh 'StoreBenchmark.get' -p store=long2long -f 1 -wi 2 -w 3 -i 3 -r 3 2>/dev/null |
    awk '/^StoreBenchmark.get/ { printf "%.1f", $(NF - 3) / 1e6 }')
  echo "Host speed at $(date -u +%H:%M) UTC: Long2LongHashMap gets at ${rate:-?} M/s on core $SERVICE_CPU (18.4 on a good host of this kind, 12.2 on a slow one)."
  echo
  # And each core, idle, for 10 s: a canary's fixed work took 17 to 19 us on a healthy core and 32 to
  # 34 us on one the host slowed (one core at a time, for minutes on end).
  local cpu from dir
  dir=$(mktemp -d)
  from=$(date +%s)
  for cpu in "$SERVICE_CPU" "$LOAD_CPU"; do
    chrt -f 1 taskset -c "$cpu" bench/canary.py run "$dir/core$cpu" 2>/dev/null &
    CANARY_PROCS+=($!)
  done
  sleep 11
  stop_canaries
  echo "Idle canaries: $(bench/canary.py summary 10 "$from" "$(date +%s)" "$dir"/core* | paste -sd '|' | sed 's/|/ | /')"
  rm -rf "$dir"
}

# stop_descendants: stops every process this script started and that is still running, children of its
# children included (a function in a pipeline runs in a subshell, and its java is a grandchild).
stop_descendants() {
  local pid
  for pid in $(pgrep -P "${1:-$$}"); do
    stop_descendants "$pid"
    kill "$pid" 2>/dev/null || true
  done
}
