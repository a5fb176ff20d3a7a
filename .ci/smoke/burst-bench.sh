#!/usr/bin/env bash
# Smoke run of the burst delivery benchmark (200 logouts instead of 10,000), so that it keeps compiling and working.
# Fails when a logout was rejected or lost, or the outbox did not drain. Expects the Release build of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet bench/LogoutEnricher.Benchmarks.Burst/bin/Release/net10.0/LogoutEnricher.Benchmarks.Burst.dll --logouts 200
