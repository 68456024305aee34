#!/usr/bin/env python3
"""Golden tests for gyratec: runs each case and diffs its output against a reviewed .expected file.

Cases (paths relative to the source dir, which is also the working directory, so file names in
diagnostics read `tests/golden/errors/...`):
  tests/golden/errors/NAME.tariff      `gyratec check FILE`: expected = stderr + "exit: N" line
  tests/golden/emit/NAME.KIND.expected `gyratec --emit=KIND examples/tariffs/NAME.tariff`: expected
                                       = stdout; the command must exit 0 with an empty stderr
With GYRATE_REGENERATE_GOLDEN=1 the expected files are rewritten instead (review them in the diff).
A new emit case starts as an empty NAME.KIND.expected file, filled in by regenerating.
"""

import argparse
import difflib
import os
import subprocess
import sys

ERRORS_DIR = os.path.join("tests", "golden", "errors")
EMIT_DIR = os.path.join("tests", "golden", "emit")
EXAMPLES_DIR = os.path.join("examples", "tariffs")
TIMEOUT_SECONDS = 60


def run(gyratec, args, source_dir):
    # NO_COLOR and LC_ALL keep the output byte-identical whoever runs it, wherever.
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    return subprocess.run([gyratec] + args, cwd=source_dir, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=TIMEOUT_SECONDS)


def text(data):
    return data.decode("utf-8", errors="backslashreplace")


def error_case(gyratec, source_dir, tariff):
    """Returns (expected file, actual text, problem or None)."""
    proc = run(gyratec, ["check", tariff], source_dir)
    expected = os.path.splitext(tariff)[0] + ".expected"
    return expected, text(proc.stderr) + f"exit: {proc.returncode}\n", None


def emit_case(gyratec, source_dir, expected):
    name, kind = os.path.basename(expected)[: -len(".expected")].rsplit(".", 1)
    tariff = os.path.join(EXAMPLES_DIR, name + ".tariff")
    proc = run(gyratec, [f"--emit={kind}", tariff], source_dir)
    problem = None
    if proc.returncode != 0 or proc.stderr:
        problem = f"`gyratec --emit={kind} {tariff}` exited {proc.returncode}:\n{text(proc.stderr)}"
    return expected, text(proc.stdout), problem


def find_cases(source_dir):
    cases = []
    for sub, suffix in ((ERRORS_DIR, ".tariff"), (EMIT_DIR, ".expected")):
        folder = os.path.join(source_dir, sub)
        if os.path.isdir(folder):
            cases += [os.path.join(sub, f) for f in sorted(os.listdir(folder)) if f.endswith(suffix)]
    return cases


def run_case(gyratec, source_dir, case, regenerate):
    """Runs one case; returns True when it passed (or was regenerated)."""
    if case.startswith(ERRORS_DIR + os.sep) and case.endswith(".tariff"):
        expected, actual, problem = error_case(gyratec, source_dir, case)
    elif case.startswith(EMIT_DIR + os.sep) and case.endswith(".expected"):
        expected, actual, problem = emit_case(gyratec, source_dir, case)
    else:
        print(f"not a golden case: {case}", file=sys.stderr)
        return False
    if problem:
        print(f"FAIL {case}: {problem}", file=sys.stderr)
        return False
    path = os.path.join(source_dir, expected)
    if regenerate:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(actual)
        print(f"wrote {expected}")
        return True
    try:
        with open(path, encoding="utf-8", newline="") as f:
            want = f.read()
    except FileNotFoundError:
        print(f"FAIL {case}: {expected} is missing (GYRATE_REGENERATE_GOLDEN=1 writes it)",
              file=sys.stderr)
        return False
    if want == actual:
        print(f"ok   {case}")
        return True
    diff = difflib.unified_diff(want.splitlines(keepends=True), actual.splitlines(keepends=True),
                                fromfile=expected, tofile="actual")
    sys.stderr.write(f"FAIL {case}: output differs from {expected}\n")
    sys.stderr.writelines(line if line.endswith("\n") else line + "\n" for line in diff)
    sys.stderr.write("(if the new output is right: GYRATE_REGENERATE_GOLDEN=1 ctest -L golden, "
                     "then review the diff)\n")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gyratec", required=True, help="path of the gyratec binary")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--source-dir", default=os.path.join(here, "..", ".."),
                        help="repository root (default: two levels above this script)")
    parser.add_argument("cases", nargs="*",
                        help="case paths relative to the source dir (default: all)")
    args = parser.parse_args()
    source_dir = os.path.abspath(args.source_dir)
    gyratec = os.path.abspath(args.gyratec)
    regenerate = os.environ.get("GYRATE_REGENERATE_GOLDEN") == "1"
    cases = args.cases or find_cases(source_dir)
    if not cases:
        print("no golden cases found", file=sys.stderr)
        return 1
    failed = 0
    for case in cases:
        try:
            ok = run_case(gyratec, source_dir, os.path.normpath(case), regenerate)
        except subprocess.TimeoutExpired:
            print(f"FAIL {case}: gyratec ran longer than {TIMEOUT_SECONDS} s", file=sys.stderr)
            ok = False
        failed += not ok
    if len(cases) > 1:
        print(f"golden: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
