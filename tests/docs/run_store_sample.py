#!/usr/bin/env python3
"""Runs docs/embedding/rate_with_a_store.cpp's program twice on one store directory (ctest
docs.embedding_store): the first run provisions, reserves and commits; the second recovers the
store, and the same requests come back as duplicates with nothing debited twice. The
explanation it prints is the one docs/embedding.md shows."""
import os
import subprocess
import sys
import tempfile

program, source_dir = sys.argv[1], sys.argv[2]
tariff = "examples/tariffs/t02_monthly_cap.tariff"  # relative: the explanation names it as given
guide = os.path.join(source_dir, "docs/embedding.md")
with tempfile.TemporaryDirectory(prefix="gyrate_embedding_") as store:
    runs = [subprocess.run([program, tariff, store], capture_output=True, text=True, timeout=120,
                           cwd=source_dir) for _ in range(2)]
for n, r in enumerate(runs, 1):
    print(f"--- run {n} (exit {r.returncode})\n{r.stdout}{r.stderr}")
first, second = (r.stdout.splitlines() for r in runs)
expected_first = ["0 accounts recovered", "reserve: granted, 100000 tokens",
                  "commit: 60000 debited, 40000 released", "llm: 4940000 left of 5000000"]
expected_second = ["1 accounts recovered", "reserve: granted, 100000 tokens (a duplicate)",
                   "commit: 60000 debited, 40000 released (a duplicate)", "llm: 4940000 left of 5000000"]
ok = all(r.returncode == 0 for r in runs) and first[:4] == expected_first and second[:4] == expected_second
# The explanation of a 6M request: the balance (4.94M) is what cuts it.
ok = ok and any("balance" in line for line in first[4:]) and first[4:] == second[4:]
# docs/embedding.md shows that explanation: it must be what the sample prints.
with open(guide, encoding="utf-8") as f:
    shown = "```text\n" + "\n".join(first[4:]) + "\n```" in f.read()
if not shown:
    print(f"{guide} does not show the explanation above")
sys.exit(0 if ok and shown else 1)
