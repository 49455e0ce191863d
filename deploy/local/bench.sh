#!/usr/bin/env bash
# Benchmarks ShareLM on this machine and prints the figures as JSON (progress goes to stderr).
# It (re)starts the local stack with benchmark settings (a 5-second hold, rate limits raised for the load
# generator), then drives it: ingest throughput against PostgreSQL's own ceiling, lifecycle lags, the
# scheduler with 100,000 pending, projection rebuild and snapshot export over N conversations, import against
# PostgreSQL's COPY, and the services' peak memory. The stack stays up afterwards (deploy/local/down.sh).
#   deploy/local/bench.sh [ingest|lifecycle|scheduler|rebuild|import|memory …] [--conversations N] [--duration S] [--concurrency C]
set -euo pipefail
source "$(dirname "$0")/common.sh"
require_dotnet
"$root/deploy/local/down.sh" >/dev/null 2>&1 || true
export Retention__HoldWindow=00:00:05
export Ingest__ContributorRequestsPerMinute=100000000
export Ingest__RegistrationsPerMinutePerAddress=100000
"$root/deploy/local/up.sh" >&2
set -a; source "$state/sharelm.env"; set +a
export ConnectionStrings__Postgres="$SHARELM_POSTGRES_URL"
export ConnectionStrings__RabbitMq="$SHARELM_RABBITMQ_URL"
export RabbitMq__ManagementUrl="$SHARELM_RABBITMQ_MANAGEMENT_URL"
export SHARELM_PIDS_DIR="$state/pids"
dotnet build "$root/tools/ShareLM.Benchmarks/ShareLM.Benchmarks.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2
exec dotnet "$root/tools/ShareLM.Benchmarks/bin/Release/net10.0/sharelm-bench.dll" "$@"
