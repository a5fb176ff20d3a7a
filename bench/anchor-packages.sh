# Sourced by bench/run.sh and .ci/smoke/bench-smoke.sh: installs the anchor of the load harness, Apache httpd with
# mod_auth_openidc (Debian packages apache2 and libapache2-mod-auth-openidc), when missing. The harness starts its own
# Apache on a loopback port with a configuration of its own; the packaged service is not used (and not left running).
# Sourced, so it never exits: a failure returns non-zero to the caller.

bench_anchor_install() {
  if [ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mod_auth_openidc.so ]; then
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ -z "${CI_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq >/dev/null || return 1
    export CI_APT_UPDATED=1
  fi
  # Note: the package's own service must not take port 80 of a build machine: policy-rc.d is not ours to change, so
  # it is stopped right after the install instead.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends apache2 libapache2-mod-auth-openidc >/dev/null || return 1
  $sudo apache2ctl -k stop >/dev/null 2>&1 || true
  echo "anchor-packages.sh: installed apache2 $(dpkg-query -W -f='${Version}' apache2), mod_auth_openidc $(dpkg-query -W -f='${Version}' libapache2-mod-auth-openidc)"
}

bench_anchor_install
