#!/usr/bin/env python3
"""P3 (targets.md): Gy end to end on loopback. The same gyrate-sim load client against a bare
freeDiameter server that answers from a fixed rule (tests/sim/sim_test_server) and against
gyrate-ocs on its embedded store, alternated in one run at several concurrencies; then gyrate-ocs
paced at half its measured maximum for p99. Prints a markdown table for docs/benchmarks.md.

  bench/gy_load.py --build build [--duration 10s] [--rounds 2] [--fsync always] [--threads 2]
"""
import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SERVER_ID, REALM, CLIENT_ID = "ocs.gyrate.test", "gyrate.test", "sim.gyrate.test"
SUBSCRIBERS = 1000
BASE = 8613900000000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, ready_prefix, log):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    if not line.startswith(ready_prefix):
        proc.kill()
        sys.exit(f"{cmd[0]} did not start: {line!r}")
    return proc


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


def load(args, port, extra):
    cmd = [os.path.join(args.build, "tools/gyrate-sim/gyrate-sim"), "load", "--server", f"127.0.0.1:{port}",
           "--server-identity", SERVER_ID, "--subscriber", f"e164:{BASE}", "--subscribers", str(SUBSCRIBERS),
           "--rating-group", "100", "--service-id", "1003", "--units", "1000", "--duration", args.duration,
           "--json", "--no-progress", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit(f"gyrate-sim load failed: {out.stderr}")
    return json.loads(out.stdout)


def bare_server(args, work):
    port = free_port()
    cmd = [os.path.join(args.build, "tests/sim/sim_test_server"), "--identity", SERVER_ID, "--realm", REALM,
           "--port", str(port), "--conf", os.path.join(work, "bare.conf"), "--allow", CLIENT_ID,
           "--threads", "2", "--limit", str(10**15)]
    return start(cmd, "sim_test_server listening", open(os.path.join(work, "bare.log"), "a")), port


def ocs_server(args, work, store):
    port = free_port()
    cmd = [os.path.join(args.build, "tools/gyrate-ocs/gyrate-ocs"), "--catalog", args.tariff,
           "--store", store, "--port", str(port), "--allow-peer", CLIENT_ID, "--threads", str(args.threads),
           "--fsync", args.fsync, "--admin", "false", "--checkpoint", "0"]
    if not os.path.exists(os.path.join(store, "LOCK")):
        cmd += ["--subscribers", os.path.join(work, "subscribers.csv")]
    return start(cmd, "gyrate-ocs listening", open(os.path.join(work, "ocs.log"), "a")), port


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    p.add_argument("--duration", default="10s")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--fsync", default="always")
    p.add_argument("--threads", type=int, default=2, help="gyrate-ocs --threads (CCRs handled at once)")
    p.add_argument("--concurrency", default="1,16,64")
    p.add_argument("--tariff", default=os.path.join(os.path.dirname(__file__), "tariffs/gy_load.tariff"))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "subscribers.csv"), "w") as f:
            f.write("id,plan,activation,identities\n")
            for i in range(SUBSCRIBERS):
                f.write(f"s{i},load,2026-11-01,e164:+{BASE + i}\n")
        store = os.path.join(work, "store")
        rows = []
        for c in [int(x) for x in args.concurrency.split(",")]:
            bare, ocs = [], []
            for _ in range(args.rounds):
                proc, port = bare_server(args, work)
                bare.append(load(args, port, ["--concurrency", str(c)]))
                stop(proc)
                proc, port = ocs_server(args, work, store)
                ocs.append(load(args, port, ["--concurrency", str(c)]))
                stop(proc)
            rows.append((c, bare, ocs))
        print(f"| in flight | bare CCR/s | gyrate-ocs CCR/s | ratio | bare p50 / p99 ms | gyrate-ocs p50 / p99 ms |")
        print("| --- | --- | --- | --- | --- | --- |")
        best = 0
        for c, bare, ocs in rows:
            b = statistics.median(r["ccr_per_second"] for r in bare)
            o = statistics.median(r["ccr_per_second"] for r in ocs)
            best = max(best, o)
            lat = lambda rs, k: statistics.median(r["latency_us"][k] for r in rs) / 1000
            print(f"| {c} | {b:,.0f} | {o:,.0f} | {o / b:.0%} | {lat(bare, 'p50'):.2f} / {lat(bare, 'p99'):.2f} "
                  f"| {lat(ocs, 'p50'):.2f} / {lat(ocs, 'p99'):.2f} |")
        half = max(int(best / 2), 1)
        proc, port = ocs_server(args, work, store)
        paced = load(args, port, ["--concurrency", "64", "--rate", str(half)])
        stop(proc)
        print(f"\ngyrate-ocs paced at {half:,} CCR/s (half its best): {paced['ccr_per_second']:,.0f} CCR/s, "
              f"p50 {paced['latency_us']['p50'] / 1000:.2f} ms, p99 {paced['latency_us']['p99'] / 1000:.2f} ms, "
              f"max {paced['latency_us']['max'] / 1000:.2f} ms; answers by Result-Code {paced['result_codes']}")
        for name, rs in (("bare", [r for _, b, _ in rows for r in b]), ("gyrate-ocs", [r for _, _, o in rows for r in o])):
            codes = {}
            for r in rs:
                for k, v in r["result_codes"].items():
                    codes[k] = codes.get(k, 0) + v
            print(f"{name}: answers by Result-Code over every run {codes}")


if __name__ == "__main__":
    main()
