#!/usr/bin/env bash
# Runs every test against a PostgreSQL and a RabbitMQ of its own (fresh state, free loopback ports), then
# tears them down and prints one line "N passed, N failed, N skipped". Exits non-zero on any failure.
# Extra arguments go to dotnet test, e.g.  deploy/local/test.sh --filter "FullyQualifiedName~Redaction"
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
infra="$root/deploy/local/infra.sh"
run="$root/.local/test-run-$$"
results="$run/results"

if ! command -v dotnet >/dev/null; then echo "The .NET 10 SDK is required: 'dotnet' is not on PATH." >&2; echo "0 passed, 1 failed"; exit 1; fi
"$infra" install && "$infra" install-test-tools || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$run" "$results" "$run/tmp"
# Whatever the tests write to "the temp directory" (logs, snapshots, browser profiles) goes with the run.
export TMPDIR="$run/tmp"

cleanup() {
  "$infra" rabbitmq stop "$run/rabbitmq" >/dev/null 2>&1 || true
  "$infra" postgres stop "$run/postgres" >/dev/null 2>&1 || true
  local data; data=$(readlink -f "$run/postgres/data" 2>/dev/null || true)
  rm -rf "$run"
  case "$data" in /var/tmp/sharelm-pg.*) rm -rf "$data" ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg=$("$infra" free-port); amqp=$("$infra" free-port); mgmt=$("$infra" free-port); dist=$("$infra" free-port); epmd=$("$infra" free-port)
echo "test PostgreSQL on $pg, RabbitMQ on $amqp (management $mgmt)"
"$infra" postgres start "$run/postgres" "$pg" || { echo "0 passed, 1 failed"; exit 1; }
"$infra" rabbitmq start "$run/rabbitmq" "$amqp" "$mgmt" "$dist" "$epmd" || { echo "0 passed, 1 failed"; exit 1; }

export SHARELM_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$pg/postgres"
export SHARELM_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$amqp/"
export SHARELM_TEST_RABBITMQ_MANAGEMENT="http://127.0.0.1:$mgmt"
export SHARELM_TEST_INFRA="$infra"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! dotnet build "$root/ShareLM.sln" -c Release -nologo -v q -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# The style .editorconfig describes; a difference counts as one failure (fix it with: dotnet format ShareLM.sln).
format_failed=0
touch "$run/format-started"
if ! dotnet format "$root/ShareLM.sln" --verify-no-changes --no-restore -v q; then
  echo "dotnet format --verify-no-changes found code not formatted as .editorconfig says: run 'dotnet format ShareLM.sln'"
  format_failed=1
fi
# Its build host talks over a socket named by a GUID that it makes in /tmp whatever TMPDIR says, and leaves behind.
find /tmp -maxdepth 1 -type s -newer "$run/format-started" -regextype posix-extended \
  -regex '/tmp/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' -delete 2>/dev/null || true

dotnet test "$root/ShareLM.sln" -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 8m "$@"
status=$?

# The browser extension: unit tests, then its browser tests in Debian's Chromium against the real services
# (the Release build above), on the PostgreSQL and RabbitMQ started here.
ext_passed=0; ext_failed=0
node_counts() { # <tap output file>: adds its "# pass N" / "# fail N" to the extension's counts
  local p f
  p=$(grep -E '^# pass [0-9]+' "$1" | tail -n 1 | grep -o '[0-9]*'); f=$(grep -E '^# fail [0-9]+' "$1" | tail -n 1 | grep -o '[0-9]*')
  if [ -z "$p" ] && [ -z "$f" ]; then ext_failed=$((ext_failed + 1)); return; fi
  ext_passed=$((ext_passed + ${p:-0})); ext_failed=$((ext_failed + ${f:-0}))
}
if ! command -v node >/dev/null; then
  echo "Node.js is required for the extension's tests: 'node' is not on PATH."; ext_failed=$((ext_failed + 1))
elif ! "$infra" install-browser || ! (cd "$root/extension" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error); then
  echo "could not install the extension's test dependencies"; ext_failed=$((ext_failed + 1))
else
  (cd "$root/extension" && npm run --silent build && npx tsc --noEmit -p .) || { echo "extension build or type check failed"; ext_failed=$((ext_failed + 1)); }
  (cd "$root/extension" && npx tsx --test test/unit/*.test.ts) > "$run/extension-unit.tap" 2>&1
  node_counts "$run/extension-unit.tap"
  grep -E '^(not )?ok |^# (pass|fail)' "$run/extension-unit.tap" | sed 's/^/extension unit: /'
  (cd "$root/extension" && CHROMIUM_PATH=$(command -v chromium) timeout 1200 npx tsx --test --test-concurrency=1 test/e2e/*.test.ts) > "$run/extension-e2e.tap" 2>&1
  node_counts "$run/extension-e2e.tap"
  grep -E '^\s*(not )?ok |^# (pass|fail)' "$run/extension-e2e.tap" | sed 's/^/extension browser: /'
  if grep -qE '^\s*not ok' "$run/extension-unit.tap" "$run/extension-e2e.tap"; then
    echo "--- extension test output ---"; grep -A30 -E '^\s*not ok' "$run/extension-unit.tap" "$run/extension-e2e.tap" | head -n 200
  fi
fi

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then
  echo "dotnet test exited with $status without a failed test: counting the run as one failure"
  failed=1
fi
if [ "$files" = 0 ] && [ "$failed" = 0 ]; then failed=1; fi
failed=$((failed + format_failed + ext_failed))
passed=$((passed + ext_passed))
if [ "$failed" != 0 ]; then
  # One awk record per test result (linear, whatever the size of the captured output). Only the result's own tag
  # counts: the last record runs on to the summary of the whole run, which says "Failed" too and has output of its own.
  failures() { # <output|names> <trx file>: each failed test's output (its first 80 lines), or its name and message
    awk -v part="$1" -v RS='<UnitTestResult ' '
      function unxml(t, newline) {
        gsub(/&quot;/, "\"", t); gsub(/&lt;/, "<", t); gsub(/&gt;/, ">", t); gsub(/&#xD;/, "", t); gsub(/&#xA;/, newline, t)
        gsub(/&amp;/, "\\&", t); return t
      }
      NR > 1 { tag = $0; sub(/>.*/, "", tag) }
      NR > 1 && tag ~ /outcome="Failed"/ {
        sub(/<\/Results>.*/, "")
        name = $0; sub(/^.*testName="/, "", name); sub(/".*$/, "", name); name = unxml(name, " ")
        if (part == "names") {
          message = ""; if (match($0, /<Message>[^<]*/)) message = unxml(substr($0, RSTART + 9, RLENGTH - 9), " ")
          gsub(/[\r\n]+/, " ", message); print name ": " substr(message, 1, 600)
        } else if (match($0, /<StdOut>[^<]*/)) {
          print "--- output of " name " (its first 80 lines) ---"
          n = split(unxml(substr($0, RSTART + 8, RLENGTH - 8), "\n"), lines, "\n")
          for (i = 1; i <= n && i <= 80; i++) print "  " substr(lines[i], 1, 300)
        }
      }' "$2"
  }
  # The diagnoses first, then the names and messages last, where a truncated CI log still shows them.
  for trx in "$results"/*.trx; do [ -f "$trx" ] && failures output "$trx"; done
  echo "--- failed tests ---"
  for trx in "$results"/*.trx; do [ -f "$trx" ] && failures names "$trx"; done
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
