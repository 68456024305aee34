// Hostile variants of the example tariffs (truncated, byte-flipped, huge numbers, deep nesting,
// binary garbage): each must compile or yield a positioned diagnostic, never crash or hang.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <regex>

#include "tariff_fixture.hpp"

namespace gyrate {
namespace {

// Compiles `text`; on failure requires an error whose range lies inside the text and a rendering
// that names file:line:col.
void expect_compiles_or_positioned(const std::string& text, const std::string& what) {
  lang::SourceFile source("variant.tariff", text);
  lang::Diagnostics diags;
  auto program = lang::compile_source(source, diags);
  if (program) return;
  ASSERT_TRUE(diags.has_errors()) << what << ": no program and no error";
  for (const auto& d : diags.items()) {
    ASSERT_LE(d.range.begin, d.range.end) << what;
    ASSERT_LE(d.range.end, text.size()) << what;
    ASSERT_FALSE(d.code.empty()) << what;
  }
  std::string rendered = lang::render_all(diags, source);
  ASSERT_NE(rendered.find("variant.tariff:"), std::string::npos) << what;
}

std::vector<std::string> example_texts() {
  std::vector<std::string> texts;
  for (const auto& e : std::filesystem::directory_iterator(std::string(GYRATE_SOURCE_DIR) +
                                                           "/examples/tariffs"))
    if (e.path().extension() == ".tariff")
      texts.push_back(testing::read_repo_file("examples/tariffs/" + e.path().filename().string()));
  texts.push_back(testing::read_repo_file("examples/catalog.tariff"));
  return texts;
}

TEST(Robustness, TruncatedExamples) {
  for (const auto& text : example_texts()) {
    size_t step = std::max<size_t>(1, text.size() / 300);
    for (size_t cut = 0; cut <= text.size(); cut += step)
      expect_compiles_or_positioned(text.substr(0, cut), "truncated at " + std::to_string(cut));
  }
}

TEST(Robustness, ByteFlippedExamples) {
  std::mt19937 rng(20261130);
  for (const auto& text : example_texts()) {
    for (int i = 0; i < 150; ++i) {
      std::string v = text;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        size_t at = rng() % v.size();
        v[at] = static_cast<char>(static_cast<unsigned char>(v[at]) ^ (1u << (rng() % 8)));
      }
      expect_compiles_or_positioned(v, "byte flip variant " + std::to_string(i));
    }
  }
}

TEST(Robustness, HugeNumbers) {
  const std::regex number(R"(\b[0-9]+(\.[0-9]+)?)");
  for (const auto& text : example_texts()) {
    for (const char* huge : {"9223372036854775807", "9223372036854775808",
                             "99999999999999999999999999999999999999999999", "1.0000000000001",
                             "18446744073709551616k"}) {
      std::string v = std::regex_replace(text, number, huge);
      expect_compiles_or_positioned(v, std::string("numbers replaced by ") + huge);
    }
  }
}

TEST(Robustness, DeepNesting) {
  const std::string head = "currency CNY minor 2;\nplan p {\n  fee ";
  for (size_t depth : {10u, 63u, 64u, 65u, 200u, 10'000u, 200'000u}) {
    expect_compiles_or_positioned(
        head + std::string(depth, '(') + "1 CNY" + std::string(depth, ')') + ";\n}\n",
        "parens " + std::to_string(depth));
    std::string negs;
    for (size_t i = 0; i < depth; ++i) negs += "- ";
    expect_compiles_or_positioned(head + negs + "1 CNY;\n}\n", "negations " + std::to_string(depth));
    std::string ifs;
    for (size_t i = 0; i < depth; ++i) ifs += "if true then 1 CNY else ";
    expect_compiles_or_positioned(head + ifs + "2 CNY;\n}\n", "if chain " + std::to_string(depth));
    expect_compiles_or_positioned(head + std::string(depth, '(') + ";\n}\n",
                                  "unclosed parens " + std::to_string(depth));
  }
}

TEST(Robustness, LongFlatExpressionsAndManyRules) {
  std::string sum = "currency CNY minor 2;\nplan p {\n  fee 0 CNY";
  for (int i = 0; i < 20'000; ++i) sum += " + 1 CNY";
  expect_compiles_or_positioned(sum + ";\n}\n", "20k-term sum");
  std::string rules = "currency CNY minor 2;\nservice llm { unit token; }\nplan p {\n";
  for (int i = 0; i < 5'000; ++i) rules += "  grant llm = " + std::to_string(i + 1) + " token when hour == 3;\n";
  expect_compiles_or_positioned(rules + "}\n", "5k guarded rules");
}

TEST(Robustness, GarbageAndEmptyInputs) {
  expect_compiles_or_positioned("", "empty file");
  expect_compiles_or_positioned("   \n\n# only a comment\n", "only comments");
  expect_compiles_or_positioned(std::string("\0\0\0", 3), "NUL bytes");
  expect_compiles_or_positioned("plan \xE4\xBD\xA0\xE5\xA5\xBD { }", "UTF-8 name");
  expect_compiles_or_positioned("\xEF\xBB\xBF" "currency CNY minor 2;", "BOM");
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string junk(1 + rng() % 200, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() % 256);
    expect_compiles_or_positioned(junk, "random bytes " + std::to_string(i));
  }
}

}  // namespace
}  // namespace gyrate
