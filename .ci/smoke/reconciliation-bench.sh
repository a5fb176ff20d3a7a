#!/usr/bin/env bash
# Smoke run of the reconciliation benchmark (seconds): it must still build and run one cycle against its fake
# Keycloak Admin API. The real figures (one million captured sessions over 10 clients) are in docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project bench/LogoutEnricher.Benchmarks.Reconciliation -- 2000 10 100
