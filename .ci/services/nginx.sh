# Sourced by .ci/run: installs nginx (the Debian package) for the end-to-end test of the ingress deployment shape
# (deploy/nginx/logoutenricher-ingress.conf.template). The test starts its own unprivileged nginx in a temporary
# prefix directory on a free loopback port; the package's own service is not needed and not started here.
# Sourced, so it never exits: every failure returns non-zero to the caller.
ci_nginx_setup() {
  local binary
  binary=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; })
  if [ -z "$binary" ]; then
    # Note: one apt-get update per run, shared with the other service scripts through CI_APT_UPDATED.
    if [ -z "${CI_APT_UPDATED:-}" ]; then
      apt-get update -qq >/dev/null || return 1
      export CI_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null || return 1
    binary=$(command -v nginx || echo /usr/sbin/nginx)
  fi
  [ -x "$binary" ] || { echo "nginx.sh: nginx is not executable at $binary" >&2; return 1; }
  export LOGOUTENRICHER_E2E_NGINX="$binary"
  echo "nginx.sh: $("$binary" -v 2>&1)"
}

ci_nginx_setup
