# Sourced by .ci/run (and by hand: `source .ci/services/postgresql.sh`): installs PostgreSQL when missing, starts a
# throwaway cluster (trust auth, loopback only) and exports LOGOUTENRICHER_TEST_POSTGRES for the tests.
# Sourced, so it never exits: every failure returns non-zero to the caller.

ci_postgres_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

ci_postgres_start() {
  local port=${LOGOUTENRICHER_CI_POSTGRES_PORT:-5439}
  local data="/tmp/logoutenricher-ci-postgres-$port"
  local bin
  if ! bin=$(ci_postgres_bin); then
    if [ -z "${CI_APT_UPDATED:-}" ]; then
      apt-get update -qq >/dev/null || return 1
      export CI_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
    bin=$(ci_postgres_bin) || return 1
  fi

  # The server refuses to run as root: the cluster belongs to the postgres user (created by the package).
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
  if ! su postgres -c "$bin/pg_ctl -D $data status" >/dev/null 2>&1; then
    rm -rf "$data"
    install -d -o postgres -g postgres -m 700 "$data" || return 1
    su postgres -c "$bin/initdb -D $data --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8" >/dev/null || return 1
    su postgres -c "$bin/pg_ctl -D $data -l $data/server.log -w -o \"-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start" >/dev/null || {
      tail -20 "$data/server.log" >&2
      return 1
    }
  fi

  export LOGOUTENRICHER_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  export LOGOUTENRICHER_TEST_POSTGRES_BIN="$bin"
  CI_STOP_HOOKS+=("su postgres -c '$bin/pg_ctl -D $data -m fast stop'; rm -rf '$data'")
  echo "postgresql.sh: $("$bin/postgres" --version) on 127.0.0.1:$port"
}

ci_postgres_start
