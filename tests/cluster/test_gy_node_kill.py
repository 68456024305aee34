#!/usr/bin/env python3
"""SIGKILL of a gyrate-ocs node mid-session behind the relay (ctest cluster.gy_node_kill, label
cluster).

Two gyrate-ocs nodes on one Redis Cluster (3 masters x 1 replica) behind the freeDiameterd relay of
examples/cluster/relay.conf. Workers (gyrate-sim scenario processes, one solo subscriber each) play
sessions through the relay, which spreads every request over both nodes; some sessions resend a
CCR-U with the T flag. Once every worker is under way, one node is killed: the relay resends the
requests that node left unanswered to the other one (T flag) and every later request goes there,
so sessions the dead node opened continue on the survivor. Afterwards: every request was answered
(2001), a resend got its original's answer, and each account's `used` is the acknowledged usage
(nothing lost, nothing counted twice) and equals its CDRs in Redis."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import Cluster, Worker, RELAY_ID, test_args  # noqa: E402
from cluster_ledger import Ledger, check_accounts, sessions_scenario  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "cluster.tariff")
SUBSCRIBERS = os.path.join(HERE, "cluster_subscribers.csv")
WORKERS = 4
SESSIONS = 80  # per worker: far more than a run gets through before the kill (~200 answers/s each)
UPDATES = 3


def peer(i):
    return f"sim{i}.gyrate.test"  # one Diameter identity per worker: one connection each


def main():
    args, rng = test_args()
    failures = []
    with Cluster(args.ocs, CATALOG, SUBSCRIBERS, client_ids=[peer(i) for i in range(WORKERS)]) as cluster:
        workers = [Worker(args.sim, cluster.root, f"w{i}",
                          sessions_scenario(f"861370000000{i}", SESSIONS, UPDATES, rng, resend_every=3),
                          cluster.relay.port, RELAY_ID, peer(i)) for i in range(WORKERS)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(w.answered() < 20 for w in workers):
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.2))
        if any(w.proc.poll() is not None for w in workers):
            failures.append("a worker ended before the kill; make SESSIONS larger")
        victim = cluster.nodes[rng.randrange(len(cluster.nodes))]
        print(f"killing {victim.name} after {[w.answered() for w in workers]} answers", flush=True)
        victim.kill()
        ledger = Ledger()
        for i, w in enumerate(workers):
            code = w.wait(timeout=90)
            ledger.add(f"solo-{i}", w.output())
            if code != 0:
                failures.append(f"worker {i} exited {code}:\n{w.output()[-3000:]}")
        print(f"Result-Codes: {ledger.codes}, resends: {ledger.resends}", flush=True)
        if ledger.unexpected_codes():
            failures.append(f"answers other than 2001 reached Diameter: {ledger.unexpected_codes()}")
        if ledger.resends == 0:
            failures.append("no resend was played")
        survivor = cluster.live_nodes()
        if len(survivor) != 1:
            failures.append(f"expected one node alive, got {[n.name for n in survivor]}")
        check_accounts(cluster, ledger, [f"solo-{i}" for i in range(WORKERS)], failures)
        if failures:
            return cluster.fail(failures)
    print("PASS: a node killed mid-session behind the relay; its sessions continued on the other node, "
          "nothing lost or doubled, balances equal the CDRs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
