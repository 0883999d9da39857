#!/usr/bin/env bash
# Run a command against local Kafka and PostgreSQL:
#
#   infra/bin/with-infra.sh [--] CMD [ARGS...]
#
# For each of Kafka and PostgreSQL: when KAFKA_BOOTSTRAP_SERVERS /
# DATABASE_URL is already set, it is used as is and nothing is started for it;
# otherwise the local one is used, started first if it is not running. CMD then
# runs with both variables exported. Afterwards (also when CMD fails or on
# Ctrl-C) only what this script started is stopped, so a developer's
# `infra.sh up` session survives `make test`. Exits with CMD's exit code.
#
# With LOFTE_KEYCLOAK=start (as `make test` runs it) and no LOFTE_KEYCLOAK_URL, Keycloak
# is installed and started in the background while CMD runs (it takes a minute or more; the
# tests that need it wait for it) and LOFTE_KEYCLOAK_URL is exported.
set -euo pipefail

COMPONENT=with-infra
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ ${1:-} == -- ]] && shift
if (($# == 0)); then
  printf 'usage: %s [--] CMD [ARGS...]\n' "$(basename "$0")" >&2
  exit 2
fi

started=()
keycloak_job=

# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  local i
  if [[ -n $keycloak_job ]]; then
    # A start still under way is cut short; the stop below finds what it started.
    kill "$keycloak_job" 2>/dev/null || true
    wait "$keycloak_job" 2>/dev/null || true
    keycloak_job=
  fi
  # Reverse start order; one failed stop must not keep the next from running.
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    "$LOFTE_BIN_DIR/${started[i]}.sh" stop || warn "could not stop ${started[i]}"
  done
  started=()
keycloak_job=
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap runs; codes follow the shell
# convention (128 + signal number).
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# use_local NAME: reuse NAME if it runs, otherwise start it and remember to
# stop it. Marked before starting, so an interrupted start is cleaned up too.
use_local() {
  if "$LOFTE_BIN_DIR/$1.sh" status >/dev/null 2>&1; then
    log "$1 already running; using it and leaving it running"
  else
    started+=("$1")
    "$LOFTE_BIN_DIR/$1.sh" start
  fi
}

# Same order as infra.sh up: the quick database first.
if [[ -n ${DATABASE_URL:-} ]]; then
  log "using DATABASE_URL from the environment"
else
  use_local postgres
  export DATABASE_URL=postgresql://lofte@127.0.0.1:$LOFTE_PG_PORT/lofte
fi
if [[ -n ${KAFKA_BOOTSTRAP_SERVERS:-} ]]; then
  log "using KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS from the environment"
else
  use_local kafka
  export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$LOFTE_KAFKA_PORT
fi

if [[ -n ${LOFTE_KEYCLOAK_URL:-} ]]; then
  log "using LOFTE_KEYCLOAK_URL=$LOFTE_KEYCLOAK_URL from the environment"
elif [[ ${LOFTE_KEYCLOAK:-} == start ]]; then
  if "$LOFTE_BIN_DIR/keycloak.sh" status >/dev/null 2>&1; then
    log "keycloak already running; using it and leaving it running"
  else
    started+=(keycloak)
    ensure_run_dirs
    log "starting Keycloak in the background; log: $(log_file keycloak-start)"
    "$LOFTE_BIN_DIR/keycloak.sh" start >"$(log_file keycloak-start)" 2>&1 &
    keycloak_job=$!
  fi
  LOFTE_KEYCLOAK_URL=$("$LOFTE_BIN_DIR/keycloak.sh" url)
  export LOFTE_KEYCLOAK_URL
fi

rc=0
"$@" || rc=$?
exit "$rc"
