#!/usr/bin/env bash
# Smoke run of the storage benchmark (a few seconds): it must still build and load/look up against every backend.
# The real figures (one million mappings) are in docs/PERFORMANCE.md. Needs the servers of .ci/services.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project bench/LogoutEnricher.Benchmarks.Storage -- 2000 sqlite,redis,postgresql
