#!/usr/bin/env python3
"""gyrate-ocs (request clock, admin API on a free port) and rar_client: a pack bought for a
subscriber in final-unit state brings a Re-Auth-Request to the session. Run by ctest (label e2e)."""
import re
import signal
import subprocess
import sys
import tempfile

ocs, client, source = sys.argv[1:4]
with tempfile.TemporaryDirectory() as work:
    server = subprocess.Popen([ocs, "--catalog", f"{source}/examples/catalog.tariff", "--store", f"{work}/store",
                               "--subscribers", f"{source}/examples/subscribers.csv", "--port", "0",
                               "--allow-peer", "sim.gyrate.test", "--clock", "request", "--fsync", "off"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        gy = re.search(r"listening on 127.0.0.1:(\d+)", server.stdout.readline())
        admin = re.search(r"admin on http://127.0.0.1:(\d+)", server.stdout.readline())
        if not gy or not admin:
            sys.exit("gyrate-ocs did not start")
        run = subprocess.run([client, gy.group(1), admin.group(1), "ocs.gyrate.test"], capture_output=True,
                             text=True, timeout=120)
        print(run.stdout, run.stderr)
        if run.returncode != 0:
            server.send_signal(signal.SIGTERM)
            sys.exit("rar_client failed:\n" + server.communicate(timeout=30)[1])
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
