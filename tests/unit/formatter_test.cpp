// lang::format_source: a messy file to its known canonical layout, comments kept, idempotence,
// and the same checked program (or the same diagnostics) before and after on every tariff of the
// repository and every example of docs/language.md.
#include "gyrate/ruleslang/formatter.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "gyrate/ruleslang/dump.hpp"
#include "tariff_fixture.hpp"

namespace gyrate {
namespace {

std::string fmt(const std::string& text) {
  lang::SourceFile source("t.tariff", text);
  lang::Diagnostics diags;
  Expected<std::string> out = lang::format_source(source, diags);
  EXPECT_TRUE(out.has_value()) << (out ? "" : out.status().message())
                               << lang::render_all(diags, source);
  return out ? *out : std::string();
}

// What a file means to the checker: its program's dump, or its diagnostics without positions.
std::string meaning(const std::string& text) {
  lang::SourceFile source("t.tariff", text);
  lang::Diagnostics diags;
  auto program = lang::compile_source(source, diags);
  if (program) return lang::dump_ir(*program);
  std::string out = "errors\n";
  for (const auto& d : diags.items()) out += d.code + " " + d.message + " | " + d.fix + "\n";
  return out;
}

// Formats text and checks idempotence and meaning; false when it does not parse.
bool expect_canonical_and_same(const std::string& text, const std::string& where) {
  lang::SourceFile source(where, text);
  lang::Diagnostics diags;
  Expected<std::string> once = lang::format_source(source, diags);
  if (!once) {
    EXPECT_EQ(once.status().code(), ErrorCode::kInvalidArgument) << where;
    EXPECT_EQ(diags.items().size(), 1u) << where;
    return false;
  }
  EXPECT_EQ(fmt(*once), *once) << where << " is not idempotent";
  EXPECT_EQ(meaning(*once), meaning(text)) << where << " changed meaning:\n" << *once;
  return true;
}

// input formats to want, which is canonical and means what input means.
void expect_layout(const std::string& input, const std::string& want) {
  EXPECT_EQ(fmt(input), want);
  EXPECT_EQ(fmt(want), want);
  EXPECT_EQ(meaning(want), meaning(input));
}

TEST(Formatter, MessyInputGetsTheCanonicalLayout) {
  const std::string messy =
      "\n\n# header\ncurrency CNY   minor 2 ;timezone +08:00;\n"
      "service llm{unit token;rating_group 100;quota 10k token;}\n"
      "service data {\n  unit byte;\n  rating_group 200;\n}\n"
      "model m_one { service llm; id 1; weight 2; }\n"
      "model m_longer_name { service llm; id 22; weight 10; }\n"
      "attribute seats :int=1;\n"
      "// plan comment\n"
      "plan   p version 2 effective 2026-01-01{ period monthly anchor billing_day;\n"
      "\tfee 9.9CNY*seats when first_period ;   # first\n"
      "\n\n\n  allowance llm 20GiB rollover 1.5M token for 1 periods;\n"
      "  weight llm=if model==m_one then 2 else-1   when hour in 0 .. 7 and x not in [ a,b ];\n"
      "  grant llm = min (requested , 50k token) ;notify llm at 80%,100%;\n"
      "  pack p1{price 1 CNY;grant llm 400k token;valid 30 days;}\n"
      "  cap spend - 5 CNY then redirect \"https://x.example/#a\";}\n"
      "plan q { period one-off; }";
  const std::string canonical =
      "# header\n"
      "currency CNY minor 2;\n"
      "timezone +08:00;\n"
      "service llm  { unit token; rating_group 100; quota 10k token; }\n"
      "service data { unit byte;  rating_group 200; }\n"
      "model m_one         { service llm; id 1;  weight 2; }\n"
      "model m_longer_name { service llm; id 22; weight 10; }\n"
      "attribute seats: int = 1;\n"
      "\n"
      "// plan comment\n"
      "plan p version 2 effective 2026-01-01 {\n"
      "  period monthly anchor billing_day;\n"
      "  fee 9.9 CNY * seats when first_period;  # first\n"
      "\n"
      "  allowance llm 20 GiB rollover 1.5M token for 1 periods;\n"
      "  weight llm = if model == m_one then 2 else -1 when hour in 0..7 and x not in [a, b];\n"
      "  grant llm = min(requested, 50k token);\n"
      "  notify llm at 80%, 100%;\n"
      "  pack p1 { price 1 CNY; grant llm 400k token; valid 30 days; }\n"
      "  cap spend -5 CNY then redirect \"https://x.example/#a\";\n"
      "}\n"
      "\n"
      "plan q {\n"
      "  period one-off;\n"
      "}\n";
  expect_layout(messy, canonical);
}

TEST(Formatter, EveryCommentIsKeptInPlace) {
  const std::string text =
      "# top\ncurrency CNY minor 2; // after currency\n"
      "service llm { # on the brace\n unit token; # unit\n  rating_group 100;\n # before close\n}\n"
      "plan p { # plan line\n"
      "  fee 1 CNY # inside the fee\n   when first_period;\n"
      "  fee 2 CNY\n  # own line inside\n  when first_period;\n"
      "  # before pack\n  pack k { price 1 CNY; # price\n grant llm 1k token; }\n"
      "} # after plan\n# the end";
  const std::string want =
      "# top\n"
      "currency CNY minor 2;  // after currency\n"
      "service llm {  # on the brace\n"
      "  unit token;  # unit\n"
      "  rating_group 100;\n"
      "  # before close\n"
      "}\n"
      "\n"
      "plan p {  # plan line\n"
      "  fee 1 CNY  # inside the fee\n"
      "      when first_period;\n"
      "  fee 2 CNY\n"
      "      # own line inside\n"
      "      when first_period;\n"
      "  # before pack\n"
      "  pack k {\n"
      "    price 1 CNY;  # price\n"
      "    grant llm 1k token;\n"
      "  }\n"
      "}  # after plan\n"
      "\n"
      "# the end\n";
  expect_layout(text, want);
}

TEST(Formatter, GluedTokensStayGlued) {
  // The sign of a timezone offset, even past a comment line; a period word with a hyphen (which
  // the checker refuses with a hint, so it must still parse); a prefix minus after `spend`.
  expect_layout("timezone\n# own\n-05:30;\nplan p { period one-off; cap spend - 1 CNY then block; }",
                "timezone\n"
                "    # own\n"
                "    -05:30;\n"
                "\n"
                "plan p {\n"
                "  period one-off;\n"
                "  cap spend -1 CNY then block;\n"
                "}\n");
}

TEST(Formatter, ASyntaxErrorIsOneDiagnosticAndNoText) {
  lang::SourceFile source("bad.tariff", "plan p { fee 1 CNY }\n");
  lang::Diagnostics diags;
  Expected<std::string> out = lang::format_source(source, diags);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.status().code(), ErrorCode::kInvalidArgument);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].code, "E0101");
}

TEST(Formatter, FirstDifferenceIsAShortUnifiedHunk) {
  EXPECT_EQ(lang::first_difference("a\nb\n", "a\nb\n", "f"), "");
  EXPECT_EQ(lang::first_difference("a\nb\nc\nd\ne\n", "a\nb\nc\nD\ne\n", "f.tariff"),
            "--- f.tariff\n+++ f.tariff (formatted)\n@@ -2,3 +2,3 @@\n b\n c\n-d\n+D\n");
  EXPECT_EQ(lang::first_difference("a\n\n\nb\n", "a\n\nb\n", "f"),
            "--- f\n+++ f (formatted)\n@@ -1,3 +1,2 @@\n a\n \n-\n");
}

std::vector<std::filesystem::path> repository_tariffs() {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"examples", "tests", "bench", "plugins"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(
             std::filesystem::path(GYRATE_SOURCE_DIR) / dir)) {
      if (e.is_regular_file() && e.path().extension() == ".tariff") files.push_back(e.path());
    }
  }
  return files;
}

TEST(Formatter, EveryRepositoryTariffKeepsItsMeaningAndIsIdempotent) {
  size_t parsed = 0;
  const auto files = repository_tariffs();
  for (const auto& path : files) {
    const std::string relative = path.lexically_relative(GYRATE_SOURCE_DIR).string();
    if (expect_canonical_and_same(testing::read_repo_file(relative), relative)) ++parsed;
  }
  EXPECT_GE(files.size(), 100u);
  EXPECT_GE(parsed, 60u);  // golden error cases that fail to parse are the rest
}

TEST(Formatter, EveryLanguageDocExampleKeepsItsMeaning) {
  std::istringstream doc(testing::read_repo_file("docs/language.md"));
  std::string line, kind, block, prelude;
  std::vector<std::pair<std::string, std::string>> blocks;
  std::string input;  // a `fmt-input` block, which the next block shows laid out
  int layouts = 0;
  while (std::getline(doc, line)) {
    if (line.rfind("```", 0) != 0) {
      block += line + "\n";
    } else if (kind.empty()) {
      kind = line.size() > 3 ? line.substr(3) : "-";
      block.clear();
    } else {
      if (kind == "tariff" || kind == "items") blocks.emplace_back(kind, block);
      if (block.find("plan prelude") != std::string::npos) prelude = block;
      if (!input.empty()) {
        EXPECT_EQ(fmt(input), block) << "docs/language.md, \"Canonical layout\"";
        ++layouts;
      }
      input = kind == "fmt-input" ? block : "";
      kind.clear();
    }
  }
  EXPECT_EQ(layouts, 1);
  ASSERT_FALSE(prelude.empty());
  ASSERT_GE(blocks.size(), 12u);
  for (const auto& [k, text] : blocks) {
    const std::string file = k == "tariff" ? text : prelude + "plan doc {\n" + text + "}\n";
    EXPECT_TRUE(expect_canonical_and_same(file, "docs/language.md")) << file;
  }
}

}  // namespace
}  // namespace gyrate
