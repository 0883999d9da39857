#!/usr/bin/env bash
# Start, stop, inspect or wipe the local infrastructure.
#
#   infra/bin/infra.sh up|down|status|reset [kafka|postgres|prometheus ...]
#
# Without components it acts on all three. Every command is idempotent.
set -euo pipefail

COMPONENT=infra
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Start order: the quick, dependency-free database first, then the broker,
# then the monitoring that watches the others. Stop in reverse.
ALL_COMPONENTS=(postgres kafka prometheus)

usage() {
  cat <<EOF
usage: $(basename "$0") up|down|status|reset [kafka|postgres|prometheus ...]

  up      install what is missing, start, wait until healthy, print a summary
  down    stop (nothing of ours keeps running)
  status  one line per component; exit 0 when all are running, 3 otherwise
  reset   stop and wipe the data

Environment (defaults): LOFTE_KAFKA_PORT (9092), LOFTE_KAFKA_CONTROLLER_PORT
(9093), LOFTE_PG_PORT (55432), LOFTE_PROMETHEUS_PORT (9090), LOFTE_KAFKA_HEAP
("-Xms256m -Xmx768m"), LOFTE_RUN_DIR (<repo>/.run), LOFTE_CACHE_DIR
(~/.cache/lofte), LOFTE_STOP_TIMEOUT (30).
Per component: infra/bin/{kafka,postgres,prometheus}.sh --help
EOF
}

check_components() {
  local want
  for want in "$@"; do
    if [[ " ${ALL_COMPONENTS[*]} " != *" $want "* ]]; then
      usage >&2
      die "unknown component: $want"
    fi
  done
}

# selected ORDER NAME...: the components of ORDER that the user asked for (all
# when none), in ORDER's order, whatever order they were typed in.
selected() {
  local -a order=("${!1}")
  shift
  local c want
  if (($# == 0)); then
    printf '%s\n' "${order[@]}"
    return
  fi
  for c in "${order[@]}"; do
    for want in "$@"; do
      if [[ $c == "$want" ]]; then
        printf '%s\n' "$c"
        break
      fi
    done
  done
}

summary() {
  local c
  printf '\nLofte local infrastructure (stop with: infra/bin/infra.sh down)\n'
  for c in "$@"; do
    case $c in
      kafka) printf '  %-11s KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:%s\n' kafka "$LOFTE_KAFKA_PORT" ;;
      postgres) printf '  %-11s DATABASE_URL=postgresql://lofte@127.0.0.1:%s/lofte\n' postgres "$LOFTE_PG_PORT" ;;
      prometheus) printf '  %-11s http://127.0.0.1:%s\n' prometheus "$LOFTE_PROMETHEUS_PORT" ;;
    esac
  done
  printf '  %-11s %s\n' logs "$LOFTE_LOGS_DIR" data "$LOFTE_DATA_DIR"
}

reverse_order=()
for ((i = ${#ALL_COMPONENTS[@]} - 1; i >= 0; i--)); do
  reverse_order+=("${ALL_COMPONENTS[i]}")
done

action=${1:-}
(($# > 0)) && shift
check_components "$@"
case $action in
  up)
    mapfile -t comps < <(selected ALL_COMPONENTS[@] "$@")
    for c in "${comps[@]}"; do
      "$LOFTE_BIN_DIR/$c.sh" start || die "$c failed to start (see above); the others that are up stay up - 'infra/bin/infra.sh down' stops them"
    done
    summary "${comps[@]}"
    ;;
  down)
    mapfile -t comps < <(selected reverse_order[@] "$@")
    failed=0
    for c in "${comps[@]}"; do
      "$LOFTE_BIN_DIR/$c.sh" stop || failed=1
    done
    exit "$failed"
    ;;
  status)
    mapfile -t comps < <(selected ALL_COMPONENTS[@] "$@")
    rc=0
    for c in "${comps[@]}"; do
      "$LOFTE_BIN_DIR/$c.sh" status || rc=3
    done
    exit "$rc"
    ;;
  reset)
    mapfile -t comps < <(selected reverse_order[@] "$@")
    failed=0
    for c in "${comps[@]}"; do
      "$LOFTE_BIN_DIR/$c.sh" reset || failed=1
    done
    exit "$failed"
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
