// Every example in docs/language.md compiles: `tariff` blocks as whole files, `items` blocks as
// plan items inside a plan that follows the doc's prelude. Keeps the reference honest.
#include <gtest/gtest.h>

#include "tariff_fixture.hpp"

namespace gyrate {
namespace {

struct Block {
  std::string kind;  // "tariff" or "items"
  std::string text;
  size_t line = 0;
};

std::vector<Block> fenced_blocks(const std::string& doc) {
  std::vector<Block> blocks;
  size_t pos = 0, line = 1;
  Block* open = nullptr;
  while (pos < doc.size()) {
    size_t end = doc.find('\n', pos);
    if (end == std::string::npos) end = doc.size();
    std::string l = doc.substr(pos, end - pos);
    if (l.rfind("```", 0) == 0) {
      if (open != nullptr) {
        open = nullptr;
      } else {
        blocks.push_back({l.substr(3), "", line});
        open = &blocks.back();
      }
    } else if (open != nullptr) {
      open->text += l + "\n";
    }
    pos = end + 1;
    ++line;
  }
  return blocks;
}

void expect_compiles(const std::string& text, const std::string& what) {
  lang::SourceFile source(what, text);
  lang::Diagnostics diags;
  auto program = lang::compile_source(source, diags);
  EXPECT_TRUE(program.has_value()) << lang::render_all(diags, source);
}

TEST(Docs, EveryLanguageExampleCompiles) {
  auto blocks = fenced_blocks(testing::read_repo_file("docs/language.md"));
  std::string prelude;
  for (const auto& b : blocks)
    if (b.kind == "tariff" && b.text.find("plan prelude") != std::string::npos) prelude = b.text;
  ASSERT_FALSE(prelude.empty()) << "docs/language.md lost its prelude block";
  int tariffs = 0, items = 0;
  for (const auto& b : blocks) {
    std::string where = "docs/language.md:" + std::to_string(b.line);
    if (b.kind == "tariff") {
      expect_compiles(b.text, where);
      ++tariffs;
    } else if (b.kind == "items") {
      expect_compiles(prelude + "plan doc {\n" + b.text + "}\n", where);
      ++items;
    }
  }
  EXPECT_GE(tariffs, 4);
  EXPECT_GE(items, 8);
}

}  // namespace
}  // namespace gyrate
