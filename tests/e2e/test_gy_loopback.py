#!/usr/bin/env python3
"""Gy over real freeDiameter on loopback: a server core and a client core, each its own process,
on free 127.0.0.1 ports without TLS. The client round-trips CCR-I/U/T and EVENT (every model field
checked both ways) and malformed CCRs. Run by ctest (label e2e) with the peer program's path."""
import argparse
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

ARGS = None
FDX_DIR = "/usr/lib/freeDiameter"
DCCA_EXTENSIONS = ["dict_nasreq.fdx", "dict_dcca.fdx", "dict_dcca_3gpp.fdx"]  # in this order
SERVER_ID, SERVER_REALM = "ocs.e2e.gyrate.test", "e2e.gyrate.test"
CLIENT_ID, CLIENT_REALM = "pgw.e2e.gyrate.test", "e2e.gyrate.test"
START_TIMEOUT = 30
CLIENT_TIMEOUT = 90


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The server peer, started and stopped within a bounded time; its output is kept for failures."""

    def __init__(self, workdir, port, extensions=(), allow=(CLIENT_ID,)):
        cmd = [ARGS.peer, "server", "--identity", SERVER_ID, "--realm", SERVER_REALM,
               "--port", str(port), "--conf", os.path.join(workdir, "server.conf")]
        for ext in extensions:
            cmd += ["--ext", ext]
        for peer in allow:
            cmd += ["--allow", peer]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stderr = []
        self.pumps = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True)]
        for t in self.pumps:
            t.start()

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line)

    def wait_ready(self):
        try:
            line = self.lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            return None
        return line.strip()

    def stop(self):
        """SIGTERM, then the exit code of a clean stop (SIGKILL and None if it hangs)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self.pumps_done()
        return code

    def pumps_done(self):
        for t in self.pumps:
            t.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()


def run_client(workdir, server_port, identity=CLIENT_ID, extensions=(), open_timeout_ms=10000):
    cmd = [ARGS.peer, "client", "--identity", identity, "--realm", CLIENT_REALM,
           "--port", str(free_port()), "--conf", os.path.join(workdir, "client.conf"),
           "--server", SERVER_ID, "--server-realm", SERVER_REALM, "--server-port", str(server_port),
           "--open-timeout-ms", str(open_timeout_ms)]
    for ext in extensions:
        cmd += ["--ext", ext]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)


def listeners(port):
    """The local addresses with a TCP listener on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            next(f)
            for row in f:
                local, state = row.split()[1], row.split()[3]
                address, hexport = local.split(":")
                if state == "0A" and int(hexport, 16) == port:
                    found.append(address)
    return found


SUBSCRIBER_DATA = ("8613800138000", "460001234567890", "alice@llm.example")


def dcca_extensions():
    paths = [os.path.join(FDX_DIR, name) for name in DCCA_EXTENSIONS]
    return paths if all(os.path.exists(p) for p in paths) else None


class GyLoopback(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="gy_loopback_")
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)

    def round_trip(self, server_extensions=(), client_extensions=()):
        port = free_port()
        server = Server(self.workdir, port, server_extensions)
        ready = server.wait_ready()
        if ready != f"gy_loopback_peer listening on 127.0.0.1:{port}":
            server.stop()
            self.fail(f"server not ready: {ready!r}\n{''.join(server.stderr)}")
        try:
            # 127.0.0.1 only (1.2.1 ignores ListenOn for loopback; fd_core adds the endpoint).
            self.assertEqual(listeners(port), ["0100007F"])
            client = run_client(self.workdir, port, extensions=client_extensions)
        finally:
            code = server.stop()
        report = client.stdout + client.stderr + "".join(server.stderr)
        self.assertEqual(client.returncode, 0, report)
        self.assertIn("8 passed, 0 failed", client.stdout, report)
        # The stack dumped the malformed CCR at ERROR level; its values stay out of the log.
        for data in SUBSCRIBER_DATA:
            self.assertNotIn(data, "".join(server.stderr) + client.stderr)
        for step in ("CCR-I", "CCR-U", "CCR-T", "CCR-EVENT"):
            self.assertIn(f"PASS {step}\n", client.stdout)
        self.assertEqual(code, 0, "server did not stop cleanly on SIGTERM\n" + report)
        if os.environ.get("GYRATE_E2E_VERBOSE"):
            print(client.stdout, file=sys.stderr)

    def test_round_trip_with_dcca_extensions_on_the_server(self):
        """The server loads dict_nasreq, dict_dcca, dict_dcca_3gpp (the standard configuration); the
        client defines the Gy dictionary itself: both must agree on the wire."""
        exts = dcca_extensions()
        if exts is None:
            self.skipTest("freediameter-extensions not installed")
        self.round_trip(server_extensions=exts)

    def test_round_trip_with_dcca_extensions_on_the_client(self):
        exts = dcca_extensions()
        if exts is None:
            self.skipTest("freediameter-extensions not installed")
        self.round_trip(client_extensions=exts)

    def test_round_trip_with_the_codecs_own_dictionary_on_both_sides(self):
        self.round_trip()

    def test_an_unknown_peer_is_refused(self):
        port = free_port()
        server = Server(self.workdir, port)
        self.assertIsNotNone(server.wait_ready(), "".join(server.stderr))
        try:
            client = run_client(self.workdir, port, identity="stranger.e2e.gyrate.test",
                                open_timeout_ms=3000)
        finally:
            code = server.stop()
        self.assertEqual(client.returncode, 1, client.stdout + client.stderr)
        self.assertIn("FAIL connect", client.stdout)
        self.assertEqual(code, 0)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
