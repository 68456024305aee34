#!/usr/bin/env python3
"""Starts and stops a gyrate-sim + sim_test_server pair many times while busy loops burn CPU, and
counts the runs where either process died at shutdown (freeDiameter 1.2.1's fd_fifo_del assertion
aborts with 134 when a core thread still waits on a queue it destroys). Exit 0 when none did.

  bench/fd_shutdown_loop.py --sim build/tools/gyrate-sim/gyrate-sim \
      --server build/tests/sim/sim_test_server --scenario tests/sim/scenarios/grants.gysc \
      --iterations 100 --burners 1

The e2e test fd_shutdown_loop runs a short version (--seconds bounds it)."""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

SERVER_ID, SERVER_REALM = "ocs.loop.e2e.gyrate.test", "loop.e2e.gyrate.test"
CLIENT_ID = "sim.gyrate.test"  # gyrate-sim's default identity


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(args, workdir):
    """(server exit code, sim exit code, stderr of both) for one start-exchange-stop cycle."""
    port = free_port()
    server = subprocess.Popen(
        [args.server, "--identity", SERVER_ID, "--realm", SERVER_REALM, "--port", str(port),
         "--conf", os.path.join(workdir, f"server.{port}.conf"), "--allow", CLIENT_ID, "--limit", "1000",
         "--threads", str(args.server_threads)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = server.stdout.readline().strip()
    sim_code, sim_err = None, ""
    if ready == f"sim_test_server listening on 127.0.0.1:{port}":
        r = subprocess.run([args.sim, "scenario", "--quiet", args.scenario, "--server", f"127.0.0.1:{port}",
                            "--server-identity", SERVER_ID], capture_output=True, text=True, timeout=60)
        sim_code, sim_err = r.returncode, r.stderr
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    try:
        _, server_err = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        _, server_err = server.communicate()
    return server.returncode, sim_code, server_err + sim_err


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sim", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--seconds", type=float, default=0, help="stop starting runs after this long (0: no bound)")
    p.add_argument("--server-threads", type=int, default=2,
                   help="the server's AppServThreads: each waits on the queue the shutdown destroys")
    p.add_argument("--burners", type=int, default=1, help="busy loops running meanwhile (`yes > /dev/null`)")
    p.add_argument("--burner-nice", type=int, default=0,
                   help="their niceness: below 0 (root only) they win the CPU like a loaded CI machine's jobs")
    args = p.parse_args()

    burner = ["nice", "-n", str(args.burner_nice), "yes"] if args.burner_nice else ["yes"]
    burners = [subprocess.Popen(burner, stdout=subprocess.DEVNULL) for _ in range(args.burners)]
    start = time.monotonic()
    runs = aborts = other = 0
    try:
        with tempfile.TemporaryDirectory(prefix="fd_shutdown_loop_") as workdir:
            for _ in range(args.iterations):
                if args.seconds and time.monotonic() - start > args.seconds:
                    break
                server_code, sim_code, err = one_run(args, workdir)
                runs += 1
                if server_code == -signal.SIGABRT or sim_code == -signal.SIGABRT or "Assertion" in err:
                    aborts += 1
                    print(f"run {runs}: server {server_code}, sim {sim_code}\n{err.strip()}", flush=True)
                elif server_code != 0 or sim_code != 0:
                    other += 1
                    print(f"run {runs}: server {server_code}, sim {sim_code}\n{err.strip()}", flush=True)
    finally:
        for b in burners:
            b.kill()
            b.wait()
    elapsed = time.monotonic() - start
    print(f"{runs} runs in {elapsed:.1f} s with {args.server_threads} server threads and {args.burners} burner(s) at nice {args.burner_nice}: {aborts} aborted at shutdown, "
          f"{other} failed otherwise")
    return 0 if runs > 0 and aborts == 0 and other == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
