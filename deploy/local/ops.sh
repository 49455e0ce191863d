#!/usr/bin/env bash
# Runs the operator command line against the local deployment that up.sh started, e.g.
#   deploy/local/ops.sh status
#   deploy/local/ops.sh import sharegpt data/sharegpt.jsonl.gz
# To operate another deployment, run the tool directly with that deployment's settings:
#   ConnectionStrings__Postgres=postgresql://… ConnectionStrings__RabbitMq=amqp://… RabbitMq__ManagementUrl=http://… \
#   Catalog__ReleaseSecret=… dotnet tools/ShareLM.Ops/bin/Release/net10.0/sharelm-ops.dll status
set -euo pipefail
source "$(dirname "$0")/common.sh"
require_dotnet
if [ ! -f "$state/sharelm.env" ]; then echo "No $state/sharelm.env: run deploy/local/up.sh first." >&2; exit 1; fi
set -a; source "$state/sharelm.env"; set +a
export ConnectionStrings__Postgres="$SHARELM_POSTGRES_URL"
export ConnectionStrings__RabbitMq="$SHARELM_RABBITMQ_URL"
export RabbitMq__ManagementUrl="$SHARELM_RABBITMQ_MANAGEMENT_URL"
export Catalog__ReleaseSecret="${Catalog__ReleaseSecret:-$SHARELM_RELEASE_SECRET}"
dll="$root/tools/ShareLM.Ops/bin/Release/net10.0/sharelm-ops.dll"
dotnet build "$root/tools/ShareLM.Ops/ShareLM.Ops.csproj" -c Release -nologo -v q -clp:ErrorsOnly >"$state/logs/build-ops.log" 2>&1 \
  || { cat "$state/logs/build-ops.log" >&2; exit 1; }
exec dotnet "$dll" "$@"
