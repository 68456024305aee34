// Rendering of diagnostics (header, gutter, caret and underline, notes, help, summary) and the
// "did you mean" matcher.
#include "gyrate/ruleslang/diagnostic.hpp"

#include <gtest/gtest.h>

namespace gyrate::lang {
namespace {

Diagnostic error_at(uint32_t begin, uint32_t end, std::string message, std::string fix = {}) {
  Diagnostic d;
  d.code = "E0101";
  d.range = {begin, end};
  d.message = std::move(message);
  d.fix = std::move(fix);
  return d;
}

TEST(Render, MissingSemicolonExample) {
  SourceFile f("path/file.tariff", "currency CNY minor 2;\nplan basic {\nfee 9.9 CNY\n}\n");
  const uint32_t after_cny = static_cast<uint32_t>(f.text().find("CNY\n}") + 3);
  EXPECT_EQ(render(error_at(after_cny, after_cny, "expected `;` after the fee", "add `;`"), f),
            "path/file.tariff:3:12: error[E0101]: expected `;` after the fee\n"
            "   3 | fee 9.9 CNY\n"
            "     |            ^\n"
            "help: add `;`\n");
}

TEST(Render, RangeLongerThanOneIsUnderlined) {
  SourceFile f("a.tariff", "plan p {\n  alowance llm 1 token;\n}\n");
  const auto b = static_cast<uint32_t>(f.text().find("alowance"));
  EXPECT_EQ(render(error_at(b, b + 8, "expected a plan item", "did you mean `allowance`?"), f),
            "a.tariff:2:3: error[E0101]: expected a plan item\n"
            "   2 |   alowance llm 1 token;\n"
            "     |   ^~~~~~~~\n"
            "help: did you mean `allowance`?\n");
}

TEST(Render, NoHelpLineWithoutFix) {
  SourceFile f("a.tariff", "x");
  EXPECT_EQ(render(error_at(0, 1, "bad"), f),
            "a.tariff:1:1: error[E0101]: bad\n"
            "   1 | x\n"
            "     | ^\n");
}

TEST(Render, WarningsAndCodelessDiagnostics) {
  SourceFile f("a.tariff", "fee 1;\nfee 2;\n");
  Diagnostic w = error_at(7, 13, "unreachable rule");
  w.severity = Severity::kWarning;
  w.code = "W0601";
  EXPECT_EQ(render(w, f),
            "a.tariff:2:1: warning[W0601]: unreachable rule\n"
            "   2 | fee 2;\n"
            "     | ^~~~~~\n");
  Diagnostic n = error_at(0, 3, "just so you know");
  n.severity = Severity::kNote;
  n.code.clear();
  EXPECT_EQ(render(n, f).substr(0, 31), "a.tariff:1:1: note: just so you");
}

TEST(Render, TabsBecomeOneSpaceInBothLines) {
  SourceFile f("a.tariff", "\tfee\t9 CNY");
  const auto b = static_cast<uint32_t>(f.text().find('9'));
  EXPECT_EQ(render(error_at(b, b + 1, "here"), f),
            "a.tariff:1:6: error[E0101]: here\n"
            "   1 |  fee 9 CNY\n"
            "     |      ^\n");
}

TEST(Render, NonPrintableAndNonAsciiBytesShowAsQuestionMarks) {
  SourceFile f("a.tariff", "fee 1 \xE5\x85\x83;\x01\x7f");
  EXPECT_EQ(render(error_at(6, 9, "non-ASCII"), f),
            "a.tariff:1:7: error[E0101]: non-ASCII\n"
            "   1 | fee 1 ???;??\n"
            "     |       ^~~\n");
}

// A caret at offset == size: after the last character, or on the empty line after a final
// newline, or in an empty file.
TEST(Render, CaretAtEndOfFile) {
  const struct {
    const char* text;
    const char* expected;
  } cases[] = {
      {"plan p {\n  fee 1 CNY;",
       "a.tariff:2:13: error[E0101]: at the end\n"
       "   2 |   fee 1 CNY;\n"
       "     |             ^\n"},
      {"plan p {\n",
       "a.tariff:2:1: error[E0101]: at the end\n"
       "   2 | \n"
       "     | ^\n"},
      {"",
       "a.tariff:1:1: error[E0101]: at the end\n"
       "   1 | \n"
       "     | ^\n"},
  };
  for (const auto& c : cases) {
    SourceFile f("a.tariff", c.text);
    const auto end = static_cast<uint32_t>(f.text().size());
    EXPECT_EQ(render(error_at(end, end, "at the end"), f), c.expected) << c.text;
  }
}

TEST(Render, MultiLineRangeIsUnderlinedToTheEndOfItsFirstLine) {
  SourceFile f("a.tariff", "plan p {\n  fee 1;\n}\n");
  EXPECT_EQ(render(error_at(5, 20, "plan"), f),
            "a.tariff:1:6: error[E0101]: plan\n"
            "   1 | plan p {\n"
            "     |      ^~~\n");
}

TEST(Render, GutterGrowsWithLargeLineNumbers) {
  std::string text(123'456, '\n');
  text += "fee";
  SourceFile f("a.tariff", text);
  const auto b = static_cast<uint32_t>(text.size() - 3);
  EXPECT_EQ(render(error_at(b, b + 3, "x"), f),
            "a.tariff:123457:1: error[E0101]: x\n"
            "123457 | fee\n"
            "       | ^~~\n");
}

TEST(Render, NotesWithAndWithoutLocation) {
  SourceFile f("a.tariff", "plan basic {\n  fee 1 CNY;\n");
  Diagnostic d = error_at(25, 25, "expected `}` to close plan `basic`", "add `}`");
  d.notes.push_back(DiagnosticNote{{11, 12}, true, "plan `basic` starts here"});
  d.notes.push_back(DiagnosticNote{{}, false, "plans end with `}`"});
  EXPECT_EQ(render(d, f),
            "a.tariff:2:13: error[E0101]: expected `}` to close plan `basic`\n"
            "   2 |   fee 1 CNY;\n"
            "     |             ^\n"
            "a.tariff:1:12: note: plan `basic` starts here\n"
            "   1 | plan basic {\n"
            "     |            ^\n"
            "note: plans end with `}`\n"
            "help: add `}`\n");
}

TEST(Render, VeryLongLinesAreShownAsAWindowAroundTheCaret) {
  std::string text(5'000, 'a');
  text += " bad ";
  text += std::string(5'000, 'b');
  SourceFile f("a.tariff", text);
  const auto b = static_cast<uint32_t>(text.find("bad"));
  const std::string out = render(error_at(b, b + 3, "here"), f);
  ASSERT_LT(out.size(), 500u);
  const size_t source_line = out.find('\n') + 1;
  const size_t caret_line = out.find('\n', source_line) + 1;
  const std::string shown = out.substr(source_line, caret_line - source_line);
  const std::string carets = out.substr(caret_line);
  EXPECT_EQ(shown.substr(0, 10), "   1 | ...");
  EXPECT_EQ(shown.substr(shown.size() - 4), "...\n");
  // The caret still sits under `bad`.
  const size_t caret = carets.find('^');
  ASSERT_NE(caret, std::string::npos);
  EXPECT_EQ(shown.substr(caret, 3), "bad");
  EXPECT_EQ(carets.substr(caret, 3), "^~~");
}

TEST(RenderAll, JoinsWithBlankLinesAndCounts) {
  SourceFile f("a.tariff", "x y z");
  Diagnostics ds;
  ds.error("E0201", {0, 1}, "unknown name `x`");
  ds.warning("W0602", {2, 3}, "`y` is never used");
  ds.error("E0201", {4, 5}, "unknown name `z`", "did you mean `x`?");
  EXPECT_EQ(render_all(ds, f),
            "a.tariff:1:1: error[E0201]: unknown name `x`\n"
            "   1 | x y z\n"
            "     | ^\n"
            "\n"
            "a.tariff:1:3: warning[W0602]: `y` is never used\n"
            "   1 | x y z\n"
            "     |   ^\n"
            "\n"
            "a.tariff:1:5: error[E0201]: unknown name `z`\n"
            "   1 | x y z\n"
            "     |     ^\n"
            "help: did you mean `x`?\n"
            "2 errors, 1 warning generated.\n");
}

TEST(RenderAll, SummaryWordingAndEmptyList) {
  SourceFile f("a.tariff", "x");
  Diagnostics none;
  EXPECT_EQ(render_all(none, f), "");

  Diagnostics one;
  one.error("E0101", {0, 1}, "bad");
  const std::string out = render_all(one, f);
  EXPECT_EQ(out.substr(out.rfind('\n', out.size() - 2) + 1), "1 error generated.\n");

  Diagnostics warnings;
  warnings.warning("W0601", {0, 1}, "a");
  warnings.warning("W0601", {0, 1}, "b");
  const std::string w = render_all(warnings, f);
  EXPECT_EQ(w.substr(w.rfind('\n', w.size() - 2) + 1), "2 warnings generated.\n");
}

TEST(Diagnostics, CountsErrorsOnly) {
  Diagnostics ds;
  EXPECT_FALSE(ds.has_errors());
  ds.warning("W0601", {}, "w");
  EXPECT_FALSE(ds.has_errors());
  EXPECT_EQ(ds.error_count(), 0u);
  ds.error("E0101", {}, "e", "fix");
  ds.error("E0102", {}, "e");
  EXPECT_TRUE(ds.has_errors());
  EXPECT_EQ(ds.error_count(), 2u);
  ASSERT_EQ(ds.items().size(), 3u);
  EXPECT_EQ(ds.items()[1].fix, "fix");
  EXPECT_EQ(ds.items()[0].severity, Severity::kWarning);
}

TEST(ClosestMatch, SuggestsWithinAThirdOfTheLength) {
  const std::vector<std::string> items = {"period", "fee", "allowance", "overage", "notify"};
  EXPECT_EQ(closest_match("alowance", items), "allowance");   // deletion
  EXPECT_EQ(closest_match("allowacne", items), "allowance");  // transposition is one edit
  EXPECT_EQ(closest_match("allowence", items), "allowance");  // substitution
  EXPECT_EQ(closest_match("fe", items), "fee");               // short words get one edit
  EXPECT_EQ(closest_match("peroid", items), "period");
  EXPECT_EQ(closest_match("xyz", items), "");
  EXPECT_EQ(closest_match("notfy", items), "notify");
  EXPECT_EQ(closest_match("alowanc", items), "allowance");  // 2 edits, 7 letters
  EXPECT_EQ(closest_match("alwnc", items), "");             // 4 edits: too far
}

TEST(ClosestMatch, CaseOnlyDifferencesAreClose) {
  EXPECT_EQ(closest_match("cny", {"CNY", "USD"}), "CNY");
  EXPECT_EQ(closest_match("Token", {"token", "byte"}), "token");
}

TEST(ClosestMatch, PicksTheNearestAndNeverTheWordItself) {
  EXPECT_EQ(closest_match("tokn", {"tokens", "token"}), "token");
  EXPECT_EQ(closest_match("token", {"token"}), "");
  EXPECT_EQ(closest_match("", {"a"}), "");
  EXPECT_EQ(closest_match("abc", {}), "");
}

}  // namespace
}  // namespace gyrate::lang
