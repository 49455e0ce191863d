#!/usr/bin/env bash
# Runs ShareLM on this machine: PostgreSQL and RabbitMQ on loopback (state in .local/), then the three
# services. Installs PostgreSQL and RabbitMQ if missing. Safe to run again: it starts whatever is not
# running and leaves the rest alone. Settings pass through the environment in the ASP.NET Core way,
# e.g.  Retention__HoldWindow=00:00:05 deploy/local/up.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
require_dotnet
mkdir -p "$state/pids" "$state/logs"

"$infra" install
ensure_passwords
"$infra" postgres start "$state/postgres" "$SHARELM_PG_PORT" "$state/postgres-password"
psql_admin() { PGPASSWORD="$pg_password" psql -h 127.0.0.1 -p "$SHARELM_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
if [ "$(psql_admin -c "select 1 from pg_database where datname = '$SHARELM_DATABASE'")" != 1 ]; then
  psql_admin -c "create database \"$SHARELM_DATABASE\""
fi
echo "PostgreSQL  127.0.0.1:$SHARELM_PG_PORT (database $SHARELM_DATABASE)"
"$infra" rabbitmq start "$state/rabbitmq" "$SHARELM_AMQP_PORT" "$SHARELM_RABBITMQ_MGMT_PORT" "$SHARELM_RABBITMQ_DIST_PORT" "$SHARELM_EPMD_PORT" "$state/rabbitmq-password"
vhost_path=$(printf %s "$SHARELM_RABBITMQ_VHOST" | sed 's|/|%2F|g')
if [ "$SHARELM_RABBITMQ_VHOST" != / ]; then
  curl -fsS -u "sharelm:$mq_password" -X PUT "http://127.0.0.1:$SHARELM_RABBITMQ_MGMT_PORT/api/vhosts/$vhost_path" >/dev/null
  curl -fsS -u "sharelm:$mq_password" -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
    "http://127.0.0.1:$SHARELM_RABBITMQ_MGMT_PORT/api/permissions/$vhost_path/sharelm" >/dev/null
fi
echo "RabbitMQ    127.0.0.1:$SHARELM_AMQP_PORT (virtual host $SHARELM_RABBITMQ_VHOST, management http://127.0.0.1:$SHARELM_RABBITMQ_MGMT_PORT, user sharelm, password in .local/rabbitmq-password)"

export ConnectionStrings__Postgres="postgresql://postgres:$pg_password@127.0.0.1:$SHARELM_PG_PORT/$SHARELM_DATABASE"
export ConnectionStrings__RabbitMq="amqp://sharelm:$mq_password@127.0.0.1:$SHARELM_AMQP_PORT/$vhost_path"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
# The key of the public pseudonyms: one per deployment (a new secret is a new release).
if [ ! -s "$state/release-secret" ]; then (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/release-secret"); fi
export Catalog__ReleaseSecret="${Catalog__ReleaseSecret:-$(cat "$state/release-secret")}"
# Snapshot files are copies of the public dataset: kept here, private to this user (the Catalog makes it 0700).
export Catalog__SnapshotDirectory="${Catalog__SnapshotDirectory:-$state/snapshots}"

# Holds the release secret: readable by this user only.
(umask 077; cat > "$state/sharelm.env") <<ENV
SHARELM_POSTGRES_URL=$ConnectionStrings__Postgres
SHARELM_RABBITMQ_URL=$ConnectionStrings__RabbitMq
SHARELM_RABBITMQ_MANAGEMENT_URL=http://127.0.0.1:$SHARELM_RABBITMQ_MGMT_PORT
SHARELM_INGEST_URL=http://127.0.0.1:$SHARELM_INGEST_PORT
SHARELM_RETENTION_URL=http://127.0.0.1:$SHARELM_RETENTION_PORT
SHARELM_CATALOG_URL=http://127.0.0.1:$SHARELM_CATALOG_PORT
SHARELM_RELEASE_SECRET=$Catalog__ReleaseSecret
ENV

# A service counts as running when it answers; one that does not (a supervisor left behind, a process that hangs)
# is stopped and started afresh.
to_start=()
for s in "${services[@]}"; do
  if curl -fsS -m 3 "http://127.0.0.1:$(service_port "$s")/health/live" >/dev/null 2>&1; then
    echo "$s already running"
  else
    if "$infra" alive "$state/pids/$s.pid"; then "$infra" stop-tree "$(cat "$state/pids/$s.pid")" 15; fi
    to_start+=("$s")
  fi
done

if [ ${#to_start[@]} -gt 0 ]; then
  echo "Building the services..."
  for s in "${to_start[@]}"; do
    dotnet build "$root/services/ShareLM.$s/ShareLM.$s.csproj" -c Release -nologo -v q -clp:ErrorsOnly >"$state/logs/build-$s.log" 2>&1 \
      || { cat "$state/logs/build-$s.log" >&2; exit 1; }
  done
  for s in "${to_start[@]}"; do
    port=$(service_port "$s")
    bin="$root/services/ShareLM.$s/bin/Release/net10.0"
    # Supervised: a service that exits (a crash, or its watchdog asking for a fresh start) is started again.
    (cd "$bin" && exec nohup "$root/deploy/local/supervise.sh" "$s" dotnet "ShareLM.$s.dll" --urls "http://127.0.0.1:$port" \
      </dev/null >>"$state/logs/$s.log" 2>&1) &
    echo $! > "$state/pids/$s.pid"
  done
fi

for s in "${services[@]}"; do
  port=$(service_port "$s")
  ok=0
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ok=1; break; fi
    if ! "$infra" alive "$state/pids/$s.pid"; then break; fi
    sleep 0.5
  done
  if [ $ok != 1 ]; then
    echo "$s did not become ready; last log lines ($state/logs/$s.log):" >&2
    tail -n 20 "$state/logs/$s.log" >&2 || true
    exit 1
  fi
done

echo
echo "ShareLM is up:"
echo "  Ingest     http://127.0.0.1:$SHARELM_INGEST_PORT"
echo "  Retention  http://127.0.0.1:$SHARELM_RETENTION_PORT"
echo "  Catalog    http://127.0.0.1:$SHARELM_CATALOG_PORT"
echo "Settings: $state/sharelm.env   Logs: $state/logs/   Stop: deploy/local/down.sh"
