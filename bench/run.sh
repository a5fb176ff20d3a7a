#!/usr/bin/env bash
# One command for the performance figures of docs/PERFORMANCE.md, from a fresh clone:
#   bench/run.sh              load harness (real processes) + micro-benchmarks (BenchmarkDotNet, short job)
#   bench/run.sh load [...]   load harness only; extra arguments go to it (--rate 500 --seconds 10 --requests 3000 --quick)
#   bench/run.sh micro [...]  micro-benchmarks only; extra arguments go to BenchmarkDotNet (--filter '*Logout*' --job Dry)
#   bench/run.sh fanout N [--backend sqlite|redis|postgresql] [--replicas 2] [...]
#                             sign-out-all of N captured sessions (Keycloak's push to the last delivery); a Redis or
#                             PostgreSQL backend is started durable by bench/services.sh and stopped afterwards
#   bench/run.sh ready [--runs 5]
#                             ready time on an existing database: the build the Dockerfile ships (self-contained,
#                             composite ReadyToRun, published to a temporary directory) and the build output (JIT)
# Builds Release first. Needs the .NET SDK of global.json and Linux (/proc is read for CPU time and memory).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
[ $# -gt 0 ] && shift

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "$what" = "fanout" ]; then
  sessions="${1:-100000}"
  [ $# -gt 0 ] && shift
  backend=sqlite
  for ((i = 1; i <= $#; i++)); do
    [ "${!i}" = "--backend" ] && { j=$((i + 1)); backend="${!j}"; }
  done
  dotnet build -c Release bench/LogoutEnricher.Benchmarks.FanOut/LogoutEnricher.Benchmarks.FanOut.csproj -v quiet -nologo
  if [ "$backend" != "sqlite" ]; then
    # shellcheck source=/dev/null
    source bench/services.sh "$backend" || { echo "bench/run.sh: starting $backend failed" >&2; exit 1; }
    trap bench_services_stop EXIT
  fi
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet bench/LogoutEnricher.Benchmarks.FanOut/bin/Release/net10.0/LogoutEnricher.Benchmarks.FanOut.dll --sessions "$sessions" "$@"
  exit $?
fi
if [ "$what" = "ready" ]; then
  runs=5
  [ "${1:-}" = "--runs" ] && runs="$2"
  out="$(mktemp -d /tmp/logoutenricher-publish.XXXXXX)"
  # The Dockerfile's publish command; the build output (JIT) for comparison.
  # Note: a framework-dependent ReadyToRun publish right after this one reuses its intermediate files and produces a
  # build that aborts at start; publish that from a clean tree when it is wanted.
  dotnet publish src/LogoutEnricher/LogoutEnricher.csproj -c Release -v quiet -nologo --use-current-runtime --self-contained true \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o "$out/image"
  dotnet build src/LogoutEnricher/LogoutEnricher.csproj -c Release -v quiet -nologo
  # The compilers' build servers and the publish's own load must not be in the figure: stop them, let the load settle.
  dotnet build-server shutdown > /dev/null 2>&1 || true
  for _ in $(seq 1 24); do
    awk '{ exit !($1 < 1.2) }' /proc/loadavg && break
    sleep 5
  done
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  python3 bench/ready-time.py --runs "$runs" image="$out/image/LogoutEnricher" jit=src/LogoutEnricher/bin/Release/net10.0/LogoutEnricher.dll
  echo "published as the image ships it: $out/image/LogoutEnricher (bench/run.sh fanout ... --sidecar PATH runs it)"
  exit 0
fi
if [ "$what" = "all" ] || [ "$what" = "load" ]; then
  # The load harness compares the logout path with Apache + mod_auth_openidc in the same run (--no-anchor skips it).
  # shellcheck source=/dev/null
  source bench/anchor-packages.sh || { echo "bench/run.sh: installing apache2 and libapache2-mod-auth-openidc failed" >&2; exit 1; }
fi
dotnet build -c Release bench/LogoutEnricher.Benchmarks.Load/LogoutEnricher.Benchmarks.Load.csproj -v quiet -nologo
dotnet build -c Release bench/LogoutEnricher.Benchmarks/LogoutEnricher.Benchmarks.csproj -v quiet -nologo

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$what" = "all" ] || [ "$what" = "load" ]; then
  dotnet bench/LogoutEnricher.Benchmarks.Load/bin/Release/net10.0/LogoutEnricher.Benchmarks.Load.dll "$@"
fi
if [ "$what" = "all" ] || [ "$what" = "micro" ]; then
  micro=("$@")
  [ "$what" = "all" ] && micro=()
  [ ${#micro[@]} -eq 0 ] && micro=(--filter '*' --job short --inProcess)
  (cd bench/LogoutEnricher.Benchmarks && dotnet bin/Release/net10.0/LogoutEnricher.Benchmarks.dll "${micro[@]}")
fi
