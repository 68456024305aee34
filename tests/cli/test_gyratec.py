#!/usr/bin/env python3
"""gyratec's command line, end to end: exit codes, eval with both evaluators, compile and the
object cache and its key, the demo report and plugins. Run by ctest (label golden) with the binaries' paths."""
import argparse
import os
import subprocess
import sys
import tempfile
import unittest

ARGS = None


def gyratec(*args, cwd=None):
    return subprocess.run([ARGS.gyratec, *args], cwd=cwd or ARGS.source_dir, capture_output=True,
                          text=True, timeout=120)


class ExitCodes(unittest.TestCase):
    def test_clean_file_exits_0(self):
        r = gyratec("check", "examples/catalog.tariff")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_diagnostics_exit_1_and_name_the_place(self):
        with tempfile.NamedTemporaryFile("w", suffix=".tariff", delete=False) as f:
            f.write("currency CNY minor 2;\nplan p {\n  fee 9.9 CNX;\n}\n")
        r = gyratec("check", f.name)
        os.unlink(f.name)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{f.name}:3:11: error[E0203]", r.stderr)
        self.assertIn("did you mean `CNY`?", r.stderr)

    def test_missing_file_and_bad_usage_exit_2(self):
        self.assertEqual(gyratec("check", "no/such/file.tariff").returncode, 2)
        self.assertEqual(gyratec("check").returncode, 2)
        self.assertEqual(gyratec("frobnicate").returncode, 2)
        self.assertEqual(gyratec("check", "--emit=xml", "examples/catalog.tariff").returncode, 2)
        r = gyratec("eval", "examples/catalog.tariff", "--plan", "nope", "--service", "llm")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no plan `nope`", r.stderr)


class Eval(unittest.TestCase):
    ARGS = ["eval", "examples/catalog.tariff", "--plan", "team_pro", "--service", "llm",
            "--model", "qwen_max", "--at", "2026-11-04T02:00", "--set", "seats=3",
            "--set", "requested=500k", "--set", "remaining=1M"]

    def test_interpreter_and_jit_print_the_same_decision(self):
        interp = gyratec(*self.ARGS, "--evaluator", "interp")
        jit = gyratec(*self.ARGS, "--evaluator", "jit")
        self.assertEqual(interp.returncode, 0, interp.stderr)
        self.assertEqual(jit.returncode, 0, jit.stderr)
        strip = lambda out: out.replace("evaluator interp", "").replace("evaluator jit", "")
        self.assertEqual(strip(interp.stdout), strip(jit.stdout))
        # 3 seats at 99 CNY in the first period; qwen_max weighs 3 at night; grant capped at 200k.
        self.assertIn("fee: 297.00 CNY", jit.stdout)
        self.assertIn("granted 200000 token (weight 3.0, debit 600000)", jit.stdout)

    def test_daytime_weight_and_exhaustion(self):
        day = gyratec(*[a if a != "2026-11-04T02:00" else "2026-11-04T15:00" for a in self.ARGS])
        self.assertIn("weight 4.0", day.stdout)
        empty = gyratec("eval", "examples/catalog.tariff", "--plan", "token_starter", "--service",
                        "llm", "--set", "remaining=0", "--set", "requested=10k")
        self.assertIn("exhausted", empty.stdout)
        self.assertIn("redirect https://topup.example.cn/tokens", empty.stdout)

    def test_help_is_not_a_usage_error(self):
        for args in (["eval", "--help"], ["eval", "-h"], ["check", "--help"]):
            r = gyratec(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("usage: gyratec", r.stdout)
        self.assertIn("window_used0", gyratec("eval", "--help").stdout)

    def test_quantities_are_checked_against_the_service_unit(self):
        base = ["eval", "examples/catalog.tariff", "--plan", "smart_bundle", "--service", "data",
                "--set", "remaining=30 GiB"]
        wrong = gyratec(*base, "--set", "requested=2 token")
        self.assertEqual(wrong.returncode, 2)
        self.assertIn("measures token, expected byte", wrong.stderr)
        right = gyratec(*base, "--set", "requested=2 KiB")
        self.assertEqual(right.returncode, 0, right.stderr)
        self.assertIn("granted 2048 byte", right.stdout)

    def test_result_codes_versions_promos_and_windows(self):
        empty = gyratec("eval", "examples/catalog.tariff", "--plan", "token_starter", "--service",
                        "llm", "--set", "remaining=0", "--set", "requested=10k")
        self.assertIn("result-code: 4012 DIAMETER_CREDIT_LIMIT_REACHED", empty.stdout)
        denied = gyratec("eval", "examples/catalog.tariff", "--plan", "opc_trial", "--service",
                         "llm", "--set", "segment=retail", "--set", "remaining=1M")
        self.assertIn("result-code: 4010 DIAMETER_END_USER_SERVICE_DENIED", denied.stdout)
        unrated = gyratec("eval", "examples/catalog.tariff", "--plan", "team_pro", "--service",
                          "data")
        self.assertIn("result-code: 5031 DIAMETER_RATING_FAILED", unrated.stdout)
        # T11: the same plan at two versions.
        v1 = gyratec("eval", "examples/catalog.tariff", "--plan", "coding", "--version", "1",
                     "--service", "code")
        v2 = gyratec("eval", "examples/catalog.tariff", "--plan", "coding", "--version", "2",
                     "--service", "code")
        self.assertIn("plan coding v1", v1.stdout)
        self.assertIn("fee: 40.00 CNY", v1.stdout)
        self.assertIn("fee: 52.00 CNY", v2.stdout)
        self.assertEqual(gyratec("eval", "examples/catalog.tariff", "--plan", "coding",
                                 "--version", "3", "--service", "code").returncode, 2)
        # T4: a promo for Shanghai OPC customers only; no money in the plan.
        opc = ["eval", "examples/catalog.tariff", "--plan", "opc_trial", "--service", "llm",
               "--set", "segment=opc"]
        self.assertIn("promo opc_30m: eligible", gyratec(*opc, "--set", "region=shanghai").stdout)
        beijing = gyratec(*opc, "--set", "region=beijing").stdout
        self.assertIn("promo opc_30m: not eligible", beijing)
        self.assertIn("fee: none", beijing)
        # A rolling window that is full refuses the request, whatever the balance.
        window = ["eval", "examples/catalog.tariff", "--plan", "coding", "--service", "code",
                  "--set", "remaining=18000", "--set", "requested=1"]
        self.assertIn("granted 1 request", gyratec(*window, "--set", "window_used0=1199").stdout)
        full = gyratec(*window, "--set", "window_used0=1200").stdout
        self.assertIn("limit=window", full)
        self.assertIn("result-code: 4012", full)

    def test_join_date_gives_the_period_and_its_fee(self):
        # T6/T10: billing day 5; Nov 20 is in period 0 for a subscriber who joined Nov 5 (first-period
        # fee 99 CNY per seat) and in period 1 for one who joined Oct 5 (198 CNY per seat); both
        # periods end on Dec 5, 15 local days after Nov 20 counting Nov 20.
        base = ["eval", "examples/catalog.tariff", "--plan", "team_pro", "--service", "llm",
                "--set", "seats=2", "--set", "billing_day=5", "--at", "2026-11-20T10:00"]
        first = gyratec(*base, "--joined", "2026-11-05")
        later = gyratec(*base, "--joined", "2026-10-05")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("period 0, 15 days left", first.stdout)
        self.assertIn("fee: 198.00 CNY", first.stdout)
        self.assertIn("period 1, 15 days left", later.stdout)
        self.assertIn("fee: 396.00 CNY", later.stdout)
        self.assertEqual(gyratec(*base, "--joined", "2026-12-01").returncode, 2)  # after --at
        self.assertEqual(gyratec(*base, "--joined", "soon").returncode, 2)

    def test_bad_set_value_is_a_usage_error(self):
        r = gyratec("eval", "examples/catalog.tariff", "--plan", "team_pro", "--service", "llm",
                    "--set", "seats=many")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--set seats=many", r.stderr)


class CompileAndCache(unittest.TestCase):
    def test_second_compile_hits_the_cache(self):
        with tempfile.TemporaryDirectory() as cache:
            first = gyratec("compile", "examples/catalog.tariff", "--cache", cache)
            second = gyratec("compile", "examples/catalog.tariff", "--cache", cache)
            self.assertEqual(first.returncode, 0, first.stderr)
            self.assertIn("(compiled, cached)", first.stdout)
            self.assertIn("(cache hit)", second.stdout)
            # A corrupt cache entry is a warning and a recompile, never a failure.
            for name in os.listdir(cache):
                with open(os.path.join(cache, name), "r+b") as f:
                    f.seek(0)
                    f.write(b"garbage!")
            third = gyratec("compile", "examples/catalog.tariff", "--cache", cache)
            self.assertEqual(third.returncode, 0, third.stderr)
            self.assertIn("warning", third.stderr)
            self.assertIn("(compiled", third.stdout)

    def test_emit_llvm_defines_one_function_per_block(self):
        r = gyratec("--emit=llvm", "examples/tariffs/t02_monthly_cap.tariff")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("define", r.stdout)
        self.assertIn("@gyrate_block_0", r.stdout)


class CacheKey(unittest.TestCase):
    """--cache-key FILE (JitOptions::cache_key_file): entries are signed with the key, and one
    written under another key is refused, with a warning, and compiled again."""

    @staticmethod
    def write_key(directory, name, byte, mode=0o600):
        path = os.path.join(directory, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        os.write(fd, bytes([byte]) * 32)
        os.close(fd)
        os.chmod(path, mode)  # the umask may have taken bits off
        return path

    def test_entry_written_under_one_key_is_refused_under_another(self):
        with tempfile.TemporaryDirectory() as tmp:
            cache = os.path.join(tmp, "jit")
            key_a = self.write_key(tmp, "a.key", 0x41)
            key_b = self.write_key(tmp, "b.key", 0x42)
            compile_with = lambda *extra: gyratec("compile", "examples/catalog.tariff", "--cache",
                                                  cache, *extra)
            first = compile_with("--cache-key", key_a)
            self.assertEqual(first.returncode, 0, first.stderr)
            self.assertIn("(compiled, cached)", first.stdout)
            self.assertEqual(first.stderr, "")
            same_key = compile_with("--cache-key", key_a)
            self.assertIn("(cache hit)", same_key.stdout)
            self.assertEqual(same_key.stderr, "")
            # Another key: the entry's MAC does not verify, so it is refused and recompiled.
            other_key = compile_with("--cache-key=" + key_b)
            self.assertEqual(other_key.returncode, 0, other_key.stderr)
            self.assertIn("warning: untrusted JIT cache entry", other_key.stderr)
            self.assertIn("MAC mismatch", other_key.stderr)
            self.assertIn("(compiled, cached)", other_key.stdout)
            # The entry is now key B's: eval and demo read it with B and without a word.
            for command in (["eval", "examples/catalog.tariff", "--plan", "coding", "--service",
                             "code"], ["demo", "examples/catalog.tariff"]):
                r = gyratec(*command, "--cache", cache, "--cache-key", key_b)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "", command[0])
            # Without a key, a signed entry is not trusted either.
            unkeyed = compile_with()
            self.assertIn("warning: corrupt JIT cache entry", unkeyed.stderr)
            self.assertIn("(compiled, cached)", unkeyed.stdout)

    def test_key_file_others_can_read_turns_the_cache_off(self):
        with tempfile.TemporaryDirectory() as tmp:
            cache = os.path.join(tmp, "jit")
            loose = self.write_key(tmp, "loose.key", 0x43, mode=0o644)
            r = gyratec("compile", "examples/catalog.tariff", "--cache", cache, "--cache-key", loose)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("warning: untrusted JIT cache key file", r.stderr)
            self.assertIn("(compiled)", r.stdout)
            self.assertFalse(os.path.exists(cache) and os.listdir(cache))

    def test_key_without_cache_is_a_usage_error(self):
        r = gyratec("compile", "examples/catalog.tariff", "--cache-key", "some.key")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--cache-key FILE needs --cache DIR", r.stderr)


def demo_rows(stdout):
    """The demo's service rows by (who, service) and its bill rows by who, split into fields."""
    services, bills = {}, {}
    lines = stdout.splitlines()
    header = next(i for i, l in enumerate(lines) if l.startswith("who") and "svc" in l)
    for line in lines[header + 1:]:
        if not line or line.startswith("("):
            break
        f = line.split()
        services[(f[0], f[3])] = {
            "used": " ".join(f[4:6]), "quota": " ".join(f[6:8]),
            "remaining": " ".join(f[8:10]), "grants": int(f[10]), "denied": int(f[11]),
            "refusal": " ".join(f[12:])}
    bill_header = next(i for i, l in enumerate(lines) if l.startswith("who") and "bill" in l)
    for line in lines[bill_header + 1:]:
        if not line:
            break
        f = line.split()
        bills[f[0]] = {"fee": " ".join(f[2:4]), "packs": " ".join(f[4:6]),
                       "overage": " ".join(f[6:8]), "bill": " ".join(f[8:10])}
    return services, bills


class Demo(unittest.TestCase):
    def test_demo_reports_every_subscriber_with_both_evaluators(self):
        outputs = {}
        for evaluator in ("jit", "interp"):
            r = gyratec("demo", "examples/catalog.tariff", "--evaluator", evaluator)
            self.assertEqual(r.returncode, 0, r.stderr)
            for who in ("alice", "bob", "carol", "dave", "erin", "frank", "grace"):
                self.assertIn(who, r.stdout)
            self.assertIn("effective price (T12)", r.stdout)
            # Everything but the timing lines must be identical between evaluators.
            outputs[evaluator] = [l for l in r.stdout.splitlines()
                                  if "decisions" not in l and "checked and loaded" not in l]
        self.assertEqual(outputs["jit"], outputs["interp"])

    def test_demo_figures_follow_from_the_catalog(self):
        r = gyratec("demo", "examples/catalog.tariff")
        self.assertEqual(r.returncode, 0, r.stderr)
        services, bills = demo_rows(r.stdout)
        # The month ran on the embedded store: its CDRs charge what the bills say packs and
        # overage cost, and an engine restarted on the store holds what this one held.
        self.assertRegex(r.stdout, r"checkpoint: \d+ CDRs exported, charges [0-9.]+ CNY = packs \+ overage")
        self.assertIn("restart from the store: 7 of 7 subscribers hold exactly what they held", r.stdout)
        # alice, token_starter: 3M allowance + 3 packs of 400k = 4.2M allowance units; qwen_plus
        # weighs 2, so each 12k-token request draws 24k and 4.2M / 24k = 175 requests' worth.
        # The allowance runs dry after exactly 125; each pack gives 16 whole requests and a last
        # 8k-token (16k-unit) grant: 125 + 3 x 17 = 176 grants, the last one final with the redirect.
        alice = services[("alice", "llm")]
        self.assertEqual((alice["used"], alice["quota"], alice["remaining"]),
                         ("4.20M token", "4.20M token", "0 token"))
        self.assertEqual(alice["grants"], 176)
        self.assertIn("final units (balance), redirect https://topup.example.cn/tokens",
                      alice["refusal"])
        # First-period fee 9.9 + 3 packs at 1 CNY.
        self.assertEqual((bills["alice"]["fee"], bills["alice"]["packs"], bills["alice"]["bill"]),
                         ("9.90 CNY", "3.00 CNY", "12.90 CNY"))
        # erin, opc_trial: the 30M promo only; deepseek_r1 weighs 3, 25k tokens draw 75k:
        # 400 requests at 20 a day, so day 21 is refused with the plan's `block`.
        erin = services[("erin", "llm")]
        self.assertEqual((erin["used"], erin["quota"], erin["grants"]),
                         ("30.00M token", "30.00M token", 400))
        self.assertIn("day 21: 4012 exhausted (balance), block", erin["refusal"])
        # grace is retail: not eligible for opc_trial, every request refused, no promo.
        grace = services[("grace", "llm")]
        self.assertEqual((grace["grants"], grace["quota"]), (0, "0 token"))
        self.assertIn("4010 not_eligible", grace["refusal"])
        # bob, team_pro with 5 seats: 99 CNY x 5 in the first period, 1500 code requests x 5.
        self.assertEqual(bills["bob"]["fee"], "495.00 CNY")
        self.assertEqual(services[("bob", "code")]["quota"], "7500 request")
        # frank joined coding on 2026-10-20: version 2 (52 CNY, effective 2026-09-01); 18000
        # requests at 700 a day run out on day 26.
        self.assertEqual(bills["frank"]["fee"], "52.00 CNY")
        self.assertEqual(services[("frank", "code")]["grants"], 18000)
        # Whatever the plan: a refusal for want of balance leaves nothing, and the bill is the
        # fee plus packs plus overage.
        for (who, svc), row in services.items():
            if "(balance)" in row["refusal"]:
                self.assertTrue(row["remaining"].startswith("0 "), (who, svc, row))
        for who, b in bills.items():
            money = lambda text: round(float(text.split()[0]) * 100)
            self.assertEqual(money(b["fee"]) + money(b["packs"]) + money(b["overage"]),
                             money(b["bill"]), who)


class Plugins(unittest.TestCase):
    def test_holiday_tariff_needs_and_uses_the_plugin(self):
        tariff = "plugins/ext_cn_calendar/holiday_offpeak.tariff"
        without = gyratec("check", tariff)
        self.assertEqual(without.returncode, 1)
        self.assertIn("E0207", without.stderr)
        base = ["eval", tariff, "--plugin", ARGS.plugin, "--plan", "holiday_tokens", "--service",
                "llm", "--set", "remaining=0", "--set", "requested=10k"]
        holiday = gyratec(*base, "--at", "2026-10-01T12:00")   # National Day
        workday = gyratec(*base, "--at", "2026-10-13T12:00")   # a Tuesday
        self.assertEqual(holiday.returncode, 0, holiday.stderr)
        self.assertNotEqual(holiday.stdout, workday.stdout)
        bad = gyratec("check", tariff, "--plugin", "/nonexistent/plugin.so")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("cannot load plugin", bad.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--gyratec", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
