#!/usr/bin/env python3
"""Two members of one team on two gyrate-ocs nodes at once (ctest cluster.gy_team_pool, label
cluster): never more reserved or granted than the pool.

The team crew (tests/cluster/cluster.tariff) pools 100k tokens, in grants of at most 1k. Worker A
talks to node 1 only, worker B to node 2 only, so every request of the two races the other node
for the same account in Redis. Each opens 100 sessions asking 1k (together twice the pool), then
reports each grant used and asks 1k again. Nothing is ever released, so the
grants the two workers were given add up to what the pool had to cover: at most 100k. Afterwards
both nodes' admin API must agree with that: used = the acknowledged reports, used + reserved =
the grants still held + used <= pool, and used equals the team's CDRs."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import Cluster, Worker, test_args  # noqa: E402
from cluster_ledger import START, Ledger, check_accounts, exchanges, service_used  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "cluster.tariff")
SUBSCRIBERS = os.path.join(HERE, "cluster_subscribers.csv")
POOL = 100_000
GRANT = 1_000
SESSIONS = 100  # per worker: together twice the pool in grants
WARM_UP = 10  # requests on a solo account first, so both workers are connected and under way


def scenario(msisdn, solo):
    lines = [f"subscriber m e164:{msisdn}", f"subscriber solo e164:{solo}", f"at {START}"]
    lines += [f"event warm{s} subscriber solo action check_balance rg 100" for s in range(WARM_UP)]
    lines += [f"initial s{s} subscriber m rg 100 rsu {GRANT} tokens" for s in range(SESSIONS)]
    lines += [f"update s{s} rg 100 usu {GRANT} tokens rsu {GRANT} tokens" for s in range(SESSIONS)]
    return "\n".join(lines) + "\n"


def main():
    args, _ = test_args()
    failures = []
    ids = ["sima.gyrate.test", "simb.gyrate.test"]
    with Cluster(args.ocs, CATALOG, SUBSCRIBERS, client_ids=ids) as cluster:
        workers = [Worker(args.sim, cluster.root, f"m{i}", scenario(f"861378000000{i + 1}", f"861370000000{i + 6}"),
                          cluster.nodes[i].port, cluster.nodes[i].identity, ids[i]) for i in range(2)]
        ledger = Ledger()
        granted, held = 0, 0  # every GSU given; those not reported used afterwards
        per_node = {}
        for w, node in zip(workers, cluster.nodes):
            code = w.wait(timeout=90)
            ledger.add("crew", w.output())
            last = {}
            for e in exchanges(w.output()):
                if e.session.startswith("warm"):
                    continue
                per_node[node.name] = per_node.get(node.name, 0) + len(e.grants)
                for result, gsu in e.grants:
                    granted += gsu
                    if gsu != GRANT:
                        failures.append(f"{w.name}: a grant of {gsu}, not {GRANT}: {e.reply}")
                if e.result == 2001 and e.grants:
                    last[e.session] = e.grants[0][1]
                elif e.kind == "U":
                    last.pop(e.session, None)  # the report used the grant; no new one
            held += sum(last.values())
            if code not in (0, 1):  # 1: an expectation failed; this scenario has none
                failures.append(f"{w.name} exited {code}:\n{w.output()[-3000:]}")
        print(f"grants per node: {per_node}", flush=True)
        print(f"Result-Codes: {ledger.codes}; granted {granted} in all, {held} still held; "
              f"acknowledged use {ledger.acknowledged.get('crew', 0)}", flush=True)
        if granted > POOL:
            failures.append(f"the two nodes granted {granted} tokens from a pool of {POOL}")
        if granted < POOL:
            failures.append(f"only {granted} of the pool's {POOL} tokens were granted: every session "
                            f"asked, so the pool should have run dry")
        for n in cluster.live_nodes():
            b = n.balances("crew")
            s = next(s for s in b["services"] if s["service"] == "llm")
            print(f"{n.name}: crew used {s['used']}, reserved {s['reserved']}, remaining {s['remaining']}",
                  flush=True)
            if s["used"] + s["reserved"] > POOL:
                failures.append(f"{n.name}: used {s['used']} + reserved {s['reserved']} > pool {POOL}")
            if s["reserved"] != held:
                failures.append(f"{n.name}: reserved {s['reserved']}, but the workers hold {held}")
            if service_used(b) + held != granted:
                failures.append(f"{n.name}: used {service_used(b)} + held {held} != granted {granted}")
        check_accounts(cluster, ledger, ["crew"], failures)
        if failures:
            return cluster.fail(failures)
    print(f"PASS: two nodes granted the team {granted} of a {POOL} pool, never more", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
