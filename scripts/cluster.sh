#!/usr/bin/env bash
# Several Samenspel app servers behind a proxy, on this machine:
#   PostgreSQL (Debian's binaries), two app servers (`streamlit run app.py` on two localhost ports)
#   and nginx (Debian's /usr/sbin/nginx) in front of them, with sticky sessions and WebSockets.
#
#   bash scripts/cluster.sh start  [CLUSTER_DIR]   start everything, print the address to open
#   bash scripts/cluster.sh stop   [CLUSTER_DIR]   stop everything this cluster started (pid files)
#   bash scripts/cluster.sh status [CLUSTER_DIR]   what runs; exit 0 when all of it runs, 3 when nothing does
#
# Everything lives in CLUSTER_DIR (argument, or SAMENSPEL_CLUSTER_DIR, default .cluster/ in the
# repository): pid files, logs, the filled-in nginx configuration, generated secrets and, unless
# told otherwise, the data. It persists between stop and start; a throwaway cluster is one in a
# temporary folder, removed after `stop`. Nothing outside it is written (never /etc/nginx, never
# Debian's own PostgreSQL cluster).
#
# Settings (environment; read by `start`, remembered in CLUSTER_DIR/cluster.state for stop/status):
#   SAMENSPEL_CLUSTER_PORT   8080          nginx's port on 127.0.0.1: the address to open
#   SAMENSPEL_APP_PORTS      "8601 8602"   the two app servers' ports on 127.0.0.1
#   SAMENSPEL_CLUSTER_STORE  postgres      postgres, or tinydb: no PostgreSQL, both servers on one
#                                          TinyDB data folder (file locks hold across processes)
#   SAMENSPEL_DATABASE_URL   (unset)       an existing PostgreSQL database: no PostgreSQL is started
#   SAMENSPEL_PGDATA         CLUSTER_DIR/postgres   the data folder of the cluster's own PostgreSQL
#   SAMENSPEL_PG_PORT        5433          its port on 127.0.0.1 (TCP only, no Unix socket)
#   SAMENSPEL_DATA_DIR       CLUSTER_DIR/data       the data folder: with tinydb every record, shared by
#                                          both servers; with postgres only files that are not records
#   STREAMLIT_SERVER_COOKIE_SECRET         Streamlit's own cookie key (st.login); default: generated
#                                          once into CLUSTER_DIR/secrets/, the same for both servers
#   SAMENSPEL_SECRET_KEY     (unset)       passed on when set: signs Samenspel's cookies (modules/settings.py)
# Other SAMENSPEL_* settings (SAMENSPEL_LOGIN_HOURS, ...) are passed on to the app servers as they are.
#
# PostgreSQL refuses to run as root: as root, initdb, pg_ctl and postgres run as the `postgres`
# user (runuser), so the PostgreSQL data folder and every folder above it must be reachable by
# that user. The database user `samenspel` owns the database `samenspel`; its password (and the
# superuser's) are generated into CLUSTER_DIR/secrets/ (mode 600).
# A production deployment uses systemd and Debian's packages instead: see deploy/ and the README's
# Deployment section.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

action="${1:-}"
case "$action" in start | stop | status) ;; *) usage ;; esac
dir=$(realpath -m "${2:-${SAMENSPEL_CLUSTER_DIR:-$REPO/.cluster}}")
state="$dir/cluster.state"
run="$dir/run"
logs="$dir/logs"
ngx="$dir/nginx"
NGINX=/usr/sbin/nginx
PYTHON="$REPO/.venv/bin/python"

say() { echo "cluster: $*"; }
die() {
  echo "cluster: $*" >&2
  exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] && [ -x "$found/postgres" ] || die "PostgreSQL is missing: install Debian's postgresql (apt-get install postgresql)"
  echo "$found"
}

as_postgres() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Alive: the process exists and is not a zombie (a killed server whose parent has not reaped it yet).
as_postgres_env() { # as_postgres, keeping the environment variable $1 (runuser clears the environment)
  local keep="$1"
  shift
  if is_root; then
    runuser -u postgres -w "$keep" -- "$@"
  else
    "$@"
  fi
}

alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$stat" != Z ]
}
pid_of() { [ -f "$run/$1.pid" ] && cat "$run/$1.pid" || true; }

# Whether the pid still is the process this cluster started (its command line names it), and not
# another process that got the number after ours ended.
ours() {
  local pid="$1" expected="$2"
  alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$expected"
}

port_free() {
  "$PYTHON" - "$1" <<'PY'
import socket, sys
with socket.socket() as sock:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}

expected() { # what the command line of a cluster process contains
  case "$1" in
    nginx) echo "nginx: master" ;;
    postgres) echo "postgres" ;;
    *) echo "streamlit run app.py" ;;
  esac
}

# Wait until an HTTP address answers 200 (the app's /_stcore/health), or the process died.
wait_healthy() {
  local url="$1" pid="$2" log="$3" timeout="${4:-90}"
  "$PYTHON" - "$url" "$pid" "$timeout" <<'PY' || { tail -n 40 "$log" >&2; die "$url did not become healthy (log: $log)"; }
import os, sys, time, urllib.request
url, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(f"the process {pid} exited")
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.2)
sys.exit(f"no answer within {timeout:.0f} s")
PY
}

secret() { # a generated secret, kept in CLUSTER_DIR/secrets/<name> (mode 600)
  local file="$dir/secrets/$1"
  if [ ! -s "$file" ]; then
    (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_hex(32))' >"$file")
  fi
  cat "$file"
}

load_state() {
  [ -f "$state" ] || return 1
  # shellcheck disable=SC1090
  . "$state"
}

# --- PostgreSQL ---------------------------------------------------------------------------------

start_postgres() {
  local bin pgdata="$1" port="$2" superpw apppw
  bin=$(pg_bin)
  if is_root; then
    mkdir -p "$pgdata"
    chown postgres:postgres "$pgdata"
    runuser -u postgres -- test -w "$pgdata" \
      || die "the postgres user cannot reach $pgdata: choose a PostgreSQL data folder (SAMENSPEL_PGDATA) it can reach"
  else
    mkdir -p "$pgdata"
  fi
  chmod 700 "$pgdata"
  superpw=$(secret postgres-password)
  apppw=$(secret database-password)
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    say "initdb in $pgdata"
    # The superuser's password through a pipe made by the postgres user itself (in the environment,
    # never in a command line or a file).
    PGSETUP_PASSWORD="$superpw" as_postgres_env PGSETUP_PASSWORD sh -c \
      'printf "%s\n" "$PGSETUP_PASSWORD" | "$0" "$@"' "$bin/initdb" -D "$pgdata" -U postgres \
      --pwfile=/dev/stdin --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --no-locale \
      >"$logs/initdb.log" 2>&1 \
      || {
        cat "$logs/initdb.log" >&2
        die "initdb failed"
      }
  fi
  port_free "$port" || die "port $port (PostgreSQL) is in use: set SAMENSPEL_PG_PORT"
  # TCP on 127.0.0.1 only, no Unix socket (no folder outside the data folder is needed).
  as_postgres "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/postgres.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null \
    || {
      tail -n 40 "$pgdata/postgres.log" >&2 || true
      die "PostgreSQL did not start"
    }
  head -n 1 "$pgdata/postmaster.pid" >"$run/postgres.pid"
  local psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$(PGPASSWORD="$superpw" "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'samenspel'")" ]; then
    PGPASSWORD="$superpw" "${psql[@]}" -c "CREATE ROLE samenspel LOGIN PASSWORD '$apppw'"
  fi
  if [ -z "$(PGPASSWORD="$superpw" "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'samenspel'")" ]; then
    PGPASSWORD="$superpw" "${psql[@]}" -c "CREATE DATABASE samenspel OWNER samenspel ENCODING 'UTF8'"
  fi
  say "PostgreSQL on 127.0.0.1:$port, data in $pgdata"
}

stop_postgres() {
  local pgdata="$1" pid
  pid=$(pid_of postgres)
  if [ -f "$pgdata/postmaster.pid" ] && alive "$(head -n 1 "$pgdata/postmaster.pid")"; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null && say "PostgreSQL stopped"
  elif ours "$pid" postgres; then
    kill -TERM "$pid" && say "PostgreSQL stopped"
  fi
  rm -f "$run/postgres.pid"
}

# --- app servers --------------------------------------------------------------------------------

start_app() {
  local name="$1" port="$2" pid
  port_free "$port" || die "port $port (app server $name) is in use: set SAMENSPEL_APP_PORTS"
  local env=(
    "SAMENSPEL_DEMO=${SAMENSPEL_DEMO:-0}"
    "SAMENSPEL_TRUSTED_PROXY=1" # nginx sets X-Forwarded-For: throttling sees the client's address
    "STREAMLIT_SERVER_COOKIE_SECRET=$COOKIE_SECRET"
    "PYTHONUNBUFFERED=1"
  )
  # The data folder also with PostgreSQL: nothing should be written there, but if anything is, it
  # is the cluster's folder and never the repository's progress/.
  env+=("SAMENSPEL_DATA_DIR=$DATA_DIR")
  if [ "$STORE" = postgres ]; then
    env+=("SAMENSPEL_DATABASE_URL=$DATABASE_URL")
  fi
  # setsid: each server leads its own process group, which `stop` ends as a whole.
  env "${env[@]}" setsid "$PYTHON" -m streamlit run app.py \
    --server.port "$port" --server.address 127.0.0.1 --server.headless true \
    --browser.gatherUsageStats false --server.fileWatcherType none \
    >"$logs/app-$name.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$run/app-$name.pid"
  wait_healthy "http://127.0.0.1:$port/_stcore/health" "$pid" "$logs/app-$name.log"
  say "app server $name on 127.0.0.1:$port (pid $pid)"
}

stop_group() { # stop a process group led by the pid in run/<name>.pid: TERM, then KILL after 15 s
  local name="$1" pid
  pid=$(pid_of "$name")
  if ours "$pid" "streamlit run app.py"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 75); do
      alive "$pid" || break
      sleep 0.2
    done
    if alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    say "$name stopped"
  fi
  rm -f "$run/$name.pid"
}

# --- nginx --------------------------------------------------------------------------------------

start_nginx() {
  [ -x "$NGINX" ] || die "nginx is missing: install Debian's nginx (apt-get install nginx)"
  port_free "$PROXY_PORT" || die "port $PROXY_PORT (nginx) is in use: set SAMENSPEL_CLUSTER_PORT"
  mkdir -p "$ngx/temp"
  local user_line=""
  if is_root; then
    # As root, nginx's workers would switch to "nobody", who cannot reach a cluster folder that
    # only root can read. This is a local cluster on 127.0.0.1: the workers run as root here.
    user_line="user root;"
  fi
  sed -e "s|@@PREFIX@@|$ngx|g" -e "s|@@LISTEN@@|127.0.0.1:$PROXY_PORT|g" \
    -e "s|@@PORT_A@@|$PORT_A|g" -e "s|@@PORT_B@@|$PORT_B|g" -e "s|@@USER@@|$user_line|g" \
    "$REPO/deploy/nginx/cluster.conf.template" >"$ngx/nginx.conf"
  "$NGINX" -t -q -p "$ngx" -e "$ngx/error.log" -c "$ngx/nginx.conf" \
    || die "nginx refuses its configuration ($ngx/nginx.conf)"
  "$NGINX" -p "$ngx" -e "$ngx/error.log" -c "$ngx/nginx.conf" # daemon on: it writes nginx.pid itself
  for _ in $(seq 1 50); do
    [ -s "$ngx/nginx.pid" ] && break
    sleep 0.1
  done
  cp "$ngx/nginx.pid" "$run/nginx.pid"
  wait_healthy "http://127.0.0.1:$PROXY_PORT/_stcore/health" "$(cat "$run/nginx.pid")" "$ngx/error.log" 30
  say "nginx on 127.0.0.1:$PROXY_PORT (pid $(cat "$run/nginx.pid"))"
}

stop_nginx() {
  local pid
  pid=$(pid_of nginx)
  if ours "$pid" "nginx: master"; then
    kill -TERM "$pid" # fast shutdown: open WebSockets are closed, the browsers reconnect later
    for _ in $(seq 1 50); do
      alive "$pid" || break
      sleep 0.2
    done
    alive "$pid" && kill -KILL "$pid"
    say "nginx stopped"
  fi
  rm -f "$run/nginx.pid" "$ngx/nginx.pid"
}

# --- the commands -------------------------------------------------------------------------------

start() {
  mkdir -p "$dir" "$run" "$logs" "$dir/secrets"
  chmod 700 "$dir/secrets"
  for name in nginx app-a app-b postgres; do
    if ours "$(pid_of "$name")" "$(expected "$name")"; then
      die "already running ($name, pid $(pid_of "$name")): bash scripts/cluster.sh stop ${2:-}"
    fi
  done
  bash scripts/setup.sh requirements.txt
  # A setting not in the environment is the one this cluster folder ran with last time, else the default.
  PORT_A="" PORT_B="" PROXY_PORT="" STORE="" PGDATA_DIR="" PG_PORT="" DATA_DIR="" DATABASE_URL=""
  load_state || true
  last_store="$STORE" last_pgdata="$PGDATA_DIR" last_pg_port="$PG_PORT" last_data="$DATA_DIR"
  read -r PORT_A PORT_B _ <<<"${SAMENSPEL_APP_PORTS:-${PORT_A:-8601} ${PORT_B:-8602}}"
  [ -n "${PORT_B:-}" ] || die "SAMENSPEL_APP_PORTS needs two ports, e.g. \"8601 8602\""
  PROXY_PORT="${SAMENSPEL_CLUSTER_PORT:-${PROXY_PORT:-8080}}"
  STORE="${SAMENSPEL_CLUSTER_STORE:-${last_store:-postgres}}"
  PGDATA_DIR="" PG_PORT=""
  DATA_DIR=$(realpath -m "${SAMENSPEL_DATA_DIR:-${last_data:-$dir/data}}")
  case "$STORE" in
    postgres)
      if [ -n "${SAMENSPEL_DATABASE_URL:-}" ]; then
        DATABASE_URL="$SAMENSPEL_DATABASE_URL" # an existing database: nothing to start
      else
        PGDATA_DIR=$(realpath -m "${SAMENSPEL_PGDATA:-${last_pgdata:-$dir/postgres}}")
        PG_PORT="${SAMENSPEL_PG_PORT:-${last_pg_port:-5433}}"
      fi
      ;;
    tinydb) ;;
    *) die "SAMENSPEL_CLUSTER_STORE is postgres or tinydb, not '$STORE'" ;;
  esac
  COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(secret streamlit-cookie-secret)}"
  cat >"$state" <<STATE
PORT_A=$PORT_A
PORT_B=$PORT_B
PROXY_PORT=$PROXY_PORT
STORE=$STORE
PGDATA_DIR=$PGDATA_DIR
PG_PORT=$PG_PORT
DATA_DIR=$DATA_DIR
STATE
  # A failure half-way stops what already runs.
  trap 'code=$?; if [ "$code" != 0 ]; then echo "cluster: start failed; stopping what was started" >&2; stop_all >&2; fi' EXIT
  if [ -n "$PGDATA_DIR" ]; then
    start_postgres "$PGDATA_DIR" "$PG_PORT"
    DATABASE_URL="postgresql://samenspel:$(secret database-password)@127.0.0.1:$PG_PORT/samenspel"
  fi
  mkdir -p "$DATA_DIR"
  if [ "$STORE" = tinydb ]; then
    say "TinyDB data folder shared by both servers: $DATA_DIR"
  fi
  # One after the other: the first server runs the start-up steps (migrations) alone.
  start_app a "$PORT_A"
  start_app b "$PORT_B"
  start_nginx
  trap - EXIT
  say "Samenspel runs on two app servers behind nginx. Open in your browser: http://localhost:$PROXY_PORT"
}

stop_all() {
  stop_nginx
  stop_group app-a
  stop_group app-b
  if [ -n "${PGDATA_DIR:-}" ]; then
    stop_postgres "$PGDATA_DIR"
  fi
}

status() {
  load_state || {
    say "no cluster in $dir"
    return 3
  }
  local running=0 total=0 name pid
  for name in postgres app-a app-b nginx; do
    [ "$name" = postgres ] && [ -z "$PGDATA_DIR" ] && continue
    total=$((total + 1))
    pid=$(pid_of "$name")
    if ours "$pid" "$(expected "$name")"; then
      running=$((running + 1))
      say "$name runs (pid $pid)"
    else
      say "$name is stopped"
    fi
  done
  [ "$STORE" = tinydb ] || DATA_DIR=""
  say "store: $STORE${DATA_DIR:+ ($DATA_DIR)}${PGDATA_DIR:+ (PostgreSQL on 127.0.0.1:$PG_PORT, data in $PGDATA_DIR)}"
  if [ "$running" = "$total" ]; then
    say "address: http://localhost:$PROXY_PORT"
    return 0
  fi
  [ "$running" = 0 ] && return 3
  return 1
}

case "$action" in
  start) start "$@" ;;
  stop)
    if load_state; then
      stop_all
    else
      say "no cluster in $dir"
    fi
    ;;
  status) status ;;
esac
