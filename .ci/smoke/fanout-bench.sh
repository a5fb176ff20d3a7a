#!/usr/bin/env bash
# Smoke run of the fan-out benchmark (200 captured sessions instead of 100,000), so that it keeps compiling and
# working. Fails when a session's logout did not reach the application. Expects the Release build of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet bench/LogoutEnricher.Benchmarks.FanOut/bin/Release/net10.0/LogoutEnricher.Benchmarks.FanOut.dll --sessions 200 --per-client 16
