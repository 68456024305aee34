#!/usr/bin/env python3
"""`gyratec explain` end to end on the example scenarios and tariffs: the rules that fired with
their FILE:LINE, the weights, the buckets in draw order, the price and the limit, as text and as
JSON (parsed); the commands of docs/scenarios.md "Why this grant" print what the page shows;
usage errors exit 2. Run by ctest (cli.explain, label golden) with the binary's path."""
import argparse
import json
import re
import subprocess
import sys
import unittest

ARGS = None
T2 = "examples/tariffs/t02_monthly_cap.tariff"
T7 = "examples/tariffs/t07_coding_plan.tariff"
T13 = "examples/tariffs/t13_premium_models.tariff"
T14 = "examples/tariffs/t14_data_rollover_fair_use.tariff"
GIB = 1 << 30


def gyratec(*args):
    return subprocess.run([ARGS.gyratec, *args], cwd=ARGS.source_dir, capture_output=True,
                          text=True, timeout=120)


def explain(*args):
    """The text and the parsed JSON of one explanation (both must succeed)."""
    text = gyratec("explain", *args)
    assert text.returncode == 0, text.stderr
    js = gyratec("explain", *args, "--json")
    assert js.returncode == 0, js.stderr
    return text.stdout, json.loads(js.stdout)


def scenario(tariff, name, line):
    return explain(tariff, "--scenario", f"examples/scenarios/{name}.scenario:{line}")


def rule(e, role, aux=0):
    return next(r for r in e["rules"] if r["role"] == role and r["aux"] == aux)


class Scenarios(unittest.TestCase):
    def test_t13_premium_input_by_day_weighs_its_model_and_the_premium_grant_rule_cuts(self):
        text, e = scenario(T13, "t13_premium_models", 13)
        self.assertEqual((e["account"], e["model"], e["requested"]), ("alice", "premium_in", 50000))
        self.assertEqual(e["answer"]["grant"], 20000)
        self.assertEqual(e["weight"], 8_000_000)
        weight = rule(e, "weight")
        self.assertEqual((weight["origin"], weight["line"]), ("model", 10))
        self.assertEqual(weight["text"], "model premium_in  { service llm; id 4002; weight 8; }")
        self.assertEqual(e["limited_by"], "grant_rule")
        self.assertEqual(e["rules"][e["limit_rule"]]["line"], 18)
        self.assertIn(f"limit    grant_rule -- 20000 token: the grant rule gives 20000 token of the "
                      f"50000 token requested ({T13}:18)\n", text)
        self.assertRegex(text, re.escape(T13) + r":10  weight +8\.0 +model premium_in ")
        self.assertIn("weight   8.0 allowance units per token\n", text)

    def test_t13_night_rule_sets_premium_input_to_6(self):
        text, e = scenario(T13, "t13_premium_models", 31)
        weight = rule(e, "weight")
        self.assertEqual((weight["origin"], weight["line"], weight["value"]), ("rule", 17, 6_000_000))
        self.assertEqual(weight["text"], "weight llm = 6 when model == premium_in and hour in 1..6;")
        self.assertIn("at 2026-03-03 03:00\n", text)
        self.assertEqual(e["answer"]["debit"], 120000)

    def test_t2_last_grant_is_limited_by_the_balance_then_terminate(self):
        text, e = scenario(T2, "t02_monthly_cap", 27)
        self.assertEqual(e["answer"]["grant"], 1_000_000)
        self.assertEqual(e["answer"]["final_action"], "terminate")
        self.assertEqual(e["limited_by"], "balance")
        self.assertEqual(e["limit_rule"], -1)
        self.assertEqual([(b["origin"], b["amount"], b["gives"]) for b in e["buckets"]],
                         [("allowance", 1_000_000, 1_000_000)])
        self.assertIn("limit    balance -- 1000000 token: 1000000 allowance units left\n", text)
        self.assertIn("buckets in draw order:\n"
                      "  1.  allowance  allowance  1000000  until 2026-02-28 00:00  gives 1000000\n",
                      text)
        self.assertIn("final units: terminate", text)

    def test_t7_seven_day_window_refuses_until_it_has_room(self):
        text, e = scenario(T7, "t07_coding_plan", 45)
        self.assertEqual(e["answer"]["outcome"], "exhausted")
        self.assertEqual(e["answer"]["validity_seconds"], 518459)
        self.assertEqual(e["limited_by"], "window")
        limit = e["rules"][e["limit_rule"]]
        self.assertEqual((limit["role"], limit["aux"], limit["line"]), ("window_limit", 1, 13))
        self.assertEqual([w["counted"] for w in e["context"]["windows"]], [0, 9000])
        self.assertIn("limit    window -- nothing left: rolling window of 604800 s: 9000 of 9000 "
                      f"allowance units counted, room again in 518459 s ({T7}:13)\n", text)

    def test_a_line_that_is_not_a_reserve_step_is_refused(self):
        r = gyratec("explain", T2, "--scenario", "examples/scenarios/t02_monthly_cap.scenario:28")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "gyratec: explain: examples/scenarios/t02_monthly_cap.scenario:28 "
                                   "is not a reserve step: `expect grant 1M token`\n")


class Flags(unittest.TestCase):
    def test_t14_time_of_day_overage_price_by_night_and_by_day(self):
        used = ["--plan", "data_rollover", "--service", "data", "--requested", "2GiB",
                "--used", "data=40GiB"]
        text, night = explain(T14, *used, "--at", "2026-05-01T02:30")
        price = rule(night, "overage_price")
        self.assertEqual((price["line"], price["value"]), (15, 2_000_000))
        self.assertEqual(night["cost"], 4_000_000)
        self.assertEqual(night["context"]["used"], 40 * GIB)
        self.assertEqual(night["buckets"], [])
        self.assertIn("price    beyond the buckets 2.0 EUR per 1073741824 byte (charge): this grant "
                      "costs 4.0 EUR\n", text)
        _, day = explain(T14, *used, "--at", "2026-05-01T12:00")
        self.assertEqual(rule(day, "overage_price")["line"], 16)
        self.assertEqual(day["cost"], 10_000_000)

    def test_fresh_subscriber_attribute_and_version(self):
        _, e = explain("examples/tariffs/t04_trial_quota.tariff", "--plan", "opc_trial",
                       "--service", "llm", "--at", "2026-05-01T10:00", "--set", "segment=retail")
        self.assertEqual(e["answer"]["outcome"], "not_eligible")
        self.assertEqual(e["limited_by"], "not_eligible")
        self.assertEqual(rule(e, "eligible")["value"], 0)
        text, e = explain("examples/catalog.tariff", "--plan", "token_starter", "--service", "data",
                          "--at", "2026-11-05T10:00")
        self.assertEqual((e["rated"], e["limited_by"], e["rules"]), (False, "no_rule", []))
        self.assertIn("subscriber: reserve data (no amount), at 2026-11-05 10:00\n", text)
        self.assertIn("limit    no_rule -- plan token_starter does not rate data\n", text)
        r = gyratec("explain", T13, "--plan", "premium_access", "--version", "3", "--service", "llm")
        self.assertEqual(r.returncode, 2)
        self.assertIn("plan `premium_access` has no version 3", r.stderr)

    def test_usage_errors_exit_2(self):
        for args in ([], [T2], [T2, "--scenario", "x.scenario"],
                     [T2, "--plan", "monthly_cap"],
                     [T2, "--scenario", "examples/scenarios/t02_monthly_cap.scenario:27",
                      "--plan", "monthly_cap", "--service", "llm"],
                     [T2, "--plan", "monthly_cap", "--service", "llm", "--used", "llm"],
                     [T2, "--plan", "monthly_cap", "--service", "llm", "--at", "May 1st"]):
            with self.subTest(args=args):
                r = gyratec("explain", *args)
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertTrue(r.stderr.startswith("gyratec: "), r.stderr)
        r = gyratec("explain", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("gyratec explain FILE.tariff --scenario S.scenario:LINE", r.stdout)


class DocumentedCommands(unittest.TestCase):
    def test_the_page_shows_what_the_commands_print(self):
        with open(f"{ARGS.source_dir}/docs/scenarios.md", encoding="utf-8") as f:
            page = f.read()
        section = page.split("## Why this grant: gyrate explain\n", 1)[1].split("\n## ", 1)[0]
        blocks = re.findall(r"^```console\n(.*?)^```", section, re.M | re.S)
        self.assertGreaterEqual(len(blocks), 1)
        for block in blocks:
            lines = block.splitlines()
            self.assertTrue(lines[0].startswith("$ gyratec explain "), lines[0])
            with self.subTest(command=lines[0]):
                r = gyratec(*lines[0][2:].split()[1:])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.splitlines(), lines[1:])


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--gyratec", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
