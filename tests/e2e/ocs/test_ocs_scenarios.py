#!/usr/bin/env python3
"""Gy scenarios against gyrate-ocs (ctest e2e.ocs_scenarios, label e2e): every *.gysc under
scenarios/ runs with gyrate-sim against its own gyrate-ocs (free 127.0.0.1 port, own store,
--clock request). A scenario names its server in comment lines the simulator skips:

  #! catalog PATH          the catalog (repo-relative); the server runs on a copy of it
  #! subscribers PATH      a subscribers file (relative to the scenario; repeatable)
  #! reload PATH           the steps below run after PATH is copied over the catalog and the
                           server has reloaded it on SIGHUP
  #! pause SECONDS         the steps below run after that long (the supervision timer ticks
                           once a second)
  #! buy ACCOUNT PACK [N]  the steps below run after ACCOUNT bought PACK (N times) through the
                           admin API (at the server's clock: the latest Event-Timestamp seen)

Sessions do not cross a reload or a pause (each part is its own gyrate-sim run); the file's
`subscriber` statements are repeated in every part.

Any failed expectation fails the test, with the simulator's output and the server's stderr."""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ocs_harness import Ocs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def parse(path):
    """The scenario's directives, its parts (lists of lines) and what comes before each part after
    the first: ("reload", PATH) or ("pause", SECONDS)."""
    catalog, subscribers, parts, reloads = None, [], [[]], []
    for line in open(path, encoding="utf-8"):
        words = line.split()
        if words[:2] == ["#!", "buy"] and len(words) in (4, 5):
            reloads.append(("buy", (words[2], words[3], int(words[4]) if len(words) == 5 else 1)))
            parts.append(["\n"])
            continue
        if len(words) == 3 and words[0] == "#!":
            if words[1] == "catalog":
                catalog = os.path.join(ROOT, words[2])
            elif words[1] == "subscribers":
                subscribers.append(os.path.join(os.path.dirname(path), words[2]))
            elif words[1] == "reload":
                reloads.append(("reload", os.path.join(ROOT, words[2])))
                parts.append([])
            elif words[1] == "pause":
                reloads.append(("pause", float(words[2])))
                parts.append([])
            else:
                raise ValueError(f"{path}: unknown directive {words[1]!r}")
            parts[-1].append("\n")  # keeps line numbers apart from the header
            continue
        parts[-1].append(line)
    if catalog is None:
        raise ValueError(f"{path}: no `#! catalog` line")
    return catalog, subscribers, parts, reloads


def run(path, args, work):
    name = os.path.basename(path)
    catalog, subscribers, parts, reloads = parse(path)
    store = tempfile.mkdtemp(prefix="store.", dir=work)
    live_catalog = os.path.join(work, name + ".tariff")
    shutil.copyfile(catalog, live_catalog)
    declared = [l for part in parts for l in part if l.startswith("subscriber ")]
    started = time.monotonic()
    ocs = Ocs(args.ocs, live_catalog, store, subscribers)
    outputs, ok = [], True
    try:
        for i, part in enumerate(parts):
            if i > 0:
                kind, what = reloads[i - 1]
                if kind == "pause":
                    time.sleep(what)
                elif kind == "buy":
                    account, pack, count = what
                    for k in range(count):
                        status, answer = ocs.admin("POST", f"/v1/subscribers/{account}/packs",
                                                   {"pack": pack, "order": f"{name}#{i}.{k}"})
                        outputs.append(f"#! buy {account} {pack}: HTTP {status} {json.dumps(answer)}\n")
                        ok = ok and status == 200
                    if not ok:
                        break
                else:
                    mark = len(ocs.stderr_lines)
                    shutil.copyfile(what, live_catalog)
                    ocs.signal(signal.SIGHUP)
                    line = ocs.wait_stderr(r"catalog reloaded|reload refused", since=mark)
                    if "reload refused" in line:
                        outputs.append(line)
                        ok = False
                        break
                part = declared + part
            # Each part is its own file; a part's name keeps the scenario's for diagnostics.
            part_path = os.path.join(work, name if len(parts) == 1 else f"{name}.part{i + 1}.gysc")
            with open(part_path, "w", encoding="utf-8") as f:
                f.writelines(part)
            r = ocs.sim(args.sim, "scenario", part_path)
            outputs.append(r.stdout + r.stderr)
            totals = re.findall(r"^\d+ passed, (\d+) failed$", r.stdout, re.M)
            if totals == ["0"] and r.returncode == -signal.SIGABRT and "fd_fifo_del" in r.stderr:
                # The client's freeDiameter core sometimes asserts while stopping, after every
                # answer was checked; that is the simulator's exit, not the server's behaviour.
                print(f"warning: {name}: gyrate-sim aborted while stopping its core: "
                      f"{r.stderr.strip().splitlines()[-1]}", flush=True)
            elif r.returncode != 0 or totals != ["0"]:
                ok = False
                break
    finally:
        code = ocs.stop()
    if code != 0:
        ok = False
        outputs.append(f"gyrate-ocs exit status {code} after SIGTERM")
    took = time.monotonic() - started
    if ok:
        passed = sum(int(n) for n in re.findall(r"^(\d+) passed, 0 failed$", "".join(outputs), re.M))
        print(f"PASS {name} ({passed} expectations, {took:.1f} s)", flush=True)
        if args.verbose:
            print("".join(outputs), flush=True)
    else:
        print(f"FAIL {name}\n--- gyrate-sim:\n{''.join(outputs)}\n--- gyrate-ocs stderr:\n{ocs.stderr()}",
              flush=True)
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ocs", required=True)
    p.add_argument("--sim", required=True)
    p.add_argument("--scenarios", default=os.path.join(HERE, "scenarios"))
    p.add_argument("-v", "--verbose", action="store_true", help="print every step, passing or not")
    p.add_argument("files", nargs="*", help="scenario files (default: every *.gysc)")
    args = p.parse_args()
    files = args.files or sorted(glob.glob(os.path.join(args.scenarios, "*.gysc")))
    if not files:
        print("no scenario files", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="ocs_scenarios.") as work:
        failed = [f for f in files if not run(os.path.abspath(f), args, work)]
    print(f"{len(files) - len(failed)} scenario files passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
