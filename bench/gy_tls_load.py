#!/usr/bin/env python3
"""What TLS costs on Gy (P3 in docs/benchmarks.md): the same gyrate-sim load against gyrate-ocs with
plain TCP and with TLS (certificates from examples/tls/make-test-ca.sh in a temporary directory),
alternated in one run at each concurrency, each on its own store. Prints a markdown table.

  bench/gy_tls_load.py --build build [--duration 5s] [--rounds 2] [--fsync off] [--concurrency 1,16,64]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gy_load import BASE, CLIENT_ID, SERVER_ID, SUBSCRIBERS, free_port, start, stop  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_CA = os.path.join(HERE, "..", "examples", "tls", "make-test-ca.sh")


def tls_flags(certs, identity):
    return ["--tls-cert", os.path.join(certs, identity + ".pem"), "--tls-key", os.path.join(certs, identity + ".key"),
            "--tls-ca", os.path.join(certs, "ca.pem")]


def load(args, port, extra):
    """gy_load.py's load run, except that an abort in freeDiameter 1.2.1's shutdown after the report
    (libfdproto/fifo.c fd_fifo_del's 20 ms assert, on a loaded machine) keeps the report."""
    cmd = [os.path.join(args.build, "tools/gyrate-sim/gyrate-sim"), "load", "--server", f"127.0.0.1:{port}",
           "--server-identity", SERVER_ID, "--subscriber", f"e164:{BASE}", "--subscribers", str(SUBSCRIBERS),
           "--rating-group", "100", "--service-id", "1003", "--units", "1000", "--duration", args.duration,
           "--json", "--no-progress", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    shutdown_abort = out.returncode == -6 and "fd_fifo_del: Assertion" in out.stderr and out.stdout.strip()
    if out.returncode != 0 and not shutdown_abort:
        sys.exit(f"gyrate-sim load failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux /proc), for the server's cost per CCR:
    unlike CCR/s, it hardly moves when other jobs share the cores."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ocs_server(args, work, store, extra):
    port = free_port()
    cmd = [os.path.join(args.build, "tools/gyrate-ocs/gyrate-ocs"), "--catalog", args.tariff, "--store", store,
           "--port", str(port), "--allow-peer", CLIENT_ID, "--threads", str(args.threads), "--fsync", args.fsync,
           "--admin", "false", "--checkpoint", "0", *extra]
    if not os.path.exists(os.path.join(store, "LOCK")):
        cmd += ["--subscribers", os.path.join(work, "subscribers.csv")]
    return start(cmd, "gyrate-ocs listening", open(os.path.join(work, "ocs.log"), "a")), port


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    p.add_argument("--duration", default="5s")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--fsync", default="off", help="off: the journal's sync does not hide the TLS cost")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--concurrency", default="1,16,64")
    p.add_argument("--tariff", default=os.path.join(HERE, "tariffs/gy_load.tariff"))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        certs = os.path.join(work, "certs")
        subprocess.run(["sh", MAKE_CA, certs, SERVER_ID, CLIENT_ID], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(work, "subscribers.csv"), "w") as f:
            f.write("id,plan,activation,identities\n")
            f.writelines(f"s{i},load,2026-11-01,e164:+{BASE + i}\n" for i in range(SUBSCRIBERS))
        modes = {"plain": ([], []), "tls": (tls_flags(certs, SERVER_ID), tls_flags(certs, CLIENT_ID))}
        print("| in flight | plain CCR/s | TLS CCR/s | TLS / plain | plain p50 / p99 ms | TLS p50 / p99 ms "
              "| server CPU us/CCR plain / TLS |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for c in [int(x) for x in args.concurrency.split(",")]:
            runs = {m: [] for m in modes}
            for _ in range(args.rounds):
                for mode, (server_extra, client_extra) in modes.items():
                    proc, port = ocs_server(args, work, os.path.join(work, "store-" + mode), server_extra)
                    before = cpu_seconds(proc.pid)
                    r = load(args, port, ["--concurrency", str(c), *client_extra])
                    r["server_cpu_us"] = (cpu_seconds(proc.pid) - before) * 1e6 / max(r["answered"], 1)
                    runs[mode].append(r)
                    stop(proc)
            rate = {m: statistics.median(r["ccr_per_second"] for r in rs) for m, rs in runs.items()}
            lat = lambda m, k: statistics.median(r["latency_us"][k] for r in runs[m]) / 1000  # noqa: E731
            cpu = {m: statistics.median(r["server_cpu_us"] for r in rs) for m, rs in runs.items()}
            print(f"| {c} | {rate['plain']:,.0f} | {rate['tls']:,.0f} | {rate['tls'] / rate['plain']:.0%} "
                  f"| {lat('plain', 'p50'):.2f} / {lat('plain', 'p99'):.2f} | {lat('tls', 'p50'):.2f} / {lat('tls', 'p99'):.2f} "
                  f"| {cpu['plain']:.0f} / {cpu['tls']:.0f} |", flush=True)
            codes = {m: sorted({k for r in rs for k in r["result_codes"]}) for m, rs in runs.items()}
            if codes["plain"] != ["2001"] or codes["tls"] != ["2001"]:
                print(f"  (answers other than 2001: {codes})", flush=True)


if __name__ == "__main__":
    main()
