#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, reachable only through a Unix socket.
#
#   scripts/pg.sh start DIR   initdb DIR/data (first time), start the server with its socket in
#                             DIR and no TCP at all, create database "mamori", and print the
#                             connection URL (postgresql:///mamori?host=DIR) on stdout.
#   scripts/pg.sh stop DIR    stop that server (fast shutdown); DIR is left for the caller to
#                             remove.
#
# The superuser is named after the user running the script, with trust authentication on the
# socket; DIR is mode 0700, so only that user (and root) can reach the socket. initdb refuses
# to run as root, so as root the cluster belongs to the "postgres" system user and DIR is
# chowned to it; root still connects, as the superuser "root". The server log is DIR/server.log.
set -euo pipefail

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB=mamori
PORT=5432 # only names the socket file: there is no TCP listener

die() { echo "pg.sh: $*" >&2; exit 1; }
usage() { die "usage: $0 start|stop DIR"; }

[ $# -eq 2 ] || usage
cmd=$1
[ -n "$2" ] || usage

# Settings from the caller's environment must not redirect the server or the client tools
# (the server reads PGPORT as its default port).
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS PGDATA

me=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  getent passwd "$owner" >/dev/null || die "running as root needs the 'postgres' system user (apt-get install postgresql)"
else
  owner=$me
fi

# Runs a command as the cluster's owner, from a directory that owner can read.
as_owner() {
  if [ "$owner" = "$me" ]; then
    (cd "$dir" && "$@")
  else
    (cd "$dir" && runuser -u "$owner" -- "$@")
  fi
}

case "$cmd" in
start)
  [ -x "$BIN/initdb" ] || die "$BIN/initdb not found (apt-get install postgresql-15, or set PG_BIN)"
  # The path goes into a URL and into postgresql.conf unquoted: keep it plain.
  bad='*[\"\\ &?#%]*'
  want=$2
  [[ "$want" == /* ]] || want="$PWD/$want"
  # shellcheck disable=SC2053
  [[ "$want" != $bad && "$want" != *\'* ]] ||
    die "the directory path must not contain quotes, spaces or any of &?#%: $want"
  mkdir -p -- "$2"
  dir=$(cd -- "$2" && pwd -P)
  # shellcheck disable=SC2053
  [[ "$dir" != $bad && "$dir" != *\'* ]] ||
    die "the directory path must not contain quotes, spaces or any of &?#%: $dir"
  sock="$dir/.s.PGSQL.$PORT"
  [ ${#sock} -le 107 ] || die "the directory path is too long for a Unix socket: $dir"
  data="$dir/data"
  log="$dir/server.log"
  url="postgresql:///$DB?host=$dir"

  if [ -f "$data/PG_VERSION" ]; then
    owner=$(stat -c %U "$data") # a cluster made earlier keeps its owner
  fi
  chmod 0700 "$dir"
  if [ "$owner" != "$me" ] && [ ! -f "$data/PG_VERSION" ]; then
    chown "$owner:" "$dir"
    runuser -u "$owner" -- test -w "$dir" ||
      die "user $owner cannot reach $dir; use a directory it can traverse, e.g. under /tmp"
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$BIN/initdb" --pgdata="$data" --username="$me" --auth-local=trust \
      --auth-host=reject --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    {
      echo "# scripts/pg.sh: a throwaway cluster, Unix socket only"
      echo "listen_addresses = ''"
      echo "port = $PORT"
      echo "unix_socket_directories = '$dir'"
      echo "unix_socket_permissions = 0700"
      echo "max_connections = 200"
    } | as_owner tee -a "$data/postgresql.conf" >/dev/null
  fi

  if ! as_owner "$BIN/pg_ctl" --pgdata="$data" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" --pgdata="$data" --log="$log" --wait --timeout=60 start >/dev/null ||
      { tail -n 20 "$log" >&2 || true; die "the server did not start"; }
  fi

  exists=$("$BIN/psql" --no-psqlrc --quiet --tuples-only --no-align --host="$dir" --port="$PORT" \
    --username="$me" --dbname=postgres \
    --command="SELECT 1 FROM pg_database WHERE datname = '$DB'")
  if [ "$exists" != 1 ]; then
    "$BIN/createdb" --host="$dir" --port="$PORT" --username="$me" "$DB" ||
      die "cannot create database $DB"
  fi
  echo "$url"
  ;;
stop)
  [ -d "$2" ] || die "no such directory: $2"
  dir=$(cd -- "$2" && pwd -P)
  data="$dir/data"
  [ -f "$data/PG_VERSION" ] || die "no cluster in $dir"
  if [ "$owner" != "$me" ]; then
    owner=$(stat -c %U "$data")
  fi
  if as_owner "$BIN/pg_ctl" --pgdata="$data" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" --pgdata="$data" --mode=fast --wait --timeout=60 stop >/dev/null
  fi
  ;;
*)
  usage
  ;;
esac
