#!/usr/bin/env bash
# Local Keycloak (an OpenID Connect provider) on 127.0.0.1, for the tests and for trying
# staff sign-in: Keycloak's own distribution from Maven Central, run in development mode
# with an in-memory database and the realms of infra/keycloak/realms imported at each start.
#
#   infra/bin/keycloak.sh install|start|stop|status|reset|url
#
# Environment: LOFTE_KEYCLOAK_PORT (8180), LOFTE_KEYCLOAK_HEAP ("-Xms128m -Xmx512m"),
# LOFTE_KEYCLOAK_START_TIMEOUT (240 s), LOFTE_RUN_DIR, LOFTE_CACHE_DIR, LOFTE_STOP_TIMEOUT.
#
# The realm `lofte` holds two organisations' staff and an admin (passwords in the realm file:
# for loopback tests only); `other` is the same realm under another issuer.
set -euo pipefail

COMPONENT=keycloak
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${LOFTE_KEYCLOAK_PORT:=8180}"
: "${LOFTE_KEYCLOAK_HEAP:=-Xms128m -Xmx512m}"
: "${LOFTE_KEYCLOAK_START_TIMEOUT:=240}"

KEYCLOAK_SRC_DIR=$LOFTE_INFRA_DIR/keycloak
KEYCLOAK_POM=$KEYCLOAK_SRC_DIR/pom.xml
KEYCLOAK_REALMS=$KEYCLOAK_SRC_DIR/realms
KEYCLOAK_LOG=$(log_file keycloak)

KEYCLOAK_VERSION=$(sed -n 's:.*<keycloak\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</keycloak\.version>.*:\1:p' "$KEYCLOAK_POM" | head -n 1)
[[ -n $KEYCLOAK_VERSION ]] || die "cannot read <keycloak.version> from $KEYCLOAK_POM"

KEYCLOAK_CACHE=$LOFTE_CACHE_DIR/keycloak-$KEYCLOAK_VERSION
KEYCLOAK_HOME=$KEYCLOAK_CACHE/keycloak-$KEYCLOAK_VERSION
KEYCLOAK_MARKER=$KEYCLOAK_CACHE/.complete
KEYCLOAK_NEEDLE="--http-port=$LOFTE_KEYCLOAK_PORT"
# Two checkouts share the cache and may use one port in turn: ours is known by the port and by
# this checkout's run folder, which it carries on its command line as a system property.
KEYCLOAK_OURS="-Dlofte.run.dir=$LOFTE_RUN_DIR "

installed() { [[ -f $KEYCLOAK_MARKER && -x $KEYCLOAK_HOME/bin/kc.sh ]]; }

cmd_install() {
  local quiet=${1:-}
  [[ -n ${JAVA_HOME:-} ]] || need_cmd java openjdk-17-jre-headless
  if installed; then
    [[ -n $quiet ]] || log "Keycloak $KEYCLOAK_VERSION already in $KEYCLOAK_HOME"
    return 0
  fi
  need_cmd mvn maven
  mkdir -p -- "$KEYCLOAK_CACHE"
  local lock tmp started=$SECONDS
  exec {lock}>"$KEYCLOAK_CACHE/.lock"
  flock "$lock"
  if installed; then
    exec {lock}>&-
    return 0
  fi
  rm -rf -- "$KEYCLOAK_CACHE"/unpack.tmp.*
  tmp=$(mktemp -d "$KEYCLOAK_CACHE/unpack.tmp.XXXXXX")
  log "fetching Keycloak $KEYCLOAK_VERSION with Maven into $KEYCLOAK_HOME (about 170 MB when ~/.m2 is cold)"
  # The plugin's "already unpacked" markers go to the temporary folder, not the repository.
  if ! mvn -q -B -f "$KEYCLOAK_POM" dependency:unpack -DoutputDirectory="$tmp/out" \
    -Dkeycloak.markers="$tmp/markers" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf -- "$tmp"
    die "Maven could not resolve Keycloak $KEYCLOAK_VERSION (output above); is Maven Central reachable?"
  fi
  [[ -x $tmp/out/keycloak-$KEYCLOAK_VERSION/bin/kc.sh ]] || {
    rm -rf -- "$tmp"
    die "Maven finished but keycloak-$KEYCLOAK_VERSION/bin/kc.sh is missing; check $KEYCLOAK_POM"
  }
  rm -rf -- "$KEYCLOAK_HOME"
  mv -- "$tmp/out/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME"
  rm -rf -- "$tmp"
  : >"$KEYCLOAK_MARKER"
  exec {lock}>&-
  log "Keycloak $KEYCLOAK_VERSION ready in $KEYCLOAK_HOME ($((SECONDS - started))s)"
}

url() { printf 'http://127.0.0.1:%s\n' "$LOFTE_KEYCLOAK_PORT"; }

keycloak_ready() { url_ok "$(url)/realms/lofte/.well-known/openid-configuration"; }

cmd_start() {
  local pid
  if pid=$(running_pid keycloak "$KEYCLOAK_NEEDLE" "$KEYCLOAK_OURS"); then
    log "already running (pid $pid) on $(url)"
    return 0
  fi
  cmd_install quiet
  ensure_port_free "$LOFTE_KEYCLOAK_PORT" "Keycloak"
  ensure_run_dirs
  # Development mode reads the realms to import from its home's data/import.
  mkdir -p -- "$KEYCLOAK_HOME/data/import"
  cp -f -- "$KEYCLOAK_REALMS"/*.json "$KEYCLOAK_HOME/data/import/"
  rotate_log "$KEYCLOAK_LOG"
  local started=$SECONDS
  # The bootstrap admin is for the master realm's console on loopback; the tests never use it.
  start_daemon "$KEYCLOAK_LOG" env JAVA_OPTS_KC_HEAP="$LOFTE_KEYCLOAK_HEAP" \
    JAVA_OPTS_APPEND="${KEYCLOAK_OURS% }" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    "$KEYCLOAK_HOME/bin/kc.sh" start-dev --db=dev-mem --import-realm \
    --http-host=127.0.0.1 "$KEYCLOAK_NEEDLE" --hostname-strict=false
  pid=$DAEMON_PID
  write_pid keycloak "$pid"
  log "starting (pid $pid), waiting up to ${LOFTE_KEYCLOAK_START_TIMEOUT}s; log: $KEYCLOAK_LOG"
  if ! wait_until "$LOFTE_KEYCLOAK_START_TIMEOUT" "$pid" "Keycloak to be ready" keycloak_ready; then
    stop_pid "$pid" 10
    rm -f -- "$(pid_file keycloak)"
    die_with_log "$KEYCLOAK_LOG" "Keycloak did not become ready"
  fi
  log "ready on $(url) (pid $pid, $((SECONDS - started))s)"
}

cmd_stop() {
  local pid
  if ! pid=$(running_pid keycloak "$KEYCLOAK_NEEDLE" "$KEYCLOAK_OURS"); then
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  stop_pid "$pid" "$LOFTE_STOP_TIMEOUT"
  rm -f -- "$(pid_file keycloak)"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(running_pid keycloak "$KEYCLOAK_NEEDLE" "$KEYCLOAK_OURS"); then
    printf 'keycloak: running (pid %s) on %s, log %s\n' "$pid" "$(url)" "$KEYCLOAK_LOG"
    return 0
  fi
  printf 'keycloak: stopped\n'
  return 3
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  # Its database lives in memory: a restart is a reset.
  reset) cmd_stop ;;
  url) url ;;
  *)
    component_usage url "print the server's base URL"
    exit 2
    ;;
esac
