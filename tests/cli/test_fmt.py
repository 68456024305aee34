#!/usr/bin/env python3
"""`gyratec fmt` end to end: stdout, --write, --check and their exit codes (0 formatted, 1 not
formatted, 2 a file that does not parse or a usage error), and the examples stay canonical.
Run by ctest (label golden) with the binary's path."""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import unittest

ARGS = None

MESSY = "currency CNY minor 2;service llm{unit token;rating_group 100;}\nplan p{fee 1CNY; # one\n}\n"
CANONICAL = ("currency CNY minor 2;\nservice llm { unit token; rating_group 100; }\n\n"
             "plan p {\n  fee 1 CNY;  # one\n}\n")


def gyratec(*args, stdin=None):
    return subprocess.run([ARGS.gyratec, *args], cwd=ARGS.source_dir, capture_output=True,
                          text=True, timeout=120, input=stdin)


class Fmt(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def file(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def read(self, path):
        with open(path) as f:
            return f.read()

    def test_prints_the_canonical_layout_and_changes_nothing(self):
        path = self.file("messy.tariff", MESSY)
        r = gyratec("fmt", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, CANONICAL)
        self.assertEqual(self.read(path), MESSY)

    def test_dash_reads_standard_input(self):
        r = gyratec("fmt", "-", stdin=MESSY)
        self.assertEqual((r.returncode, r.stdout), (0, CANONICAL), r.stderr)
        self.assertEqual(gyratec("fmt", "--check", "-", stdin=MESSY).returncode, 1)
        r = gyratec("fmt", "-", stdin="plan p {")
        self.assertEqual(r.returncode, 2)
        self.assertIn("<stdin>:1:9: error[E0101]", r.stderr)
        self.assertEqual(gyratec("fmt", "--write", "-", stdin=MESSY).returncode, 2)

    def test_check_lists_unformatted_files_with_their_first_difference(self):
        messy = self.file("messy.tariff", MESSY)
        clean = self.file("clean.tariff", CANONICAL)
        r = gyratec("fmt", "--check", clean)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
        r = gyratec("fmt", "--check", clean, messy)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertTrue(r.stdout.startswith(f"{messy}: not formatted\n--- {messy}\n"), r.stdout)
        self.assertIn(f"+++ {messy} (formatted)\n@@ -1,", r.stdout)
        self.assertIn("\n-currency CNY minor 2;service llm{", r.stdout)
        self.assertIn("\n+currency CNY minor 2;\n", r.stdout)
        self.assertNotIn(clean, r.stdout)
        self.assertEqual(self.read(messy), MESSY)

    def test_write_rewrites_only_files_that_change(self):
        messy = self.file("messy.tariff", MESSY)
        clean = self.file("clean.tariff", CANONICAL)
        os.utime(clean, (1_000_000_000, 1_000_000_000))
        r = gyratec("fmt", "--write", messy, clean)
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        self.assertEqual(self.read(messy), CANONICAL)
        self.assertEqual(os.stat(clean).st_mtime, 1_000_000_000)
        self.assertEqual(gyratec("fmt", "--check", messy, clean).returncode, 0)
        self.assertEqual(sorted(os.listdir(self.dir.name)), ["clean.tariff", "messy.tariff"])

    def test_a_file_that_does_not_parse_exits_2_with_its_diagnostic(self):
        bad = self.file("bad.tariff", "currency CNY minor 2;\nplan p {\n  fee 1 CNY\n}\n")
        for flags in ([], ["--check"], ["--write"]):
            r = gyratec("fmt", *flags, bad)
            self.assertEqual(r.returncode, 2, flags)
            self.assertIn(f"{bad}:3:12: error[E0101]", r.stderr)
        self.assertEqual(self.read(bad), "currency CNY minor 2;\nplan p {\n  fee 1 CNY\n}\n")
        # A parse error outranks an unformatted file.
        messy = self.file("messy.tariff", MESSY)
        self.assertEqual(gyratec("fmt", "--check", messy, bad).returncode, 2)

    def test_usage_errors_exit_2(self):
        clean = self.file("clean.tariff", CANONICAL)
        for args in (["fmt"], ["fmt", "--check", "--write", clean], ["fmt", "--frob", clean],
                     ["fmt", os.path.join(self.dir.name, "missing.tariff")]):
            self.assertEqual(gyratec(*args).returncode, 2, args)
        r = gyratec("fmt", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: gyratec fmt [--check | --write] FILE...", r.stdout)
        self.assertIn("fmt [--check | --write] FILE...", gyratec("help").stdout)

    def test_the_examples_are_canonical(self):
        files = ["examples/catalog.tariff"] + sorted(
            os.path.relpath(p, ARGS.source_dir)
            for p in glob.glob(os.path.join(ARGS.source_dir, "examples/tariffs/*.tariff")))
        self.assertGreaterEqual(len(files), 15)
        r = gyratec("fmt", "--check", *files)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--gyratec", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
