"""Shared pieces of the gyrate-ocs end-to-end tests: start gyrate-ocs on a free 127.0.0.1 port with
its own store, collect its stderr, run gyrate-sim against it, stop or kill it, all bounded in time."""
import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

SERVER_ID = "ocs.gyrate.test"  # gyrate-ocs's default identity
CLIENT_ID = "sim.gyrate.test"  # gyrate-sim's default identity
START_TIMEOUT = 60  # the catalog is compiled by the JIT before the server listens
READY = re.compile(r"^gyrate-ocs listening on 127\.0\.0\.1:(\d+)$")
ADMIN = re.compile(r"^gyrate-ocs admin on http://127\.0\.0\.1:(\d+)$")


class Ocs:
    """One gyrate-ocs process. `extra` are more flags (--fsync, --tcc, ...)."""

    def __init__(self, binary, catalog, store, subscribers=(), extra=(), peers=(CLIENT_ID,)):
        cmd = [binary, "--catalog", catalog, "--store", store, "--port", "0", "--clock", "request", *extra]
        for p in peers:
            cmd += ["--allow-peer", p]
        for s in subscribers:
            cmd += ["--subscribers", s]
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stderr_lines = []
        self.pumps = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True),
                      threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr_lines.append),
                                       daemon=True)]
        for t in self.pumps:
            t.start()
        try:
            ready = self.lines.get(timeout=START_TIMEOUT).strip()
        except queue.Empty:
            ready = ""
        m = READY.match(ready)
        if not m:
            self.kill()
            raise RuntimeError(f"gyrate-ocs not ready: {ready!r}\n{' '.join(cmd)}\n{self.stderr()}")
        self.port = int(m.group(1))
        self.admin_port = None  # the admin API's, when gyrate-ocs serves one
        try:
            admin = ADMIN.match(self.lines.get(timeout=5).strip())
            self.admin_port = int(admin.group(1)) if admin else None
        except queue.Empty:
            pass

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line)

    def stderr(self):
        return "".join(self.stderr_lines)

    def wait_stderr(self, pattern, since=0, timeout=20):
        """Waits until a stderr line after the first `since` lines matches `pattern`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.stderr_lines[since:]:
                if re.search(pattern, line):
                    return line
            time.sleep(0.05)
        raise RuntimeError(f"gyrate-ocs never logged /{pattern}/:\n{self.stderr()}")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def _finish(self):
        for t in self.pumps:
            t.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def stop(self, timeout=20):
        """SIGTERM, then the exit status (None when it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self._finish()
        return code

    def kill(self):
        """SIGKILL: no checkpoint, no clean stop; what survives is what the journal holds."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._finish()

    def admin(self, method, path, body=None):
        """(status, JSON answer) of an admin API request."""
        return admin_request(self.admin_port, method, path, body)

    def sim_cmd(self, sim, *args):
        return [sim, *args, "--server", f"127.0.0.1:{self.port}", "--server-identity", SERVER_ID]

    def sim(self, sim, *args, timeout=120):
        return subprocess.run(self.sim_cmd(sim, *args), capture_output=True, text=True, timeout=timeout)


def admin_request(port, method, path, body=None):
    """(status, JSON answer) of a request to the admin API on 127.0.0.1:port."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def free_port():
    """A TCP port free on 127.0.0.1 now (for a client core's own listener)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe(ocs, sim, work, text, failures, why):
    """Runs the scenario `text` against `ocs` and prints it; a failed one adds `why` to failures."""
    path = os.path.join(work, "probe.gysc")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    r = ocs.sim(sim, "scenario", path)
    print(r.stdout.strip(), flush=True)
    if r.returncode != 0:
        failures.append(f"{why}:\n{r.stdout}{r.stderr}")
    return r


def verdict(ocs, failures, stop_code, passed):
    """Prints PASS `passed`, or FAIL with every failure and the server's stderr; the exit status."""
    if stop_code != 0:
        failures.append(f"gyrate-ocs exit status {stop_code} after SIGTERM")
    if failures:
        print("FAIL\n" + "\n".join(failures) + "\n--- gyrate-ocs stderr:\n" + ocs.stderr(), flush=True)
        return 1
    print("PASS: " + passed, flush=True)
    return 0
