# Sourced by .ci/run (and by hand: `source .ci/services/redis.sh`): installs redis-server when missing, starts a
# throwaway instance on a loopback port without persistence, and exports LOGOUTENRICHER_TEST_REDIS for the tests.
# Sourced, so it never exits: every failure returns non-zero to the caller.

ci_redis_start() {
  local port=${LOGOUTENRICHER_CI_REDIS_PORT:-6390}
  if ! command -v redis-server >/dev/null 2>&1; then
    # Note: one apt-get update per run, shared with the other service scripts through CI_APT_UPDATED.
    if [ -z "${CI_APT_UPDATED:-}" ]; then
      apt-get update -qq >/dev/null || return 1
      export CI_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || return 1
  fi

  # A server left over from an earlier run on the same port is reused only if it answers; otherwise start one.
  if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --logfile "/tmp/logoutenricher-ci-redis-$port.log" || return 1
  fi

  local tries=0
  until [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; do
    tries=$((tries + 1))
    [ "$tries" -ge 50 ] && { echo "redis.sh: redis-server did not answer PING on port $port" >&2; return 1; }
    sleep 0.2
  done

  export LOGOUTENRICHER_TEST_REDIS="127.0.0.1:$port"
  CI_STOP_HOOKS+=("redis-cli -h 127.0.0.1 -p $port shutdown nosave")
  echo "redis.sh: redis-server $(redis-server --version | grep -oE 'v=[0-9.]+') on 127.0.0.1:$port"
}

ci_redis_start
