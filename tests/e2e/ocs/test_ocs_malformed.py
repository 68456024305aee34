#!/usr/bin/env python3
"""Malformed CCRs at gyrate-ocs (ctest e2e.ocs_malformed, label e2e): ocs_malformed_client sends
CC-Request-Type 99 and Requested-Action 7 (5004 with the value in Failed-AVP), CCRs missing
Service-Context-Id or CC-Request-Number (5005 from the stack, completed to a CCA), one without
Subscription-Id (5005, Failed-AVP 443), an unknown subscriber (5030) and an unknown Session-Id
(5002), then a valid CCR-I and CCR-T. Then a session granted a subscriber's last units waits in
final-unit state while the test buys a pack through the admin API: the server's RAR names that
session and the client's CCR-U (FORCED_REAUTHORISATION) is served. Afterwards the server is still up and serves another client
(gyrate-sim), and stops cleanly."""
import argparse
import os
import re
import subprocess
import urllib.request
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ocs_harness import CLIENT_ID, Ocs, free_port, probe, verdict  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "crash.tariff")
SUBSCRIBERS = os.path.join(HERE, "crash_subscribers.csv")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ocs", required=True)
    p.add_argument("--client", required=True)
    p.add_argument("--sim", required=True)
    args = p.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="ocs_malformed.") as work:
        ocs = Ocs(args.ocs, CATALOG, os.path.join(work, "store"), [SUBSCRIBERS], (),
                  ("malformed.gyrate.test", CLIENT_ID))
        try:
            client = subprocess.Popen(
                [args.client, "--port", str(free_port()), "--conf", os.path.join(work, "client.conf"),
                 "--server-port", str(ocs.port), "--subscriber", "8613900000001",
                 "--rar-subscriber", "8613900000005"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # When the client holds a session in final-unit state, the subscriber buys a pack.
            bought = None
            for line in client.stdout:
                print(line.rstrip(), flush=True)
                if line.startswith("holding") and bought is None:
                    bought = ocs.admin("POST", "/v1/subscribers/crash-5/packs", {"pack": "top_up", "order": "rar-1"})
                    print(f"bought top_up for crash-5: HTTP {bought[0]}", flush=True)
            try:
                client.wait(timeout=60)
            except subprocess.TimeoutExpired:
                client.kill()
                client.wait()
            err = client.stderr.read()
            if client.returncode != 0:
                failures.append(f"ocs_malformed_client exit status {client.returncode}:\n{err}")
            if bought is None or bought[0] != 200:
                failures.append(f"the pack was not bought: {bought}")
            status, _ = ocs.admin("GET", "/healthz")
            metrics = urllib.request.urlopen(f"http://127.0.0.1:{ocs.admin_port}/metrics", timeout=10).read().decode()
            rars = re.findall(r"^gyrate_rar_sent_total (\d+)", metrics, re.M)
            print(f"gyrate_rar_sent_total {rars}", flush=True)
            if rars != ["1"]:
                failures.append(f"one RAR expected in the metrics, got {rars}")
            if ocs.proc.poll() is not None:
                failures.append("gyrate-ocs died")
            probe(ocs, args.sim, work, "initial p subscriber e164:8613900000002 rg 100 rsu 5 tokens\n"
                  "expect result 2001\nexpect rg 100 granted 5 tokens\n", failures,
                  "another client is not served after the malformed CCRs")
        finally:
            code = ocs.stop()
        return verdict(ocs, failures, code,
                       "every malformed CCR answered with its code, and the server kept serving")

if __name__ == "__main__":
    sys.exit(main())
