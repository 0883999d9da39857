#!/usr/bin/env bash
# The Löfte services (and the partner simulator) as background processes.
#
#   infra/bin/services.sh up|down|status|summary [activities|metrics|notifications|public|simulator ...]
#
# Without names it acts on all; `up` starts the simulator unless SIMULATOR=0. The services
# talk to the Kafka and PostgreSQL that infra/bin/infra.sh runs (start those first).
# SCALE=N runs N instances of each service: instance i listens on the service's port + 10(i-1).
# Unless DEMO_RECEIVERS=0, the notifications go to a local mail catcher and webhook inbox
# (infra/bin/receivers.sh), where they can be read, instead of the example addresses.
set -euo pipefail

COMPONENT=services
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${LOFTE_ACTIVITIES_PORT:=8001}"
: "${LOFTE_METRICS_PORT:=8002}"
: "${LOFTE_NOTIFICATIONS_PORT:=8003}"
: "${LOFTE_PUBLIC_PORT:=8004}"
: "${LOFTE_SERVICE_START_TIMEOUT:=90}"
: "${SIMULATOR:=1}"
: "${SCALE:=1}"
: "${DEMO_RECEIVERS:=1}"
: "${LOFTE_MAILDEV_SMTP_PORT:=1025}"
: "${LOFTE_MAILDEV_WEB_PORT:=1080}"
: "${LOFTE_INBOX_PORT:=8090}"
export LOFTE_MAILDEV_SMTP_PORT LOFTE_MAILDEV_WEB_PORT LOFTE_INBOX_PORT
[[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "SCALE must be a whole number from 1 up, not '$SCALE'"

PYTHON=$LOFTE_ROOT/.venv/bin/python
LOFTE_CLI=$LOFTE_ROOT/.venv/bin/lofte
DATABASE_URL_LOCAL="postgresql://lofte@127.0.0.1:$LOFTE_PG_PORT/lofte"
# Beside the database's data, so that `make reset` forgets the keys with the database.
SIMULATOR_KEYS=$LOFTE_DATA_DIR/simulator-keys
# Every staff endpoint needs credentials: a staff key per organisation and an admin key for a
# newcomer to try the APIs with, and an admin key the notifications service reads the KPIs
# with for the weekly digest. The public site reads them with a staff key of the municipality,
# which publishes it: the least a key may be and still read a promise's KPIs.
STAFF_KEYS=$LOFTE_DATA_DIR/staff-keys
ORGANISATIONS=(polisen kommunen raddningstjansten)
SERVICES=(activities metrics notifications public)
ALL=("${SERVICES[@]}" simulator)

# Instance i of a service is named SERVICE-i, except the first, which is named as the service.
service_of() { printf '%s' "${1%-[0-9]*}"; }
number_of() { [[ $1 == *-[0-9]* ]] && printf '%s' "${1##*-}" || printf 1; }

# instances_of SERVICE [COUNT]: the names of its first COUNT (default SCALE) instances.
instances_of() {
  local i
  printf '%s\n' "$1"
  for ((i = 2; i <= ${2:-$SCALE}; i++)); do printf '%s-%s\n' "$1" "$i"; done
}

port_of() {
  local base
  case $(service_of "$1") in
    activities) base=$LOFTE_ACTIVITIES_PORT ;;
    metrics) base=$LOFTE_METRICS_PORT ;;
    notifications) base=$LOFTE_NOTIFICATIONS_PORT ;;
    public) base=$LOFTE_PUBLIC_PORT ;;
  esac
  printf '%s' "$((base + 10 * ($(number_of "$1") - 1)))"
}

module_of() {
  case $1 in
    simulator) printf 'simulator' ;;
    *) printf 'services.%s' "$(service_of "$1")" ;;
  esac
}

# Only a process of this checkout's virtualenv running the module counts as ours. The
# instances of one service share a command line, so a service instance is known by its pid
# file alone, and by the INSTANCE_ID in its environment.
our_pid() {
  local name=$1 file pid
  if [[ $name == simulator ]]; then
    running_pid "$name" "$PYTHON" "-m $(module_of "$name")"
    return
  fi
  file=$(pid_file "$name")
  pid=$(head -n 1 -- "$file" 2>/dev/null) || return 1
  if pid_matches "$pid" "$PYTHON" "-m $(module_of "$name")" &&
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "INSTANCE_ID=$(number_of "$name")"; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f -- "$file"
  return 1
}

# Prometheus scrapes every instance of each service, on the ports it was given, from these
# files (file-based discovery), which it reads again whenever they change.
write_scrape_targets() {
  local service dir=$LOFTE_CONF_DIR/prometheus/targets name targets
  mkdir -p -- "$dir"
  for service in "${SERVICES[@]}"; do
    targets=()
    while read -r name; do
      targets+=("\"127.0.0.1:$(port_of "$name")\"")
    done < <(instances_of "$service")
    printf '[{"targets": [%s]}]\n' "$(IFS=,; printf '%s' "${targets[*]}")" >"$dir/$service.json.tmp"
    mv -f -- "$dir/$service.json.tmp" "$dir/$service.json"
  done
}

start_one() {
  local name=$1 pid port logfile
  if pid=$(our_pid "$name"); then
    log "$name already running (pid $pid)"
    return 0
  fi
  [[ -x $PYTHON ]] || die "no virtualenv at $LOFTE_ROOT/.venv: run make venv"
  ensure_run_dirs
  logfile=$(log_file "$name")
  rotate_log "$logfile"
  if [[ $name == simulator ]]; then
    ensure_simulator_keys
    start_daemon "$logfile" env PYTHONUNBUFFERED=1 "$PYTHON" -m simulator \
      --url "http://127.0.0.1:$LOFTE_ACTIVITIES_PORT" --keys "$SIMULATOR_KEYS"
    write_pid "$name" "$DAEMON_PID"
    log "simulator started (pid $DAEMON_PID): last year at once, then this year at a year in ten minutes"
    return 0
  fi
  port=$(port_of "$name")
  ensure_port_free "$port" "$name"
  local -a own=()
  if [[ $(service_of "$name") == notifications ]]; then
    ensure_staff_keys
    own=(METRICS_URL="http://127.0.0.1:$LOFTE_METRICS_PORT"
      METRICS_API_KEY="$(key_in "$STAFF_KEYS" digest)")
    if [[ $DEMO_RECEIVERS != 0 ]]; then
      ensure_demo_receivers
      own+=(ROUTING_FILE="$DEMO_ROUTING" SMTP__HOST=127.0.0.1 SMTP__PORT="$LOFTE_MAILDEV_SMTP_PORT")
    fi
  elif [[ $(service_of "$name") == public ]]; then
    ensure_staff_keys
    # Every instance keeps the last figures in the same folder: a restarted one, or one
    # that cannot reach the metrics service, shows what the others read.
    own=(METRICS_URL="http://127.0.0.1:$LOFTE_METRICS_PORT"
      METRICS_API_KEY="$(key_in "$STAFF_KEYS" public)"
      STATE_DIR="$LOFTE_DATA_DIR/public"
      PUBLIC_URL="http://127.0.0.1:$port")
  elif [[ $(service_of "$name") == activities ]]; then
    # Receipts ask the metrics service what it applied.
    ensure_staff_keys
    own=(METRICS_URL="http://127.0.0.1:$LOFTE_METRICS_PORT"
      METRICS_API_KEY="$(key_in "$STAFF_KEYS" receipts)")
  fi
  (
    cd "$LOFTE_ROOT"
    start_daemon "$logfile" env "${own[@]}" \
      HTTP_HOST=127.0.0.1 \
      HTTP_PORT="$port" \
      INSTANCE_ID="$(number_of "$name")" \
      KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$LOFTE_KAFKA_PORT" \
      DATABASE_URL="$DATABASE_URL_LOCAL" \
      "$PYTHON" -m "$(module_of "$name")"
    write_pid "$name" "$DAEMON_PID"
  )
  pid=$(head -n 1 "$(pid_file "$name")")
  if ! wait_until "$LOFTE_SERVICE_START_TIMEOUT" "$pid" "$name to be ready" \
    url_ok "http://127.0.0.1:$port/ready"; then
    die_with_log "$logfile" "$name did not become ready"
  fi
  log "$name ready on http://127.0.0.1:$port (pid $pid)"
}

# The simulator reports like the partners it plays: with an API key per organisation.
ensure_simulator_keys() {
  [[ -s $SIMULATOR_KEYS ]] && return 0
  local organisation key tmp=$SIMULATOR_KEYS.tmp
  mkdir -p -- "$(dirname "$SIMULATOR_KEYS")"
  (umask 077 && : >"$tmp")
  for organisation in "${ORGANISATIONS[@]}"; do
    key=$(DATABASE_URL=$DATABASE_URL_LOCAL "$LOFTE_CLI" keys create \
      --org "$organisation" --role partner --label simulator) ||
      die "could not create an API key for $organisation"
    printf '%s=%s\n' "$organisation" "$key" >>"$tmp"
  done
  mv -- "$tmp" "$SIMULATOR_KEYS"
  log "created API keys for the simulator in $SIMULATOR_KEYS"
}

# new_key ROLE LABEL [ORGANISATION]: a key made as an operator makes one; prints only the key.
new_key() {
  local -a org=()
  [[ -n ${3:-} ]] && org=(--org "$3")
  DATABASE_URL=$DATABASE_URL_LOCAL "$LOFTE_CLI" keys create "${org[@]}" --role "$1" \
    --label "$2" || die "could not create a $1 key ($2)"
}

# staff-keys holds NAME=KEY lines: one per organisation (staff), admin, digest (admin, for
# the notifications service), receipts (admin, for the activities service) and public (the
# municipality's staff, for the public site).
ensure_staff_keys() {
  if [[ -s $STAFF_KEYS ]]; then
    # A file made before a service had a key gets that key added, once.
    [[ -n $(key_in "$STAFF_KEYS" receipts) ]] ||
      printf 'receipts=%s\n' "$(new_key admin "make up: activities receipts")" >>"$STAFF_KEYS"
    [[ -n $(key_in "$STAFF_KEYS" public) ]] ||
      printf 'public=%s\n' "$(new_key staff "make up: public site" kommunen)" >>"$STAFF_KEYS"
    return 0
  fi
  local organisation tmp=$STAFF_KEYS.tmp
  mkdir -p -- "$(dirname "$STAFF_KEYS")"
  (umask 077 && : >"$tmp")
  for organisation in "${ORGANISATIONS[@]}"; do
    printf '%s=%s\n' "$organisation" "$(new_key staff "make up: $organisation staff" "$organisation")" >>"$tmp"
  done
  printf 'admin=%s\n' "$(new_key admin "make up: admin")" >>"$tmp"
  printf 'digest=%s\n' "$(new_key admin "make up: notifications digest")" >>"$tmp"
  printf 'public=%s\n' "$(new_key staff "make up: public site" kommunen)" >>"$tmp"
  printf 'receipts=%s\n' "$(new_key admin "make up: activities receipts")" >>"$tmp"
  mv -- "$tmp" "$STAFF_KEYS"
  log "created staff and admin API keys in $STAFF_KEYS"
}

# The demo's notifications are read in a browser: mail in the mail catcher, webhook and Teams
# messages in the inbox the rendered routing points them at.
DEMO_ROUTING=$LOFTE_CONF_DIR/notifications/routing.yaml
ensure_demo_receivers() {
  "$LOFTE_BIN_DIR/receivers.sh" start
  "$LOFTE_BIN_DIR/receivers.sh" routing "$DEMO_ROUTING"
}

# key_in FILE NAME: the key on FILE's NAME= line.
key_in() { sed -n "s/^$2=//p" "$1" | head -n 1; }

stop_one() {
  local name=$1 pid
  if pid=$(our_pid "$name"); then
    log "stopping $name (pid $pid)"
    stop_pid "$pid"
  fi
  rm -f -- "$(pid_file "$name")"
}

status_one() {
  local name=$1 pid
  if pid=$(our_pid "$name"); then
    if [[ $name == simulator ]]; then
      printf '%-16s running (pid %s)\n' "$name" "$pid"
    else
      printf '%-16s running (pid %s) http://127.0.0.1:%s\n' "$name" "$pid" "$(port_of "$name")"
    fi
    return 0
  fi
  printf '%-16s stopped\n' "$name"
  return 3
}

summary() {
  local name
  printf '\nLöfte is up (stop with: make down)\n'
  for name in $(all_instances); do
    if [[ $(service_of "$name") == public ]]; then
      printf '  %-16s http://127.0.0.1:%s  (the public site, metrics: /metrics)\n' \
        "$name" "$(port_of "$name")"
    else
      printf '  %-16s http://127.0.0.1:%s  (API docs: /docs, metrics: /metrics)\n' \
        "$name" "$(port_of "$name")"
    fi
  done
  printf '  %-16s http://127.0.0.1:%s/promises/lund-2017  (the public progress page, no key)\n' \
    "public site" "$LOFTE_PUBLIC_PORT"
  printf '  %-16s http://127.0.0.1:%s\n' prometheus "$LOFTE_PROMETHEUS_PORT"
  printf '  %-16s KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:%s\n' kafka "$LOFTE_KAFKA_PORT"
  printf '  %-16s DATABASE_URL=postgresql://lofte@127.0.0.1:%s/lofte\n' postgres "$LOFTE_PG_PORT"
  if our_pid simulator >/dev/null; then
    printf '  %-16s posting Lund events with the keys in %s\n' simulator "$SIMULATOR_KEYS"
  fi
  if [[ -s $STAFF_KEYS ]]; then
    printf '  %-16s %s (staff of each organisation, and admin); try:\n' keys "$STAFF_KEYS"
    printf '  %-16s curl -H "authorization: Bearer $(sed -n s/^polisen=//p %s)" http://127.0.0.1:%s/v1/notifications\n' \
      "" "$STAFF_KEYS" "$LOFTE_NOTIFICATIONS_PORT"
  fi
  if "$LOFTE_BIN_DIR/receivers.sh" status >/dev/null 2>&1; then
    printf '  %-16s http://127.0.0.1:%s  (every mail the notifications sent)\n' \
      mail "$LOFTE_MAILDEV_WEB_PORT"
    printf '  %-16s http://127.0.0.1:%s  (every webhook and Teams message)\n' \
      webhooks "$LOFTE_INBOX_PORT"
  fi
  printf '  %-16s %s\n' logs "$LOFTE_LOGS_DIR"
}

# Every instance: SCALE of each service when starting; when stopping or looking, also any
# further ones an earlier, larger SCALE left running.
all_instances() {
  local service name file
  for service in "${SERVICES[@]}"; do
    instances_of "$service"
    if [[ $command != up ]]; then
      for file in "$LOFTE_PIDS_DIR/$service"-*.pid; do
        [[ -f $file ]] || continue
        name=$(basename -- "$file" .pid)
        ((${name##*-} > SCALE)) && printf '%s\n' "$name"
      done
    fi
  done
  return 0
}

main() {
  command=${1:-}
  local name rc=0
  shift || true
  local -a names=()
  for name in "$@"; do
    [[ " ${ALL[*]} " == *" $name "* ]] || die "unknown service: $name"
    if [[ $name == simulator ]]; then names+=(simulator); else mapfile -t -O "${#names[@]}" names < <(instances_of "$name"); fi
  done
  if ((${#names[@]} == 0)); then
    mapfile -t names < <(all_instances)
    if [[ $command != up || $SIMULATOR != 0 ]]; then
      names+=(simulator)
    fi
  fi
  case $command in
    up)
      write_scrape_targets
      for name in "${names[@]}"; do start_one "$name"; done
      ;;
    down)
      # The simulator first, so that it does not retry against stopped services.
      for ((i = ${#names[@]} - 1; i >= 0; i--)); do stop_one "${names[i]}"; done
      (($#)) || "$LOFTE_BIN_DIR/receivers.sh" stop
      ;;
    status)
      for name in "${names[@]}"; do status_one "$name" || rc=3; done
      return "$rc"
      ;;
    summary) summary ;;
    *)
      sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
