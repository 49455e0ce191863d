#!/usr/bin/env bash
# Benchmarks ShareLM on this machine and prints the figures as JSON (progress goes to stderr).
# It runs the three services (through up.sh) against a fresh database and RabbitMQ virtual host of their own
# (sharelm_bench on the local PostgreSQL, sharelm-bench on the local RabbitMQ), with the rate limits raised
# for the load generator, so that neither earlier runs nor your own local data skew the figures:
#   1. ingest     with the default 24-hour hold, as in production: capture throughput and latency against
#                 PostgreSQL's own ceiling, and how soon the relay and Retention have caught up;
#   2. the rest   with a 5-second hold: lifecycle lags, the scheduler with 100,000 pending, projection rebuild
#                 and snapshot export over N conversations, import against PostgreSQL's COPY, peak memory, and
#                 redaction of 1 MiB bodies made to be slow (in-process, and sent to the gateway) against prose.
# At the end it stops the services (start your own again with up.sh).
#   deploy/local/bench.sh [ingest|lifecycle|scheduler|rebuild|import|memory|redaction …] [--conversations N] [--duration S]
#                         [--concurrency C] [--warmup S]
set -euo pipefail
source "$(dirname "$0")/common.sh"
require_dotnet
"$root/deploy/local/down.sh" >/dev/null 2>&1 || true
results=$(mktemp)
trap '"$root/deploy/local/down.sh" >&2 || true; rm -f "$results"' EXIT

suites=(); options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --*) options+=("$1" "${2:-}"); shift 2 || shift ;;
    *) suites+=("$1"); shift ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(ingest lifecycle scheduler rebuild import memory redaction)
first=(); rest=()
for s in "${suites[@]}"; do
  case "$s" in ingest) first+=("$s") ;; *) rest+=("$s") ;; esac
done

# A clean slate: the benchmark's own database and virtual host, dropped and created afresh.
export SHARELM_DATABASE=sharelm_bench SHARELM_RABBITMQ_VHOST=sharelm-bench
"$infra" install >&2
ensure_passwords
"$infra" postgres start "$state/postgres" "$SHARELM_PG_PORT" "$state/postgres-password" >&2
"$infra" rabbitmq start "$state/rabbitmq" "$SHARELM_AMQP_PORT" "$SHARELM_RABBITMQ_MGMT_PORT" "$SHARELM_RABBITMQ_DIST_PORT" "$SHARELM_EPMD_PORT" "$state/rabbitmq-password" >&2
PGPASSWORD="$pg_password" psql -h 127.0.0.1 -p "$SHARELM_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
  -c "drop database if exists $SHARELM_DATABASE with (force)" -c "create database $SHARELM_DATABASE" >&2
curl -fsS -u "sharelm:$mq_password" -X DELETE "http://127.0.0.1:$SHARELM_RABBITMQ_MGMT_PORT/api/vhosts/$SHARELM_RABBITMQ_VHOST" >/dev/null 2>&1 || true
export Ingest__ContributorRequestsPerMinute=100000000
export Ingest__RegistrationsPerMinutePerAddress=100000
dotnet build "$root/tools/ShareLM.Benchmarks/ShareLM.Benchmarks.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2

phase() { # hold, suites…
  local hold=$1; shift
  "$root/deploy/local/down.sh" --services >&2
  Retention__HoldWindow=$hold "$root/deploy/local/up.sh" >&2
  (
    set -a; source "$state/sharelm.env"; set +a
    export ConnectionStrings__Postgres="$SHARELM_POSTGRES_URL" ConnectionStrings__RabbitMq="$SHARELM_RABBITMQ_URL"
    export RabbitMq__ManagementUrl="$SHARELM_RABBITMQ_MANAGEMENT_URL" SHARELM_PIDS_DIR="$state/pids"
    dotnet "$root/tools/ShareLM.Benchmarks/bin/Release/net10.0/sharelm-bench.dll" "$@" ${options[@]+"${options[@]}"} --results "$results" >/dev/null
  )
}
if [ ${#first[@]} -gt 0 ]; then phase 1.00:00:00 "${first[@]}"; fi
if [ ${#rest[@]} -gt 0 ]; then phase 00:00:05 "${rest[@]}"; fi
cat "$results"
