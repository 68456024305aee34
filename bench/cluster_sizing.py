#!/usr/bin/env python3
"""The sizing table of docs/operations.md, projected from a bench/cluster_load.py --json result.

Measured input (from the JSON): CPU time per CCR of a Redis master and of a gyrate-ocs node, bytes per
account provisioned (used_memory delta), bytes a request leaves (stored answer + session marker, until
their TTL; CDR outbox entries, until exported). Projection, stated in the flags: CPU per CCR stays
constant (linear scaling), a Redis master is one core (its command thread), a gyrate-ocs node has
--node-cores cores, everything runs at most --headroom busy, stored answers live --answer-ttl seconds,
CDRs wait at most --export-backlog seconds for the exporter, RSS is used_memory x --fragmentation, and
a master holds at most --master-memory-gib of data (half of a 64 GiB machine: fork of AOF rewrite).

  bench/cluster_sizing.py RESULT.json [--masters-measured 3] [--headroom 0.5] ...
"""
import argparse
import json
import math

SUBSCRIBERS = (1_000_000, 10_000_000, 100_000_000)
RATES = (10_000, 50_000, 200_000)


def measured(result, masters):
    """Per-CCR costs from the 1-node and 2-node runs on `masters` masters (the larger figure of the two)."""
    runs = result["redis"][str(masters)]["runs"]
    prov = result["redis"][str(masters)]["provisioning"]
    left = prov["leftovers"]
    answered = max(prov["answered"], 1)
    per_request = sum(left[name]["bytes_median"] * left[name]["keys"] / answered
                      for name in ("stored answers", "session markers"))
    cdr = left["CDR outboxes"]
    return {
        "master_us": max(r["master_cpu_us"] for r in runs.values()),
        "node_us": max(r["ocs_cpu_us"] for r in runs.values()),
        "account_bytes": prov["bytes_per_account"],
        "request_bytes": per_request,
        "cdr_bytes": cdr["cdr_payload"] + 24,  # + a stream entry's ids and flags in its listpack (approx.)
        "outbox_bytes": cdr["bytes_per_outbox"],
        "cdrs_per_ccr": cdr["entries"] / answered,
    }


def size(m, subscribers, rate, a):
    master_rate = a.headroom * 1e6 / m["master_us"]
    node_rate = a.headroom * a.node_cores * 1e6 / m["node_us"]
    data = (subscribers * m["account_bytes"] + rate * a.answer_ttl * m["request_bytes"]
            + rate * a.export_backlog * m["cdrs_per_ccr"] * m["cdr_bytes"] + 16384 * m["outbox_bytes"]) \
        * a.fragmentation
    masters = max(math.ceil(rate / master_rate), math.ceil(data / (a.master_memory_gib * 2**30)), 1)
    nodes = math.ceil(rate / node_rate) + 1  # one spare: a node can die
    return masters, masters * a.replicas, nodes, data


def main():
    p = argparse.ArgumentParser()
    p.add_argument("result")
    p.add_argument("--masters-measured", type=int, default=3, help="which run's per-CCR costs to use")
    p.add_argument("--headroom", type=float, default=0.5, help="busy fraction a master or node may reach")
    p.add_argument("--node-cores", type=int, default=8)
    p.add_argument("--replicas", type=int, default=2, help="replicas per master (WAIT 1 needs >= 1 alive)")
    p.add_argument("--answer-ttl", type=float, default=900, help="seconds a stored answer lives (answer_ttl)")
    p.add_argument("--export-backlog", type=float, default=60, help="seconds of CDRs the outboxes may hold")
    p.add_argument("--fragmentation", type=float, default=1.3)
    p.add_argument("--master-memory-gib", type=float, default=32)
    p.add_argument("--master-us", type=float, help="instead of the measured master CPU per CCR")
    p.add_argument("--node-us", type=float, help="instead of the measured gyrate-ocs CPU per CCR")
    a = p.parse_args()
    with open(a.result) as f:
        m = measured(json.load(f), a.masters_measured)
    m["master_us"] = a.master_us or m["master_us"]
    m["node_us"] = a.node_us or m["node_us"]
    print(f"per CCR: Redis master {m['master_us']:.0f} us CPU, gyrate-ocs node {m['node_us']:.0f} us CPU; "
          f"{m['account_bytes']:.0f} B per account, {m['request_bytes']:.0f} B per request for "
          f"{a.answer_ttl:.0f} s, {m['cdr_bytes'] * m['cdrs_per_ccr']:.0f} B of CDR per CCR until exported")
    print(f"assumed: {a.headroom:.0%} busy at most, {a.node_cores}-core nodes + 1 spare, {a.replicas} replicas "
          f"per master, x{a.fragmentation} for RSS, <= {a.master_memory_gib:.0f} GiB per master\n")
    print("| subscribers | CCR/s | Redis masters | replicas | gyrate-ocs nodes | Redis memory per copy | "
          "of which accounts |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for subs in SUBSCRIBERS:
        for rate in RATES:
            masters, replicas, nodes, data = size(m, subs, rate, a)
            accounts = subs * m["account_bytes"] * a.fragmentation
            print(f"| {subs / 1e6:.0f}M | {rate // 1000}k | {masters} | {replicas} | {nodes} | "
                  f"{data / 2**30:,.1f} GiB | {accounts / 2**30:,.1f} GiB |")


if __name__ == "__main__":
    main()
