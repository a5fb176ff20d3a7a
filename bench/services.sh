# Sourced by bench/run.sh (and by hand: `source bench/services.sh redis postgresql`): starts a Redis and/or a
# PostgreSQL for the benchmarks, each durable the way production should be (Redis: append-only file fsync'd on every
# write; PostgreSQL: fsync and synchronous_commit on, its defaults), on their own loopback ports and data directories
# under /tmp, and exports LOGOUTENRICHER_BENCH_REDIS / LOGOUTENRICHER_BENCH_POSTGRES. The test services of .ci/ run
# without persistence and are not used here: a figure without fsync would not be the product's.
# Stop them with bench_services_stop (bench/run.sh does on exit).

bench_redis_start() {
  local port=6391 dir=/tmp/logoutenricher-bench-redis
  command -v redis-server >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || return 1
  rm -rf "$dir" && mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" --save '' --appendonly yes --appendfsync always \
    --logfile "$dir/redis.log" || return 1
  local tries=0
  until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; do
    tries=$((tries + 1)); [ "$tries" -ge 50 ] && { echo "bench/services.sh: redis-server did not answer" >&2; return 1; }
    sleep 0.2
  done
  export LOGOUTENRICHER_BENCH_REDIS="127.0.0.1:$port"
  echo "bench/services.sh: redis-server on $LOGOUTENRICHER_BENCH_REDIS (appendonly yes, appendfsync always)"
}

bench_postgresql_start() {
  local port=5441 data=/tmp/logoutenricher-bench-postgres bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/pg_ctl" ] || { echo "bench/services.sh: no PostgreSQL binaries under /usr/lib/postgresql" >&2; return 1; }
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres || return 1
  su postgres -c "$bin/pg_ctl -D $data -m immediate stop" >/dev/null 2>&1
  rm -rf "$data" && install -d -o postgres -g postgres -m 700 "$data" || return 1
  su postgres -c "$bin/initdb -D $data --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8" >/dev/null || return 1
  su postgres -c "$bin/pg_ctl -D $data -l $data/server.log -w -o \"-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=300\" start" >/dev/null || return 1
  export LOGOUTENRICHER_BENCH_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "bench/services.sh: PostgreSQL $("$bin/postgres" --version | grep -oE '[0-9]+\.[0-9]+') on 127.0.0.1:$port (fsync and synchronous_commit on)"
}

bench_services_stop() {
  redis-cli -p 6391 shutdown nosave >/dev/null 2>&1 || true
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] && su postgres -c "$bin/pg_ctl -D /tmp/logoutenricher-bench-postgres -m fast stop" >/dev/null 2>&1 || true
}

for bench_service in "$@"; do
  case "$bench_service" in
    redis) bench_redis_start || return 1 ;;
    postgresql) bench_postgresql_start || return 1 ;;
  esac
done
