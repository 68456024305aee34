"""Two gyrate-ocs nodes on one Redis Cluster (--store redis://), over real Gy on loopback.

Node A provisions the subscribers file; node B, started with the same file, keeps what Redis holds.
gyrate-sim loads one subscriber through B and then through A: A loads the account on first use and
charges on from where B left it. Both nodes' admin APIs then show the same balance, A (the
exporting node, --cdr-export) writes the cluster's CDRs at stop, and the debits of those CDRs add
up to the usage the balance shows: nothing lost, nothing doubled.
"""
import argparse
import glob
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ocs_harness import Ocs  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CATALOG = os.path.join(ROOT, "examples", "catalog.tariff")
SUBSCRIBERS = os.path.join(ROOT, "examples", "subscribers.csv")
ALICE = "e164:8613800000001"  # alice, token_starter (examples/subscribers.csv)


def cluster_port(taken):
    """A port free with its cluster bus port (+10000), so below 55536: the ephemeral range
    free_port() draws from would put the bus past 65535."""
    while True:
        p = random.randrange(20000, 30000)
        if p in taken:
            continue
        try:
            for port in (p, p + 10000):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                    s.bind(("127.0.0.1", port))
            return p
        except OSError:
            continue


def start_redis_cluster(work, ports, masters=3):
    """`masters` redis-server processes in cluster mode, joined; their ports go into `ports` as
    they start, so the caller stops them even when joining fails."""
    for _ in range(masters):
        ports.append(cluster_port(ports))
    for p in ports:
        d = os.path.join(work, f"redis-{p}")
        os.makedirs(d)
        subprocess.run(["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--dir", d, "--save", "", "--appendonly", "no",
                        "--daemonize", "yes", "--logfile", os.path.join(d, "log")], check=True)
    for p in ports:
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(p), "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
                break
            time.sleep(0.05)
    subprocess.run(["redis-cli", "--cluster", "create", *[f"127.0.0.1:{p}" for p in ports], "--cluster-replicas", "0",
                    "--cluster-yes"], check=True, capture_output=True, timeout=60)
    for _ in range(200):
        info = subprocess.run(["redis-cli", "-p", str(ports[0]), "cluster", "info"], capture_output=True, text=True).stdout
        if "cluster_state:ok" in info:
            return
        time.sleep(0.05)
    raise RuntimeError("the Redis cluster never became ok")


def stop_redis(ports):
    for p in ports:
        subprocess.run(["redis-cli", "-p", str(p), "shutdown", "nosave"], capture_output=True, timeout=10)


def llm(node):
    status, body = node.admin("GET", "/v1/subscribers/alice")
    if status != 200:
        raise RuntimeError(f"balances: {status} {body}")
    return next(s for s in body["services"] if s["service"] == "llm")


def load(node, sim):
    r = node.sim(sim, "load", "--subscriber", ALICE, "--subscribers", "1", "--duration", "1s", "--concurrency", "4",
                 "--units", "200 tokens", "--no-progress", "--json")
    if r.returncode != 0:
        raise RuntimeError(f"gyrate-sim load failed:\n{r.stdout}{r.stderr}")
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ocs", required=True)
    ap.add_argument("--sim", required=True)
    args = ap.parse_args()
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        print("SKIP: no redis-server")
        return 77
    work = tempfile.mkdtemp(prefix="gyrate-ocs-redis-")
    ports, nodes, failures = [], [], []
    try:
        start_redis_cluster(work, ports)
        store = "redis://" + ",".join(f"127.0.0.1:{p}" for p in ports)
        exports = os.path.join(work, "cdrs")
        common = ["--redis-wait-replicas", "0"]
        a = Ocs(args.ocs, CATALOG, store, [SUBSCRIBERS], [*common, "--cdr-export", exports])
        nodes.append(a)
        b = Ocs(args.ocs, CATALOG, store, [SUBSCRIBERS], common)
        nodes.append(b)
        b.wait_stderr(r"already in the store kept")

        first = load(b, args.sim)
        after_b = llm(b)
        second = load(a, args.sim)
        seen_a, seen_b = llm(a), llm(b)
        print(f"through B: {first['answered']} answered; through A: {second['answered']} answered")
        print(f"llm used: after B {after_b['used']}, now A {seen_a['used']} / B {seen_b['used']}")
        if seen_a != seen_b:
            failures.append(f"the nodes disagree: A {seen_a} B {seen_b}")
        if not seen_a["used"] > after_b["used"] > 0:
            failures.append(f"A did not charge on from where B left: {after_b['used']} then {seen_a['used']}")
        for report in (first, second):
            codes = {c: n for c, n in report.get("result_codes", {}).items() if c not in ("2001", "4012")}
            if report["sent"] != report["answered"] or report["errors"] or codes:
                failures.append(f"unexpected answers: {report}")

        code_b = b.stop()
        code_a = a.stop()  # exports what is left in the outboxes
        if code_a != 0 or code_b != 0:
            failures.append(f"exit status A {code_a} B {code_b}")
        debits = 0
        for path in glob.glob(os.path.join(exports, "cdrs-*.jsonl")):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    cdr = json.loads(line)
                    if cdr.get("account") == "alice" and cdr.get("service") == "llm":
                        debits += int(cdr.get("debit", 0))
        print(f"CDR debits for alice/llm: {debits}")
        if debits != seen_a["used"]:
            failures.append(f"CDR debits {debits} != the balance's usage {seen_a['used']}")
    except Exception as e:  # noqa: BLE001 - reported with the nodes' logs
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        for n in nodes:
            n.stop()
        stop_redis(ports)
    if failures:
        print("FAIL\n" + "\n".join(failures))
        for i, n in enumerate(nodes):
            print(f"--- node {'AB'[i]} stderr:\n{n.stderr()}")
        shutil.rmtree(work, ignore_errors=True)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("PASS: two nodes on one Redis Cluster charge one account on from each other; its CDRs equal its usage")
    return 0


if __name__ == "__main__":
    sys.exit(main())
