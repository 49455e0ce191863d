#!/usr/bin/env bash
# Starts and stops a private PostgreSQL or RabbitMQ on loopback, with all state in a folder of ours.
# Used by up.sh, test.sh and the fault-suite tests; nothing here touches a system-wide instance.
#
#   infra.sh install                                    install PostgreSQL 15+ and rabbitmq-server if missing
#   infra.sh install-browser                            install Debian's Chromium (the extension's browser tests) if missing
#   infra.sh postgres start <dir> <port> [password-file]   initdb (first time) and start; with a password file the
#                                                       postgres user needs that password (scram), else trust
#   infra.sh postgres stop  <dir>                       fast shutdown of the instance in <dir>
#   infra.sh rabbitmq start <dir> <amqp-port> <mgmt-port> <dist-port> <epmd-port> [password-file]
#                                                       with a password file, user "sharelm" with that password
#                                                       replaces guest/guest
#   A server counts as running when it answers (pg_isready, RabbitMQ's aliveness check), not when a recorded
#   process exists: a dying launcher is stopped and the server started afresh. Everything listens on loopback
#   only, epmd and the Erlang distribution port included.
#   infra.sh rabbitmq stop  <dir>                       graceful stop of the broker and of its own epmd
#   infra.sh free-port                                  prints a free loopback TCP port
#   infra.sh alive <pidfile>                            exit 0 when the recorded process runs
#   infra.sh stop-tree <pid> [seconds]                  TERM a process and its descendants, KILL after [seconds]
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else log "need root for: $*"; return 1; fi; }

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

erts_bindir() { ls -d /usr/lib/erlang/erts-*/bin 2>/dev/null | sort -V | tail -n 1; }

install_missing() {
  local need=()
  if ! pg_bindir >/dev/null; then need+=(postgresql postgresql-contrib); fi
  if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then need+=(rabbitmq-server); fi
  command -v curl >/dev/null || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing: ${need[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # policy-rc.d keeps the packages' own system services from starting: we run private instances.
    as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  local v; v=$("$(pg_bindir)/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
  if [ "$v" -lt 15 ]; then log "PostgreSQL $v found; 15 or newer is needed"; return 1; fi
}

# Runs a command as the owner of PostgreSQL's files: postgres refuses to run as root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Every descendant of a process, deepest first.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    descendants "$child"
    echo "$child"
  done
}

# Sends a signal to a process and all its descendants, waits for them to go (up to <seconds>), then kills.
stop_tree() {
  local pid=$1 seconds=${2:-30} pids
  kill -0 "$pid" 2>/dev/null || return 0
  pids="$(descendants "$pid") $pid"
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 $((seconds * 5))); do
    local left=0 p
    for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
    [ $left = 0 ] && return 0
    sleep 0.2
  done
  kill -KILL $pids 2>/dev/null || true
}

alive() {
  local pidfile=$1
  [ -s "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null
}

# Below the kernel's ephemeral range: a port from that range may go to any outgoing connection meanwhile.
free_port() {
  local p low=32768
  [ -r /proc/sys/net/ipv4/ip_local_port_range ] && read -r low _ < /proc/sys/net/ipv4/ip_local_port_range
  [ "$low" -gt 11000 ] || low=32768
  for _ in $(seq 1 200); do
    p=$(( (RANDOM % (low - 10000)) + 10000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  log "no free port found"; return 1
}

pg_ready() { "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$1" -t 2 >/dev/null 2>&1; }

postgres_start() {
  local dir=$1 port=$2 pwfile=${3:-} bin; bin=$(pg_bindir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # The postgres user must be able to reach the data folder; when the checkout sits under a
  # private folder (mktemp -d), keep the data in /var/tmp and link it from ours.
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    if [ ! -L "$dir/data" ]; then
      local outside; outside=$(mktemp -d /var/tmp/sharelm-pg.XXXXXX)
      chown postgres "$outside"
      ln -sfn "$outside" "$dir/data"
    fi
  fi
  [ "$(id -u)" = 0 ] && chown postgres "$dir" 2>/dev/null || true
  local data="$dir/data"
  [ -L "$data" ] && data=$(readlink -f "$data")
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown postgres "$data"
    if [ -n "$pwfile" ]; then
      local copy; copy=$(mktemp); cp "$pwfile" "$copy"; chmod 600 "$copy"; [ "$(id -u)" = 0 ] && chown postgres "$copy"
      as_pg "$bin/initdb" -D "$data" -U postgres --auth=scram-sha-256 --pwfile="$copy" -E UTF8 --locale=C.UTF-8 >/dev/null
      rm -f "$copy"
    else
      as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 400
shared_buffers = 256MB
unix_socket_directories = ''
CONF
  fi
  if pg_ready "$port"; then
    postgres_secure "$dir" "$data" "$port" "$pwfile"
    return 0
  fi
  # Not answering: a postmaster that is still there is stopped (or its stale pid file goes) before a fresh start.
  if [ -s "$data/postmaster.pid" ] && kill -0 "$(head -n1 "$data/postmaster.pid")" 2>/dev/null; then
    as_pg "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $port" -w -t 60 start >/dev/null
  head -n1 "$data/postmaster.pid" > "$dir/postgres.pid"
  postgres_secure "$dir" "$data" "$port" "$pwfile"
}

# A cluster made before it had a password (trust): the password is set and trust replaced by scram, once.
postgres_secure() {
  local dir=$1 data=$2 port=$3 pwfile=$4 bin; bin=$(pg_bindir)
  [ -n "$pwfile" ] || return 0
  grep -qE '^(local|host)[[:space:]].*[[:space:]]trust$' "$data/pg_hba.conf" || return 0
  local password; password=$(cat "$pwfile")
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "alter user postgres password '$password'" >/dev/null # hex, made by up.sh: nothing to quote
  as_pg sed -i -E 's/[[:space:]]trust$/ scram-sha-256/' "$data/pg_hba.conf"
  as_pg "$bin/pg_ctl" -D "$data" reload >/dev/null
}

postgres_stop() {
  local dir=$1 bin; bin=$(pg_bindir)
  local data="$dir/data"; [ -L "$data" ] && data=$(readlink -f "$data")
  [ -d "$data" ] || return 0
  if [ -s "$data/postmaster.pid" ] && kill -0 "$(head -n1 "$data/postmaster.pid")" 2>/dev/null; then
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
  fi
  rm -f "$dir/postgres.pid"
}

rabbitmq_credentials() { # <password-file>: the user:password the management API and the check use
  if [ -n "${1:-}" ]; then printf 'sharelm:%s' "$(cat "$1")"; else printf 'guest:guest'; fi
}

rabbitmq_alive() { # <mgmt-port> <user:password>
  curl -fsS -m 5 -u "$2" "http://127.0.0.1:$1/api/aliveness-test/%2F" >/dev/null 2>&1
}

rabbitmq_start() {
  local dir=$1 amqp=$2 mgmt=$3 dist=$4 epmd=$5 pwfile=${6:-}
  mkdir -p "$dir/mnesia" "$dir/log" "$dir/home"
  dir=$(cd "$dir" && pwd)
  local credentials; credentials=$(rabbitmq_credentials "$pwfile")
  if rabbitmq_alive "$mgmt" "$credentials"; then return 0; fi
  # Not answering: whatever is left of an earlier broker (a launcher still dying after a kill) goes first.
  if alive "$dir/rabbitmq.pid"; then stop_tree "$(cat "$dir/rabbitmq.pid")" 10; fi
  echo "[rabbitmq_management]." > "$dir/enabled_plugins"
  cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt
loopback_users = none
log.console = false
log.file.level = warning
CONF
  local erts; erts=$(erts_bindir)
  # Our own epmd on our own port, so that stopping it never disturbs anyone else's Erlang nodes.
  if ! alive "$dir/epmd.pid"; then
    ERL_EPMD_ADDRESS=127.0.0.1 nohup "$erts/epmd" -port "$epmd" -address 127.0.0.1 </dev/null >/dev/null 2>&1 &
    echo $! > "$dir/epmd.pid"
  fi
  local node="sharelm_${amqp}@localhost"
  # Idle Erlang schedulers sleep instead of busy-waiting (RabbitMQ's advice for shared hosts): here the broker
  # shares two cores with PostgreSQL and the services, and its spinning took CPU from them.
  env HOME="$dir/home" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
      RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$amqp" RABBITMQ_DIST_PORT="$dist" ERL_EPMD_PORT="$epmd" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
      ERL_EPMD_ADDRESS=127.0.0.1 \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="${RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS-+sbwt none +sbwtdcpu none +sbwtdio none} -kernel inet_dist_use_interface {127,0,0,1}" \
      nohup /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"$dir/log/console.log" 2>&1 &
  echo $! > "$dir/rabbitmq.pid"
  for _ in $(seq 1 240); do
    if rabbitmq_alive "$mgmt" "$credentials"; then return 0; fi
    # First start with a password file: its user replaces guest (who can still log in, on loopback, this once).
    if [ -n "$pwfile" ] && rabbitmq_alive "$mgmt" guest:guest; then
      local api="http://127.0.0.1:$mgmt/api"
      curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' "$api/users/sharelm" \
        -d "{\"password\":\"$(cat "$pwfile")\",\"tags\":\"administrator\"}" >/dev/null
      curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' "$api/permissions/%2F/sharelm" \
        -d '{"configure":".*","write":".*","read":".*"}' >/dev/null
      curl -fsS -u "$credentials" -X DELETE "$api/users/guest" >/dev/null
      continue
    fi
    if ! alive "$dir/rabbitmq.pid"; then log "RabbitMQ exited; see $dir/log"; tail -n 20 "$dir/log/console.log" >&2 || true; return 1; fi
    sleep 0.5
  done
  log "RabbitMQ did not become ready; see $dir/log"; return 1
}

rabbitmq_stop() {
  local dir=$1
  # The launcher script's descendants are beam and its helpers; TERM lets the broker stop cleanly.
  if alive "$dir/rabbitmq.pid"; then stop_tree "$(cat "$dir/rabbitmq.pid")" 30; fi
  rm -f "$dir/rabbitmq.pid"
  if alive "$dir/epmd.pid"; then stop_tree "$(cat "$dir/epmd.pid")" 5; fi
  rm -f "$dir/epmd.pid"
}

cmd=${1:-}; shift || true
case "$cmd" in
  install) install_missing ;;
  install-test-tools)
    # Debian's pandas runs the download page's pandas example in the tests (pyarrow is not packaged, so the
    # example reads the JSON-lines snapshot).
    if ! /usr/bin/python3 -c "import pandas" 2>/dev/null; then
      log "installing: python3-pandas"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pandas >/dev/null
    fi ;;
  install-browser)
    if ! command -v chromium >/dev/null; then
      log "installing: chromium"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    fi ;;
  postgres)
    sub=$1; shift
    case "$sub" in start) postgres_start "$@" ;; stop) postgres_stop "$@" ;; *) log "postgres start|stop"; exit 2 ;; esac ;;
  rabbitmq)
    sub=$1; shift
    case "$sub" in start) rabbitmq_start "$@" ;; stop) rabbitmq_stop "$@" ;; *) log "rabbitmq start|stop"; exit 2 ;; esac ;;
  free-port) free_port ;;
  alive) alive "$1" ;;
  stop-tree) stop_tree "$@" ;;
  *) log "usage: infra.sh install | install-browser | install-test-tools | postgres start|stop | rabbitmq start|stop | free-port | alive <pidfile>"; exit 2 ;;
esac
