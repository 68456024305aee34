#!/usr/bin/env python3
"""SIGKILL of gyrate-ocs under load, restart on the same store, balances checked (ctest
e2e.ocs_crash, label e2e).

Workers (gyrate-sim scenario processes, one subscriber each) play CCR-I/U/T sessions with usage
of varied sizes against gyrate-ocs --fsync always. At a random moment the server is killed
(SIGKILL: no checkpoint, no clean stop). Each worker's output says which CCRs were answered. A
CCR whose answer the client saw was committed before the answer left, so its Used-Service-Unit
must be in the account; the one CCR a worker had in flight at the kill may or may not be. After
a restart on the same store, a probe session two hours later (every reservation has lapsed: the
validity is 10 min) asks for the whole allowance and is granted allowance - used, so for every
subscriber: used == answered usage, or answered usage + the in-flight CCR's usage. The admin
API's GET /v1/subscribers/{id} must give the same `used`."""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ocs_harness import Ocs, probe, verdict  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "crash.tariff")
SUBSCRIBERS = os.path.join(HERE, "crash_subscribers.csv")
ALLOWANCE = 1_000_000_000
WORKERS = 4
SESSIONS = 400  # per worker: more than a run gets through before the kill
UPDATES = 3
PEERS = [f"sim{i}.gyrate.test" for i in range(WORKERS)]
SENT = re.compile(r"^\S+:\d+: (resend \(T\) )?CCR-([IUTE]) (\S+) #(\d+);?(.*)$")
USU = re.compile(r"usu (\d+) units")


def peer(i):
    return f"sim{i}.gyrate.test"  # one Diameter identity per worker: one connection each


def answered_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().count("-> 2001")


def msisdn(i):
    return f"861390000000{i}"


def worker_scenario(path, i, rng):
    """Sessions of CCR-I, UPDATES x CCR-U, CCR-T with usage of varied sizes."""
    lines = [f"subscriber w e164:{msisdn(i)}", "at 2026-03-01 10:00"]
    for s in range(SESSIONS):
        lines.append(f"initial s{s} subscriber w rg 100 rsu 5000 tokens")
        for _ in range(UPDATES):
            lines.append(f"update s{s} rg 100 usu {rng.randint(1, 5000)} tokens rsu 5000 tokens")
        lines.append(f"terminate s{s} rg 100 usu {rng.randint(1, 5000)} tokens")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def tally(output):
    """(usage of the answered CCRs, usage of the first unanswered one, answered count)."""
    answered_usage, in_flight, answered = 0, None, 0
    lines = output.splitlines()
    for n, line in enumerate(lines):
        m = SENT.match(line)
        if not m:
            continue
        usage = sum(int(u) for u in USU.findall(m.group(5)))
        reply = lines[n + 1].strip() if n + 1 < len(lines) else ""
        # 3002 UNABLE_TO_DELIVER comes from the client's own stack once the peer is gone.
        if reply.startswith("-> no answer") or reply.startswith("-> 3002"):
            if in_flight is None:
                in_flight = usage
            continue
        if not reply.startswith("-> 2001"):
            raise AssertionError(f"an answer that is not 2001: {line} {reply}")
        if in_flight is not None:
            raise AssertionError(f"an answer after an unanswered request: {line} {reply}")
        answered_usage += usage
        answered += 1
    return answered_usage, in_flight or 0, answered


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ocs", required=True)
    p.add_argument("--sim", required=True)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--fsync", default="always", help="gyrate-ocs --fsync (always: the tested promise)")
    p.add_argument("--rounds", type=int, default=2, help="kill-restart rounds on one store")
    args = p.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"seed {seed}", flush=True)
    failures = []
    with tempfile.TemporaryDirectory(prefix="ocs_crash.") as work:
        store = os.path.join(work, "store")
        flags = ("--fsync", args.fsync, "--checkpoint", "1")
        answered = {i: 0 for i in range(WORKERS)}  # usage of the answered CCRs: committed for sure
        in_flight = {i: [] for i in range(WORKERS)}  # each round's CCR in flight: maybe
        for round_ in range(args.rounds):
            ocs = Ocs(args.ocs, CATALOG, store, [SUBSCRIBERS], flags, PEERS)
            workers = []
            for i in range(WORKERS):
                path = os.path.join(work, f"w{round_}.{i}.gysc")
                worker_scenario(path, i, rng)
                out_path = os.path.join(work, f"w{round_}.{i}.out")
                out = open(out_path, "w+", encoding="utf-8")
                # Line-buffered, so the test sees progress while the worker runs.
                cmd = ["stdbuf", "-oL"] + ocs.sim_cmd(args.sim, "scenario", path, "--timeout-ms", "2000",
                                                      "--identity", peer(i))
                workers.append((subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True), out))
            # Every worker under way (connected and answered), then a random moment.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(
                    answered_lines(os.path.join(work, f"w{round_}.{i}.out")) < 20 for i in range(WORKERS)):
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 1.5))
            if any(w.poll() is not None for w, _ in workers):
                failures.append(f"round {round_}: a worker ended before the kill; make SESSIONS larger")
            ocs.kill()
            for i, (w, out) in enumerate(workers):
                try:
                    w.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    w.kill()
                    w.wait()
                out.seek(0)
                got, flight, n = tally(out.read())
                out.close()
                answered[i] += got
                in_flight[i].append(flight)
                print(f"round {round_} worker {i}: {n} CCRs answered, {got} tokens reported in them, "
                      f"{flight} in flight at the kill", flush=True)
        # Restart on the same store and read every balance through Gy grant sizes.
        ocs = Ocs(args.ocs, CATALOG, store, [SUBSCRIBERS], flags)  # the probe is gyrate-sim's default identity
        try:
            text = "at 2026-03-01 12:00\n"  # two hours on: every reservation has lapsed
            text += "".join(f"initial p{i} subscriber e164:{msisdn(i)} rg 100 rsu {ALLOWANCE} tokens\n"
                            for i in range(WORKERS))
            r = probe(ocs, args.sim, work, text, failures, "the probe failed")
            grants = [int(g) for g in re.findall(r"-> 2001; rg 100 2001 gsu (\d+) units", r.stdout)]
            if len(grants) != WORKERS:
                failures.append(f"probe: expected {WORKERS} grants:\n{r.stdout}{r.stderr}")
            for i, grant in enumerate(grants):
                used = ALLOWANCE - grant
                # The admin API reads the same account from the engine: it must say the same.
                admin_used = None
                if ocs.admin_port:
                    status, b = ocs.admin("GET", f"/v1/subscribers/crash-{i}")
                    admin_used = b["services"][0]["used"] if status == 200 else None
                    if admin_used != used:
                        failures.append(f"subscriber {i}: Gy says used {used}, the admin API {admin_used} ({status})")
                # What may have been committed beyond the answered: any subset of the in-flight CCRs.
                maybe = {0}
                for f in in_flight[i]:
                    maybe |= {m + f for m in maybe}
                ok = used - answered[i] in maybe
                print(f"subscriber {i}: used {used} (admin API: {admin_used}), answered {answered[i]}, "
                      f"in flight at the kills {in_flight[i]}: {'ok' if ok else 'WRONG'}", flush=True)
                if not ok:
                    failures.append(f"subscriber {i}: used {used} is answered {answered[i]} + "
                                    f"{used - answered[i]}, not a sum of in-flight usage {in_flight[i]}")
        finally:
            code = ocs.stop()
        return verdict(ocs, failures, code, "every answered report is in the balances after SIGKILL and restart")

if __name__ == "__main__":
    sys.exit(main())
