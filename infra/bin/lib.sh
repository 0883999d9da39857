# shellcheck shell=bash
# The variables set here are read by the scripts that source this file:
# shellcheck disable=SC2034
# Shared helpers for the infra/bin scripts. Sourced, never executed.
#
# Conventions:
#   - every script sets COMPONENT before sourcing, so messages say who speaks;
#   - messages go to stderr, so stdout stays free for data (status lines, the
#     output of the command with-infra.sh runs);
#   - a service counts as "ours" only if its pid is alive AND its command line
#     carries a path of this run folder, so a recycled pid or another checkout's
#     service is never reported, reused or killed.

COMPONENT=${COMPONENT:-infra}

# Paths are derived from this file, not from the caller's cwd.
LOFTE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
LOFTE_INFRA_DIR=$LOFTE_ROOT/infra
LOFTE_BIN_DIR=$LOFTE_INFRA_DIR/bin

# Settings, overridable from the environment. Exported so that infra.sh and
# with-infra.sh hand the same values to the per-component scripts.
: "${LOFTE_RUN_DIR:=$LOFTE_ROOT/.run}"
: "${LOFTE_CACHE_DIR:=${HOME:?HOME is not set; set LOFTE_CACHE_DIR}/.cache/lofte}"
: "${LOFTE_KAFKA_PORT:=9092}"
: "${LOFTE_KAFKA_CONTROLLER_PORT:=9093}"
: "${LOFTE_PG_PORT:=55432}"
: "${LOFTE_PROMETHEUS_PORT:=9090}"
: "${LOFTE_STOP_TIMEOUT:=30}"

# A relative override would otherwise mean different folders for different
# callers; pin it to the cwd of the first script that sees it.
[[ $LOFTE_RUN_DIR == /* ]] || LOFTE_RUN_DIR=$PWD/$LOFTE_RUN_DIR
[[ $LOFTE_CACHE_DIR == /* ]] || LOFTE_CACHE_DIR=$PWD/$LOFTE_CACHE_DIR
export LOFTE_RUN_DIR LOFTE_CACHE_DIR LOFTE_KAFKA_PORT LOFTE_KAFKA_CONTROLLER_PORT \
  LOFTE_PG_PORT LOFTE_PROMETHEUS_PORT LOFTE_STOP_TIMEOUT

LOFTE_PIDS_DIR=$LOFTE_RUN_DIR/pids
LOFTE_LOGS_DIR=$LOFTE_RUN_DIR/logs
LOFTE_DATA_DIR=$LOFTE_RUN_DIR/data
LOFTE_CONF_DIR=$LOFTE_RUN_DIR/conf

for _port_var in LOFTE_KAFKA_PORT LOFTE_KAFKA_CONTROLLER_PORT LOFTE_PG_PORT LOFTE_PROMETHEUS_PORT; do
  if ! [[ ${!_port_var} =~ ^[1-9][0-9]{0,4}$ ]] || ((${!_port_var} > 65535)); then
    printf '%s: ERROR: %s=%s is not a TCP port\n' "$COMPONENT" "$_port_var" "${!_port_var}" >&2
    exit 2
  fi
done
unset _port_var

# --- messages ---------------------------------------------------------------

log() { printf '%s: %s\n' "$COMPONENT" "$*" >&2; }
warn() { printf '%s: WARNING: %s\n' "$COMPONENT" "$*" >&2; }
die() {
  printf '%s: ERROR: %s\n' "$COMPONENT" "$*" >&2
  exit 1
}

# die_with_log LOGFILE MESSAGE: the tail of the log is usually the real reason.
die_with_log() {
  local file=$1
  shift
  printf '%s: ERROR: %s\n' "$COMPONENT" "$*" >&2
  if [[ -s $file ]]; then
    printf '%s: ---- last 40 lines of %s ----\n' "$COMPONENT" "$file" >&2
    tail -n 40 -- "$file" >&2 || true
    printf '%s: ---- end of %s ----\n' "$COMPONENT" "$file" >&2
  else
    printf '%s: (log %s is empty or missing)\n' "$COMPONENT" "$file" >&2
  fi
  exit 1
}

# --- paths ------------------------------------------------------------------

ensure_run_dirs() {
  mkdir -p -- "$LOFTE_PIDS_DIR" "$LOFTE_LOGS_DIR" "$LOFTE_DATA_DIR" "$LOFTE_CONF_DIR"
}

pid_file() { printf '%s/%s.pid' "$LOFTE_PIDS_DIR" "$1"; }
log_file() { printf '%s/%s.log' "$LOFTE_LOGS_DIR" "$1"; }

# rotate_log FILE: keep one previous run, so "did it start?" checks only ever
# look at lines written by the current run.
rotate_log() {
  local file=$1
  if [[ -e $file ]]; then
    mv -f -- "$file" "$file.1"
  fi
}

# sed_escape STRING: make STRING safe as the replacement of s|...|...|.
sed_escape() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//|/\\|}
  s=${s//&/\\&}
  printf '%s' "$s"
}

# short_hash STRING: stable short id, e.g. to name a folder after a path.
short_hash() { printf '%s' "$1" | sha256sum | cut -c1-10; }

# --- processes --------------------------------------------------------------

# pid_alive PID: true while PID exists and is not a zombie. Our services are
# not children of the script that stops them, so a zombie may linger until
# init reaps it; it must already count as gone.
pid_alive() {
  local pid=$1 stat state
  [[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  state=${state%% *}
  [[ -n $state && $state != Z && $state != X ]]
}

# pid_cmdline PID: the command line with NULs turned into spaces.
pid_cmdline() {
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ -n $cmdline ]] || return 1
  printf '%s\n' "$cmdline"
}

# pid_matches PID NEEDLE...: PID is alive and its command line contains every
# NEEDLE (fixed strings). kill -0 alone would accept a recycled pid.
pid_matches() {
  local pid=$1 cmdline needle
  shift
  pid_alive "$pid" || return 1
  cmdline=$(pid_cmdline "$pid") || return 1
  for needle in "$@"; do
    [[ $cmdline == *"$needle"* ]] || return 1
  done
}

# find_pid NEEDLE...: first live process whose command line has every NEEDLE.
# Lets status/stop still find a service whose pid file was lost.
find_pid() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    if pid_matches "$pid" "$@"; then
      printf '%s\n' "$pid"
      return 0
    fi
  done
  return 1
}

# running_pid NAME NEEDLE...: print the pid of our running NAME, or fail.
# A stale pid file is removed; a lost one is rewritten.
running_pid() {
  local name=$1 file pid=
  shift
  file=$(pid_file "$name")
  if [[ -f $file ]]; then
    pid=$(head -n 1 -- "$file" 2>/dev/null || true)
    if pid_matches "$pid" "$@"; then
      printf '%s\n' "$pid"
      return 0
    fi
    rm -f -- "$file"
  fi
  if pid=$(find_pid "$@"); then
    if [[ -d $LOFTE_PIDS_DIR ]]; then
      printf '%s\n' "$pid" >"$file"
    fi
    printf '%s\n' "$pid"
    return 0
  fi
  return 1
}

write_pid() {
  mkdir -p -- "$LOFTE_PIDS_DIR"
  printf '%s\n' "$2" >"$(pid_file "$1")"
}

# stop_pid PID [TIMEOUT] [SIGNAL]: send SIGNAL (default TERM), wait up to
# TIMEOUT seconds for a clean exit, then SIGKILL. Returns once PID is gone.
stop_pid() {
  local pid=$1 timeout=${2:-$LOFTE_STOP_TIMEOUT} sig=${3:-TERM} deadline
  pid_alive "$pid" || return 0
  kill -s "$sig" "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      warn "pid $pid still alive ${timeout}s after SIG$sig; sending SIGKILL"
      kill -s KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 10))
      while pid_alive "$pid"; do
        ((SECONDS < deadline)) || die "pid $pid survived SIGKILL"
        sleep 0.2
      done
      return 0
    fi
    sleep 0.2
  done
}

# start_daemon LOGFILE CMD...: run CMD in the background, detached, output
# appended to LOGFILE; its pid ends up in DAEMON_PID.
# setsid gives it its own session, so a Ctrl-C aimed at the caller (e.g.
# with-infra.sh running the tests) does not kill it behind our back; it is
# stopped through its pid file instead. stdin is /dev/null so that it never
# holds the caller's terminal or pipes open.
DAEMON_PID=
start_daemon() {
  local logfile=$1
  shift
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  DAEMON_PID=$!
}

# --- readiness --------------------------------------------------------------

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  # $0 is expanded by the inner bash, which gets the port as its $0.
  # shellcheck disable=SC2016
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

# url_ok URL: URL answers with a 2xx status.
url_ok() {
  curl -fsS -o /dev/null --max-time 3 -- "$1" 2>/dev/null
}

# wait_until TIMEOUT PID WHAT CHECK...: poll CHECK until it succeeds. Gives up
# as soon as PID (if given) dies, so a crash is reported at once instead of
# after the whole timeout.
wait_until() {
  local timeout=$1 pid=$2 what=$3 deadline
  shift 3
  deadline=$((SECONDS + timeout))
  until "$@"; do
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      log "process $pid exited while waiting for $what"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

wait_for_port() { wait_until "$2" "${3:-}" "127.0.0.1:$1 to accept connections" port_open "$1"; }
wait_for_url() { wait_until "$2" "${3:-}" "$1 to answer" url_ok "$1"; }

# ensure_port_free PORT WHAT: refuse to start when a stranger holds our port;
# otherwise the readiness check would happily talk to the wrong process.
ensure_port_free() {
  if port_open "$1"; then
    die "127.0.0.1:$1 ($2) is already in use by another process; stop it or pick another port (see infra/bin/infra.sh --help)"
  fi
}

# --- packages ---------------------------------------------------------------

_LOFTE_APT_UPDATED=

# apt_install PACKAGE...: install Debian packages; apt-get update runs only
# when something actually has to be installed, once per script run.
apt_install() {
  local -a sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "missing Debian package(s): $*; install them with: sudo apt-get install --no-install-recommends $*"
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
  if [[ -z $_LOFTE_APT_UPDATED ]]; then
    log "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    _LOFTE_APT_UPDATED=1
  fi
  log "apt-get install $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "$@" >&2
}

# need_cmd COMMAND PACKAGE: install PACKAGE when COMMAND is not on PATH.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "$1 still not found after installing $2"
}

# --- command-line plumbing --------------------------------------------------

# install_only WHAT "$@": the command line of a script that only installs a tool
# (kcat.sh, wrk.sh, pdf.sh, browser.sh): `install` runs its cmd_install, anything else
# prints the usage, saying that WHAT is fetched when missing.
install_only() {
  local what=$1
  shift
  case ${1:-} in
    install) cmd_install ;;
    *)
      printf 'usage: %s install\n\n  install  fetch %s when missing (idempotent)\n' \
        "$(basename "$0")" "$what" >&2
      exit 2
      ;;
  esac
}

# component_usage [NAME DESCRIPTION]...: the help text of kafka.sh /
# postgres.sh / prometheus.sh, plus their extra subcommands.
component_usage() {
  local extra=""
  local -a args=("$@")
  local i
  for ((i = 0; i < ${#args[@]}; i += 2)); do
    extra+="|${args[i]}"
  done
  printf 'usage: %s install|start|stop|status|reset%s\n\n' "$(basename "$0")" "${extra}"
  cat <<'EOF2'
  install  fetch what is missing (idempotent)
  start    start and wait until healthy (already running: says so, exit 0)
  stop     stop by pid (graceful signal, SIGKILL after LOFTE_STOP_TIMEOUT)
  status   one line; exit 0 when running, 3 when not
  reset    stop and wipe the data
EOF2
  for ((i = 0; i < ${#args[@]}; i += 2)); do
    printf '  %-8s %s\n' "${args[i]}" "${args[i + 1]}"
  done
}
