"""A whole gyrate cluster for a test, on free 127.0.0.1 ports in a temporary directory: Redis Cluster
(redis-server processes, `redis-cli --cluster create`), N gyrate-ocs nodes on the Redis store and the
freeDiameterd relay of examples/cluster/relay.conf in front of them. Every process dies with the test
(PR_SET_PDEATHSIG) and is killed when the `with` block ends, also on failure; every wait is bounded.
Readers for what the tests check: balances through a node's admin API, CDRs from the Redis outboxes
(cdr:{tag} streams, include/gyrate/redis/store_keys.hpp) decoded from gyrate.store.Cdr."""
import argparse
import ctypes
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e", "ocs"))
from ocs_harness import admin_request  # noqa: E402
EXAMPLES = os.path.join(SOURCE, "examples", "cluster")
REALM = "gyrate.test"
RELAY_ID = "dra.gyrate.test"
START_TIMEOUT = 90  # a node compiles the catalog with the JIT before it listens; the box is loaded
READY = re.compile(r"^gyrate-ocs listening on 127\.0\.0\.1:(\d+)$")
ADMIN = re.compile(r"^gyrate-ocs admin on http://127\.0\.0\.1:(\d+)$")
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def spawn(argv, log_path, **kw):
    """A child with stdout and stderr in `log_path`, killed by the kernel if this test dies."""
    log = open(log_path, "ab")
    try:
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                preexec_fn=die_with_parent, **kw)
    finally:
        log.close()


def _free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_ports(n, used=()):
    """n ports free now, below the ephemeral range, each with port + 10000 free (Redis's cluster bus)."""
    ports = []
    while len(ports) < n:
        p = random.randrange(12000, 22000)
        if p not in ports and p not in used and _free(p) and _free(p + 10000):
            ports.append(p)
    return ports


def test_args(configure=None):
    """The tests' command line (--ocs, --sim, --seed and what `configure` adds) and a seeded random
    generator; the seed is printed so a failed run can be repeated."""
    p = argparse.ArgumentParser()
    p.add_argument("--ocs", required=True, help="gyrate-ocs")
    p.add_argument("--sim", required=True, help="gyrate-sim")
    p.add_argument("--seed", type=int, default=None)
    if configure:
        configure(p)
    args = p.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"seed {seed}", flush=True)
    return args, random.Random(seed)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


# --- Redis ---------------------------------------------------------------------------------------

class Resp:
    """A minimal RESP2 client: enough for a test to read binary stream entries exactly."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._read()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError(f"unexpected RESP reply {line!r}")


def redis_call(port, *args):
    c = Resp(port)
    try:
        return c.call(*args)
    finally:
        c.close()


class RedisCluster:
    """masters x replicas redis-server processes in one cluster; AOF with appendfsync always."""

    def __init__(self, root, masters=3, replicas=1, node_timeout_ms=2000):
        self.root = os.path.join(root, "redis")
        self.masters_count = masters
        self.ports = free_ports(masters * (1 + replicas))
        self.node_timeout_ms = node_timeout_ms
        self.procs = {}
        for port in self.ports:
            self.start(port)
        self.cli("--cluster", "create", *[f"127.0.0.1:{p}" for p in self.ports],
                 "--cluster-replicas", str(replicas), "--cluster-yes")
        self.wait_ready(60)

    def start(self, port):
        d = os.path.join(self.root, str(port))
        os.makedirs(d, exist_ok=True)
        self.procs[port] = spawn(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--daemonize", "no",
             "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
             "--cluster-node-timeout", str(self.node_timeout_ms), "--cluster-require-full-coverage", "no",
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", "redis.log"],
            os.path.join(d, "stdout.log"))
        wait_until(lambda: self._pong(port), 20, f"redis-server on {port}")

    @staticmethod
    def _pong(port):
        try:
            return redis_call(port, "PING") == "PONG"
        except OSError:
            return False

    def cli(self, *args, timeout=120):
        r = subprocess.run(["redis-cli", *args], capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"redis-cli {' '.join(args)}: {r.returncode}\n{r.stdout}{r.stderr}")
        return r.stdout

    def live(self):
        return [p for p, proc in self.procs.items() if proc.poll() is None]

    def nodes(self):
        """CLUSTER NODES of a live node: [(port, id, role, master id, failed)]."""
        for port in self.live():
            try:
                text = redis_call(port, "CLUSTER", "NODES").decode()
            except OSError:
                continue
            out = []
            for line in text.splitlines():
                f = line.split()
                role = "master" if "master" in f[2] else "replica"
                out.append((int(f[1].split("@")[0].split(":")[1]), f[0], role, f[3],
                            "fail" in f[2]))
            return out
        raise RuntimeError("no live redis node")

    def master_ports(self):
        live = set(self.live())
        return sorted(p for p, _, role, _, failed in self.nodes() if role == "master" and not failed
                      and p in live)

    def node_id(self, port):
        return redis_call(port, "CLUSTER", "MYID").decode()

    def slot_master(self, slot):
        for entry in redis_call(self.live()[0], "CLUSTER", "SLOTS"):
            if entry[0] <= slot <= entry[1]:
                return entry[2][1]
        return None

    def slots_of(self, port):
        """The slots the master on `port` serves, ascending."""
        ranges = [e for e in redis_call(self.live()[0], "CLUSTER", "SLOTS") if e[2][1] == port]
        return sorted(s for e in ranges for s in range(e[0], e[1] + 1))

    def key_slot(self, key):
        return redis_call(self.live()[0], "CLUSTER", "KEYSLOT", key)

    def key_master(self, key):
        return self.slot_master(self.key_slot(key))

    def kill(self, port):
        self.procs[port].kill()
        self.procs[port].wait()

    def signal(self, port, sig):
        """SIGSTOP / SIGCONT: a node that stalls (a slow disk, a long fork) and comes back."""
        self.procs[port].send_signal(sig)

    def replica_of(self, master_port):
        master = self.node_id(master_port)
        return next(p for p, _, role, of, _ in self.nodes() if role == "replica" and of == master)

    def reshard(self, from_port, to_port, slots):
        """redis-cli --cluster reshard: moves the source's `slots` lowest slots."""
        return self.cli("--cluster", "reshard", f"127.0.0.1:{from_port}",
                        "--cluster-from", self.node_id(from_port), "--cluster-to", self.node_id(to_port),
                        "--cluster-slots", str(slots), "--cluster-yes", timeout=300)

    def wait_ready(self, timeout):
        """Every live node: cluster_state ok, all slots served by live masters, replicas linked."""
        def ready():
            live = set(self.live())
            try:
                for port in live:
                    info = redis_call(port, "CLUSTER", "INFO").decode()
                    if "cluster_state:ok" not in info or "cluster_slots_ok:16384" not in info:
                        return False
                    repl = redis_call(port, "INFO", "replication").decode()
                    if "role:slave" in repl and "master_link_status:up" not in repl:
                        return False
                for entry in redis_call(next(iter(live)), "CLUSTER", "SLOTS"):
                    if entry[2][1] not in live:
                        return False
                return True
            except (OSError, RuntimeError):
                return False
        wait_until(ready, timeout, "the Redis Cluster to be ready")

    def seeds(self):
        return ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def cdrs(self):
        """Every CDR in the outboxes of every live master (a test's keyspace is small: SCAN is fine)."""
        out = []
        for port in self.master_ports():
            c = Resp(port)
            try:
                cursor = b"0"
                while True:
                    cursor, keys = c.call("SCAN", cursor, "MATCH", "cdr:{*", "COUNT", 1000, "TYPE", "stream")
                    for key in keys:
                        for _entry_id, fields in c.call("XRANGE", key, "-", "+"):
                            for name, value in zip(fields[::2], fields[1::2]):
                                if name == b"cdr":
                                    out.append(decode_cdr(value))
                    if cursor == b"0":
                        break
            finally:
                c.close()
        return out

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
            proc.wait()


# gyrate.store.Cdr (proto/gyrate/account.proto): field number -> (name, kind).
CDR_FIELDS = {1: ("sequence", "int"), 2: ("account", "str"), 3: ("member", "str"), 4: ("session", "str"),
              5: ("number", "int"), 6: ("service", "str"), 7: ("pack", "str"), 8: ("time", "int"),
              9: ("used", "int"), 10: ("weight", "int"), 11: ("debit", "int"), 12: ("committed", "int"),
              13: ("overrun", "int"), 14: ("charged", "int"), 15: ("plan", "str"),
              16: ("plan_version", "int"), 17: ("revision", "int")}


def _varint(data, i):
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def decode_cdr(data):
    """The protobuf wire form of a gyrate.store.Cdr: varints and strings only."""
    cdr = {name: ("" if kind == "str" else 0) for name, kind in CDR_FIELDS.values()}
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
            if value >= 1 << 63:
                value -= 1 << 64  # int64
        elif wire == 2:
            n, i = _varint(data, i)
            value, i = data[i:i + n], i + n
        else:
            raise ValueError(f"Cdr field {number}: unexpected wire type {wire}")
        if number in CDR_FIELDS:
            name, kind = CDR_FIELDS[number]
            cdr[name] = value.decode() if kind == "str" else value
    return cdr


# --- gyrate-ocs nodes and the relay --------------------------------------------------------------

class OcsNode:
    """One gyrate-ocs on the Redis store; its stdout and stderr go to a log file."""

    def __init__(self, binary, root, name, catalog, seeds, subscribers=(), extra=(), peers=(RELAY_ID,)):
        self.name = name
        self.identity = f"{name}.{REALM}"
        self.log_path = os.path.join(root, f"{name}.log")
        cmd = [binary, "--catalog", catalog, "--store", f"redis://{seeds}", "--identity", self.identity,
               "--realm", REALM, "--port", "0", "--admin-port", "0", "--clock", "request", *extra]
        for p in peers:
            cmd += ["--allow-peer", p]
        for s in subscribers:
            cmd += ["--subscribers", s]
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     preexec_fn=die_with_parent)
        self.lines = queue.Queue()
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()
        self.port = self.admin_port = None
        deadline = time.monotonic() + START_TIMEOUT
        while self.admin_port is None and time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5).strip()
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if m := READY.match(line):
                self.port = int(m.group(1))
            elif m := ADMIN.match(line):
                self.admin_port = int(m.group(1))
        if self.port is None or self.admin_port is None:
            self.kill()
            raise RuntimeError(f"{name} did not start:\n{' '.join(cmd)}\n{self.text()}")

    def _pump(self):
        for line in self.proc.stdout:
            self.log.write(line)
            self.log.flush()
            self.lines.put(line)

    def text(self):
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        """SIGKILL: what survives is what Redis holds."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.pump.join(timeout=5)

    def stop(self, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.pump.join(timeout=5)
        return self.proc.returncode

    def admin(self, method, path, body=None):
        """(status, JSON answer) of an admin API request."""
        return admin_request(self.admin_port, method, path, body)

    def balances(self, account):
        status, body = self.admin("GET", f"/v1/subscribers/{account}")
        if status != 200:
            raise RuntimeError(f"{self.name}: GET /v1/subscribers/{account}: {status} {body}")
        return body


def relay_conf(path, port, nodes):
    """examples/cluster/relay.conf with this test's port, extension configuration and nodes."""
    conf_dir = os.path.dirname(path)
    for f in ("rt_default.conf", "acl_wl.conf"):
        shutil.copy(os.path.join(EXAMPLES, f), conf_dir)
    lines = []
    with open(os.path.join(EXAMPLES, "relay.conf"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("Port = "):
                line = f"Port = {port};\n"
            if line.startswith("ConnectPeer"):
                continue
            lines.append(line.replace("/etc/gyrate/cluster/", conf_dir + "/"))
    for n in nodes:
        lines.append(f'ConnectPeer = "{n.identity}" {{ ConnectTo = "127.0.0.1"; Port = {n.port}; No_TLS; }};\n')
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


class Relay:
    """freeDiameterd with examples/cluster/relay.conf; ready when every node's connection is open."""

    def __init__(self, root, nodes, port):
        self.port = port
        d = os.path.join(root, "relay")
        os.makedirs(d, exist_ok=True)
        self.conf = os.path.join(d, "relay.conf")
        relay_conf(self.conf, port, nodes)
        self.log_path = os.path.join(root, "relay.log")
        self.proc = spawn(["freeDiameterd", "-c", self.conf], self.log_path)
        wait_until(lambda: all(self.is_open(n.identity) for n in nodes) or self.proc.poll() is not None,
                   30, "the relay to open every node")
        if self.proc.poll() is not None:
            raise RuntimeError(f"freeDiameterd exited {self.proc.returncode}:\n{self.text()}")

    def text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def is_open(self, identity):
        """The last state change the relay logged for that peer is to STATE_OPEN."""
        state = None
        for line in self.text().splitlines():
            if "->" in line and f"'{identity}'" in line:
                state = "open" if "'STATE_OPEN'" in line.split("->", 1)[1] else "other"
        return state == "open"

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Cluster:
    """Redis Cluster + gyrate-ocs nodes + relay, as a context manager that always cleans up.
    `keep`: leave the directory (logs) behind; GYRATE_KEEP_CLUSTER=1 does the same."""

    def __init__(self, ocs, catalog, subscribers, nodes=2, masters=3, replicas=1, node_extra=(),
                 client_ids=("sim.gyrate.test",)):
        self.ocs_binary, self.catalog, self.subscribers = ocs, catalog, subscribers
        self.node_count, self.masters, self.replicas = nodes, masters, replicas
        self.node_extra = list(node_extra)
        self.client_ids = list(client_ids)
        self.root = tempfile.mkdtemp(prefix="gyrate-gy-cluster.")
        self.redis = None
        self.nodes = []
        self.relay = None
        self.keep = False  # a test that failed sets it: the logs stay for a look

    def __enter__(self):
        try:
            self.redis = RedisCluster(self.root, self.masters, self.replicas)
            for i in range(self.node_count):
                # Every node provisions the same file: accounts Redis holds already are left alone.
                self.nodes.append(OcsNode(self.ocs_binary, self.root, f"ocs-{i + 1}", self.catalog,
                                          self.redis.seeds(), [self.subscribers], self.node_extra,
                                          [RELAY_ID, *self.client_ids]))
            self.relay = Relay(self.root, self.nodes, free_ports(1, self.redis.ports)[0])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind, value, tb):
        if self.relay:
            self.relay.stop()
        for n in self.nodes:
            n.stop(timeout=10)
        if self.redis:
            self.redis.stop()
        if kind is not None or self.keep or os.environ.get("GYRATE_KEEP_CLUSTER") == "1":
            print(f"cluster directory kept: {self.root}", flush=True)
        else:
            shutil.rmtree(self.root, ignore_errors=True)
        return False

    def node(self, name):
        return next(n for n in self.nodes if n.name == name)

    def live_nodes(self):
        return [n for n in self.nodes if n.alive()]

    def fail(self, failures):
        """Prints FAIL, the failures and every log; keeps the directory. The exit status."""
        self.keep = True
        print("FAIL\n" + "\n".join(failures) + "\n" + self.logs(), flush=True)
        return 1

    def logs(self):
        """Every node's and the relay's log, for a failure message."""
        parts = [f"--- {n.name}:\n{n.text()[-6000:]}" for n in self.nodes]
        if self.relay:
            parts.append(f"--- relay:\n{self.relay.text()[-6000:]}")
        return "\n".join(parts)


# --- gyrate-sim workers ----------------------------------------------------------------------------

class Worker:
    """One gyrate-sim scenario process, its output line-buffered into a file."""

    def __init__(self, sim, root, name, scenario_text, server_port, server_id, identity, timeout_ms=4000):
        self.name = name
        self.scenario = os.path.join(root, f"{name}.gysc")
        with open(self.scenario, "w", encoding="utf-8") as f:
            f.write(scenario_text)
        self.out_path = os.path.join(root, f"{name}.out")
        cmd = ["stdbuf", "-oL", sim, "scenario", self.scenario, "--server", f"127.0.0.1:{server_port}",
               "--server-identity", server_id, "--identity", identity, "--timeout-ms", str(timeout_ms)]
        self.proc = spawn(cmd, self.out_path)

    def output(self):
        with open(self.out_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def answered(self):
        """Requests done, answered or not: gyrate-sim prints a request with its outcome."""
        return self.output().count("\n  -> ")

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise


def cut_off(relay, workers, timeout=20):
    """Stops workers that would play on forever. gyrate-sim prints a request only with its outcome,
    so killing a worker would hide the request it had in flight; killing the relay first makes that
    request come out as unanswered (it may still have been applied) and keeps every later one from
    reaching a node. Then the workers are killed. Returns how many exchanges each had done before."""
    done = [w.answered() for w in workers]
    relay.kill()
    wait_until(lambda: all(w.proc.poll() is not None or w.answered() > n for w, n in zip(workers, done)),
               timeout, "every worker to see the relay gone")
    for w in workers:
        if w.proc.poll() is None:
            w.proc.kill()
        w.proc.wait()
    return done
