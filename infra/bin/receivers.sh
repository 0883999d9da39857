#!/usr/bin/env bash
# The demo's own receivers, so that what `make up` notifies can be read in a browser: a mail
# catcher (maildev, from the npm registry) for mail, and a webhook inbox
# (infra/demo/webhook_inbox.py) for the webhook and Teams messages. Development only.
#
#   infra/bin/receivers.sh install|start|stop|status|routing DESTINATION
#
# `routing DESTINATION` writes the shipped Lund routing with every webhook and Teams address
# pointed at the inbox. Environment: LOFTE_MAILDEV_SMTP_PORT (1025), LOFTE_MAILDEV_WEB_PORT
# (1080), LOFTE_INBOX_PORT (8090), LOFTE_RUN_DIR, LOFTE_CACHE_DIR.
set -euo pipefail

COMPONENT=receivers
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${LOFTE_MAILDEV_SMTP_PORT:=1025}"
: "${LOFTE_MAILDEV_WEB_PORT:=1080}"
: "${LOFTE_INBOX_PORT:=8090}"
: "${LOFTE_RECEIVERS_START_TIMEOUT:=60}"

MAILDEV_VERSION=2.2.1
MAILDEV_HOME=$LOFTE_CACHE_DIR/maildev-$MAILDEV_VERSION
MAILDEV_BIN=$MAILDEV_HOME/node_modules/.bin/maildev
MAILDEV_WEB=http://127.0.0.1:$LOFTE_MAILDEV_WEB_PORT
INBOX_URL=http://127.0.0.1:$LOFTE_INBOX_PORT
PYTHON=$LOFTE_ROOT/.venv/bin/python
INBOX_SCRIPT=$LOFTE_INFRA_DIR/demo/webhook_inbox.py
ROUTING_SOURCE=$LOFTE_ROOT/services/notifications/routing.yaml

cmd_install() {
  if [[ -x $MAILDEV_BIN ]]; then
    [[ -n ${1:-} ]] || log "maildev $MAILDEV_VERSION installed in $MAILDEV_HOME"
    return 0
  fi
  need_cmd npm npm
  log "installing maildev $MAILDEV_VERSION from the npm registry into $MAILDEV_HOME"
  mkdir -p -- "$MAILDEV_HOME"
  npm install --prefix "$MAILDEV_HOME" --no-audit --no-fund --loglevel=error \
    "maildev@$MAILDEV_VERSION" >&2 || die "npm could not install maildev $MAILDEV_VERSION"
  [[ -x $MAILDEV_BIN ]] || die "maildev installed but $MAILDEV_BIN is missing"
}

# Known by their ports too: another checkout's (or a test's) receivers are not ours.
maildev_pid() { running_pid maildev "$MAILDEV_HOME/" "--web $LOFTE_MAILDEV_WEB_PORT "; }
inbox_pid() { running_pid webhook-inbox "$INBOX_SCRIPT" "--port $LOFTE_INBOX_PORT "; }

start_maildev() {
  local pid logfile
  if pid=$(maildev_pid); then
    log "mail catcher already running (pid $pid) at $MAILDEV_WEB"
    return 0
  fi
  cmd_install quiet
  ensure_port_free "$LOFTE_MAILDEV_SMTP_PORT" "the mail catcher's SMTP"
  ensure_port_free "$LOFTE_MAILDEV_WEB_PORT" "the mail catcher's web page"
  logfile=$(log_file maildev)
  rotate_log "$logfile"
  start_daemon "$logfile" "$MAILDEV_BIN" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --smtp "$LOFTE_MAILDEV_SMTP_PORT" --web "$LOFTE_MAILDEV_WEB_PORT"
  pid=$DAEMON_PID
  write_pid maildev "$pid"
  if ! wait_for_url "$MAILDEV_WEB/email" "$LOFTE_RECEIVERS_START_TIMEOUT" "$pid"; then
    die_with_log "$logfile" "the mail catcher did not start"
  fi
  log "mail catcher ready: SMTP 127.0.0.1:$LOFTE_MAILDEV_SMTP_PORT, messages at $MAILDEV_WEB"
}

start_inbox() {
  local pid logfile
  if pid=$(inbox_pid); then
    log "webhook inbox already running (pid $pid) at $INBOX_URL"
    return 0
  fi
  [[ -x $PYTHON ]] || die "no virtualenv at $LOFTE_ROOT/.venv: run make venv"
  ensure_port_free "$LOFTE_INBOX_PORT" "the webhook inbox"
  logfile=$(log_file webhook-inbox)
  rotate_log "$logfile"
  start_daemon "$logfile" "$PYTHON" "$INBOX_SCRIPT" --port "$LOFTE_INBOX_PORT"
  pid=$DAEMON_PID
  write_pid webhook-inbox "$pid"
  if ! wait_for_url "$INBOX_URL/messages.json" "$LOFTE_RECEIVERS_START_TIMEOUT" "$pid"; then
    die_with_log "$logfile" "the webhook inbox did not start"
  fi
  log "webhook inbox ready at $INBOX_URL"
}

cmd_start() {
  ensure_run_dirs
  start_maildev
  start_inbox
}

cmd_stop() {
  local pid name
  for name in maildev webhook-inbox; do
    if pid=$( [[ $name == maildev ]] && maildev_pid || inbox_pid); then
      log "stopping $name (pid $pid)"
      stop_pid "$pid"
    fi
    rm -f -- "$(pid_file "$name")"
  done
}

cmd_status() {
  local pid rc=0
  if pid=$(maildev_pid); then
    printf '%-16s running (pid %s) %s\n' mail-catcher "$pid" "$MAILDEV_WEB"
  else
    printf '%-16s stopped\n' mail-catcher
    rc=3
  fi
  if pid=$(inbox_pid); then
    printf '%-16s running (pid %s) %s\n' webhook-inbox "$pid" "$INBOX_URL"
  else
    printf '%-16s stopped\n' webhook-inbox
    rc=3
  fi
  return "$rc"
}

cmd_routing() {
  local destination=${1:?usage: receivers.sh routing DESTINATION}
  mkdir -p -- "$(dirname "$destination")"
  "$PYTHON" "$LOFTE_INFRA_DIR/demo/demo_routing.py" "$ROUTING_SOURCE" "$destination" \
    --inbox "$INBOX_URL"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  routing) cmd_routing "${2:-}" ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
