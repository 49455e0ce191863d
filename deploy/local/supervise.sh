#!/usr/bin/env bash
# Keeps one service running: starts it again whenever it exits (a crash, or its own watchdog asking for a
# fresh start), until it is told to stop. On SIGTERM it stops the service gracefully and exits.
#   supervise.sh <name> <command> [args…]
set -u
name=$1; shift
child=0
stopping=0
trap 'stopping=1; [ "$child" -ne 0 ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ "$stopping" = 0 ]; do
  "$@" &
  child=$!
  code=0
  wait "$child" || code=$?
  # A signal interrupts wait early: wait for the service itself to finish.
  while kill -0 "$child" 2>/dev/null; do wait "$child" || code=$?; done
  child=0
  [ "$stopping" = 1 ] && break
  echo "$(date -u +%FT%TZ) supervise: $name exited with status $code; starting it again in 2 s" >&2
  sleep 2
done
