#!/usr/bin/env python3
"""gyrate_gy.fdx inside a real freeDiameterd on a free 127.0.0.1 port, driven by gyrate-sim: the
extension loads the catalog and subscribers from its own configuration file and answers a session.
Run by ctest (label e2e)."""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def main():
    p = argparse.ArgumentParser()
    for flag in ("--daemon", "--fdx", "--sim", "--source", "--scenario"):
        p.add_argument(flag, required=True)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        port = free_port()
        ocs_conf = os.path.join(work, "ocs.conf")
        with open(ocs_conf, "w") as f:
            f.write(f"catalog = {args.source}/examples/catalog.tariff\n"
                    f"subscribers = {args.source}/examples/subscribers.csv\n"
                    f"store = {work}/store\nclock = request\nallow-peer = sim.gyrate.test\nadmin = false\n")
        fd_conf = os.path.join(work, "fd.conf")
        with open(fd_conf, "w") as f:
            f.write(f'Identity = "ocs.gyrate.test";\nRealm = "gyrate.test";\nPort = {port};\nSecPort = 0;\n'
                    f'No_SCTP;\nNo_IPv6;\nNoRelay;\nAppServThreads = 2;\n'
                    f'LoadExtension = "{args.fdx}" : "{ocs_conf}";\n')
        log = open(os.path.join(work, "daemon.log"), "w+")
        daemon = subprocess.Popen([args.daemon, "-c", fd_conf], stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 60
            while not listening(port):
                if daemon.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    sys.exit("freeDiameterd did not start:\n" + log.read())
                time.sleep(0.1)
            run = subprocess.run([args.sim, "scenario", args.scenario, "--server", f"127.0.0.1:{port}",
                                  "--server-identity", "ocs.gyrate.test"],
                                 capture_output=True, text=True, timeout=120)
            print(run.stdout)
            if run.returncode != 0 or "0 failed" not in run.stdout:
                log.seek(0)
                sys.exit(f"gyrate-sim failed ({run.returncode}):\n{run.stderr}\n--- daemon ---\n{log.read()}")
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
        log.seek(0)
        text = log.read()
        if "gyrate_gy: serving Gy on the daemon's core" not in text:
            sys.exit("the extension did not say it serves Gy:\n" + text)
        if not os.path.exists(os.path.join(work, "store")):
            sys.exit("the extension kept no store")
    print("ok")


if __name__ == "__main__":
    main()
