#!/usr/bin/env python3
"""`gyratec provision` end to end: every command shown in docs/provisioning.md run and compared
with the output shown there, the example files, --check, --format, all or nothing across files,
and usage errors. Run by ctest (cli.provision, label golden) with the binary's path."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ARGS = None
CATALOG = "examples/catalog.tariff"
HEADER = "id,plan,activation,billing_day,team,identities,attr.region,attr.seats\n"


def gyratec(*args, cwd=None):
    return subprocess.run([ARGS.gyratec, *args], cwd=cwd or ARGS.source_dir, capture_output=True,
                          text=True, timeout=120)


def read(relative):
    with open(os.path.join(ARGS.source_dir, relative), encoding="utf-8") as f:
        return f.read()


def fenced_blocks(markdown, language):
    """The bodies of the ```language blocks of a Markdown text."""
    return re.findall(r"^```" + language + r"\n(.*?)^```", markdown, re.M | re.S)


def console_commands(markdown):
    """(command line, expected output lines) for each `$ ` line of the ```console blocks."""
    commands = []
    for block in fenced_blocks(markdown, "console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                commands[-1][1].append(line)
    return commands


class DocumentedCommands(unittest.TestCase):
    def test_every_command_prints_what_the_page_shows(self):
        commands = console_commands(read("docs/provisioning.md"))
        self.assertGreaterEqual(len(commands), 5)
        for command, expected in commands:
            with self.subTest(command=command):
                words = command.split()
                self.assertEqual(words[0], "gyratec")
                r = gyratec(*words[1:])
                # Errors go to stderr, the summary to stdout; a run prints one or the other.
                self.assertEqual((r.stdout + r.stderr).splitlines(), expected)
                failed = any(": error: " in line for line in expected)
                self.assertEqual(r.returncode, 1 if failed else 0, r.stderr)

    def test_excerpts_are_the_example_files(self):
        page = read("docs/provisioning.md")
        for language, example in (("csv", "examples/subscribers.csv"),
                                  ("json", "examples/subscribers.jsonl")):
            lines = read(example).splitlines()
            for block in fenced_blocks(page, language):
                for line in block.splitlines():
                    self.assertIn(line, lines, f"docs/provisioning.md shows a line not in {example}")


class Provision(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gyrate_provision_")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def test_example_files_apply_and_check(self):
        for example in ("examples/subscribers.csv", "examples/subscribers.jsonl"):
            for check in ([], ["--check"]):
                r = gyratec("provision", "--catalog", CATALOG, *check, example)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                self.assertRegex(r.stdout, r"^(provisioned|checked) \d+ subscribers, 1 team, \d members")

    def test_team_in_one_file_members_in_another(self):
        team = self.write("team.csv", HEADER + "t,team_pro,2026-11-01,1,,,,2\n")
        members = self.write("members.jsonl", '{"id": "m1", "team": "t"}\n{"id": "m2", "team": "t"}\n')
        r = gyratec("provision", "--catalog", CATALOG, team, members)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "provisioned 0 subscribers, 1 team, 2 members (1 account)\n")
        # A third member is one seat too many: refused at its line, and nothing applies.
        more = self.write("more.jsonl", '{"id": "m1", "team": "t"}\n{"id": "m2", "team": "t"}\n'
                                        '{"id": "m3", "team": "t"}\n')
        r = gyratec("provision", "--catalog", CATALOG, team, more)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{more}:3: error: ", r.stderr)
        self.assertIn("team 't' has 2 seats and 3 members", r.stderr)

    def test_errors_in_several_files_come_in_file_then_line_order(self):
        a = self.write("a.csv", HEADER + "x,token_starter,2026-11-01,,,,,\n"
                                         "y,token_starter,2026-11-01,0,,,,\n")
        b = self.write("b.jsonl", '{"id": "x", "plan": "coding", "activation": "2026-11-01"}\n')
        r = gyratec("provision", "--catalog", CATALOG, b, a)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.splitlines(), [
            f"{a}:2: error: id 'x' is given twice (first at {b}:1)",
            f"{a}:3: error: bad billing_day '0': expected a day of the month 1..31 (empty: the "
            "activation's day)",
            "gyratec: 2 errors: nothing provisioned"])
        self.assertEqual(r.stdout, "")

    def test_format_flag_and_unknown_extension(self):
        text = HEADER + "x,token_starter,2026-11-01,,,,,\n"
        odd = self.write("subscribers.txt", text)
        r = gyratec("provision", "--catalog", CATALOG, odd)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{odd}: error: cannot tell the format", r.stderr)
        r = gyratec("provision", "--catalog", CATALOG, "--format", "csv", odd)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = gyratec("provision", "--catalog", CATALOG, "--format=jsonl", odd)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{odd}:1: error: bad JSON at column 1", r.stderr)

    def test_usage_errors_exit_2(self):
        ok = self.write("s.csv", HEADER)
        for args in (["provision", ok],                                  # no --catalog
                     ["provision", "--catalog", CATALOG],                # no file
                     ["provision", "--catalog", CATALOG, "--format", "xml", ok],
                     ["provision", "--catalog", CATALOG, "--frobnicate", "1", ok],
                     ["provision", "--catalog", "no/such.tariff", ok]):
            with self.subTest(args=args):
                self.assertEqual(gyratec(*args).returncode, 2)
        r = gyratec("provision", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: gyratec provision --catalog FILE", r.stdout)
        self.assertIn("provision --catalog FILE", gyratec("help").stdout)

    def test_header_only_file_provisions_nobody(self):
        r = gyratec("provision", "--catalog", CATALOG, self.write("s.csv", "# none yet\n" + HEADER))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "provisioned 0 subscribers, 0 teams, 0 members (0 accounts)\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--gyratec", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
