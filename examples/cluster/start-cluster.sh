#!/usr/bin/env bash
# Starts a whole gyrate cluster on this machine: Redis Cluster (3 masters x 2 replicas, AOF), two
# gyrate-ocs nodes on the Redis store and a freeDiameterd relay (relay.conf) in front of them, all on
# loopback. Prints where each listens and the gyrate-sim command to point at the relay, then waits:
# Ctrl-C, or `start-cluster.sh stop` from another shell, stops everything.
# docs/operations.md "A local cluster".
set -euo pipefail

usage() {
  cat <<'EOF'
usage: examples/cluster/start-cluster.sh [start|stop|help]

Environment (all optional):
  GYRATE_CLUSTER_DIR   work directory: data, logs, configuration (default /tmp/gyrate-cluster)
  GYRATE_BUILD         build tree holding tools/gyrate-ocs and tools/gyrate-sim (default build/)
  GYRATE_CATALOG       catalog (default examples/catalog.tariff)
  GYRATE_SUBSCRIBERS   subscribers provisioned when Redis does not hold them yet
                       (default examples/subscribers.csv)
  GYRATE_BASE_PORT     first of 12 consecutive ports (9 Redis, 2 nodes, the relay), at most
                       55523: a Redis node also takes its port + 10000;
                       default: free ports picked at start
  GYRATE_OCS_NODES     gyrate-ocs nodes (default 2)
  GYRATE_FSYNC         Redis appendfsync: always or everysec (default everysec)
EOF
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${GYRATE_CLUSTER_DIR:-/tmp/gyrate-cluster}
BUILD=${GYRATE_BUILD:-$ROOT/build}
CATALOG=${GYRATE_CATALOG:-$ROOT/examples/catalog.tariff}
SUBSCRIBERS=${GYRATE_SUBSCRIBERS:-$ROOT/examples/subscribers.csv}
NODES=${GYRATE_OCS_NODES:-2}
FSYNC=${GYRATE_FSYNC:-everysec}
MASTERS=3
REPLICAS=2
REDIS_COUNT=$((MASTERS * (1 + REPLICAS)))
FD_EXT=/usr/lib/freeDiameter
REALM=gyrate.test
RELAY_ID=dra.$REALM

say() { printf '%s\n' "$*"; }
die() { printf 'start-cluster.sh: %s\n' "$*" >&2; exit 1; }

# N ports: consecutive from GYRATE_BASE_PORT, or free ones now (bound and released at once).
pick_ports() {
  local n=$1
  if [[ -n ${GYRATE_BASE_PORT:-} ]]; then
    seq "$GYRATE_BASE_PORT" $((GYRATE_BASE_PORT + n - 1))
    return
  fi
  # Below Linux's ephemeral range (32768+), with the Redis cluster bus port (+10000) free as well.
  python3 - "$n" <<'EOF'
import random, socket, sys
def free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False
ports = []
while len(ports) < int(sys.argv[1]):
    p = random.randrange(12000, 22000)
    if p not in ports and free(p) and free(p + 10000):
        ports.append(p)
print("\n".join(map(str, ports)))
EOF
}

# Waits up to $2 seconds for command $1 (a string) to succeed.
wait_for() {
  local what=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    if eval "$what" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

stop_all() {
  local pidfile pid
  shopt -s nullglob
  for pidfile in "$DIR"/pids/*.pid; do
    pid=$(cat "$pidfile" 2>/dev/null || true)
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null || true
  done
  for pidfile in "$DIR"/pids/*.pid; do
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [[ -n $pid ]] && ! wait_for "! kill -0 $pid" 20; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$pidfile"
  done
  shopt -u nullglob
}

start_redis() {
  local port=$1 dir=$DIR/redis/$1
  mkdir -p "$dir"
  # require-full-coverage no: a shard without a master does not stop the others (operations.md).
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$DIR/pids/redis-$port.pid" --logfile "$dir/redis.log" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --cluster-require-full-coverage no --appendonly yes --appendfsync "$FSYNC" --save ''
  wait_for "redis-cli -p $port ping | grep -q PONG" 20 || die "redis-server on $port did not start: $dir/redis.log"
}

# Every node sees the cluster ok and every replica has its master's data: a node that provisions
# before then waits for a replica that is still syncing (WAIT) and refuses to start.
cluster_ok() {
  local port
  for port in "${REDIS_PORTS[@]}"; do
    redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' || return 1
    if redis-cli -p "$port" info replication | grep -q 'role:slave'; then
      redis-cli -p "$port" info replication | grep -q 'master_link_status:up' || return 1
    fi
  done
}

start_node() {
  local i=$1 port=$2 log=$DIR/ocs-$1.log
  local seeds
  seeds=$(printf '127.0.0.1:%s,' "${REDIS_PORTS[@]:0:MASTERS}")
  "$BUILD/tools/gyrate-ocs/gyrate-ocs" --catalog "$CATALOG" --subscribers "$SUBSCRIBERS" \
    --store "redis://${seeds%,}" --identity "ocs-$i.$REALM" --realm "$REALM" --port "$port" \
    --allow-peer "$RELAY_ID" --admin-port 0 >"$log" 2>&1 &
  echo $! >"$DIR/pids/ocs-$i.pid"
  wait_for "grep -q '^gyrate-ocs admin on' '$log'" 90 || die "gyrate-ocs $i did not start: $log"
}

relay_conf() {
  local port=$1 conf=$DIR/relay
  mkdir -p "$conf"
  cp "$HERE/rt_default.conf" "$HERE/acl_wl.conf" "$conf/"
  # relay.conf with this run's port, extension configuration paths and nodes.
  sed -e "s|^Port = .*|Port = $port;|" -e "s|/etc/gyrate/cluster/|$conf/|g" -e '/^ConnectPeer/d' \
    "$HERE/relay.conf" >"$conf/relay.conf"
  local i
  for ((i = 1; i <= NODES; i++)); do
    printf 'ConnectPeer = "ocs-%d.%s" { ConnectTo = "127.0.0.1"; Port = %d; No_TLS; };\n' \
      "$i" "$REALM" "${NODE_PORTS[i - 1]}" >>"$conf/relay.conf"
  done
}

start() {
  [[ -x $BUILD/tools/gyrate-ocs/gyrate-ocs ]] || die "no $BUILD/tools/gyrate-ocs/gyrate-ocs: build first (./dev build)"
  command -v redis-server >/dev/null || die "redis-server is missing (apt-get install redis-server redis-tools)"
  command -v freeDiameterd >/dev/null || die "freeDiameterd is missing (apt-get install freediameterd freediameter-extensions)"
  if [[ -d $DIR/pids ]] && compgen -G "$DIR/pids/*.pid" >/dev/null; then
    die "$DIR holds a running cluster: start-cluster.sh stop first"
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR/pids"
  # Whatever ends this script (a failed start, Ctrl-C, SIGTERM) stops what it started.
  trap stop_all EXIT
  trap 'exit 130' INT TERM
  mapfile -t PORTS < <(pick_ports $((REDIS_COUNT + NODES + 1)))
  REDIS_PORTS=("${PORTS[@]:0:REDIS_COUNT}")
  NODE_PORTS=("${PORTS[@]:REDIS_COUNT:NODES}")
  RELAY_PORT=${PORTS[REDIS_COUNT + NODES]}

  say "redis: starting $REDIS_COUNT nodes in $DIR/redis"
  local port
  for port in "${REDIS_PORTS[@]}"; do start_redis "$port"; done
  # The first MASTERS addresses become masters; each gets REPLICAS of the others.
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${REDIS_PORTS[@]}") \
    --cluster-replicas "$REPLICAS" --cluster-yes >"$DIR/cluster-create.log" 2>&1 ||
    die "redis-cli --cluster create failed: $DIR/cluster-create.log"
  wait_for cluster_ok 60 || die "the Redis Cluster did not reach cluster_state:ok"

  local i
  for ((i = 1; i <= NODES; i++)); do
    say "gyrate-ocs ocs-$i: starting (the catalog is compiled first)"
    start_node "$i" "${NODE_PORTS[i - 1]}"
  done

  relay_conf "$RELAY_PORT"
  freeDiameterd -c "$DIR/relay/relay.conf" >"$DIR/relay.log" 2>&1 &
  echo $! >"$DIR/pids/relay.pid"
  wait_for "[[ \$(grep -c -- \"-> 'STATE_OPEN'\" '$DIR/relay.log') -ge $NODES ]]" 30 ||
    die "the relay did not open every node: $DIR/relay.log"

  say ""
  say "Redis Cluster ($MASTERS masters x $REPLICAS replicas, appendfsync $FSYNC):"
  redis-cli -p "${REDIS_PORTS[0]}" cluster nodes | awk '{split($2, a, "@"); print "  " a[1], $3}' | sort
  for ((i = 1; i <= NODES; i++)); do
    say "gyrate-ocs ocs-$i.$REALM: Gy 127.0.0.1:${NODE_PORTS[i - 1]}, admin $(grep '^gyrate-ocs admin on' "$DIR/ocs-$i.log" | cut -d' ' -f4)"
  done
  say "relay $RELAY_ID: Gy 127.0.0.1:$RELAY_PORT (log $DIR/relay.log)"
  say ""
  say "Point gyrate-sim at the relay:"
  say "  $BUILD/tools/gyrate-sim/gyrate-sim load --duration 10s --rate 200 --subscriber e164:+8613800000001 --subscribers 1 \\"
  say "    --server 127.0.0.1:$RELAY_PORT --server-identity $RELAY_ID"
  say "Stop: Ctrl-C here, or $0 stop"
  trap 'say "stopping"; exit 0' INT TERM
  # Wait until a process of the cluster goes away (or `stop` ends them all).
  while compgen -G "$DIR/pids/*.pid" >/dev/null; do sleep 1 & wait $!; done
}

case ${1:-start} in
  start) start ;;
  stop) stop_all ;;
  help | -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
