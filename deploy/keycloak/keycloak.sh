#!/usr/bin/env bash
# Local Keycloak for ai-commons: fetch, start (dev mode, in-memory DB, realms imported), wait, stop, status.
#
#   deploy/keycloak/keycloak.sh fetch    # download (Maven Central) + extract into the cache, once
#   deploy/keycloak/keycloak.sh start    # reuse a running one, or start ours in the background, then wait
#   deploy/keycloak/keycloak.sh wait     # wait until /health/ready and realm ai-commons answer (180 s)
#   deploy/keycloak/keycloak.sh stop     # stop the instance started by this script (pid file)
#   deploy/keycloak/keycloak.sh status   # print what is running where
#   deploy/keycloak/keycloak.sh env      # print KEY=value lines for the others (URL, realm, issuer, ...)
#
# Environment:
#   KEYCLOAK_URL              use an external Keycloak; start/stop then only wait / do nothing
#   KEYCLOAK_PORT             HTTP port (default 18080)
#   KEYCLOAK_MGMT_PORT        management port, /health/ready (default 19000)
#   KEYCLOAK_ADMIN_USER       bootstrap admin of the master realm (default kcadmin)
#   KEYCLOAK_ADMIN_PASSWORD   its password (default kcadmin)
#   KEYCLOAK_WAIT_TIMEOUT     seconds to wait for readiness (default 180)
#   AI_COMMONS_CACHE          download cache (default ~/.cache/ai-commons); dist goes to <cache>/keycloak/
#   AI_COMMONS_DATA           pid file and log go to <data>/keycloak/ (default <repo>/.data)
#   KEYCLOAK_JAVA_HOME        JDK for Keycloak; default: temurin-25 if present, else $JAVA_HOME, else the
#                             java on PATH (Keycloak 26.7 runs on 17, deprecated there, 21 and 25)
#   KEYCLOAK_JAVA_OPTS_APPEND JVM options added to Keycloak's (default: C1-only JIT and, on Java 19+, an
#                             auto-created AppCDS archive in the cache: ~40% less CPU to start on 2 cores;
#                             set it to an empty string for Keycloak's plain defaults)
set -euo pipefail

KC_VERSION=26.7.3
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
REALM=ai-commons

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
REALMS_DIR="$SCRIPT_DIR/realms"

CACHE_DIR="${AI_COMMONS_CACHE:-$HOME/.cache/ai-commons}/keycloak"
DIST_DIR="$CACHE_DIR/keycloak-$KC_VERSION"
TARBALL="$CACHE_DIR/keycloak-quarkus-dist-$KC_VERSION.tar.gz"
DATA_DIR="${AI_COMMONS_DATA:-$REPO_ROOT/.data}/keycloak"
PID_FILE="$DATA_DIR/keycloak.pid"
LOG_FILE="$DATA_DIR/keycloak.log"

PORT="${KEYCLOAK_PORT:-18080}"
MGMT_PORT="${KEYCLOAK_MGMT_PORT:-19000}"
WAIT_TIMEOUT="${KEYCLOAK_WAIT_TIMEOUT:-180}"
ADMIN_USER="${KEYCLOAK_ADMIN_USER:-kcadmin}"
ADMIN_PASSWORD="${KEYCLOAK_ADMIN_PASSWORD:-kcadmin}"

if [[ -n "${KEYCLOAK_URL:-}" ]]; then
  BASE_URL="${KEYCLOAK_URL%/}"
  MGMT_URL="${KEYCLOAK_MGMT_URL:-}"
else
  BASE_URL="http://localhost:$PORT"
  MGMT_URL="http://localhost:$MGMT_PORT"
fi
DISCOVERY_URL="$BASE_URL/realms/$REALM/.well-known/openid-configuration"

log() { printf '[keycloak] %s\n' "$*" >&2; }
die() { printf '[keycloak] ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%03d s' $((ms / 1000)) $((ms % 1000)); }

# 0 if the URL answers 2xx within a couple of seconds.
http_ok() { curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null; }

realm_answers() {
  local body
  body="$(curl -fsS --max-time 3 "$DISCOVERY_URL" 2>/dev/null)" || return 1
  [[ "$body" == *"\"issuer\":\"$BASE_URL/realms/$REALM\""* ]]
}

health_ready() {
  [[ -z "$MGMT_URL" ]] && return 0 # external Keycloak without a known management URL: realm check only
  local body
  body="$(curl -fsS --max-time 3 "$MGMT_URL/health/ready" 2>/dev/null)" || return 1
  [[ "$body" == *'"UP"'* ]]
}

our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: kc.sh and the JVM it execs both name the distribution directory.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "keycloak-$KC_VERSION" || return 1
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_java_home() {
  if [[ -n "${KEYCLOAK_JAVA_HOME:-}" ]]; then
    [[ -x "$KEYCLOAK_JAVA_HOME/bin/java" ]] || die "KEYCLOAK_JAVA_HOME=$KEYCLOAK_JAVA_HOME has no bin/java"
    echo "$KEYCLOAK_JAVA_HOME"
  elif [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    echo /usr/lib/jvm/temurin-25-jdk-amd64
  elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    echo "$JAVA_HOME"
  else
    local java
    java="$(command -v java)" || die "no java found (need 17+, 21 or 25 recommended)"
    dirname "$(dirname "$(readlink -f "$java")")"
  fi
}

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit }'
}

# Start-up is CPU-bound (about 55 CPU-seconds with the defaults): a C1-only JIT avoids most of the C2
# compile work that a short-lived test server never pays back, and a dynamic AppCDS archive (written at
# the first clean shutdown, rebuilt by the JVM if the JDK or classpath changes) saves class loading.
default_java_opts() {
  local major opts="-XX:TieredStopAtLevel=1"
  major="$(java_major "$1")"
  if [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 19)); then
    opts+=" -XX:SharedArchiveFile=$CACHE_DIR/keycloak-$KC_VERSION-java$major.jsa -XX:+AutoCreateSharedArchive -Xlog:cds=off"
  fi
  echo "$opts"
}

cmd_fetch() {
  if [[ -x "$DIST_DIR/bin/kc.sh" ]]; then
    log "distribution present: $DIST_DIR"
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  if [[ ! -s "$TARBALL" ]]; then
    command -v mvn >/dev/null || die "mvn not found: needed to fetch org.keycloak:keycloak-quarkus-dist:$KC_VERSION"
    log "fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz (Maven) into $CACHE_DIR"
    local t0
    t0=$(now_ms)
    if ! mvn -B -q "$DEP_PLUGIN:copy" \
      "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" \
      "-DoutputDirectory=$CACHE_DIR" >"$CACHE_DIR/fetch.log" 2>&1; then
      cat "$CACHE_DIR/fetch.log" >&2
      die "maven could not fetch org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz (log above)"
    fi
    [[ -s "$TARBALL" ]] || die "maven did not produce $TARBALL"
    log "fetched in $(elapsed "$t0")"
  fi
  log "extracting $TARBALL"
  local t0 tmp
  t0=$(now_ms)
  tmp="$(mktemp -d "$CACHE_DIR/.extract.XXXXXX")"
  if ! tar -xzf "$TARBALL" -C "$tmp" || [[ ! -x "$tmp/keycloak-$KC_VERSION/bin/kc.sh" ]]; then
    rm -rf "$tmp"
    die "could not extract keycloak-$KC_VERSION/bin/kc.sh from $TARBALL (delete it to re-fetch)"
  fi
  # Another fetch may have won the race; keep theirs.
  [[ -e "$DIST_DIR" ]] || mv "$tmp/keycloak-$KC_VERSION" "$DIST_DIR"
  rm -rf "$tmp"
  log "extracted to $DIST_DIR in $(elapsed "$t0")"
}

cmd_wait() {
  local t0 deadline pid
  t0=$(now_ms)
  deadline=$(($(date +%s) + WAIT_TIMEOUT))
  log "waiting for $DISCOVERY_URL${MGMT_URL:+ and $MGMT_URL/health/ready} (timeout ${WAIT_TIMEOUT}s)"
  while :; do
    if health_ready && realm_answers; then
      log "ready after $(elapsed "$t0")"
      return 0
    fi
    if [[ -z "${KEYCLOAK_URL:-}" && -f "$PID_FILE" ]] && ! pid="$(our_pid)"; then
      log "our Keycloak process (pid file $PID_FILE) is gone; log tail:"
      tail -n 60 "$LOG_FILE" >&2 2>/dev/null || true
      die "Keycloak exited before becoming ready"
    fi
    if (($(date +%s) >= deadline)); then
      if [[ -z "${KEYCLOAK_URL:-}" && -f "$LOG_FILE" ]]; then
        log "log tail ($LOG_FILE):"
        tail -n 60 "$LOG_FILE" >&2 || true
      fi
      local health=n/a
      [[ -n "$MGMT_URL" ]] && { health_ready && health=up || health=down; }
      die "Keycloak not ready after ${WAIT_TIMEOUT}s at $BASE_URL (health: $health, realm $REALM: $(realm_answers && echo up || echo down))"
    fi
    sleep 1
  done
}

cmd_start() {
  local t0 pid java_home java_opts
  t0=$(now_ms)
  if [[ -n "${KEYCLOAK_URL:-}" ]]; then
    log "KEYCLOAK_URL=$BASE_URL set: not starting one, only waiting"
    cmd_wait
    return 0
  fi
  # One start at a time per data dir (parallel test runs would otherwise race for the port and the
  # pid file). The lock is released when this script exits; the server must not inherit it (9>&-).
  mkdir -p "$DATA_DIR"
  exec 9>"$DATA_DIR/start.lock"
  if ! flock -w "$WAIT_TIMEOUT" 9; then
    die "another 'keycloak.sh start' holds $DATA_DIR/start.lock for more than ${WAIT_TIMEOUT}s"
  fi
  if realm_answers; then
    if pid="$(our_pid)"; then
      log "already running (pid $pid) at $BASE_URL: reusing it"
    else
      log "a Keycloak with realm $REALM already answers at $BASE_URL: reusing it (not ours to stop)"
    fi
    cmd_wait
    return 0
  fi
  if pid="$(our_pid)"; then
    log "our Keycloak (pid $pid) is starting up: waiting for it"
    cmd_wait
    log "start took $(elapsed "$t0")"
    return 0
  fi
  port_in_use "$PORT" && die "port $PORT is in use by something that is not Keycloak with realm $REALM (set KEYCLOAK_PORT, or KEYCLOAK_URL to use it)"
  port_in_use "$MGMT_PORT" && die "management port $MGMT_PORT is in use (set KEYCLOAK_MGMT_PORT)"

  cmd_fetch
  mkdir -p "$DIST_DIR/data/import" "$DATA_DIR"
  rm -f "$DIST_DIR"/data/import/*.json
  cp "$REALMS_DIR"/*-realm.json "$DIST_DIR/data/import/"
  java_home="$(pick_java_home)"
  java_opts="${KEYCLOAK_JAVA_OPTS_APPEND-$(default_java_opts "$java_home")}"
  log "starting Keycloak $KC_VERSION on $BASE_URL (management $MGMT_URL), JAVA_HOME=$java_home, log $LOG_FILE"
  log "JAVA_OPTS_APPEND=$java_opts"
  : >"$LOG_FILE"
  # setsid: own process group, so stop can end kc.sh and the JVM together, and it survives this shell.
  JAVA_HOME="$java_home" \
    JAVA_OPTS_APPEND="$java_opts" \
    KC_HEALTH_ENABLED=true \
    KC_BOOTSTRAP_ADMIN_USERNAME="$ADMIN_USER" \
    KC_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    setsid nohup "$DIST_DIR/bin/kc.sh" start-dev \
    --import-realm \
    --db=dev-mem \
    --http-port="$PORT" \
    --http-management-port="$MGMT_PORT" \
    --hostname="http://localhost:$PORT" \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "pid $pid"
  if ! (cmd_wait); then
    log "start failed: stopping what we started (log kept at $LOG_FILE)"
    cmd_stop
    exit 1
  fi
  log "start took $(elapsed "$t0")"
}

cmd_stop() {
  local pid i
  if [[ -n "${KEYCLOAK_URL:-}" ]]; then
    log "KEYCLOAK_URL set: external Keycloak, nothing to stop"
    return 0
  fi
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    log "not running (no live pid in $PID_FILE)"
    return 0
  fi
  log "stopping pid $pid (process group)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 30 s: SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if [[ -n "${KEYCLOAK_URL:-}" ]]; then
    echo "external: $BASE_URL"
  elif pid="$(our_pid)"; then
    echo "ours: pid $pid, log $LOG_FILE"
  else
    echo "ours: not running"
  fi
  echo "realm $REALM at $BASE_URL: $(realm_answers && echo up || echo down)"
  [[ -n "$MGMT_URL" ]] && echo "health $MGMT_URL/health/ready: $(health_ready && echo up || echo down)"
  realm_answers
}

cmd_env() {
  cat <<EOF
KEYCLOAK_URL=$BASE_URL
KEYCLOAK_REALM=$REALM
KEYCLOAK_ISSUER=$BASE_URL/realms/$REALM
KEYCLOAK_JWKS_URL=$BASE_URL/realms/$REALM/protocol/openid-connect/certs
KEYCLOAK_TOKEN_URL=$BASE_URL/realms/$REALM/protocol/openid-connect/token
KEYCLOAK_AUDIENCE=ai-commons-api
KEYCLOAK_FOREIGN_ISSUER=$BASE_URL/realms/ai-commons-foreign
EOF
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 {fetch|start|wait|stop|status|env}" >&2
    exit 2
    ;;
esac
