// Rendering of diagnostics (header, gutter, caret and underline, notes, help, summary), the
// "did you mean" matcher, and the table of codes against the sources, the checker and the docs.
#include "gyrate/ruleslang/diagnostic.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "gyrate/ruleslang/checker.hpp"
#include "tariff_fixture.hpp"

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

TEST(Render, ControlAndMalformedBytesShowAsQuestionMarks) {
  // \xE5\x85 is a truncated sequence, \xFF is never UTF-8, \x01 and \x7f are control bytes.
  SourceFile f("a.tariff", "fee 1 \xE5\x85;\xFF\x01\x7f");
  EXPECT_EQ(render(error_at(6, 8, "bad bytes"), f),
            "a.tariff:1:7: error[E0101]: bad bytes\n"
            "   1 | fee 1 ??;???\n"
            "     |       ^~\n");
}

TEST(Render, Utf8CharactersShowAsThemselvesAndCountOneColumnEach) {
  // U+5143 (3 bytes) before the caret, U+FF1B under it: columns count code points, not bytes,
  // in the location as under the line.
  SourceFile f("a.tariff", "fee \xE5\x85\x83 1 CNY\xEF\xBC\x9B x");
  const auto semi = static_cast<uint32_t>(f.text().find("\xEF\xBC\x9B"));
  EXPECT_EQ(render(error_at(semi, semi + 3, "full-width"), f),
            "a.tariff:1:12: error[E0101]: full-width\n"
            "   1 | fee \xE5\x85\x83 1 CNY\xEF\xBC\x9B x\n"
            "     | " + std::string(11, ' ') + "^\n");
  // A range over a character, a space and a digit underlines three columns.
  const auto yuan = static_cast<uint32_t>(f.text().find("\xE5"));
  EXPECT_EQ(render(error_at(yuan, yuan + 5, "two"), f),
            "a.tariff:1:5: error[E0101]: two\n"
            "   1 | fee \xE5\x85\x83 1 CNY\xEF\xBC\x9B x\n"
            "     |     ^~~\n");
}

TEST(Render, BidiControlsAreNotEchoed) {
  // U+202E (right-to-left override) would reorder the echoed line in a terminal.
  SourceFile f("a.tariff", "fee \xE2\x80\xAE 1;");
  EXPECT_EQ(render(error_at(4, 7, "bidi"), f),
            "a.tariff:1:5: error[E0101]: bidi\n"
            "   1 | fee ? 1;\n"
            "     |     ^\n");
}

TEST(Render, LongUtf8LineIsCutInColumns) {
  // 400 three-byte characters, the caret on the 150th: the window counts characters.
  std::string line;
  for (int i = 0; i < 400; ++i) line += "\xE4\xB8\xAA";
  SourceFile f("a.tariff", line);
  const auto at = static_cast<uint32_t>(149 * 3);
  const std::string out = render(error_at(at, at + 3, "x"), f);
  const std::string echoed = out.substr(out.find(" | ") + 3, out.find('\n', out.find(" | ")) -
                                                                 out.find(" | ") - 3);
  EXPECT_EQ(echoed.substr(0, 3), "...");
  EXPECT_EQ(echoed.size(), 3 + 120 * 3 + 3) << echoed;
  const std::string caret_line = out.substr(out.rfind(" | ") + 3);
  EXPECT_EQ(caret_line, std::string(3 + 40, ' ') + "^\n");
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
  ds.report(codes::kUnknownName, {0, 1}, "unknown name `x`");
  ds.report(codes::kUnused, {2, 3}, "`y` is never used");
  ds.report(codes::kUnknownName, {4, 5}, "unknown name `z`", "did you mean `x`?");
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
  one.report(codes::kSyntax, {0, 1}, "bad");
  const std::string out = render_all(one, f);
  EXPECT_EQ(out.substr(out.rfind('\n', out.size() - 2) + 1), "1 error generated.\n");

  Diagnostics warnings;
  warnings.report(codes::kUnreachableRule, {0, 1}, "a");
  warnings.report(codes::kUnreachableRule, {0, 1}, "b");
  const std::string w = render_all(warnings, f);
  EXPECT_EQ(w.substr(w.rfind('\n', w.size() - 2) + 1), "2 warnings generated.\n");
}

TEST(Diagnostics, CountsErrorsOnly) {
  Diagnostics ds;
  EXPECT_FALSE(ds.has_errors());
  ds.report(codes::kUnreachableRule, {}, "w");
  EXPECT_FALSE(ds.has_errors());
  EXPECT_EQ(ds.error_count(), 0u);
  ds.report(codes::kSyntax, {}, "e", "fix");
  ds.report(codes::kNonAscii, {}, "e");
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


// ---- the table of codes ----

std::vector<std::string> source_files_under(const std::string& relative) {
  std::vector<std::string> out;
  const std::filesystem::path root = std::filesystem::path(GYRATE_SOURCE_DIR) / relative;
  if (!std::filesystem::exists(root)) return out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) {
      out.push_back(std::filesystem::relative(entry.path(), GYRATE_SOURCE_DIR).string());
    }
  }
  return out;
}

std::set<std::string> matches(const std::string& text, const std::regex& re, int group) {
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    out.insert((*it)[group].str());
  }
  return out;
}

TEST(DiagnosticCodes, TableIsWellFormed) {
  const std::regex shape("[EW][0-9]{4}");
  std::set<std::string_view> seen;
  for (const DiagnosticCode& c : kDiagnosticCodes) {
    EXPECT_TRUE(std::regex_match(std::string(c.code), shape)) << c.code;
    EXPECT_TRUE(seen.insert(c.code).second) << c.code << " is in the table twice";
    EXPECT_EQ(c.code[0] == 'W', c.severity == Severity::kWarning) << c.code;
    EXPECT_EQ(c.code[0] == 'E', c.severity == Severity::kError) << c.code;
    EXPECT_FALSE(c.summary.empty()) << c.code;
    EXPECT_EQ(find_diagnostic_code(c.code), &c);
  }
  EXPECT_EQ(find_diagnostic_code("E9999"), nullptr);
}

// Call sites name codes (`codes::kUnknownName`); a string literal code would bypass the table,
// and a named constant missing from kDiagnosticCodes would be undocumented.
TEST(DiagnosticCodes, EveryCodeUsedInTheSourcesIsInTheTable) {
  const std::string header_path = "include/gyrate/ruleslang/diagnostic_codes.hpp";
  const std::string header = testing::read_repo_file(header_path);
  ASSERT_FALSE(header.empty());
  const size_t table_at = header.find("kDiagnosticCodes{");
  ASSERT_NE(table_at, std::string::npos);
  const std::set<std::string> listed =
      matches(header.substr(table_at), std::regex(R"(codes::(k\w+))"), 1);
  const std::set<std::string> defined =
      matches(header, std::regex(R"(inline constexpr DiagnosticCode (k\w+))"), 1);
  EXPECT_EQ(defined, listed) << "every constant of namespace codes belongs in kDiagnosticCodes";

  const std::regex literal_code(R"re("([EW][0-9]{4})")re");
  const std::regex named_code(R"(codes::(k\w+))");
  size_t files = 0;
  size_t uses = 0;
  for (const char* dir : {"ruleslang", "include", "tools", "jit", "diameter", "plugins"}) {
    for (const std::string& path : source_files_under(dir)) {
      if (path == header_path) continue;
      ++files;
      const std::string text = testing::read_repo_file(path);
      for (const std::string& code : matches(text, literal_code, 1)) {
        ADD_FAILURE() << path << " writes the code \"" << code
                      << "\" as a string: name it from diagnostic_codes.hpp";
      }
      for (const std::string& name : matches(text, named_code, 1)) {
        ++uses;
        EXPECT_TRUE(listed.count(name)) << path << " uses codes::" << name
                                        << ", which kDiagnosticCodes does not list";
      }
    }
  }
  EXPECT_GT(files, 20u);
  EXPECT_GT(uses, 40u);
}

// Every diagnostic the golden error cases produce has a code of the table, with its severity.
TEST(DiagnosticCodes, EveryDiagnosticOfTheGoldenCasesIsInTheTable) {
  size_t cases = 0;
  const std::filesystem::path dir =
      std::filesystem::path(GYRATE_SOURCE_DIR) / "tests" / "golden" / "errors";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".tariff") continue;
    ++cases;
    const std::string path = std::filesystem::relative(entry.path(), GYRATE_SOURCE_DIR).string();
    SourceFile source(path, testing::read_repo_file(path));
    Diagnostics diags;
    (void)compile_source(source, diags);
    EXPECT_FALSE(diags.items().empty()) << path;
    for (const Diagnostic& d : diags.items()) {
      const DiagnosticCode* c = find_diagnostic_code(d.code);
      ASSERT_NE(c, nullptr) << path << ": " << d.code;
      EXPECT_EQ(c->severity, d.severity) << path << ": " << d.code;
    }
  }
  EXPECT_GT(cases, 40u);
}

// docs/language.md lists every code with the table's summary, and no code the table lacks.
TEST(DiagnosticCodes, LanguageDocListsEveryCode) {
  const std::string doc = testing::read_repo_file("docs/language.md");
  ASSERT_FALSE(doc.empty());
  std::map<std::string, std::string> rows;
  const std::regex row(R"(\n\| ([EW][0-9]{4}) \| (.*) \|)");
  for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it) {
    EXPECT_TRUE(rows.emplace((*it)[1].str(), (*it)[2].str()).second)
        << (*it)[1].str() << " is listed twice in docs/language.md";
  }
  for (const DiagnosticCode& c : kDiagnosticCodes) {
    auto it = rows.find(std::string(c.code));
    if (it == rows.end()) {
      ADD_FAILURE() << "docs/language.md does not list " << c.code << " (" << c.summary << ")";
      continue;
    }
    EXPECT_EQ(it->second, c.summary) << c.code << ": docs/language.md and diagnostic_codes.hpp";
    rows.erase(it);
  }
  for (const auto& [code, summary] : rows) {
    ADD_FAILURE() << "docs/language.md lists " << code << ", which the table lacks";
  }
}

}  // namespace
}  // namespace gyrate::lang
