#!/usr/bin/env bash
# Local private PostgreSQL 15 cluster on 127.0.0.1, superuser and database
# "lofte", trust authentication (it only listens on the loopback interface).
#
#   infra/bin/postgres.sh install|start|stop|status|reset|dsn
#
# Environment: LOFTE_PG_PORT (55432), LOFTE_PG_START_TIMEOUT (60 s),
# LOFTE_RUN_DIR, LOFTE_STOP_TIMEOUT (30 s).
set -euo pipefail

COMPONENT=postgres
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${LOFTE_PG_START_TIMEOUT:=60}"

PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=lofte
PG_DB=lofte
PG_DSN=postgresql://$PG_USER@127.0.0.1:$LOFTE_PG_PORT/$PG_DB
PG_LINK=$LOFTE_DATA_DIR/postgres

# PostgreSQL refuses to run as root, so root runs it as the "postgres" OS user
# (created by the Debian package); anyone else runs it as themselves.
PG_AS=()
if ((EUID == 0)); then
  PG_AS=(runuser -u postgres --)
fi

# as_pg CMD...: run CMD as the cluster's OS user. cd / because initdb and
# pg_ctl fail when they cannot read the current directory (e.g. /root).
as_pg() { (cd / && "${PG_AS[@]}" "$@"); }

# Where the cluster lives. Normally .run/data/postgres; when root runs this
# from a folder the postgres user cannot reach (e.g. a clone under a 0700
# home), a folder under /var/tmp instead, with .run/data/postgres a symlink to
# it so that later runs (and reset) find it again.
pg_fallback_home() { printf '/var/tmp/lofte-postgres-%s' "$(short_hash "$LOFTE_RUN_DIR")"; }

set_paths() {
  PG_HOME=$1
  PGDATA=$PG_HOME/pgdata
  PG_SOCKET_DIR=$PG_HOME/socket
  if [[ $PG_HOME == "$PG_LINK" ]]; then
    PG_LOG=$(log_file postgres)
  else
    # pg_ctl opens the log as the postgres user, so it must sit where that
    # user can write; .run/logs/postgres.log links to it.
    PG_LOG=$PG_HOME/postgres.log
  fi
  # The postmaster keeps "-D <data dir>" on its command line; its children
  # retitle themselves. The trailing space stands for the end of the argument.
  PG_NEEDLE="$PG_BIN/postgres -D $PGDATA "
}

# Read-only guess (status, stop): follow the symlink if a fallback was chosen.
if [[ -L $PG_LINK ]]; then
  set_paths "$(readlink -- "$PG_LINK")"
else
  set_paths "$PG_LINK"
fi

# choose_home: decide (and create) where the cluster lives; used by start.
choose_home() {
  ensure_run_dirs
  if [[ -L $PG_LINK ]]; then
    set_paths "$(readlink -- "$PG_LINK")"
    mkdir -p -- "$PG_HOME"
  elif ((EUID == 0)) && ! as_pg test -x "$LOFTE_DATA_DIR" -a -x "$LOFTE_LOGS_DIR"; then
    local home
    home=$(pg_fallback_home)
    warn "the postgres OS user cannot reach $LOFTE_DATA_DIR (a parent folder is not searchable); keeping the cluster in $home instead (linked from $PG_LINK)"
    rm -rf -- "$PG_LINK"
    mkdir -p -- "$home"
    ln -s -- "$home" "$PG_LINK"
    ln -sfn -- "$home/postgres.log" "$(log_file postgres)"
    set_paths "$home"
  else
    mkdir -p -- "$PG_HOME"
  fi
  if ((EUID == 0)); then
    chown postgres:postgres -- "$PG_HOME"
    chmod 0700 -- "$PG_HOME"
  fi
}

# cmd_install [quiet]: "quiet" when start calls it, to say nothing if all is there.
cmd_install() {
  if [[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl && -x $PG_BIN/postgres && -x $PG_BIN/psql ]]; then
    [[ -n ${1:-} ]] || log "PostgreSQL 15 is installed ($PG_BIN)"
  else
    local had_main=
    if command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters -h 15 main >/dev/null 2>&1; then
      had_main=1
    fi
    apt_install postgresql-15
    # The Debian package creates and starts a default cluster 15/main on 5432.
    # Nothing of ours uses it, and a stray server is exactly what this runner
    # must not leave behind, so drop it - but only if the install created it.
    if [[ -z $had_main ]] && pg_lsclusters -h 15 main >/dev/null 2>&1; then
      log "dropping the default cluster 15/main that the Debian package created"
      pg_dropcluster --stop 15 main
    fi
    [[ -x $PG_BIN/initdb ]] || die "postgresql-15 installed but $PG_BIN/initdb is missing"
  fi
  if ((EUID == 0)) && ! id -u postgres >/dev/null 2>&1; then
    die "running as root needs the 'postgres' OS user (created by the postgresql-15 package); reinstall postgresql-15 or run as a normal user"
  fi
}

pg_locale() {
  # initdb fails outright on a locale the C library does not have.
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    printf 'C.UTF-8\n'
  else
    printf 'C\n'
  fi
}

init_cluster() {
  [[ -f $PGDATA/PG_VERSION ]] && return 0
  # initdb into a side folder and rename, so an interrupted initdb never
  # leaves a half-made cluster where the next start would trip over it.
  local tmp=$PG_HOME/pgdata.init initlog
  initlog=$(log_file postgres-initdb)
  rm -rf -- "$tmp"
  log "creating the cluster in $PGDATA"
  if ! as_pg "$PG_BIN/initdb" -D "$tmp" --auth=trust -U "$PG_USER" -E UTF8 \
    --locale="$(pg_locale)" >"$initlog" 2>&1; then
    rm -rf -- "$tmp"
    die_with_log "$initlog" "initdb failed"
  fi
  cat >>"$tmp/postgresql.conf" <<'EOF'

# Added by infra/bin/postgres.sh. lofte.conf is rewritten on every start
# (port and addresses follow LOFTE_PG_PORT / LOFTE_RUN_DIR).
include = 'lofte.conf'
EOF
  mv -- "$tmp" "$PGDATA"
}

write_settings() {
  [[ $PG_SOCKET_DIR != *\'* ]] || die "the run folder path must not contain a quote: $PG_SOCKET_DIR"
  mkdir -p -- "$PG_SOCKET_DIR"
  # Durability settings (fsync, synchronous_commit, full_page_writes) keep
  # their defaults on purpose: crash-safety tests run against this server.
  cat >"$PGDATA/lofte.conf" <<EOF
# Written by infra/bin/postgres.sh on every start; edits here are lost.
listen_addresses = '127.0.0.1'
port = $LOFTE_PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 200
shared_buffers = 128MB
EOF
  if ((EUID == 0)); then
    chown postgres:postgres -- "$PGDATA/lofte.conf" "$PG_SOCKET_DIR"
  fi
}

pg_running_pid() { running_pid postgres "$PG_NEEDLE"; }

# psql_admin ARGS...: connect over TCP as the superuser; trust auth, no password.
psql_admin() {
  PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$LOFTE_PG_PORT" -U "$PG_USER" "$@"
}

ensure_database() {
  local exists
  exists=$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")
  if [[ $exists != 1 ]]; then
    log "creating database $PG_DB (owner $PG_USER)"
    psql_admin -d postgres -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
  fi
}

cmd_start() {
  local pid
  if pid=$(pg_running_pid); then
    log "already running (pid $pid) at $PG_DSN"
    return 0
  fi
  cmd_install quiet
  ensure_port_free "$LOFTE_PG_PORT" "PostgreSQL"
  choose_home
  init_cluster
  write_settings

  rotate_log "$PG_LOG"
  if ((EUID == 0)); then
    install -o postgres -g postgres -m 0644 /dev/null "$PG_LOG"
  fi
  local started=$SECONDS
  log "starting, waiting up to ${LOFTE_PG_START_TIMEOUT}s; log: $(log_file postgres)"
  # pg_ctl -w returns once the server accepts connections; the postmaster
  # detaches into its own session.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t "$LOFTE_PG_START_TIMEOUT" -s start; then
    # A server that came up too slowly would otherwise keep running.
    if pid=$(find_pid "$PG_NEEDLE"); then
      stop_pid "$pid" 10 INT
    fi
    die_with_log "$PG_LOG" "PostgreSQL did not start"
  fi
  pid=$(head -n 1 -- "$PGDATA/postmaster.pid")
  pid_matches "$pid" "$PG_NEEDLE" ||
    die_with_log "$PG_LOG" "postmaster.pid names pid $pid, which is not our postgres"
  write_pid postgres "$pid"
  wait_for_port "$LOFTE_PG_PORT" 10 "$pid" || die_with_log "$PG_LOG" "PostgreSQL does not answer on 127.0.0.1:$LOFTE_PG_PORT"
  ensure_database
  log "ready at $PG_DSN (pid $pid, $((SECONDS - started))s)"
}

cmd_stop() {
  local pid
  if ! pid=$(pg_running_pid); then
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  # SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions,
  # disconnect clients, checkpoint. SIGTERM ("smart") would wait for every
  # client - e.g. a forgotten test connection - to go away by itself.
  stop_pid "$pid" "$LOFTE_STOP_TIMEOUT" INT
  rm -f -- "$(pid_file postgres)"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(pg_running_pid); then
    printf 'postgres: running (pid %s) at %s, data %s, log %s\n' "$pid" "$PG_DSN" "$PGDATA" "$(log_file postgres)"
    return 0
  fi
  printf 'postgres: stopped\n'
  return 3
}

cmd_reset() {
  cmd_stop
  if [[ -L $PG_LINK ]]; then
    rm -rf -- "$(readlink -- "$PG_LINK")"
    rm -f -- "$PG_LINK" "$(log_file postgres)"
  else
    rm -rf -- "$PG_LINK"
  fi
  log "data wiped; the next start creates a new cluster"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  dsn) printf '%s\n' "$PG_DSN" ;;
  -h | --help | help)
    component_usage dsn "print the connection URL ($PG_DSN)"
    ;;
  *)
    component_usage dsn "print the connection URL ($PG_DSN)" >&2
    exit 2
    ;;
esac
