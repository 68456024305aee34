#!/usr/bin/env python3
"""`gyratec diff` end to end: every command shown in docs/diff.md run and compared with the
output shown there, the JSON form, subscriber files in both formats, and the exit codes (0 no
change, 1 changes, 2 errors). Run by ctest (cli.diff, label golden) with the binary's path."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

# docs/provisioning.md's test reads the ```console blocks of a page the same way.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_provision import console_commands, fenced_blocks  # noqa: E402

ARGS = None
OLD = "examples/scenarios/t11_before_the_rise.tariff"
NEW = "examples/tariffs/t11_price_rise.tariff"
SUBSCRIBERS = "tests/cli/diff/t11_subscribers.csv"
PUBLISHED = "2026-08-15T12:00"


def gyratec(*args):
    return subprocess.run([ARGS.gyratec, *args], cwd=ARGS.source_dir, capture_output=True,
                          text=True, timeout=120)


def read(relative):
    with open(os.path.join(ARGS.source_dir, relative), encoding="utf-8") as f:
        return f.read()


class DocumentedCommands(unittest.TestCase):
    def test_every_command_prints_what_the_page_shows(self):
        commands = console_commands(read("docs/diff.md"))
        self.assertGreaterEqual(len(commands), 2)
        for command, expected in commands:
            with self.subTest(command=command):
                words = command.split()
                self.assertEqual(words[0], "gyratec")
                r = gyratec(*words[1:])
                self.assertEqual(r.stderr, "")
                self.assertEqual(r.stdout.splitlines(), expected)
                no_change = expected in (["no changes"], ['{"changes":[]}'])
                self.assertEqual(r.returncode, 0 if no_change else 1)

    def test_the_subscriber_excerpt_is_the_file(self):
        lines = read(SUBSCRIBERS).splitlines()
        for block in fenced_blocks(read("docs/diff.md"), "csv"):
            for line in block.splitlines():
                self.assertIn(line, lines)


class Diff(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gyrate_diff_")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_same_catalog_exits_0(self):
        r = gyratec("diff", NEW, NEW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "no changes\n")

    def test_json_lists_changes_and_subscribers(self):
        r = gyratec("diff", OLD, NEW, "--subscribers", SUBSCRIBERS, "--from", PUBLISHED, "--json")
        self.assertEqual(r.returncode, 1, r.stderr)
        out = json.loads(r.stdout)
        fee = [c for c in out["changes"] if c["what"] == "fee"]
        self.assertEqual(fee, [{"plan": "glm_coding", "version": 2, "against_version": 1,
                                "kind": "changed", "what": "fee", "old": "20.00 CNY",
                                "new": "26.00 CNY"}])
        dates = {s["id"]: s["from_local"] for s in out["subscribers"]}
        self.assertEqual(dates, {"alice": "2027-01-01", "carol": "2027-01-20",
                                 "dan": "2027-01-31", "bob": "2026-09-01 10:00"})
        self.assertTrue(all(s["affected"] and s["new_version"] == 2 for s in out["subscribers"]))

    def test_json_lines_subscribers_and_a_late_publication(self):
        # Published after 2027-01-01: the first boundary after publication.
        path = self.write("subs.jsonl", '{"id":"ann","plan":"glm_coding","activation":'
                                        '"2026-03-10","billing_day":10}\n')
        r = gyratec("diff", OLD, NEW, "--subscribers", path, "--from", "2027-02-01", "--json")
        self.assertEqual(r.returncode, 1, r.stderr)
        [ann] = json.loads(r.stdout)["subscribers"]
        self.assertEqual(ann["from_local"], "2027-02-10")
        self.assertEqual(ann["reason"], "first boundary after publication "
                                        "(grandfather until 2027-01-01)")

    def test_unchanged_version_is_not_affected(self):
        r = gyratec("diff", NEW, NEW, "--subscribers", SUBSCRIBERS, "--from", PUBLISHED)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("subscribers (4, 0 affected):", r.stdout)
        self.assertIn("no change to version 1", r.stdout)

    def test_rules_and_catalog_items_are_rows(self):
        text = read(NEW).replace("fee 26 CNY;", "fee 26 CNY;\n  notify code at 90%;")
        text = text.replace("timezone +08:00;", "timezone +09:00;")
        r = gyratec("diff", NEW, self.write("new.tariff", text))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stdout, r"\(catalog\)\s+-\s+timezone\s+\+08:00\s+\+09:00\n")
        self.assertRegex(r.stdout, r"glm_coding\s+2\s+notify code\s+-\s+90%\n")

    def test_errors_exit_2(self):
        bad_tariff = self.write("bad.tariff", "currency CNY minor 2;\nplan p { fee 9.9 CNX; }\n")
        bad_rows = self.write("bad.csv", "id,plan,activation,billing_day\nx,glm_coding,2026-13-01,1\n")
        cases = [
            (["diff", OLD], "diff needs two catalogs"),
            (["diff", OLD, "no/such.tariff"], "no/such.tariff"),
            (["diff", OLD, bad_tariff], "error[E0203]"),
            (["diff", OLD, NEW, "--from", "tomorrow"], "--from takes"),
            (["diff", OLD, NEW, "--subscribers"], "needs a value"),
            (["diff", OLD, NEW, "--subscribers", bad_rows], "bad.csv:2: error:"),
            (["diff", OLD, NEW, "--frob=1"], "unknown option --frob"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = gyratec(*args)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(message, r.stderr)

    def test_help(self):
        r = gyratec("diff", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: gyratec diff OLD.tariff NEW.tariff", r.stdout)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--gyratec", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest])
