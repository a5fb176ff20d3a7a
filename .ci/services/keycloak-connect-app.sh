# Sourced by .ci/run: installs the end-to-end tests' express application that uses Keycloak's own Node.js adapter,
# keycloak-connect (pinned in package-lock.json, installed unchanged from npm). The tests start the application
# themselves, one per test, on a free loopback port; nothing runs here afterwards.
keycloak_connect_app_setup() {
  local dir
  dir="$(pwd)/tests/LogoutEnricher.EndToEndTests/keycloak-connect-app"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "keycloak-connect-app: node and npm are required (apt-get install -y nodejs npm)" >&2
    return 1
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  export LOGOUTENRICHER_E2E_KEYCLOAK_CONNECT_DIR="$dir"
}
keycloak_connect_app_setup
