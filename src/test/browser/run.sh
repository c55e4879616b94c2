#!/usr/bin/env bash
# The demo page's browser test: headless Chromium (Debian's package) driven by playwright-core, against
# the service jar and a Redis of its own. Installs what it needs when missing.
#   src/test/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
WORK=target/browser-test
mkdir -p "$WORK"
if [ ! -d "$WORK/node_modules/playwright-core" ]; then
  (cd "$WORK" && npm install --silent --no-audit --no-fund playwright-core@1 >/dev/null)
fi
[ -f target/readstates.jar ] || mvn -B -q package -DskipTests

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
HTTP_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$PWD/$WORK/redis.pid" --logfile "$PWD/$WORK/redis.log"
export READSTATES_INTERNAL_TOKEN=browser-test-internal-token-0123
export READSTATES_USER_TOKEN_SECRET=browser-test-user-token-secret-0123456789
READSTATES_HTTP_PORT=$HTTP_PORT READSTATES_REDIS_URL=redis://127.0.0.1:$REDIS_PORT READSTATES_SHARDS=2 \
  java -jar target/readstates.jar > "$WORK/service.log" 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null || true; kill $(cat "$WORK/redis.pid") 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/health/live" && break; sleep 0.2; done

cp src/test/browser/demo-test.mjs "$WORK/"
READSTATES_BASE=http://127.0.0.1:$HTTP_PORT SCREENSHOT="$PWD/target/demo.png" node "$WORK/demo-test.mjs"
