#!/usr/bin/env bash
# Makes the infrastructure the stack and the tests need available on this machine, quickly when it
# already is: PostgreSQL and Redis (started if stopped), FerretDB (the MongoDB-protocol server; built once
# into a cache outside the clone) and stripe-mock. MONGO_URL / DATABASE_URL / REDIS_URL given from outside
# make it use those servers instead and start nothing for them.
#
# Source it (`. scripts/infra.sh && ensure_infra`) or run it (`bash scripts/infra.sh`).
set -euo pipefail

EVENTIFY_CACHE="${EVENTIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eventify}"
TOOLS_BIN="$EVENTIFY_CACHE/bin"
FERRETDB_VERSION="v1.24.2"
STRIPE_MOCK_VERSION="v0.203.0"
FERRETDB_PORT="${FERRETDB_PORT:-27017}"
STRIPE_MOCK_PORT="${STRIPE_MOCK_PORT:-12111}"
mkdir -p "$TOOLS_BIN" "$EVENTIFY_CACHE/logs"

log() { printf '[infra] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 what=$2 tries=${3:-150}
  for _ in $(seq "$tries"); do port_open "$port" && return 0; sleep 0.2; done
  log "$what did not open port $port; see $EVENTIFY_CACHE/logs"
  return 1
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then return 0; fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    wait_port 5432 PostgreSQL
  fi
  # FerretDB opens PostgreSQL connections per concurrent operation and stalls for good when the server runs
  # out of them (seen here at the default of 100 under a few hundred concurrent requests): raise it once.
  if [ "$(psql -h 127.0.0.1 -U postgres -tAc 'show max_connections')" -lt 500 ]; then
    log "raising PostgreSQL max_connections to 500 (restarts PostgreSQL once)"
    psql -h 127.0.0.1 -U postgres -qc "alter system set max_connections = 500"
    pkill -f ferretdb-v 2>/dev/null || true
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main restart
    wait_port 5432 PostgreSQL
    until pg_isready -q -h 127.0.0.1 -p 5432; do sleep 0.2; done
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then return 0; fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    mkdir -p /var/lib/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis
    wait_port 6379 Redis
  fi
  export REDIS_URL="redis://127.0.0.1:6379"
}

# Build a Go tool from its own module source at an exact version. (`go install pkg@version` fails here:
# the module proxy refuses the version list that go install reads for deprecation notices.)
go_build_tool() {
  local module=$1 version=$2 pkg_dir=$3 out=$4 version_file=${5:-}
  local dir src buildlog="$EVENTIFY_CACHE/logs/build-$(basename "$out").log"
  dir=$(mktemp -d)
  log "building $module@$version (first time on this machine; takes a few minutes)"
  (
    cd "$dir"
    src=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
    [ -n "$src" ] || { echo "go mod download gave no source folder for $module@$version"; exit 1; }
    cp -r "$src" "$dir/src" && chmod -R u+w "$dir/src"
    cd "$dir/src"
    # FerretDB refuses to start without the version file its release builds generate.
    if [ -n "$version_file" ]; then echo "$version" > "$version_file"; fi
    go build -mod=mod -o "$out.tmp" "$pkg_dir"
    mv "$out.tmp" "$out"
  ) >"$buildlog" 2>&1 || { log "building $module failed; see $buildlog"; tail -5 "$buildlog" >&2; rm -rf "$dir"; return 1; }
  rm -rf "$dir"
}

ensure_ferretdb() {
  if [ -n "${MONGO_URL:-}" ]; then return 0; fi
  export MONGO_URL="mongodb://127.0.0.1:$FERRETDB_PORT"
  port_open "$FERRETDB_PORT" && return 0
  local bin="$TOOLS_BIN/ferretdb-$FERRETDB_VERSION"
  [ -x "$bin" ] || go_build_tool github.com/FerretDB/FerretDB "$FERRETDB_VERSION" ./cmd/ferretdb "$bin" build/version/version.txt
  ensure_postgres
  psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='ferretdb'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres ferretdb
  mkdir -p "$EVENTIFY_CACHE/ferretdb-state"
  log "starting FerretDB on 127.0.0.1:$FERRETDB_PORT"
  # pool_max_conns: FerretDB 1.24 keeps a PostgreSQL connection open for every statement of an update command until
  # the command ends, so one bulkWrite of 50 updates takes its default pool of 50 and waits on itself, and every
  # client with it, for good (reproduced: 40 updates in 0.3 s, 60 never). 200 leaves room (max_connections is 500).
  nohup "$bin" --handler=postgresql \
    --postgresql-url="postgres://postgres@127.0.0.1:5432/ferretdb?pool_max_conns=200" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --telemetry=disable --debug-addr=- \
    --log-level=warn --state-dir="$EVENTIFY_CACHE/ferretdb-state" \
    >>"$EVENTIFY_CACHE/logs/ferretdb.log" 2>&1 </dev/null &
  disown || true
  wait_port "$FERRETDB_PORT" FerretDB
}

ensure_stripe_mock() {
  export STRIPE_MOCK_URL="http://127.0.0.1:$STRIPE_MOCK_PORT"
  port_open "$STRIPE_MOCK_PORT" && return 0
  local bin="$TOOLS_BIN/stripe-mock-$STRIPE_MOCK_VERSION"
  [ -x "$bin" ] || go_build_tool github.com/stripe/stripe-mock "$STRIPE_MOCK_VERSION" . "$bin"
  log "starting stripe-mock on 127.0.0.1:$STRIPE_MOCK_PORT"
  nohup "$bin" -http-addr "127.0.0.1:$STRIPE_MOCK_PORT" -strict-version-check=false \
    >>"$EVENTIFY_CACHE/logs/stripe-mock.log" 2>&1 </dev/null &
  disown || true
  wait_port "$STRIPE_MOCK_PORT" stripe-mock
}

ensure_node_modules() {
  local root=$1
  # Reinstall when the lockfile changed since the last install (or nothing is installed yet).
  if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    log "installing npm dependencies"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The browser the app's end-to-end tests drive (Debian's Chromium; Playwright's own download is not used).
ensure_chromium() {
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return 0; fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing Chromium (Debian package) for the app's browser tests"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

ensure_infra() {
  ensure_postgres
  ensure_redis
  ensure_ferretdb
  ensure_stripe_mock
  log "PostgreSQL $DATABASE_URL · Redis $REDIS_URL · MongoDB protocol $MONGO_URL · stripe-mock $STRIPE_MOCK_URL"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then ensure_infra; fi
