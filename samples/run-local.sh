#!/usr/bin/env bash
# Single logout on this machine in one command, without Docker or Keycloak:
#   samples/run-local.sh            build, start everything, print the URLs; Ctrl-C stops it all
#
# It starts, each on a loopback port:
#   - the OpenID provider the end-to-end tests use (node oidc-provider, tests/LogoutEnricher.EndToEndTests/provider),
#     installed with `npm ci` from its lockfile on first use; any user name and password log in;
#   - LogoutEnricher on its embedded SQLite store (a temporary folder, removed on exit), with the admin API and the
#     operator console enabled under a one-time API key printed below;
#   - two DemoApps, clients demo-app-1 and demo-app-2, which redeem their login codes at LogoutEnricher.
#
# Options:
#   --no-build              use the binaries of an earlier build (as the tests do)
#   --configuration NAME    Debug (default) or Release
# Ports (environment): LOCAL_PROVIDER_PORT (5090), LOCAL_SIDECAR_PORT (5080), LOCAL_APP1_PORT (5001),
# LOCAL_APP2_PORT (5002).
# Requirements: .NET SDK 10, Node.js 20 or later with npm, curl. On Node.js 20 the provider logs "Unsupported
# runtime. Use Node.js v22.x LTS" (its authors support Node.js 22 and later); the demo and CI run on Node.js 20.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
configuration=Debug
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --configuration|-c) configuration=${2:?--configuration needs a value}; shift ;;
    # The help is the comment block at the top of this file, up to its first line of code.
    -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
    *) echo "run-local.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

provider_port=${LOCAL_PROVIDER_PORT:-5090}
sidecar_port=${LOCAL_SIDECAR_PORT:-5080}
app_ports=("${LOCAL_APP1_PORT:-5001}" "${LOCAL_APP2_PORT:-5002}")
clients=(demo-app-1 demo-app-2)
issuer="http://127.0.0.1:$provider_port"
sidecar="http://127.0.0.1:$sidecar_port"

need() { command -v "$1" >/dev/null 2>&1 || { echo "run-local.sh: '$1' is required ($2)" >&2; exit 1; }; }
need dotnet "install the .NET 10 SDK"
need node "Debian: apt-get install -y nodejs npm"
need npm "Debian: apt-get install -y npm"

for port in "$provider_port" "$sidecar_port" "${app_ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run-local.sh: port $port is already in use; set LOCAL_*_PORT (see --help)" >&2
    exit 1
  fi
done

provider_dir="$root/tests/LogoutEnricher.EndToEndTests/provider"
if [ ! -f "$provider_dir/node_modules/oidc-provider/package.json" ]; then
  echo "Installing the OpenID provider (npm ci in $provider_dir) ..."
  (cd "$provider_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$build" = 1 ]; then
  echo "Building LogoutEnricher and DemoApp ($configuration) ..."
  dotnet build "$root/src/LogoutEnricher/LogoutEnricher.csproj" -c "$configuration" -v quiet -nologo >/dev/null
  dotnet build "$root/samples/DemoApp/DemoApp.csproj" -c "$configuration" -v quiet -nologo >/dev/null
fi
sidecar_dll="$root/src/LogoutEnricher/bin/$configuration/net10.0/LogoutEnricher.dll"
demo_dll="$root/samples/DemoApp/bin/$configuration/net10.0/DemoApp.dll"
for dll in "$sidecar_dll" "$demo_dll"; do
  [ -f "$dll" ] || { echo "run-local.sh: $dll is missing; run without --no-build" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/logoutenricher-local-XXXXXX")
pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping ..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
  echo "Stopped."
}
trap 'stop; exit 0' INT TERM HUP
trap stop EXIT

# Waits until a URL answers (any HTTP status), or fails naming the log to read.
wait_for() {
  local url=$1 name=$2 log=$3 tries=0
  until curl -s -o /dev/null "$url"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 300 ]; then
      echo "run-local.sh: $name did not start; its log ($log):" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# The provider knows each application and sends its back-channel logouts to LogoutEnricher, one path per client.
registrations=""
for i in 0 1; do
  app="http://127.0.0.1:${app_ports[$i]}"
  registrations+="${registrations:+,}{\"client_id\":\"${clients[$i]}\",\"client_secret\":\"${clients[$i]}-secret\","
  registrations+="\"redirect_uris\":[\"$app/signin-oidc\"],\"post_logout_redirect_uris\":[\"$app/signout-callback-oidc\"],"
  registrations+="\"backchannel_logout_uri\":\"$sidecar/backchannel-logout/${clients[$i]}\"}"
done
(cd "$provider_dir" && exec node provider.mjs "$provider_port" "[$registrations]") > "$work/provider.log" 2>&1 &
pids+=($!)
wait_for "$issuer/.well-known/openid-configuration" "the OpenID provider" "$work/provider.log"

# A one-time admin API key; LogoutEnricher is configured with its SHA-256 only.
api_key=$(head -c 32 /dev/urandom | base64 | tr -d '=+/' | cut -c1-32)
api_key_hash=$(printf %s "$api_key" | sha256sum | cut -d' ' -f1)
sidecar_args=(
  "--urls=$sidecar"
  "--LogoutEnricher:Issuers:local:Issuer=$issuer"
  "--LogoutEnricher:Issuers:local:TokenEndpoint=$issuer/token"
  "--LogoutEnricher:Issuers:local:TokenPath=/oidc/token"
  "--LogoutEnricher:Storage:Sqlite:Path=$work/logoutenricher.db"
  "--LogoutEnricher:Admin:Enabled=true"
  "--LogoutEnricher:Admin:ApiKeyHashes:0=$api_key_hash"
)
for i in 0 1; do
  sidecar_args+=("--LogoutEnricher:Issuers:local:Clients:${clients[$i]}:LogoutUrl=http://127.0.0.1:${app_ports[$i]}/backchannel-logout")
done
# Note: the sample configuration of appsettings.Development.json describes Keycloak; this run names everything itself.
ASPNETCORE_ENVIRONMENT=Local dotnet "$sidecar_dll" "${sidecar_args[@]}" > "$work/logoutenricher.log" 2>&1 &
pids+=($!)
wait_for "$sidecar/health/live" "LogoutEnricher" "$work/logoutenricher.log"

for i in 0 1; do
  ASPNETCORE_ENVIRONMENT=Local dotnet "$demo_dll" \
    "--urls=http://127.0.0.1:${app_ports[$i]}" \
    "--DemoApp:Authority=$issuer" \
    "--DemoApp:ClientId=${clients[$i]}" \
    "--DemoApp:ClientSecret=${clients[$i]}-secret" \
    "--DemoApp:TokenEndpoint=$sidecar/oidc/token" \
    "--DemoApp:LogoutEnricherJwksUri=$sidecar/.well-known/jwks.json" \
    > "$work/${clients[$i]}.log" 2>&1 &
  pids+=($!)
done
for i in 0 1; do
  wait_for "http://127.0.0.1:${app_ports[$i]}/" "DemoApp ${clients[$i]}" "$work/${clients[$i]}.log"
done

cat <<EOF

Single logout, running locally (logs in $work):
  DemoApp demo-app-1       http://127.0.0.1:${app_ports[0]}
  DemoApp demo-app-2       http://127.0.0.1:${app_ports[1]}
  LogoutEnricher           $sidecar   (keys: $sidecar/.well-known/jwks.json, readiness: $sidecar/health/ready)
  Operator console         $sidecar/admin/console   (API key: $api_key)
  OpenID provider          $issuer

Log in to both applications as any user (e.g. alice, any password; the provider asks to consent once),
then click "Log out (everywhere)" in one of them: the other one shows its session ended.
Press Ctrl-C to stop everything.
Ready.
EOF
wait -n "${pids[@]}" || true
echo "run-local.sh: a process ended on its own; the end of each log:" >&2
for log in "$work"/*.log; do echo "--- $log" >&2; tail -5 "$log" >&2; done
exit 1
