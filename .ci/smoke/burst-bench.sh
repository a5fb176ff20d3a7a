#!/usr/bin/env bash
# Smoke run of the burst delivery benchmark (200 logouts instead of 10,000) on the embedded and one shared backend, so
# that it keeps compiling and working. Fails when a logout was rejected or lost, or the outbox did not drain.
# Expects the Release build of .ci/run and the servers of .ci/services.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=bench/LogoutEnricher.Benchmarks.Burst/bin/Release/net10.0/LogoutEnricher.Benchmarks.Burst.dll
dotnet "$bench" --logouts 200 --backend sqlite
if [ -n "${LOGOUTENRICHER_TEST_REDIS:-}" ]; then
  dotnet "$bench" --logouts 200 --backend redis
fi
