# Sourced by .ci/run: installs Debian's Chromium for the tests that look at pages as a person does (driven by
# Playwright with the system browser; Playwright never downloads one). Exports LOGOUTENRICHER_CHROMIUM.
ci_chromium_setup() {
  if ! command -v chromium >/dev/null 2>&1; then
    if [ -z "${CI_APT_UPDATED:-}" ]; then
      apt-get update -qq >/dev/null || return 1
      export CI_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || return 1
  fi
  export LOGOUTENRICHER_CHROMIUM
  LOGOUTENRICHER_CHROMIUM=$(command -v chromium)
  echo "chromium.sh: $("$LOGOUTENRICHER_CHROMIUM" --version 2>/dev/null | head -1)"
}
ci_chromium_setup
