#!/usr/bin/env python3
"""Every Gy message gyrate-ocs sends decodes cleanly in Wireshark's Diameter dissector (ctest
e2e.ocs_tshark, label e2e; skipped, exit 77, where tshark is missing or cannot capture on lo).

tshark captures the server's port on the loopback interface while rich scenarios (several MSCCs,
every Final-Unit-Indication, thresholds, Cost-Information, Check-Balance-Result, 5xxx answers)
and the malformed client run; then every frame is dissected as Diameter and none may be
malformed or carry an error-level expert note, and the answers must be there."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ocs_harness import CLIENT_ID, Ocs, free_port, verdict  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SKIP = 77


def fields(pcap, port, display_filter, field):
    r = subprocess.run(["tshark", "-r", pcap, "-d", f"tcp.port=={port},diameter", "-Y", display_filter,
                        "-T", "fields", "-e", field], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"tshark -r failed: {r.stderr}")
    return [l for l in r.stdout.splitlines() if l.strip()]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ocs", required=True)
    p.add_argument("--sim", required=True)
    p.add_argument("--client", required=True)
    args = p.parse_args()
    if subprocess.run(["sh", "-c", "command -v tshark"], capture_output=True).returncode != 0:
        print("SKIP: no tshark")
        return SKIP
    failures = []
    scenario = os.path.join(HERE, "scenarios", "t05_bundle.gysc")
    with tempfile.TemporaryDirectory(prefix="ocs_tshark.") as work:
        subscribers = [os.path.join(HERE, "scenarios", "t05_bundle.csv"), os.path.join(HERE, "crash_subscribers.csv")]
        catalog = os.path.join(work, "bundle_and_crash.tariff")
        # One server for both clients: the bundle's catalog, and the crash plan for the malformed client.
        with open(catalog, "w", encoding="utf-8") as f:
            bundle = open(os.path.join(ROOT, "examples/tariffs/t05_bundle.tariff"), encoding="utf-8").read()
            f.write(bundle + "\nplan crash_plan {\n  period monthly anchor billing_day;\n"
                    "  allowance llm 1000M token;\n  validity llm = 10 min;\n}\n")
        ocs = Ocs(args.ocs, catalog, os.path.join(work, "store"), subscribers, (),
                  (CLIENT_ID, "malformed.gyrate.test"))
        pcap = os.path.join(work, "gy.pcap")
        cap = subprocess.Popen(["tshark", "-i", "lo", "-f", f"tcp port {ocs.port}", "-w", pcap],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            started = False
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and cap.poll() is None:
                line = cap.stderr.readline()
                if "Capturing on" in line:
                    started = True
                    break
            if not started:
                cap.kill()
                print(f"SKIP: tshark cannot capture on lo: {cap.stderr.read() if cap.poll() is not None else ''}")
                ocs.stop()
                return SKIP
            # The scenario's directives are comments to gyrate-sim; the server above serves it.
            r = ocs.sim(args.sim, "scenario", scenario)
            if r.returncode != 0:
                failures.append(f"the scenario failed:\n{r.stdout}{r.stderr}")
            m = subprocess.run([args.client, "--port", str(free_port()), "--conf", os.path.join(work, "client.conf"),
                                "--server-port", str(ocs.port), "--subscriber", "8613900000001"],
                               capture_output=True, text=True, timeout=60)
            if m.returncode != 0:
                failures.append(f"the malformed client failed:\n{m.stdout}{m.stderr}")
            time.sleep(1.0)  # the last frames reach the capture
        finally:
            code = ocs.stop()
            time.sleep(0.5)
            if cap.poll() is None:
                cap.terminate()
                cap.wait(timeout=20)
        if os.environ.get("GYRATE_E2E_KEEP_PCAP"):
            shutil.copyfile(pcap, os.environ["GYRATE_E2E_KEEP_PCAP"])
        answers = fields(pcap, ocs.port, "diameter.cmd.code == 272 && diameter.flags.request == 0", "frame.number")
        bad = fields(pcap, ocs.port, "_ws.malformed || _ws.expert.severity >= error",
                     "frame.number")
        print(f"{len(answers)} CCAs captured; {len(bad)} frames malformed or with errors", flush=True)
        if len(answers) < 25:  # the bundle scenario's and the malformed client's
            failures.append(f"only {len(answers)} CCAs captured")
        if bad:
            detail = subprocess.run(["tshark", "-r", pcap, "-d", f"tcp.port=={ocs.port},diameter", "-V", "-Y",
                                     f"frame.number == {bad[0]}"], capture_output=True, text=True).stdout
            failures.append(f"frames {bad[:20]} do not decode cleanly; the first:\n{detail[-6000:]}")
        return verdict(ocs, failures, code, f"{len(answers)} CCAs from gyrate-ocs decode cleanly in tshark")


if __name__ == "__main__":
    sys.exit(main())
