#!/usr/bin/env python3
"""docs/editors/gyrate.tmLanguage.json: valid JSON, every regex compiles (Python's `re`, close to
Oniguruma for the syntax the grammar uses), every include resolves, and the keyword, unit and
number rules match what the parser accepts. The keywords and units are read from the parser's
own sources, so a keyword added there fails this test until the grammar has it."""
import argparse
import json
import os
import plistlib
import re
import sys
import unittest

ARGS = None
# Words the grammar parses with Kw() that are not reserved (names elsewhere): the anchors.
CONTEXT_WORDS = {"billing_day", "activation", "day"}


def source(relative):
    with open(os.path.join(ARGS.source_dir, relative)) as f:
        return f.read()


def lexer_keywords():
    text = source("ruleslang/syntax/parser_lexer.cpp")
    array = re.search(r"kKeywords\[\]\s*=\s*\{(.*?)\};", text, re.S)
    return re.findall(r'"([A-Za-z_]+)"', array.group(1))


def regexes(node, path="$"):
    """Every (path, regex) of the grammar."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end", "while") and isinstance(value, str):
                yield f"{path}.{key}", value
            else:
                yield from regexes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from regexes(value, f"{path}[{i}]")


def includes(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "include":
                yield value
            else:
                yield from includes(value)
    elif isinstance(node, list):
        for value in node:
            yield from includes(value)


class Grammar(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.grammar = json.loads(source("docs/editors/gyrate.tmLanguage.json"))
        cls.repo = cls.grammar["repository"]

    def rule_matches(self, rule, text):
        return [re.fullmatch(p["match"], text) for p in self.repo[rule]["patterns"] if "match" in p]

    def test_header(self):
        self.assertEqual(self.grammar["scopeName"], "source.gyrate")
        self.assertIn("tariff", self.grammar["fileTypes"])

    def test_every_regex_compiles(self):
        found = list(regexes(self.grammar))
        self.assertGreater(len(found), 20)
        for path, regex in found:
            with self.subTest(path=path):
                re.compile(regex)
                # Oniguruma-only escapes that Python would read differently or refuse.
                self.assertIsNone(re.search(r"\\[hHGKzZ]|\(\?<[a-zA-Z]|\+\+|\*\+", regex), regex)

    def test_every_include_resolves(self):
        for name in includes(self.grammar):
            self.assertTrue(name.startswith("#") and name[1:] in self.repo, name)

    def test_every_keyword_of_the_lexer_is_a_keyword(self):
        keywords = lexer_keywords()
        self.assertGreaterEqual(len(keywords), 50)  # the array was found and read whole
        for word in keywords:
            with self.subTest(word=word):
                self.assertTrue(any(self.rule_matches("keywords", word)), word)
        for word in ("allowances", "plan_a", "my_fee", "seats", "llm"):
            self.assertFalse(any(self.rule_matches("keywords", word)), word)

    def test_every_word_the_grammar_expects_is_known(self):
        grammar_words = set(re.findall(r'Kw\("([A-Za-z_]+)"\)',
                                       source("ruleslang/syntax/parser_grammar.cpp")))
        self.assertGreaterEqual(len(grammar_words), 40)
        unknown = grammar_words - set(lexer_keywords()) - CONTEXT_WORDS
        self.assertEqual(unknown, set(), "new words in the parser: add them to the grammar")

    def number(self, text):
        m = self.rule_matches("numbers", text)[0]
        self.assertIsNotNone(m, text)
        return m.groups()

    def test_numbers_with_scale_units_percent_and_currency(self):
        self.assertEqual(self.number("1M"), ("1M", None, None, None))
        self.assertEqual(self.number("2.5k"), ("2.5k", None, None, None))
        self.assertEqual(self.number("1_000_000"), ("1_000_000", None, None, None))
        self.assertEqual(self.number("80%"), ("80", "%", None, None))
        self.assertEqual(self.number("9.9 CNY"), ("9.9", None, None, "CNY"))
        self.assertEqual(self.number("400k token"), ("400k", None, "token", None))
        self.assertEqual(self.number("20GiB"), ("20", None, "GiB", None))

    def test_every_unit_of_the_checker(self):
        literal = source("ruleslang/syntax/literal.cpp")
        units = re.findall(r'\{"([A-Za-z]+)", Dim::', literal)
        plural = re.search(r"bool takes_plural.*?\n\}", literal, re.S).group(0)
        plurals = [u + "s" for u in re.findall(r'name == "([a-z]+)"', plural)]
        self.assertGreaterEqual(len(units), 20)
        self.assertGreaterEqual(len(plurals), 10)
        for unit in units + plurals:
            with self.subTest(unit=unit):
                self.assertEqual(self.number("5 " + unit)[2], unit)

    def test_comments_strings_dates_and_times(self):
        self.assertTrue(any(self.rule_matches("comments", "# a comment; plan x {")))
        self.assertTrue(any(self.rule_matches("comments", "// another")))
        self.assertTrue(any(self.rule_matches("dates-and-times", "2026-07-01")))
        self.assertTrue(any(self.rule_matches("dates-and-times", "9:05")))
        string = self.repo["strings"]["patterns"][0]
        self.assertTrue(re.match(string["begin"], '"'))
        escape = string["patterns"][0]["match"]
        self.assertTrue(re.fullmatch(escape, '\\"') and re.fullmatch(escape, "\\\\"))

    def test_the_editor_files_of_the_readme(self):
        package = json.loads(source("docs/editors/vscode/package.json"))
        grammar = package["contributes"]["grammars"][0]
        self.assertEqual(grammar["scopeName"], self.grammar["scopeName"])
        self.assertTrue(grammar["path"].endswith("/gyrate.tmLanguage.json"))
        self.assertIn(".tariff", package["contributes"]["languages"][0]["extensions"])
        config = json.loads(source("docs/editors/vscode/language-configuration.json"))
        self.assertEqual(config["comments"]["lineComment"], "#")
        self.assertIn(b"source.gyrate", plistlib.dumps(self.grammar))  # Sublime's conversion


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
