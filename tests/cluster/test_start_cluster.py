#!/usr/bin/env python3
"""examples/cluster/start-cluster.sh as a user runs it (ctest cluster.start_cluster_example, label
cluster): it starts Redis (3 x 2), two gyrate-ocs nodes and the relay, prints the gyrate-sim command
for the relay; that command's load run gets only 2001 answers, from both nodes (their /metrics); `start-cluster.sh
stop` then leaves no process of the cluster running."""
import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "cluster", "start-cluster.sh")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True, help="the build tree (tools/gyrate-ocs, tools/gyrate-sim)")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="gyrate-start-cluster.")
    env = dict(os.environ, GYRATE_CLUSTER_DIR=os.path.join(work, "cluster"), GYRATE_BUILD=args.build)
    out_path = os.path.join(work, "start.out")
    with open(out_path, "w") as out:
        script = subprocess.Popen([SCRIPT], stdout=out, stderr=subprocess.STDOUT, env=env,
                                  start_new_session=True)
    failures = []

    def output():
        with open(out_path) as f:
            return f.read()
    try:
        deadline = time.monotonic() + 180
        while "Stop: " not in output() and script.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        text = output()
        print(text, flush=True)
        if "Stop: " not in text:
            sys.exit(f"FAIL: start-cluster.sh did not come up (exit {script.poll()})")
        # The printed command, its continuation line joined, shortened to 3 s.
        command = re.search(r"Point gyrate-sim at the relay:\n\s+(.*?) \\\n\s+(.*?)\n", text)
        argv = shlex.split(command.group(1) + " " + command.group(2)) if command else []
        argv = [a if a != "10s" else "3s" for a in argv] + ["--no-progress"]
        run = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        print(run.stdout, run.stderr, flush=True)
        codes = dict(re.findall(r"Result-Code (\d+) \S+: (\d+)", run.stdout))
        found = re.findall(r"gyrate-ocs (ocs-\d\.gyrate\.test): Gy \S+, admin (http://\S+)", text)
        if len(found) != 2:
            failures.append(f"start-cluster.sh printed {len(found)} node addresses, not 2")
        if run.returncode != 0 or not codes or set(codes) != {"2001"}:
            failures.append(f"the printed gyrate-sim command: exit {run.returncode}, Result-Codes {codes}")
        # The relay spread the run over both nodes: each answered some of it (its /metrics).
        for name, admin in found:
            with urllib.request.urlopen(admin + "/metrics", timeout=10) as r:
                metrics = r.read().decode()
            answered = sum(float(v) for v in re.findall(r'^gyrate_ccr_total\{[^}]*result_code="2001"[^}]*\} (\S+)$',
                                                         metrics, re.M))
            print(f"{name} answered {answered:.0f} CCRs with 2001", flush=True)
            if answered == 0:
                failures.append(f"{name} answered nothing: the relay did not spread the load")
        logs = {n: open(os.path.join(work, "cluster", f"ocs-{n}.log")).read() for n in (1, 2)}
        pids = [open(os.path.join(work, "cluster", "pids", f)).read().strip()
                for f in os.listdir(os.path.join(work, "cluster", "pids"))]
        stop = subprocess.run([SCRIPT, "stop"], capture_output=True, text=True, env=env, timeout=120)
        if stop.returncode != 0:
            failures.append(f"start-cluster.sh stop: exit {stop.returncode}\n{stop.stderr}")
        script.wait(timeout=30)
        def running(pid):  # a process that exited may linger as a zombie until init reaps it
            try:
                with open(f"/proc/{pid}/stat") as f:
                    return f.read().rsplit(")", 1)[1].split()[0] != "Z"
            except OSError:
                return False
        deadline = time.monotonic() + 10
        while any(running(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        alive = [p for p in pids if running(p)]
        if alive:
            failures.append(f"processes still running after stop: {alive}")
        if len(pids) != 12:
            failures.append(f"expected 12 processes (9 redis, 2 nodes, the relay), the script kept {len(pids)}")
        if failures:
            print("FAIL\n" + "\n".join(failures) + "\n" + "\n".join(logs.values()), flush=True)
            return 1
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGTERM)
            script.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    print("PASS: start-cluster.sh started the cluster, its gyrate-sim command got 2001s, stop stopped it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
