"""The Redis side of bench/cluster_load.py: a local Redis Cluster of redis-server processes (masters
with one replica each, AOF appendfsync everysec, no RDB) on free 127.0.0.1 ports, one-key commands that follow MOVED
(on tests/cluster/cluster_harness.py's RESP client), and the counters the benchmark reads (INFO
commandstats, used_memory, CPU time of a process). Every child dies with this process
(PR_SET_PDEATHSIG). tests/cluster has the same kind of cluster in C++ (LocalCluster) for the tests;
this one is Python because the benchmark drives processes and reads counters, nothing more."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cluster"))
# The cluster tests' harness: its RESP client, port picker, bounded wait and PR_SET_PDEATHSIG.
from cluster_harness import Resp, die_with_parent, free_ports, wait_until  # noqa: E402,F401

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def call(port, *args):
    c = Resp(port, timeout=30)
    try:
        return c.call(*args)
    finally:
        c.close()


def call_key(port, *args):
    """A one-key command, following one MOVED to the slot's master."""
    try:
        return call(port, *args)
    except RuntimeError as e:  # the harness's Resp raises a Redis error reply as RuntimeError
        if not str(e).startswith("MOVED"):
            raise
        return call(int(str(e).rsplit(":", 1)[1]), *args)


def info(port, section):
    """INFO section as {field: value string}."""
    text = call(port, "INFO", section).decode()
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line and not line.startswith("#"))


def command_calls(port):
    """{command: calls} from INFO commandstats (subcommands as 'cluster|myid')."""
    out = {}
    for key, value in info(port, "commandstats").items():
        fields = dict(kv.split("=", 1) for kv in value.split(","))
        out[key.removeprefix("cmdstat_")] = int(fields["calls"])
    return out


class RedisCluster:
    """`masters` masters with one replica each, in one Redis Cluster, in directory `root`."""

    def __init__(self, root, masters, fsync="everysec"):
        self.root = root
        self.fsync = fsync
        self.ports = free_ports(2 * masters)
        self.procs = {p: self._spawn(p) for p in self.ports}
        for p in self.ports:
            wait_until(lambda p=p: self._pong(p), 20, f"redis-server on {p}")
        if masters >= 3:
            self._cli("--cluster", "create", *[f"127.0.0.1:{p}" for p in self.ports],
                      "--cluster-replicas", "1", "--cluster-yes")
        else:
            self._pair_by_hand(masters)
        wait_until(self._ready, 60, "cluster_state:ok with every replica linked")
        self.masters = [p for p in self.ports if info(p, "replication")["role"] == "master"]

    def _spawn(self, port):
        d = os.path.join(self.root, str(port))
        os.makedirs(d)
        log = open(os.path.join(d, "stdout.log"), "ab")
        return subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--daemonize", "no",
             "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
             "--cluster-require-full-coverage", "no", "--appendonly", "yes", "--appendfsync", self.fsync,
             "--save", "", "--logfile", "redis.log"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)

    @staticmethod
    def _pong(port):
        try:
            return call(port, "PING") == "PONG"
        except OSError:
            return False

    @staticmethod
    def _cli(*args):
        r = subprocess.run(["redis-cli", *args], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"redis-cli {' '.join(args)}: {r.stdout}{r.stderr}")

    def _pair_by_hand(self, masters):
        """Fewer than 3 masters: redis-cli --cluster create refuses, so assign the slots, MEET, REPLICATE."""
        ms, rs = self.ports[:masters], self.ports[masters:]
        per = 16384 // masters
        for i, p in enumerate(ms):
            last = 16383 if i == masters - 1 else (i + 1) * per - 1
            call(p, "CLUSTER", "ADDSLOTSRANGE", i * per, last)
        for p in self.ports[1:]:
            call(p, "CLUSTER", "MEET", "127.0.0.1", self.ports[0])
        for m, r in zip(ms, rs):
            mid = call(m, "CLUSTER", "MYID").decode()
            wait_until(lambda r=r, mid=mid: mid.encode() in call(r, "CLUSTER", "NODES"), 20, "MEET")
            call(r, "CLUSTER", "REPLICATE", mid)

    def _ready(self):
        for p in self.ports:
            if b"cluster_state:ok" not in call(p, "CLUSTER", "INFO"):
                return False
            rep = info(p, "replication")
            if rep["role"] == "slave" and rep.get("master_link_status") != "up":
                return False
        return True

    def seeds(self):
        return ",".join(f"127.0.0.1:{p}" for p in self.masters)

    def calls(self):
        """{command: calls} summed over the masters."""
        total = {}
        for p in self.masters:
            for cmd, n in command_calls(p).items():
                total[cmd] = total.get(cmd, 0) + n
        return total

    def used_memory(self):
        return sum(int(info(p, "memory")["used_memory"]) for p in self.masters)

    def master_cpu(self):
        return sum(cpu_seconds(self.procs[p].pid) for p in self.masters)

    def replica_cpu(self):
        return sum(cpu_seconds(self.procs[p].pid) for p in self.ports if p not in self.masters)

    def scan(self, pattern, limit):
        """Up to `limit` keys matching `pattern` on each master, and how many keys match in all."""
        sample, count = [], 0
        for p in self.masters:
            c = Resp(p, timeout=30)
            try:
                cursor, taken = b"0", 0
                while True:
                    cursor, keys = c.call("SCAN", cursor, "MATCH", pattern, "COUNT", 2000)
                    count += len(keys)
                    for k in keys:
                        if taken < limit:
                            sample.append((p, k))
                            taken += 1
                    if cursor == b"0":
                        break
            finally:
                c.close()
        return sample, count

    def stop(self):
        for proc in self.procs.values():
            proc.kill()
        for proc in self.procs.values():
            proc.wait()
