#!/usr/bin/env python3
"""Issue 12's benchmark: gyrate-ocs nodes on Redis Cluster, side by side in one run with the embedded
store. For Redis Cluster with 1 and with 3 masters (one replica each, appendonly yes, appendfsync
everysec) it provisions N subscribers once, then runs gyrate-sim load mode (CCR-I, 3 x CCR-U, CCR-T
per session) against 1 and against 2 gyrate-ocs nodes. Two nodes get two gyrate-sim clients, one per
node, each on its own half of the subscribers and with the same --concurrency (no relay: sessions of
an account stay on one node, as a sticky DRA would keep them); their CCR/s are summed and the worse
p50/p99 of the two is shown. The embedded store with --fsync off and always is the reference.

Also measured: Redis commands per CCR answered (INFO commandstats deltas on the masters), CPU time per
CCR of the Redis masters, replicas and gyrate-ocs nodes (/proc), bytes per account (MEMORY USAGE of
{acct:ID}, used_memory delta of provisioning per account), and what each request leaves behind
(stored answers and session markers with their TTL, CDR outbox entries: nothing exports them here).

  bench/cluster_load.py --build build [--subscribers 10000] [--duration 10s] [--concurrency 64]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_bench_redis import RedisCluster, call, call_key, cpu_seconds, die_with_parent  # noqa: E402

SERVER_ID, CLIENT_ID = "ocs.gyrate.test", "sim.gyrate.test"
BASE = 8613900000000
READY = re.compile(r"^gyrate-ocs listening on 127\.0\.0\.1:(\d+)$")
# Commands a gyrate-ocs node sends under load. INFO commandstats also counts the commands a function
# runs: each gyrate_apply with a request runs one GET (the stored answer) and one CLUSTER MYID
# (redis/gyrate_functions.lua), subtracted here. WAIT and CLUSTER MYID ride in the flight of the
# FCALL gyrate_apply before them, so round trips = FCALL + FCALL_RO + GET + EXISTS.
NODE_COMMANDS = ("fcall", "fcall_ro", "get", "exists", "wait", "cluster|myid", "cluster|slots")
INSIDE_APPLY = ("cluster|myid",)  # gyrate_apply's own (its HGETs are hget, not counted here)
PIPELINED = ("wait", "cluster|myid")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def write_subscribers(path, n):
    with open(path, "w") as f:
        f.write("id,plan,activation,identities\n")
        for i in range(n):
            f.write(f"s{i},load,2026-11-01,e164:+{BASE + i}\n")


class Node:
    """One gyrate-ocs process; ready once it prints its port."""

    def __init__(self, args, work, store, extra=()):
        cmd = [os.path.join(args.build, "tools/gyrate-ocs/gyrate-ocs"), "--catalog", args.tariff,
               "--store", store, "--port", "0", "--allow-peer", CLIENT_ID, "--threads", str(args.threads),
               "--admin", "false", "--checkpoint", "0", *extra]
        log = os.path.join(work, "ocs.log")
        with open(log, "a") as err:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, cwd=work,
                                         preexec_fn=die_with_parent)
        line = self.proc.stdout.readline()
        m = READY.match(line.strip())
        if not m:
            self.proc.kill()
            with open(log) as f:
                sys.exit(f"gyrate-ocs did not start ({line!r}): {' '.join(cmd)}\n{f.read()[-2000:]}")
        self.port = int(m.group(1))

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def sim(args, port, first, count):
    cmd = [os.path.join(args.build, "tools/gyrate-sim/gyrate-sim"), "load", "--server", f"127.0.0.1:{port}",
           "--server-identity", SERVER_ID, "--subscriber", f"e164:{BASE + first}", "--subscribers", str(count),
           "--rating-group", "100", "--service-id", "1003", "--units", "1000", "--duration", args.duration,
           "--concurrency", str(args.concurrency), "--json", "--no-progress"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=die_with_parent)


def counters(cluster):
    """What the masters and replicas have done so far: commands, CPU seconds, used_memory."""
    return {"calls": cluster.calls(), "master_cpu": cluster.master_cpu(), "replica_cpu": cluster.replica_cpu(),
            "memory": cluster.used_memory()}


def store_costs(before, after, answered):
    """Per CCR answered: the nodes' Redis commands and round trips, masters' and replicas' CPU, memory."""
    per = 1 / max(answered, 1)
    delta = {c: after["calls"].get(c, 0) - before["calls"].get(c, 0) for c in NODE_COMMANDS}
    for c in INSIDE_APPLY:
        delta[c] -= delta["fcall"]
    calls = {c: n * per for c, n in delta.items()}
    return {"calls": calls, "round_trips": sum(v for c, v in calls.items() if c not in PIPELINED),
            "master_cpu_us": (after["master_cpu"] - before["master_cpu"]) * 1e6 * per,
            "replica_cpu_us": (after["replica_cpu"] - before["replica_cpu"]) * 1e6 * per,
            "mem_per_ccr": (after["memory"] - before["memory"]) * per}


def drive(args, nodes, cluster=None):
    """Runs one gyrate-sim per node at once, each on its share of the subscribers; returns their
    summed report (the worse p50/p99) and, on Redis, the store's costs per CCR."""
    before = counters(cluster) if cluster else None
    node_cpu = sum(n.cpu() for n in nodes)
    share = args.subscribers // len(nodes)
    procs = [sim(args, n.port, i * share, share) for i, n in enumerate(nodes)]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        if p.returncode not in (0, 1):
            sys.exit(f"gyrate-sim load failed: {err}")
        reports.append(json.loads(out))
    answered = sum(r["answered"] for r in reports)
    codes, errors = {}, {}
    for r in reports:
        for k, v in r["result_codes"].items():
            codes[k] = codes.get(k, 0) + v
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    row = {
        "ccr_s": sum(r["ccr_per_second"] for r in reports),
        "p50": max(r["latency_us"]["p50"] for r in reports) / 1000,
        "p99": max(r["latency_us"]["p99"] for r in reports) / 1000,
        "answered": answered, "sent": sum(r["sent"] for r in reports), "codes": codes, "errors": errors,
        "ocs_cpu_us": (sum(n.cpu() for n in nodes) - node_cpu) * 1e6 / max(answered, 1),
    }
    if cluster:
        row.update(store_costs(before, counters(cluster), answered))
    return row


def account_sizes(cluster, n, samples=200):
    """Median MEMORY USAGE of sampled {acct:ID} keys (0 if none is in Redis)."""
    step = max(n // samples, 1)
    sizes = [call_key(cluster.masters[0], "MEMORY", "USAGE", f"{{acct:s{i}}}", "SAMPLES", "0")
             for i in range(0, n, step)]
    sizes = [s for s in sizes if s is not None]
    return statistics.median(sizes) if sizes else 0


def leftovers(cluster, n, samples=200):
    """Stored answers and session markers left in Redis, and the CDR outboxes (every one: CDRs, MEMORY
    USAGE; a stream preallocates a 4 KiB node, so a short outbox costs the same whatever it holds) with
    the mean size of a CDR in a sample. Answers and markers are fields of the account's hash (library
    version 3): counted in a sample of accounts and scaled to all n; their bytes are the field and
    value plus 40 B for the hash table's entry and two string headers (an estimate: MEMORY USAGE of the
    whole account after the runs is the measured figure); their TTL is the expiry they carry."""
    out = {}
    step = max(n // samples, 1)
    sampled = list(range(0, n, step))
    found = {"stored answers": [], "session markers": []}
    now_ms = time.time() * 1000
    for i in sampled:
        flat = call_key(cluster.masters[0], "HGETALL", f"{{acct:s{i}}}") or []
        for field, value in zip(flat[0::2], flat[1::2]):
            kind = {b"r:": "stored answers", b"s:": "session markers"}.get(bytes(field[:2]))
            if kind:
                expiry = int(bytes(value).split(b":", 1)[0])
                found[kind].append((len(field) + len(value) + 40, (expiry - now_ms) / 1000))
    for name, rows in found.items():
        out[name] = {"keys": round(len(rows) * n / max(len(sampled), 1)),
                     "bytes_median": statistics.median(r[0] for r in rows) if rows else 0,
                     "ttl_s": statistics.median(r[1] for r in rows) if rows else 0}
    outboxes, count = cluster.scan("cdr:{*}", 1 << 20)
    entries = [call(p, "XLEN", k) for p, k in outboxes]
    sizes = [call(p, "MEMORY", "USAGE", k, "SAMPLES", "0") or 0 for p, k in outboxes]
    payloads = [len(v) for p, k in outboxes[:samples] for _, fields in call(p, "XRANGE", k, "-", "+")
                for v in fields[1::2]]
    out["CDR outboxes"] = {"keys": count, "entries": sum(entries), "bytes": sum(sizes),
                           "bytes_per_outbox": statistics.median(sizes) if sizes else 0,
                           "cdr_payload": statistics.mean(payloads) if payloads else 0}
    return out


def redis_runs(args, work, masters):
    root = os.path.join(work, f"redis{masters}")
    os.makedirs(root)
    cluster = RedisCluster(root, masters)
    try:
        seeds = "redis://" + cluster.seeds()
        mem0, t0 = cluster.used_memory(), time.monotonic()
        node = Node(args, work, seeds, ["--subscribers", os.path.join(work, "subscribers.csv")])
        provision_s = time.monotonic() - t0
        node.stop()
        prov = {"seconds": provision_s, "bytes_per_account": (cluster.used_memory() - mem0) / args.subscribers,
                "account_usage": account_sizes(cluster, args.subscribers)}
        rows = {}
        for count in (1, 2):
            nodes = [Node(args, work, seeds) for _ in range(count)]
            rows[count] = drive(args, nodes, cluster)
            rows[count]["load"] = loadavg()
            for n in nodes:
                n.stop()
        prov["account_usage_after"] = account_sizes(cluster, args.subscribers)
        prov["leftovers"] = leftovers(cluster, args.subscribers)
        prov["answered"] = sum(r["answered"] for r in rows.values())
        return rows, prov
    finally:
        cluster.stop()


def embedded_run(args, work, fsync):
    store = os.path.join(work, f"store-{fsync}")
    node = Node(args, work, store, ["--fsync", fsync, "--subscribers", os.path.join(work, "subscribers.csv")])
    row = drive(args, [node])
    row["load"] = loadavg()
    node.stop()
    return row


def fmt_calls(calls):
    shown = {c: v for c, v in sorted(calls.items()) if v >= 0.005}
    return ", ".join(f"{c} {v:.2f}" for c, v in shown.items())


def print_report(args, started, embedded, redis):
    print(f"\n## gyrate-ocs on Redis Cluster vs the embedded store ({args.subscribers:,} subscribers, "
          f"{args.duration} per run, {args.concurrency} in flight per node, --threads {args.threads})")
    print(f"load average at start {started}; Redis: 1 replica per master, appendonly yes, appendfsync everysec, "
          f"gyrate-ocs --redis-wait-replicas 1 (default)\n")
    print("| store | gyrate-ocs nodes | CCR/s | p50 / p99 ms | CPU us per CCR: nodes / masters / replicas | "
          "round trips per CCR (Redis commands per CCR) | load after |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for fsync, r in embedded.items():
        print(f"| embedded, fsync {fsync} | 1 | {r['ccr_s']:,.0f} | {r['p50']:.2f} / {r['p99']:.2f} | "
              f"{r['ocs_cpu_us']:.0f} / - / - | - | {r['load']} |")
    for masters, (rows, _) in redis.items():
        for count, r in rows.items():
            print(f"| Redis, {masters} master{'s' if masters > 1 else ''} + {masters} replica"
                  f"{'s' if masters > 1 else ''} | {count} | {r['ccr_s']:,.0f} | {r['p50']:.2f} / {r['p99']:.2f} | "
                  f"{r['ocs_cpu_us']:.0f} / {r['master_cpu_us']:.0f} / {r['replica_cpu_us']:.0f} | "
                  f"{r['round_trips']:.2f} ({fmt_calls(r['calls'])}) | {r['load']} |")
    print("\n| Redis masters | provisioning (start with --subscribers) | used_memory per account provisioned | "
          "MEMORY USAGE {acct:ID} after provisioning / after the runs | used_memory per CCR answered "
          "(1 node / 2 nodes) |")
    print("| --- | --- | --- | --- | --- |")
    for masters, (rows, prov) in redis.items():
        print(f"| {masters} | {prov['seconds']:.1f} s | {prov['bytes_per_account']:,.0f} B | "
              f"{prov['account_usage']:,.0f} B / {prov['account_usage_after']:,.0f} B | "
              f"{rows[1]['mem_per_ccr']:,.0f} B / {rows[2]['mem_per_ccr']:,.0f} B |")
    print("\n| Redis masters | left by the runs | keys (answers, markers: fields) | per CCR answered | bytes | TTL |")
    print("| --- | --- | --- | --- | --- | --- |")
    for masters, (rows, prov) in redis.items():
        answered = max(prov["answered"], 1)
        for name in ("stored answers", "session markers"):
            s = prov["leftovers"][name]
            print(f"| {masters} | {name} | {s['keys']:,} | {s['keys'] / answered:.2f} | {s['bytes_median']:,.0f} B "
                  f"(median) | {s['ttl_s']:,.0f} s |")
        s = prov["leftovers"]["CDR outboxes"]
        print(f"| {masters} | CDR outboxes | {s['keys']:,} ({s['entries']:,} CDRs) | {s['entries'] / answered:.2f} "
              f"CDRs | {s['bytes']:,} B in all, {s['bytes_per_outbox']:,.0f} B per outbox (median), CDR "
              f"{s['cdr_payload']:,.0f} B (mean) | until exported |")
    print("\nanswers by Result-Code and client errors per run:")
    for fsync, r in embedded.items():
        print(f"  embedded fsync {fsync}: {r['codes']} errors {r['errors']} (sent {r['sent']:,})")
    for masters, (rows, _) in redis.items():
        for count, r in rows.items():
            print(f"  redis {masters}m x {count} node(s): {r['codes']} errors {r['errors']} (sent {r['sent']:,})")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    p.add_argument("--subscribers", type=int, default=10000)
    p.add_argument("--duration", default="10s")
    p.add_argument("--concurrency", type=int, default=64, help="gyrate-sim requests in flight, per node")
    p.add_argument("--threads", type=int, default=2, help="gyrate-ocs --threads")
    p.add_argument("--masters", default="1,3")
    p.add_argument("--json", help="also write the raw figures here")
    p.add_argument("--tariff", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "tariffs/gy_load.tariff"))
    args = p.parse_args()
    args.build, args.tariff = os.path.abspath(args.build), os.path.abspath(args.tariff)  # nodes run in the work dir
    started = loadavg()
    with tempfile.TemporaryDirectory(prefix="cluster_load.") as work:
        write_subscribers(os.path.join(work, "subscribers.csv"), args.subscribers)
        embedded = {fsync: embedded_run(args, work, fsync) for fsync in ("off", "always")}
        redis = {m: redis_runs(args, work, m) for m in (int(x) for x in args.masters.split(",") if x)}
    print_report(args, started, embedded, redis)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load_at_start": started, "embedded": embedded,
                       "redis": {str(m): {"runs": r, "provisioning": pv} for m, (r, pv) in redis.items()}}, f, indent=1)


if __name__ == "__main__":
    main()
