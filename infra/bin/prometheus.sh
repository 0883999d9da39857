#!/usr/bin/env bash
# Local Prometheus (Debian package) on 127.0.0.1, scraping the Löfte services
# as configured in infra/prometheus/prometheus.yml.
#
#   infra/bin/prometheus.sh install|start|stop|status|reset|reload
#
# Environment: LOFTE_PROMETHEUS_PORT (9090), LOFTE_PROMETHEUS_START_TIMEOUT
# (30 s), LOFTE_RUN_DIR, LOFTE_STOP_TIMEOUT (30 s).
set -euo pipefail

COMPONENT=prometheus
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${LOFTE_PROMETHEUS_START_TIMEOUT:=30}"

PROM_SRC_DIR=$LOFTE_INFRA_DIR/prometheus
PROM_SRC_CONFIG=$PROM_SRC_DIR/prometheus.yml
PROM_CONF=$LOFTE_CONF_DIR/prometheus/prometheus.yml
PROM_DATA=$LOFTE_DATA_DIR/prometheus
PROM_LOG=$(log_file prometheus)
PROM_URL=http://127.0.0.1:$LOFTE_PROMETHEUS_PORT
# Only our server has this run folder's TSDB path on its command line.
PROM_NEEDLE="--storage.tsdb.path=$PROM_DATA "

# cmd_install [quiet]: "quiet" when start calls it, to say nothing if all is there.
cmd_install() {
  need_cmd curl curl
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    [[ -n ${1:-} ]] || log "installed ($(command -v prometheus))"
    return 0
  fi
  apt_install prometheus
  # The package enables and starts a system-wide server on *:9090; we run our
  # own on 127.0.0.1, so switch the packaged one off.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    log "stopping and disabling the system-wide prometheus service the package started"
    systemctl disable --now prometheus >&2 || warn "could not stop the system prometheus service"
  elif [[ -x /etc/init.d/prometheus ]] && /etc/init.d/prometheus status >/dev/null 2>&1; then
    log "stopping the system-wide prometheus service the package started"
    /etc/init.d/prometheus stop >&2 || warn "could not stop the system prometheus service"
  fi
  command -v promtool >/dev/null 2>&1 || die "package prometheus installed but promtool is missing"
}

# The committed file is valid on its own (promtool checks it in place); the
# run copy only gets this server's address and an absolute rules path, since
# rule_files are resolved relative to the config file.
render_config() {
  local rules=$PROM_SRC_DIR/rules
  [[ $rules != *[\"\\]* ]] || die "the repository path must not contain '\"' or '\\': $rules"
  mkdir -p -- "$(dirname "$PROM_CONF")"
  local targets=$LOFTE_CONF_DIR/prometheus/targets
  [[ $targets != *[\"\\]* ]] || die "the run directory must not contain '\"' or '\\': $targets"
  mkdir -p -- "$targets"
  sed -e "s|127\.0\.0\.1:9090|127.0.0.1:$LOFTE_PROMETHEUS_PORT|g" \
    -e "s|\"rules/\*\.yml\"|\"$(sed_escape "$rules")/*.yml\"|" \
    -e "s|\"targets/|\"$(sed_escape "$targets")/|" \
    "$PROM_SRC_CONFIG" >"$PROM_CONF.tmp"
  local out
  if ! out=$(promtool check config "$PROM_CONF.tmp" 2>&1); then
    printf '%s\n' "$out" >&2
    die "invalid configuration rendered from $PROM_SRC_CONFIG (promtool output above)"
  fi
  mv -f -- "$PROM_CONF.tmp" "$PROM_CONF"
}

prom_running_pid() { running_pid prometheus "$PROM_NEEDLE"; }

cmd_start() {
  local pid
  if pid=$(prom_running_pid); then
    log "already running (pid $pid) at $PROM_URL"
    return 0
  fi
  cmd_install quiet
  ensure_port_free "$LOFTE_PROMETHEUS_PORT" "Prometheus"
  ensure_run_dirs
  render_config
  mkdir -p -- "$PROM_DATA"

  rotate_log "$PROM_LOG"
  local started=$SECONDS
  start_daemon "$PROM_LOG" "$(command -v prometheus)" \
    --config.file="$PROM_CONF" \
    --web.listen-address="127.0.0.1:$LOFTE_PROMETHEUS_PORT" \
    --storage.tsdb.path="$PROM_DATA" \
    --web.enable-lifecycle
  pid=$DAEMON_PID
  write_pid prometheus "$pid"
  log "starting (pid $pid), waiting up to ${LOFTE_PROMETHEUS_START_TIMEOUT}s; log: $PROM_LOG"
  if ! wait_for_url "$PROM_URL/-/ready" "$LOFTE_PROMETHEUS_START_TIMEOUT" "$pid"; then
    stop_pid "$pid" 10
    rm -f -- "$(pid_file prometheus)"
    die_with_log "$PROM_LOG" "Prometheus did not become ready"
  fi
  log "ready at $PROM_URL (pid $pid, $((SECONDS - started))s)"
}

cmd_stop() {
  local pid
  if ! pid=$(prom_running_pid); then
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  stop_pid "$pid" "$LOFTE_STOP_TIMEOUT"
  rm -f -- "$(pid_file prometheus)"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(prom_running_pid); then
    if url_ok "$PROM_URL/-/ready"; then
      printf 'prometheus: running (pid %s) at %s, log %s\n' "$pid" "$PROM_URL" "$PROM_LOG"
    else
      printf 'prometheus: running (pid %s) but %s/-/ready does not answer (starting or unhealthy), log %s\n' \
        "$pid" "$PROM_URL" "$PROM_LOG"
    fi
    return 0
  fi
  printf 'prometheus: stopped\n'
  return 3
}

# Picks up edits to prometheus.yml or rules/*.yml without a restart.
cmd_reload() {
  prom_running_pid >/dev/null || die "not running"
  render_config
  curl -fsS -X POST --max-time 10 -o /dev/null "$PROM_URL/-/reload" ||
    die_with_log "$PROM_LOG" "reload failed"
  log "configuration and rules reloaded"
}

cmd_reset() {
  cmd_stop
  rm -rf -- "$PROM_DATA" "$(dirname "$PROM_CONF")"
  log "data wiped ($PROM_DATA)"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  reload) cmd_reload ;;
  -h | --help | help)
    component_usage reload "re-render the config, reload it and the rules (no restart)"
    ;;
  *)
    component_usage reload "re-render the config, reload it and the rules (no restart)" >&2
    exit 2
    ;;
esac
