#!/usr/bin/env python3
"""Redis Cluster changes under Gy load behind the relay (label cluster):

  --fault master-kill (ctest cluster.gy_redis_master_kill): SIGKILL of the Redis master holding the
    first worker's account; its replica is promoted. Requests on that shard may fail while it has
    no master (their usage counts as maybe committed); nothing acknowledged may be lost.
  --fault replica-stall (ctest cluster.gy_replica_stall): the replica of that master stalls (SIGSTOP)
    under load and the master drops its link (CLIENT KILL TYPE replica: what a replica too far
    behind gets), so changes on the master reach no replica and their answers are held back (3004);
    then the master is killed and the stalled replica resumes and is promoted without them. Nothing
    acknowledged may be lost: with --wait-replicas 0 (no WAIT) this test fails.
  --fault reshard (ctest cluster.gy_reshard): `redis-cli --cluster reshard` moves slots of the
    master holding the first worker's account to another master, up to the last worker account on
    it. No error may reach Diameter:
    every answer is 2001 (or 4012).

Workers (gyrate-sim scenario processes, one solo subscriber each) play sessions through the relay
over two gyrate-ocs nodes until the fault is over and each has answered more requests afterwards;
then they are cut off at the relay (the request each had in flight counts as maybe committed). Afterwards each
account's `used` is the acknowledged usage plus some of the maybe-committed requests, each at most
once, and equals its CDRs in Redis."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_harness import Cluster, Worker, RELAY_ID, cut_off, redis_call, test_args  # noqa: E402
from cluster_ledger import Ledger, check_accounts, sessions_scenario  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "cluster.tariff")
SUBSCRIBERS = os.path.join(HERE, "cluster_subscribers.csv")
WORKERS = 4
SESSIONS = 2000  # per worker: far more than a run plays; the workers are stopped
UPDATES = 3
AFTER = 40  # answers each worker must get after the fault


def peer(i):
    return f"sim{i}.gyrate.test"


def wait_answers(workers, at_least, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(w.answered() >= n for w, n in zip(workers, at_least)):
            return True
        if any(w.proc.poll() is not None for w in workers):
            return False
        time.sleep(0.1)
    return False


def rejoin(redis, port):
    """The operator restarts the killed master: it rejoins as a replica of the one that took over
    (dropping what it alone held), so WAIT can reach a replica again and the shard serves changes
    and reads again (until then both are refused: nothing unreplicated is acknowledged or read)."""
    t = time.monotonic()
    redis.start(port)
    redis.wait_ready(60)
    print(f"{port} rejoined as a replica in {time.monotonic() - t:.1f} s", flush=True)


def main():
    def flags(p):
        p.add_argument("--fault", choices=["master-kill", "replica-stall", "reshard"], required=True)
        p.add_argument("--stall-s", type=float, default=2.0, help="how long the replica stalls")
        p.add_argument("--wait-replicas", type=int, default=1, help="gyrate-ocs --redis-wait-replicas")
        p.add_argument("--deadline-ms", type=int, default=250, help="gyrate-ocs --redis-deadline-ms")
    args, rng = test_args(flags)
    failures = []
    # While a slot moves, a commit is refused (TRYAGAIN) only while its account and the slot's
    # outbox are on different masters (operations.md, "Resharding"): milliseconds, well within the
    # default deadline (250 ms), which a loaded 2-core CI machine's stalls can exceed on their own;
    # ctest gives 1000 ms.
    node_extra = ["--redis-deadline-ms", str(args.deadline_ms), "--redis-wait-replicas", str(args.wait_replicas)]
    with Cluster(args.ocs, CATALOG, SUBSCRIBERS, node_extra=node_extra,
                 client_ids=[peer(i) for i in range(WORKERS)]) as cluster:
        workers = [Worker(args.sim, cluster.root, f"w{i}",
                          sessions_scenario(f"861370000000{i}", SESSIONS, UPDATES, rng, resend_every=5),
                          cluster.relay.port, RELAY_ID, peer(i), timeout_ms=args.deadline_ms + 10_000)
                   for i in range(WORKERS)]
        if not wait_answers(workers, [20] * WORKERS, 60):
            failures.append("the workers did not get under way")
        redis = cluster.redis
        victim = redis.key_master("{acct:solo-0}")
        held = [i for i in range(WORKERS) if redis.key_master(f"{{acct:solo-{i}}}") == victim]
        before = [w.answered() for w in workers]
        started = time.monotonic()
        if args.fault == "master-kill":
            print(f"killing the master {victim} (accounts of workers {held}) after {before} answers", flush=True)
            redis.kill(victim)
            redis.wait_ready(60)
            print(f"a replica took over after {time.monotonic() - started:.1f} s: masters {redis.master_ports()}",
                  flush=True)
            rejoin(redis, victim)
        elif args.fault == "replica-stall":
            replica = redis.replica_of(victim)
            print(f"stalling the replica {replica} of {victim} (accounts of workers {held}) for {args.stall_s} s "
                  f"after {before} answers, then killing {victim}", flush=True)
            redis.signal(replica, signal.SIGSTOP)
            redis_call(victim, "CLIENT", "KILL", "TYPE", "replica")
            time.sleep(args.stall_s)
            stalled = [w.answered() for w in workers]
            redis.kill(victim)
            redis.signal(replica, signal.SIGCONT)
            redis.wait_ready(60)
            print(f"answers while stalled: {[b - a for a, b in zip(before, stalled)]}; the stalled replica "
                  f"took over after {time.monotonic() - started:.1f} s: masters {redis.master_ports()}", flush=True)
            if replica not in redis.master_ports():
                failures.append(f"the stalled replica {replica} did not take over")
            rejoin(redis, victim)
        else:
            target = next(m for m in redis.master_ports() if m != victim)
            # redis-cli moves the source's lowest slots first: enough of them to take every worker
            # account the source holds (and its slot's CDR outbox) along.
            owned = redis.slots_of(victim)
            slots = 1 + max(owned.index(redis.key_slot(f"{{acct:solo-{i}}}")) for i in held)
            print(f"moving {slots} of the {len(owned)} slots of {victim} (accounts of workers {held}) to "
                  f"{target} after {before} answers", flush=True)
            redis.reshard(victim, target, slots)
            redis.wait_ready(60)
            moved = [i for i in held if redis.key_master(f"{{acct:solo-{i}}}") == target]
            if moved != held:
                failures.append(f"the accounts of workers {held} did not all move: {moved}")
            print(f"resharded in {time.monotonic() - started:.1f} s", flush=True)
        during = [w.answered() for w in workers]
        if not wait_answers(workers, [n + AFTER for n in during], 90):
            failures.append(f"the workers did not continue after the fault: {during} -> "
                            f"{[w.answered() for w in workers]}")
        print(f"answers: before {before}, after the fault {during}, at the end {[w.answered() for w in workers]}",
              flush=True)
        cut = cut_off(cluster.relay, workers)
        ledger = Ledger()
        for i, w in enumerate(workers):
            ledger.add(f"solo-{i}", w.output(), cut[i])
        print(f"Result-Codes: {ledger.codes}, resends: {ledger.resends}; after the cut-off (None: no "
              f"answer): {ledger.codes_after_cut}", flush=True)
        if args.fault == "reshard":
            errors = ledger.unexpected_codes((2001, 4012))
            if errors:
                failures.append(f"errors reached Diameter during the reshard: {errors}")
        else:
            print(f"answers other than 2001 during the failover: {ledger.unexpected_codes()}", flush=True)
        check_accounts(cluster, ledger, [f"solo-{i}" for i in range(WORKERS)], failures)
        if failures:
            return cluster.fail(failures)
    print(f"PASS: {args.fault} under Gy load; nothing acknowledged lost, nothing doubled, balances equal "
          f"the CDRs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
