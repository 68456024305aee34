#!/usr/bin/env python3
"""`gyratec test`, end to end: every example scenario passes, a failing expectation prints
`file:line: expected X, got Y` and exits 1, a parse error exits 2 with file:line:col and a caret,
--timeline prints every step with its answer. Run by ctest (label golden) with the binary's path."""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import unittest

ARGS = None


def gyratec(*args):
    return subprocess.run([ARGS.gyratec, *args], cwd=ARGS.source_dir, capture_output=True,
                          text=True, timeout=300)


def scenario(text):
    """A scenario file in the temporary directory, on T2 by its absolute path."""
    f = tempfile.NamedTemporaryFile("w", suffix=".scenario", delete=False)
    f.write(text.replace("TARIFFS", os.path.join(ARGS.source_dir, "examples", "tariffs")))
    f.close()
    return f.name


T2 = ("tariff TARIFFS/t02_monthly_cap.tariff\n"
      "at 2026-03-01 10:00\n"
      "subscriber alice plan monthly_cap billing_day 1\n")


class TestCommand(unittest.TestCase):
    def test_every_example_passes_and_there_is_one_per_tariff(self):
        files = sorted(glob.glob(os.path.join(ARGS.source_dir, "examples", "scenarios", "t*.scenario")))
        ids = sorted({os.path.basename(f)[:3] for f in files})
        self.assertEqual(ids, [f"t{n:02d}" for n in range(1, 15)])
        r = gyratec("test", *files)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        last = r.stdout.strip().splitlines()[-1]
        self.assertRegex(last, r"^\d+ passed, 0 failed$")
        self.assertGreater(int(last.split()[0]), 250)

    def test_failing_expectation_exits_1_with_expected_and_got(self):
        path = scenario(T2 + "alice reserve llm 1M token\nexpect grant 2M token\n"
                        "expect alice fee 19.90 CNY\n")
        try:
            r = gyratec("test", path)
        finally:
            os.unlink(path)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"{path}:5: expected grant 2M token, got 1M token "
                      "(step line 4: alice reserve llm 1M token)", r.stdout)
        self.assertTrue(r.stdout.endswith("1 passed, 1 failed\n"), r.stdout)

    def test_parse_error_exits_2_with_line_column_and_caret(self):
        path = scenario(T2 + "alice reserve llm 1M tokn\n")
        try:
            r = gyratec("test", path)
        finally:
            os.unlink(path)
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{path}:4:22: error[S0102]: unknown unit `tokn`: did you mean `token`?",
                      r.stderr)
        self.assertIn("   4 | alice reserve llm 1M tokn\n     |                      ^~~~\n", r.stderr)

    def test_timeline_prints_every_step_with_its_answer(self):
        r = gyratec("test", "--timeline", "examples/scenarios/t02_monthly_cap.scenario")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2026-01-31 10:00:00  alice reserve llm 2M token  -> granted (2001) "
                      "grant 1M token threshold 200k token limiter balance final terminate (FUI)", r.stdout)
        self.assertIn("ok  expect alice notified llm 80%", r.stdout)
        # Then each subscriber's bill and quota at the last clock (31 March 2026: a new period).
        self.assertIn("  end   alice: fees 59.70 CNY, this period's bill 19.90 CNY (spend 0.00 CNY); "
                      "llm remaining 5M token, used 0 token\n", r.stdout)
        # Without --timeline only failures and the total are printed.
        quiet = gyratec("test", "examples/scenarios/t02_monthly_cap.scenario")
        self.assertEqual(len(quiet.stdout.splitlines()), 1, quiet.stdout)

    def test_usage_errors_exit_2(self):
        self.assertEqual(gyratec("test").returncode, 2)
        r = gyratec("test", "no/such.scenario")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no/such.scenario", r.stderr)

    def test_the_documented_example_passes(self):
        with open(os.path.join(ARGS.source_dir, "docs", "scenarios.md")) as f:
            example = f.read().split("## An example")[1].split("```")[1]
        path = scenario(example.replace("../tariffs/", "TARIFFS/"))
        try:
            r = gyratec("test", path)
        finally:
            os.unlink(path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "12 passed, 0 failed\n")

    def test_interpreter_gives_the_same_results(self):
        r = gyratec("test", "--evaluator", "interp", "examples/scenarios/t14_data_rollover_fair_use.scenario")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--gyratec", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
