#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) on 127.0.0.1, run straight from the
# jars Maven Central serves: no Docker, no tarball.
#
#   infra/bin/kafka.sh install|start|stop|status|reset
#
# Environment: LOFTE_KAFKA_PORT (9092), LOFTE_KAFKA_CONTROLLER_PORT (9093),
# LOFTE_KAFKA_HEAP ("-Xms256m -Xmx768m"), LOFTE_KAFKA_START_TIMEOUT (120 s),
# LOFTE_RUN_DIR, LOFTE_CACHE_DIR, LOFTE_STOP_TIMEOUT (30 s).
#
# With LOFTE_KAFKA_SASL_USERNAME and LOFTE_KAFKA_SASL_PASSWORD set, clients
# must log in with SASL/SCRAM-SHA-512 (KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT);
# the user is created when the storage is first formatted, so switching an
# existing broker to it needs a reset. With LOFTE_KAFKA_TLS_CERT_FILE and
# LOFTE_KAFKA_TLS_KEY_FILE (PEM; the key unencrypted PKCS#8) the client
# listener speaks TLS: SSL, or SASL_SSL with the above. The controller listener
# stays plaintext on loopback.
set -euo pipefail

COMPONENT=kafka
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${LOFTE_KAFKA_HEAP:=-Xms256m -Xmx768m}"
: "${LOFTE_KAFKA_START_TIMEOUT:=120}"

KAFKA_SRC_DIR=$LOFTE_INFRA_DIR/kafka
KAFKA_POM=$KAFKA_SRC_DIR/pom.xml
KAFKA_TEMPLATE=$KAFKA_SRC_DIR/server.properties.in
KAFKA_LOG4J=$KAFKA_SRC_DIR/log4j2.properties

KAFKA_DATA=$LOFTE_DATA_DIR/kafka
KAFKA_CONF=$LOFTE_CONF_DIR/kafka/server.properties
KAFKA_LOG=$(log_file kafka)
# Who the storage was formatted for (empty: nobody), so that a start with other
# credentials is refused instead of failing every client's login.
KAFKA_SCRAM_MARKER=$LOFTE_DATA_DIR/kafka-scram-user
: "${LOFTE_KAFKA_SASL_USERNAME:=}"
: "${LOFTE_KAFKA_SASL_PASSWORD:=}"
: "${LOFTE_KAFKA_TLS_CERT_FILE:=}"
: "${LOFTE_KAFKA_TLS_KEY_FILE:=}"
# Only our broker has "kafka.Kafka <this run folder's config>" on its command line.
KAFKA_NEEDLE="kafka.Kafka $KAFKA_CONF"

# The pom is the single source of truth for the version.
KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka\.version>.*:\1:p' "$KAFKA_POM" | head -n 1)
[[ -n $KAFKA_VERSION ]] || die "cannot read <kafka.version> from $KAFKA_POM"

KAFKA_HOME=$LOFTE_CACHE_DIR/kafka-$KAFKA_VERSION
KAFKA_LIBS=$KAFKA_HOME/libs
# Written only after a complete copy. It holds the pom's hash, so editing the
# pom (e.g. the log4j version) refreshes the cache even if Kafka's version stays.
KAFKA_MARKER=$KAFKA_HOME/.complete

java_bin() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  else
    command -v java
  fi
}

pom_hash() { sha256sum <"$KAFKA_POM" | cut -d' ' -f1; }

libs_complete() {
  [[ -f $KAFKA_MARKER && "$(cat -- "$KAFKA_MARKER")" == "$(pom_hash)" ]] &&
    [[ -f $KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar ]]
}

# cmd_install [quiet]: "quiet" when start calls it, to say nothing if all is there.
cmd_install() {
  local quiet=${1:-}
  if [[ -z ${JAVA_HOME:-} ]]; then
    need_cmd java openjdk-17-jre-headless
  fi
  if libs_complete; then
    [[ -n $quiet ]] || log "Kafka $KAFKA_VERSION already in $KAFKA_LIBS"
    return 0
  fi
  need_cmd mvn maven
  mkdir -p -- "$KAFKA_HOME"
  # Two checkouts (or CI jobs) can share the cache: let one of them download,
  # the other then finds the marker.
  local lock tmp started=$SECONDS
  exec {lock}>"$KAFKA_HOME/.lock"
  flock "$lock"
  if libs_complete; then
    exec {lock}>&-
    log "Kafka $KAFKA_VERSION already in $KAFKA_LIBS"
    return 0
  fi
  rm -rf -- "$KAFKA_HOME"/libs.tmp.*
  tmp=$(mktemp -d "$KAFKA_HOME/libs.tmp.XXXXXX")
  log "fetching Kafka $KAFKA_VERSION and its dependencies with Maven into $KAFKA_LIBS (about 45 MB when ~/.m2 is cold)"
  # -q still emits stray colour codes; strip them so the output stays readable.
  if ! mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf -- "$tmp"
    die "Maven could not resolve Kafka $KAFKA_VERSION (output above); is Maven Central reachable?"
  fi
  if [[ ! -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]]; then
    rm -rf -- "$tmp"
    die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing; check $KAFKA_POM"
  fi
  rm -rf -- "$KAFKA_LIBS" "$KAFKA_MARKER"
  mv -- "$tmp" "$KAFKA_LIBS"
  pom_hash >"$KAFKA_MARKER"
  exec {lock}>&-
  log "Kafka $KAFKA_VERSION ready in $KAFKA_LIBS ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars, $((SECONDS - started))s)"
}

sasl_wanted() { [[ -n $LOFTE_KAFKA_SASL_USERNAME || -n $LOFTE_KAFKA_SASL_PASSWORD ]]; }
tls_wanted() { [[ -n $LOFTE_KAFKA_TLS_CERT_FILE || -n $LOFTE_KAFKA_TLS_KEY_FILE ]]; }

client_protocol() {
  local protocol=PLAINTEXT
  if sasl_wanted && tls_wanted; then
    protocol=SASL_SSL
  elif sasl_wanted; then
    protocol=SASL_PLAINTEXT
  elif tls_wanted; then
    protocol=SSL
  fi
  printf '%s\n' "$protocol"
}

check_tls_settings() {
  tls_wanted || return 0
  local file
  for file in "$LOFTE_KAFKA_TLS_CERT_FILE" "$LOFTE_KAFKA_TLS_KEY_FILE"; do
    [[ -n $file ]] || die "set both LOFTE_KAFKA_TLS_CERT_FILE and LOFTE_KAFKA_TLS_KEY_FILE, or neither"
    [[ -r $file ]] || die "cannot read $file"
  done
}

check_sasl_settings() {
  sasl_wanted || return 0
  [[ -n $LOFTE_KAFKA_SASL_USERNAME && -n $LOFTE_KAFKA_SASL_PASSWORD ]] ||
    die "set both LOFTE_KAFKA_SASL_USERNAME and LOFTE_KAFKA_SASL_PASSWORD, or neither"
  # They go into a JAAS line and the storage tool's [name=...,password=...] list,
  # which have no escapes worth trusting.
  local value
  for value in "$LOFTE_KAFKA_SASL_USERNAME" "$LOFTE_KAFKA_SASL_PASSWORD"; do
    [[ $value =~ ^[A-Za-z0-9._~-]+$ ]] ||
      die "LOFTE_KAFKA_SASL_USERNAME and LOFTE_KAFKA_SASL_PASSWORD may hold only letters, digits and . _ ~ -"
  done
}

render_config() {
  # log.dirs is a comma-separated list in a properties file.
  [[ $KAFKA_DATA != *[,\\]* ]] || die "the run folder path must not contain ',' or '\\': $KAFKA_DATA"
  mkdir -p -- "$(dirname "$KAFKA_CONF")"
  local conf_dir protocol
  conf_dir=$(dirname "$KAFKA_CONF")
  protocol=$(client_protocol)
  [[ $conf_dir != *\\* ]] || die "the run folder path must not contain '\\': $conf_dir"
  (
    umask 077 # the SASL password and the TLS key may be in it
    sed -e "s|@KAFKA_PORT@|$LOFTE_KAFKA_PORT|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$LOFTE_KAFKA_CONTROLLER_PORT|g" \
      -e "s|@KAFKA_CLIENT_PROTOCOL@|$protocol|g" \
      -e "s|@KAFKA_LOG_DIR@|$(sed_escape "$KAFKA_DATA")|g" \
      "$KAFKA_TEMPLATE" >"$KAFKA_CONF.tmp"
    if sasl_wanted; then
      # The one broker reaches itself through the client listener too, so it logs
      # in as the same user.
      cat >>"$KAFKA_CONF.tmp" <<EOF

# SASL/SCRAM on the client listener (LOFTE_KAFKA_SASL_USERNAME/PASSWORD).
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$LOFTE_KAFKA_SASL_USERNAME" password="$LOFTE_KAFKA_SASL_PASSWORD";
EOF
    fi
    if tls_wanted; then
      # Kafka's PEM key store wants the key and its certificate in one file. The
      # broker, its own client here, trusts the certificate it serves.
      cat -- "$LOFTE_KAFKA_TLS_KEY_FILE" "$LOFTE_KAFKA_TLS_CERT_FILE" >"$conf_dir/client-listener.pem"
      cp -- "$LOFTE_KAFKA_TLS_CERT_FILE" "$conf_dir/client-listener-trust.pem"
      cat >>"$KAFKA_CONF.tmp" <<EOF

# TLS on the client listener (LOFTE_KAFKA_TLS_CERT_FILE/KEY_FILE).
listener.name.client.ssl.keystore.type=PEM
listener.name.client.ssl.keystore.location=$conf_dir/client-listener.pem
listener.name.client.ssl.truststore.type=PEM
listener.name.client.ssl.truststore.location=$conf_dir/client-listener-trust.pem
EOF
    fi
  )
  if grep -q '@[A-Z_]*@' "$KAFKA_CONF.tmp"; then
    die "unreplaced placeholder in $KAFKA_TEMPLATE: $(grep -o '@[A-Z_]*@' "$KAFKA_CONF.tmp" | head -n 1)"
  fi
  mv -f -- "$KAFKA_CONF.tmp" "$KAFKA_CONF"
}

kafka_tool() {
  "$(java_bin)" -Xmx256m -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool "$@"
}

# Format once: meta.properties in the data dir carries the cluster id, and a
# broker refuses to start on a log dir from another cluster.
format_storage() {
  if [[ -f $KAFKA_DATA/meta.properties ]]; then
    local formatted_for=
    [[ -f $KAFKA_SCRAM_MARKER ]] && formatted_for=$(cat -- "$KAFKA_SCRAM_MARKER")
    if sasl_wanted && [[ $formatted_for != "$LOFTE_KAFKA_SASL_USERNAME" ]]; then
      die "the storage in $KAFKA_DATA has no SCRAM user '$LOFTE_KAFKA_SASL_USERNAME' (users are made when it is formatted); run infra/bin/kafka.sh reset first"
    fi
    return 0
  fi
  # No meta.properties means nothing worth keeping (an interrupted format).
  rm -rf -- "$KAFKA_DATA" "$KAFKA_SCRAM_MARKER"
  local -a scram=()
  if sasl_wanted; then
    scram=(--add-scram "SCRAM-SHA-512=[name=$LOFTE_KAFKA_SASL_USERNAME,password=$LOFTE_KAFKA_SASL_PASSWORD]")
  fi
  local cluster_id out
  cluster_id=$(kafka_tool random-uuid | grep -E '^[A-Za-z0-9_-]{22}$' | tail -n 1) ||
    die "could not generate a cluster id (java -cp '$KAFKA_LIBS/*' kafka.tools.StorageTool random-uuid failed)"
  log "formatting storage in $KAFKA_DATA (cluster id $cluster_id)"
  if ! out=$(kafka_tool format --standalone -t "$cluster_id" -c "$KAFKA_CONF" "${scram[@]}" 2>&1); then
    rm -rf -- "$KAFKA_DATA"
    printf '%s\n' "$out" >&2
    die "formatting the storage failed (output above)"
  fi
  if sasl_wanted; then
    printf '%s\n' "$LOFTE_KAFKA_SASL_USERNAME" >"$KAFKA_SCRAM_MARKER"
  fi
}

kafka_ready() {
  port_open "$LOFTE_KAFKA_PORT" && grep -q 'Kafka Server started' -- "$KAFKA_LOG"
}

cmd_start() {
  local pid
  if pid=$(running_pid kafka "$KAFKA_NEEDLE"); then
    log "already running (pid $pid) on 127.0.0.1:$LOFTE_KAFKA_PORT"
    return 0
  fi
  check_sasl_settings
  check_tls_settings
  cmd_install quiet
  ensure_port_free "$LOFTE_KAFKA_PORT" "Kafka"
  ensure_port_free "$LOFTE_KAFKA_CONTROLLER_PORT" "Kafka controller"
  ensure_run_dirs
  render_config
  format_storage

  local -a heap
  read -r -a heap <<<"$LOFTE_KAFKA_HEAP"
  rotate_log "$KAFKA_LOG"
  local started=$SECONDS
  start_daemon "$KAFKA_LOG" "$(java_bin)" "${heap[@]}" \
    -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF"
  pid=$DAEMON_PID
  write_pid kafka "$pid"
  log "starting (pid $pid), waiting up to ${LOFTE_KAFKA_START_TIMEOUT}s; log: $KAFKA_LOG"
  if ! wait_until "$LOFTE_KAFKA_START_TIMEOUT" "$pid" "Kafka to be ready" kafka_ready; then
    # Leave nothing half-started behind.
    stop_pid "$pid" 10
    rm -f -- "$(pid_file kafka)"
    die_with_log "$KAFKA_LOG" "Kafka did not become ready"
  fi
  local login=
  sasl_wanted && login=", SCRAM-SHA-512 user $LOFTE_KAFKA_SASL_USERNAME"
  log "ready on 127.0.0.1:$LOFTE_KAFKA_PORT with $(client_protocol)$login (pid $pid, $((SECONDS - started))s)"
}

cmd_stop() {
  local pid
  if ! pid=$(running_pid kafka "$KAFKA_NEEDLE"); then
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  stop_pid "$pid" "$LOFTE_STOP_TIMEOUT"
  rm -f -- "$(pid_file kafka)"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(running_pid kafka "$KAFKA_NEEDLE"); then
    if port_open "$LOFTE_KAFKA_PORT"; then
      printf 'kafka: running (pid %s) on 127.0.0.1:%s, log %s\n' "$pid" "$LOFTE_KAFKA_PORT" "$KAFKA_LOG"
    else
      printf 'kafka: running (pid %s) but 127.0.0.1:%s does not answer (starting or unhealthy), log %s\n' \
        "$pid" "$LOFTE_KAFKA_PORT" "$KAFKA_LOG"
    fi
    return 0
  fi
  printf 'kafka: stopped\n'
  return 3
}

cmd_reset() {
  cmd_stop
  rm -rf -- "$KAFKA_DATA" "$KAFKA_SCRAM_MARKER" "$(dirname "$KAFKA_CONF")"
  log "data wiped ($KAFKA_DATA); the next start formats a new cluster"
}

# kafka.sh has no extra subcommands, so component_usage gets no arguments.
# shellcheck disable=SC2119
case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  -h | --help | help)
    component_usage
    ;;
  *)
    component_usage >&2
    exit 2
    ;;
esac
