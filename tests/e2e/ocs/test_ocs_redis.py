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
import re
import shutil
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cluster"))
from ocs_harness import Ocs  # noqa: E402
from cluster_harness import RedisCluster  # noqa: E402  (its processes die with this test)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CATALOG = os.path.join(ROOT, "examples", "catalog.tariff")
SUBSCRIBERS = os.path.join(ROOT, "examples", "subscribers.csv")
ALICE = "e164:8613800000001"  # alice, token_starter (examples/subscribers.csv)


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


def store_metric(node, name, at_least, timeout=5.0):
    """The node's counter `name` once it reaches `at_least` (gyrate-ocs reports the engine's store
    counters every second), else its last reading."""
    deadline = time.monotonic() + timeout
    while True:
        text = urllib.request.urlopen(f"http://127.0.0.1:{node.admin_port}/metrics", timeout=10).read().decode()
        found = re.findall(rf"^{name} (\S+)$", text, re.M)
        value = float(found[0]) if found else -1
        if value >= at_least or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ocs", required=True)
    ap.add_argument("--sim", required=True)
    args = ap.parse_args()
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        print("SKIP: no redis-server")
        return 77
    work = tempfile.mkdtemp(prefix="gyrate-ocs-redis-")
    redis, nodes, failures = None, [], []
    try:
        redis = RedisCluster(work, masters=3, replicas=0)
        store = "redis://" + redis.seeds()
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
        loads = store_metric(a, "gyrate_store_loads_total", 1)
        print(f"A: gyrate_store_loads_total {loads}")
        if loads < 1:
            failures.append(f"A read alice from Redis, but gyrate_store_loads_total is {loads}")
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
        if redis:
            redis.stop()
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
