#!/usr/bin/env python3
"""The backup and restore procedure of docs/operations.md, run as the page writes it against a
real gyrate-ocs. Run by ctest (docs.backup_restore, label docs).

The page's `procedure` blocks (backup-stopped, backup-running, restore) are cut out of it and
run with bash, with STORE, BACKUP and OCS_PID set to this test's store, backup file and server.
The server runs with fsync always and a checkpoint every second, so checkpoints (a new
snapshot, segments deleted) happen while the copies are taken."""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

ARGS = None
PACK_PRICE = 1_000_000  # token_starter's yuan_400k: 1 CNY, in millionths


def procedures():
    """{name: [command, ...]} of the page's `<!-- doc-test: procedure NAME -->` blocks."""
    with open(os.path.join(ARGS.source_dir, "docs/operations.md"), encoding="utf-8") as f:
        page = f.read()
    found = {}
    for name, body in re.findall(r"<!-- doc-test: procedure (\S+) -->\n```console\n(.*?)^```", page, re.M | re.S):
        found[name] = [line[2:] for line in body.splitlines() if line.startswith("$ ")]
    return found


class Server:
    """One gyrate-ocs on 127.0.0.1 (free ports) over `store`."""

    def __init__(self, store, subscribers=True):
        args = [ARGS.ocs, "--catalog", os.path.join(ARGS.source_dir, "examples/catalog.tariff"),
                "--store", store, "--port", "0", "--admin-port", "0", "--fsync", "always",
                "--checkpoint", "1"]
        if subscribers:
            args += ["--subscribers", os.path.join(ARGS.source_dir, "examples/subscribers.csv")]
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.admin = None
        deadline = time.monotonic() + 60
        while self.admin is None and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("gyrate-ocs admin on "):
                self.admin = line.split()[-1]
        if self.admin is None:
            self.stop()
            raise AssertionError("gyrate-ocs did not start:\n" + self.stderr())

    @property
    def pid(self):
        return self.process.pid

    def get(self, account):
        with urllib.request.urlopen(f"{self.admin}/v1/subscribers/{account}", timeout=30) as r:
            return json.load(r)

    def buy(self, account, order):
        body = json.dumps({"pack": "yuan_400k", "order": order}).encode()
        request = urllib.request.Request(f"{self.admin}/v1/subscribers/{account}/packs", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.load(r)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()

    def stderr(self):
        self.log.seek(0)
        return self.log.read()


def state(balances):
    """What a backup must give back. Not `revision`: a read shows the account renewed to the
    read's time, and that renewal counts as a revision of the copy it shows."""
    return {k: balances.get(k) for k in ("plan", "plan_version", "period", "spend", "fees_charged",
                                         "services", "buckets", "promos", "members")}


class BackupRestore(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gyrate_backup_")
        self.store = os.path.join(self.dir, "store")
        self.backup = os.path.join(self.dir, "backup.tar")
        self.steps = procedures()
        self.assertEqual(sorted(self.steps), ["backup-running", "backup-stopped", "restore"])
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
            server.log.close()
        shutil.rmtree(self.dir)

    def start(self, **kwargs):
        server = Server(self.store, **kwargs)
        self.servers.append(server)
        return server

    def run_procedure(self, name, ocs_pid=0):
        env = dict(os.environ, STORE=self.store, BACKUP=self.backup, OCS_PID=str(ocs_pid))
        for command in self.steps[name]:
            r = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, f"{name}: $ {command}\n{r.stdout}{r.stderr}")

    def test_a_stopped_backup_restores_every_account_exactly(self):
        server = self.start()
        for n in range(3):
            server.buy("alice", f"before-{n}")
        time.sleep(1.5)  # a checkpoint: the backup holds a snapshot and the journal after it
        server.buy("alice", "before-3")  # after the snapshot: from the journal
        before = {a: state(server.get(a)) for a in ("alice", "bob", "carol", "acme")}
        server.stop()
        self.run_procedure("backup-stopped")

        server = self.start(subscribers=False)
        server.buy("alice", "after-backup")
        self.assertEqual(server.get("alice")["spend"], 5 * PACK_PRICE)
        server.stop()

        self.run_procedure("restore")
        replaced = [n for n in os.listdir(self.dir) if n.startswith("store.replaced-")]
        self.assertEqual(len(replaced), 1, "the replaced store is kept")
        server = self.start(subscribers=False)
        self.assertIn("store: 7 accounts recovered", server.stderr())
        after = {a: state(server.get(a)) for a in ("alice", "bob", "carol", "acme")}
        self.assertEqual(after, before)  # the purchase after the backup is gone, nothing else

    def test_a_running_backup_keeps_every_answered_purchase(self):
        server = self.start()
        answered, stop = [], threading.Event()

        def shop():
            n = 0
            while not stop.is_set():
                server.buy("alice", f"order-{n}")
                answered.append(n)
                n += 1

        shopper = threading.Thread(target=shop)
        shopper.start()
        try:
            time.sleep(2.5)  # purchases, and checkpoints every second meanwhile
            answered_before = len(answered)
            self.run_procedure("backup-running", ocs_pid=server.pid)
            time.sleep(1)
            self.assertGreater(len(answered), answered_before + 1, "the server serves on after the pause")
        finally:
            stop.set()
            shopper.join()
        total = len(answered)
        server.stop()
        self.assertIn("gyrate-ocs: stopped", server.stderr())

        self.run_procedure("restore")
        server = self.start(subscribers=False)
        packs = server.get("alice")["spend"] // PACK_PRICE
        # Every purchase answered before the pause is in the copy; none bought after it is.
        self.assertGreaterEqual(packs, answered_before)
        self.assertLess(packs, total)
        print(f"\nrunning backup: {answered_before} purchases answered before the pause, {packs} in the "
              f"backup, {total} in all", file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--ocs", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
