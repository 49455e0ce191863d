# Shared by up.sh, down.sh and ops.sh: where things live and which ports they use.
# Every value can be overridden from the environment.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
state="$root/.local"
infra="$root/deploy/local/infra.sh"

: "${SHARELM_PG_PORT:=55432}"
: "${SHARELM_AMQP_PORT:=55672}"
: "${SHARELM_RABBITMQ_MGMT_PORT:=55673}"
: "${SHARELM_RABBITMQ_DIST_PORT:=55674}"
: "${SHARELM_EPMD_PORT:=55675}"
: "${SHARELM_INGEST_PORT:=5080}"
: "${SHARELM_RETENTION_PORT:=5081}"
: "${SHARELM_CATALOG_PORT:=5082}"
: "${SHARELM_DATABASE:=sharelm}"
: "${SHARELM_RABBITMQ_VHOST:=/}"

services=(Ingest Retention Catalog)

service_port() {
  case "$1" in
    Ingest) echo "$SHARELM_INGEST_PORT" ;;
    Retention) echo "$SHARELM_RETENTION_PORT" ;;
    Catalog) echo "$SHARELM_CATALOG_PORT" ;;
  esac
}

# Passwords of our own for PostgreSQL and RabbitMQ in .local/, made once, readable by this user only.
ensure_passwords() {
  mkdir -p "$state"
  local f
  for f in postgres-password rabbitmq-password; do
    if [ ! -s "$state/$f" ]; then (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/$f"); fi
    chmod 600 "$state/$f"
  done
  pg_password=$(cat "$state/postgres-password")
  mq_password=$(cat "$state/rabbitmq-password")
}

require_dotnet() {
  if ! command -v dotnet >/dev/null; then
    echo "The .NET 10 SDK is required (https://dot.net): 'dotnet' is not on PATH." >&2
    exit 1
  fi
}
