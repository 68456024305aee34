#!/usr/bin/env python3
"""Catalog reloads (SIGHUP) under load, and a broken catalog refused (ctest e2e.ocs_reload,
label e2e).

1. gyrate-ocs serves a copy of crash.tariff; gyrate-sim load runs CCR-I/U/T sessions for
   subscribers with ample balance while the test rewrites the catalog (alternating the Validity-
   Time, 10 and 20 min) and sends SIGHUP several times, each reload logged as done. The load's
   report must show every request answered, all 2001, no error.
2. Then the file is broken and SIGHUP sent: the server logs the refusal and keeps serving with the
   last good catalog (a scenario sees its Validity-Time)."""
import argparse
import json
import os
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
RELOADS = 5


def variant(text, minutes):
    return text.replace("validity llm = 10 min;", f"validity llm = {minutes} min;")


def reload(ocs, live, text):
    mark = len(ocs.stderr_lines)
    with open(live, "w", encoding="utf-8") as f:
        f.write(text)
    ocs.signal(signal.SIGHUP)
    return ocs.wait_stderr(r"catalog reloaded|reload refused", since=mark, timeout=30)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ocs", required=True)
    p.add_argument("--sim", required=True)
    args = p.parse_args()
    failures = []
    original = open(CATALOG, encoding="utf-8").read()
    assert "validity llm = 10 min;" in original
    with tempfile.TemporaryDirectory(prefix="ocs_reload.") as work:
        live = os.path.join(work, "live.tariff")
        with open(live, "w", encoding="utf-8") as f:
            f.write(original)
        ocs = Ocs(args.ocs, live, os.path.join(work, "store"), [SUBSCRIBERS], ("--fsync", "off"))
        try:
            load = subprocess.Popen(
                ocs.sim_cmd(args.sim, "load", "--concurrency", "8", "--duration", "8s", "--subscribers", "8",
                            "--subscriber", "e164:8613900000000", "--updates", "3", "--units", "1000 tokens",
                            "--json", "--no-progress"),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.0)
            last = 10
            for n in range(RELOADS):
                last = 20 if n % 2 == 0 else 10
                line = reload(ocs, live, variant(original, last))
                print(f"reload {n + 1} under load: {line.strip()}", flush=True)
                if "catalog reloaded" not in line:
                    failures.append(f"reload {n + 1} refused: {line}")
                time.sleep(0.8)
            if load.poll() is not None:
                failures.append("the load ended before the last reload: make its duration longer")
            out, err = load.communicate(timeout=90)
            try:
                report = json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                report = None
            if report is None:
                failures.append(f"no load report:\n{out}\n{err}")
            else:
                print(f"load: sent {report['sent']}, answered {report['answered']}, "
                      f"Result-Codes {report['result_codes']}, errors {report['errors']}", flush=True)
                codes = report["result_codes"]
                if (report["sent"] == 0 or report["answered"] != report["sent"] or report["errors"]
                        or set(codes) != {"2001"} or load.returncode != 0):
                    failures.append(f"requests failed or went unanswered across reloads: {out}{err}")

            # A broken catalog: refused, and the last good one (validity `last` min) keeps serving.
            line = reload(ocs, live, original.replace("allowance llm 1000M token;", "allowance llm 1000M tokn;"))
            print(f"broken catalog: {line.strip()}", flush=True)
            if "reload refused" not in line:
                failures.append(f"a broken catalog was not refused: {line}")
            probe(ocs, args.sim, work, "initial p subscriber e164:8613900000007 rg 100 rsu 1000 tokens\n"
                  f"expect result 2001\nexpect rg 100 granted 1000 tokens\nexpect rg 100 validity {last} min\n",
                  failures, "the server did not keep serving with the last good catalog")
        finally:
            code = ocs.stop()
        return verdict(ocs, failures, code,
                       f"{RELOADS} reloads under load failed no request; a broken catalog was refused")

if __name__ == "__main__":
    sys.exit(main())
