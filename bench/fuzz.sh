#!/usr/bin/env bash
# The hardening figure of docs/PERFORMANCE.md: the seeded every-route fuzz run (FuzzTests.EveryRoute_*) at bench size.
#   bench/fuzz.sh                 100,000 requests, seed 20261202 (CI runs the same test with 20,000)
#   bench/fuzz.sh 250000 42       another size and seed
# Prints requests, statuses per route, 5xx originated by LogoutEnricher (must be 0) and the RSS of the test process.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export LOGOUTENRICHER_FUZZ_REQUESTS="${1:-100000}" LOGOUTENRICHER_FUZZ_SEED="${2:-20261202}"
export LOGOUTENRICHER_FUZZ_REPORT="${LOGOUTENRICHER_FUZZ_REPORT:-$(mktemp)}"
dotnet build tests/LogoutEnricher.IntegrationTests -v quiet -nologo
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
dotnet test --project tests/LogoutEnricher.IntegrationTests --no-build -- --filter-method '*EveryRoute_SeededRequests*' >"$LOGOUTENRICHER_FUZZ_REPORT.log" 2>&1 || status=$?
cat "$LOGOUTENRICHER_FUZZ_REPORT" 2>/dev/null || tail -50 "$LOGOUTENRICHER_FUZZ_REPORT.log"
exit $status
