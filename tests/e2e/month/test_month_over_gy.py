#!/usr/bin/env python3
"""The demo's path, checked: gyrate-ocs on its embedded store (request clock) and gyrate-sim's
month mode over real Gy on loopback, with bills from the admin API. Every subscriber's tokens,
bytes and requests in the month report must equal the sum of the CDRs the server exported for
them (usage the client saw answered is exactly what the server debited), the report must have a
row and a bill per subscriber, the chart must be SVG, and `gyrate-sim month-check` (the library's
consistency check: refusals, accounts and CDRs) must find nothing. Run by ctest (label e2e)."""
import collections
import csv
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

ocs, sim, source = sys.argv[1:4]
UNIT_OF = {"llm": "tokens_used", "data": "bytes_used", "code": "requests_used", "sec": "requests_used"}

with tempfile.TemporaryDirectory() as work:
    server = subprocess.Popen([ocs, "--catalog", f"{source}/examples/catalog.tariff", "--store", f"{work}/store",
                               "--subscribers", f"{source}/examples/subscribers.csv",
                               "--subscribers", f"{source}/examples/subscribers.jsonl", "--port", "0",
                               "--admin-port", "0", "--allow-peer", "sim.gyrate.test", "--clock", "request",
                               "--fsync", "off", "--checkpoint", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    gy = re.search(r"listening on 127.0.0.1:(\d+)", server.stdout.readline())
    admin = re.search(r"admin on http://127.0.0.1:(\d+)", server.stdout.readline())
    if not gy or not admin:
        server.kill()
        sys.exit("gyrate-ocs did not start:\n" + server.communicate()[1])
    run = subprocess.run([sim, "month", "--server", f"127.0.0.1:{gy.group(1)}", "--server-identity",
                          "ocs.gyrate.test", "--population", f"{source}/examples/population.jsonl",
                          "--start", "2026-11-01", "--days", "30", "--admin", f"http://127.0.0.1:{admin.group(1)}",
                          "--csv", f"{work}/month.csv", "--svg", f"{work}/month.svg", "--report",
                          f"{work}/month.json", "--no-progress"],
                         capture_output=True, text=True, timeout=600)
    server.send_signal(signal.SIGTERM)
    server_log = server.communicate(timeout=60)[1]
    print(run.stdout)
    if run.returncode != 0:
        sys.exit(f"gyrate-sim month failed ({run.returncode}):\n{run.stderr}\n--- server ---\n{server_log}")

    # The library's consistency check: the refusals and accounts (checked while the month played)
    # and now the CDRs the server exported as it stopped.
    check = subprocess.run([sim, "month-check", "--report", f"{work}/month.json", "--cdrs", f"{work}/store/cdr"],
                           capture_output=True, text=True, timeout=120)
    print(check.stdout, check.stderr)
    if check.returncode != 0 or not check.stdout.startswith("consistency: OK ("):
        sys.exit(f"gyrate-sim month-check failed ({check.returncode}):\n{check.stdout}{check.stderr}")

    rows = list(csv.DictReader(open(f"{work}/month.csv")))
    population = [json.loads(l) for l in open(f"{source}/examples/population.jsonl") if l.strip() and not l.startswith("#")]
    if not rows:
        sys.exit("the month report has no rows")

    debited = collections.Counter()  # (subscriber id, report column) -> raw units the CDRs say were used
    cdr_files = glob.glob(f"{work}/store/cdr/*.jsonl")
    if not cdr_files:
        sys.exit("the server exported no CDRs")
    for path in cdr_files:
        for line in open(path):
            c = json.loads(line)
            column = UNIT_OF.get(c.get("service", ""))
            if column:
                debited[(c.get("member") or c["account"], column)] += c["used"]

    problems = []
    for r in rows:
        for column in UNIT_OF.values():
            if int(r[column]) != debited[(r["id"], column)]:
                problems.append(f"{r['id']}: the report says {column} = {r[column]}, "
                                f"the CDRs {debited[(r['id'], column)]}")
        if r["account"] == r["id"] and r["bill_total"] == "":
            problems.append(f"{r['id']}: no bill")
        if int(r["no_answer"]) != 0:
            problems.append(f"{r['id']}: {r['no_answer']} CCRs went unanswered")
        if "5030" in r["ccrs_by_result"] or "5002" in r["ccrs_by_result"]:
            problems.append(f"{r['id']}: unknown subscriber or session: {r['ccrs_by_result']}")
    if sum(int(r["tokens_used"]) for r in rows) == 0:
        problems.append("no tokens were used all month")
    if "<svg" not in open(f"{work}/month.svg").read(300):
        problems.append("the chart is not SVG")
    if problems:
        sys.exit("\n".join(problems) + "\n--- server ---\n" + server_log)
    print(f"ok: {len(rows)} subscribers, {sum(debited.values())} units, report = CDRs")
