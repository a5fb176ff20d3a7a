#!/usr/bin/env bash
# Smoke run of the performance harness, so that it keeps compiling and working: the load harness in --quick mode
# (a few hundred requests per scenario, the mod_auth_openidc anchor included, ~20 s; fails on any rejected or undelivered request) and the micro-benchmarks
# once each in BenchmarkDotNet's Dry job, in process. Figures of a smoke run mean nothing. Expects the Release build of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The harness feeds the same logout tokens to Apache + mod_auth_openidc (the anchor): installed here when missing.
# shellcheck source=/dev/null
source bench/anchor-packages.sh
dotnet bench/LogoutEnricher.Benchmarks.Load/bin/Release/net10.0/LogoutEnricher.Benchmarks.Load.dll --quick
cd bench/LogoutEnricher.Benchmarks
out=$(dotnet bin/Release/net10.0/LogoutEnricher.Benchmarks.dll --filter '*' --job Dry --inProcess 2>&1) || { echo "$out" | tail -40; exit 1; }
echo "$out" | grep -E '^\|' || true
# BenchmarkDotNet may exit 0 when a benchmark threw; its summary then shows NA as the Mean (the Dry job's Error is
# always NA, so a failed row is the one with NA in both).
if echo "$out" | grep -qE '\|\s+NA \|\s+NA \||// ERROR'; then
  echo "$out" | grep -E -A10 '// ERROR|Exception:' | head -60
  echo "a micro-benchmark failed" >&2
  exit 1
fi
