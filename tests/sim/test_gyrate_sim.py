#!/usr/bin/env python3
"""gyrate-sim against sim_test_server (a fixed-behaviour Gy peer), each its own process on a free
127.0.0.1 port: scenario files that pass, fail and do not parse, an unanswered request, load mode
at a concurrency and at a rate, SIGTERM during load, bad flags; and GyClient's promises
(gy_client_check). Run by ctest (label e2e)."""
import argparse
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ARGS = None
SERVER_ID, SERVER_REALM = "ocs.sim.e2e.gyrate.test", "sim.e2e.gyrate.test"
CLIENT_ID = "sim.gyrate.test"  # gyrate-sim's default identity
START_TIMEOUT = 30
RUN_TIMEOUT = 120


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir, *extra):
        self.port = free_port()
        cmd = [ARGS.server, "--identity", SERVER_ID, "--realm", SERVER_REALM, "--port", str(self.port),
               "--conf", os.path.join(workdir, f"server.{self.port}.conf"), "--allow", CLIENT_ID, *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stderr = []
        self.pumps = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True),
                      threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True)]
        for t in self.pumps:
            t.start()
        try:
            ready = self.lines.get(timeout=START_TIMEOUT).strip()
        except queue.Empty:
            ready = None
        if ready != f"sim_test_server listening on 127.0.0.1:{self.port}":
            self.stop()
            raise RuntimeError(f"server not ready: {ready!r}\n{''.join(self.stderr)}")

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        for t in self.pumps:
            t.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code

    def sim(self, *args, timeout=RUN_TIMEOUT):
        cmd = [ARGS.sim, *args, "--server", f"127.0.0.1:{self.port}", "--server-identity", SERVER_ID]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def scenario(name):
    return os.path.join(ARGS.scenarios, name)


class GyrateSim(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="gyrate_sim_e2e_")
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)

    def server(self, *extra):
        s = Server(self.workdir, *extra)
        self.addCleanup(s.stop)
        return s

    def test_a_scenario_that_holds_passes(self):
        s = self.server("--limit", "1000")
        r = s.sim("scenario", scenario("grants.gysc"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.endswith("24 passed, 0 failed\n"), r.stdout)
        self.assertIn("PASS expect rg 200 final terminate", r.stdout)
        self.assertIn("resend (T) CCR-U s1 #2", r.stdout)
        self.assertNotIn("FAIL", r.stdout)
        self.assertEqual(s.stop(), 0)
        # The T-flagged resend reached the server as a duplicate of the CCR-U before it.
        self.assertIn("(1 duplicates answered from the store, 0 RAA 2001)", "".join(s.lines.queue))

    def test_a_wrong_expectation_fails_the_run(self):
        s = self.server("--limit", "1000")
        r = s.sim("scenario", scenario("failing.gysc"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("FAIL expect rg 100 granted 500 tokens (line 5): got granted 400 units", r.stdout)
        self.assertTrue(r.stdout.endswith("1 passed, 1 failed\n"), r.stdout)

    def test_several_files_and_quiet(self):
        s = self.server("--limit", "1000")
        r = s.sim("scenario", "--quiet", scenario("failing.gysc"), scenario("grants.gysc"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertNotIn("PASS", r.stdout)
        self.assertIn("failing.gysc: 1 passed, 1 failed", r.stdout)
        # grants.gysc runs on fresh Session-Ids; its subscriber's limit is untouched by failing.gysc.
        self.assertIn("grants.gysc: 24 passed, 0 failed", r.stdout)
        self.assertTrue(r.stdout.endswith("25 passed, 1 failed\n"), r.stdout)

    def test_a_file_that_does_not_parse_sends_nothing(self):
        # No server at all: parsing comes first.
        r = subprocess.run([ARGS.sim, "scenario", scenario("bad_syntax.gysc"), "--server-identity", SERVER_ID,
                            "--server", f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("bad_syntax.gysc:3:15: error[G0101]: unknown expectation `grantd`", r.stderr)
        self.assertIn("   3 | expect rg 100 grantd 400 tokens\n     |               ^~~~~~\n", r.stderr)
        self.assertIn("help: did you mean `granted`?", r.stderr)
        self.assertIn("bad_syntax.gysc:4:26: error[G0102]: unknown unit `tokns`", r.stderr)
        self.assertIn("2 errors generated.", r.stderr)

    def test_an_unanswered_request_times_out(self):
        s = self.server()
        start = time.monotonic()
        r = s.sim("scenario", scenario("silent.gysc"), "--timeout-ms", "500")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("-> no answer: unavailable", r.stdout)
        self.assertTrue(r.stdout.endswith("2 passed, 0 failed\n"), r.stdout)
        self.assertLess(time.monotonic() - start, 20)

    def test_load_at_a_concurrency(self):
        s = self.server("--limit", "1000000000000")
        r = s.sim("load", "--duration", "2s", "--concurrency", "8", "--subscribers", "50", "--updates", "2",
                  "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = json.loads(r.stdout)
        self.assertGreater(report["answered"], 100)
        self.assertEqual(report["sent"], report["answered"])
        self.assertEqual(report["errors"], {})
        self.assertEqual(list(report["result_codes"]), ["2001"])
        self.assertEqual(report["result_codes"]["2001"], report["answered"])
        # Every session was ended with its CCR-T: I + 2 U + T each, except those the end of the run
        # cut short after their I or first U (at most one per slot).
        self.assertLessEqual(report["answered"], 4 * report["sessions_completed"])
        self.assertGreaterEqual(report["answered"], 4 * report["sessions_completed"] - 2 * 8)
        lat = report["latency_us"]
        self.assertTrue(0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"], lat)
        self.assertGreater(report["ccr_per_second"], 0)
        self.assertIn("CCR/s", r.stderr)  # the progress line
        print(f"\nload, 8 in flight: {report['ccr_per_second']:.0f} CCR/s, p50 {lat['p50']} us, "
              f"p99 {lat['p99']} us", file=sys.stderr)

    def test_load_at_a_rate_with_4012_and_5030(self):
        # 20 subscribers with 3000 units each, 1000 a request: some sessions run out (4012); the
        # pattern's 999... numbers are unknown to the server (5030).
        s = self.server("--limit", "3000", "--unknown-prefix", "99900")
        r = s.sim("load", "--duration", "2s", "--rate", "200", "--concurrency", "16", "--subscribers", "20",
                  "--subscriber", "e164:99890", "--units", "1000", "--no-progress")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stderr.count("CCR/s"), 0)
        self.assertIn("Result-Code 2001 DIAMETER_SUCCESS", r.stdout)
        self.assertIn("Result-Code 4012 DIAMETER_CREDIT_LIMIT_REACHED", r.stdout)
        self.assertIn("Result-Code 5030 DIAMETER_USER_UNKNOWN", r.stdout)
        rate = float(r.stdout.splitlines()[2].split()[0])
        self.assertGreater(rate, 120)
        self.assertLess(rate, 260)

    def test_sigterm_ends_a_load_run_with_its_report(self):
        s = self.server("--limit", "1000000000000")
        cmd = [ARGS.sim, "load", "--duration", "120s", "--concurrency", "4", "--json", "--server",
               f"127.0.0.1:{s.port}", "--server-identity", SERVER_ID]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.fail("gyrate-sim load did not stop on SIGTERM")
        self.assertEqual(proc.returncode, 0, out + err)
        report = json.loads(out)
        self.assertLess(report["seconds"], 30)
        self.assertGreater(report["answered"], 0)
        self.assertEqual(report["sent"], report["answered"])
        self.assertEqual(report["errors"], {})

    def test_the_clients_promises(self):
        s = self.server()
        r = subprocess.run([ARGS.client_check, str(s.port), SERVER_ID, "silent-1"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.endswith("7 passed, 0 failed\n"), r.stdout)
        self.assertEqual(s.stop(), 0)
        self.assertIn("1 RAA 2001)", "".join(s.lines.queue))

    def test_bad_flags(self):
        cases = [
            (["load", "--concurrency", "x", "--server-identity", "a"], "bad value `x` for --concurrency"),
            (["load", "--duration", "5 parsecs", "--server-identity", "a"], "bad value `5 parsecs` for --duration"),
            (["load", "--units", "2 tokns", "--server-identity", "a"], "unknown unit `tokns`"),
            (["load", "--subscriber", "tel:1", "--server-identity", "a"], "the identity pattern starts with"),
            (["load", "--bogus", "1"], "unknown flag `--bogus`"),
            (["scenario", "--bogus"], "unknown flag `--bogus`"),
            (["scenario"], "no scenario file"),
            (["scenario", scenario("grants.gysc")], "--server-identity is required"),
            (["load", "--server", "host:99999"], "--server wants HOST:PORT"),
            (["load", "--timeout-ms"], "--timeout-ms needs a value"),
            (["fly"], "unknown mode `fly`"),
        ]
        for args, message in cases:
            r = subprocess.run([ARGS.sim, *args], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(message, r.stderr, args)
        for mode in ("scenario", "load"):
            r = subprocess.run([ARGS.sim, mode, "--help"], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0)
            self.assertIn(f"usage: gyrate-sim {mode}", r.stdout)
            self.assertIn("--server-identity", r.stdout)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--sim", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--scenarios", required=True)
    parser.add_argument("--client-check", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
