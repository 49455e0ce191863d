#!/usr/bin/env bash
# Stops exactly what up.sh started, by the process ids it recorded, and nothing else. State stays in .local/.
#   down.sh [--services]   (--services: stop only the three services, leave PostgreSQL and RabbitMQ running)
set -euo pipefail
source "$(dirname "$0")/common.sh"
for s in "${services[@]}"; do
  pidfile="$state/pids/$s.pid"
  if "$infra" alive "$pidfile"; then
    echo "stopping $s (pid $(cat "$pidfile"))"
    "$infra" stop-tree "$(cat "$pidfile")" 40
  fi
  rm -f "$pidfile"
done
if [ "${1:-}" = --services ]; then exit 0; fi
if [ -d "$state/rabbitmq" ]; then echo "stopping RabbitMQ"; "$infra" rabbitmq stop "$state/rabbitmq"; fi
if [ -d "$state/postgres" ]; then echo "stopping PostgreSQL"; "$infra" postgres stop "$state/postgres"; fi
echo "ShareLM is down."
