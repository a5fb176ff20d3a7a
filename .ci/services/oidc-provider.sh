# Sourced by .ci/run: installs node oidc-provider (pinned in package-lock.json) for the end-to-end tests.
# The tests start the provider themselves, one per test, on a free loopback port; nothing runs here afterwards.
oidc_provider_setup() {
  local dir
  dir="$(pwd)/tests/LogoutEnricher.EndToEndTests/provider"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "oidc-provider: node and npm are required (apt-get install -y nodejs npm)" >&2
    return 1
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  export LOGOUTENRICHER_E2E_PROVIDER_DIR="$dir"
}
oidc_provider_setup
