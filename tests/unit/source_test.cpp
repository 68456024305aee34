// SourceFile: offsets to 1-based line/column, line text without line endings, clamped slices.
#include "gyrate/ruleslang/source.hpp"

#include <gtest/gtest.h>

namespace gyrate::lang {
namespace {

void expect_position(const SourceFile& f, uint32_t offset, uint32_t line, uint32_t column) {
  const LineColumn lc = f.position(offset);
  EXPECT_EQ(lc.line, line) << "offset " << offset;
  EXPECT_EQ(lc.column, column) << "offset " << offset;
}

TEST(SourceFile, KeepsNameAndText) {
  SourceFile f("plans/a.tariff", "fee 1;");
  EXPECT_EQ(f.name(), "plans/a.tariff");
  EXPECT_EQ(f.text(), "fee 1;");
}

TEST(SourceFile, PositionsAreOneBasedLinesAndByteColumns) {
  //               0123 4567 89
  SourceFile f("a", "ab\ncd\n\nx");
  expect_position(f, 0, 1, 1);
  expect_position(f, 1, 1, 2);
  expect_position(f, 2, 1, 3);  // the newline itself belongs to its line
  expect_position(f, 3, 2, 1);
  expect_position(f, 5, 2, 3);
  expect_position(f, 6, 3, 1);  // an empty line
  expect_position(f, 7, 4, 1);
  expect_position(f, 8, 4, 2);  // end of file, after the last character
}

TEST(SourceFile, PositionPastTheEndIsClampedToTheEnd) {
  SourceFile f("a", "ab\ncd");
  expect_position(f, 5, 2, 3);
  expect_position(f, 1000, 2, 3);
}

TEST(SourceFile, EndOfFileAfterTrailingNewlineIsOnAnEmptyLastLine) {
  SourceFile f("a", "fee;\n");
  expect_position(f, 5, 2, 1);
  EXPECT_EQ(f.line_text(2), "");
}

TEST(SourceFile, EmptyFileHasOneEmptyLine) {
  SourceFile f("a", "");
  expect_position(f, 0, 1, 1);
  EXPECT_EQ(f.line_text(1), "");
  EXPECT_EQ(f.line_text(2), "");
  EXPECT_EQ(f.slice({0, 10}), "");
}

TEST(SourceFile, LineTextDropsLineEndingsIncludingCarriageReturn) {
  SourceFile f("a", "one\r\ntwo\nthree");
  EXPECT_EQ(f.line_text(1), "one");
  EXPECT_EQ(f.line_text(2), "two");
  EXPECT_EQ(f.line_text(3), "three");
}

TEST(SourceFile, LineTextOutOfRangeIsEmpty) {
  SourceFile f("a", "one\ntwo");
  EXPECT_EQ(f.line_text(0), "");
  EXPECT_EQ(f.line_text(3), "");
  EXPECT_EQ(f.line_text(4'000'000'000u), "");
}

TEST(SourceFile, SliceReturnsTheRangeAndClampsBadRanges) {
  SourceFile f("a", "plan basic {}");
  EXPECT_EQ(f.slice({5, 10}), "basic");
  EXPECT_EQ(f.slice({5, 5}), "");
  EXPECT_EQ(f.slice({10, 5}), "");     // end before begin
  EXPECT_EQ(f.slice({11, 99}), "{}");  // end past the text
  EXPECT_EQ(f.slice({99, 100}), "");
}

TEST(SourceFile, ManyLinesUseTheIndex) {
  std::string text;
  for (int i = 0; i < 10'000; ++i) text += "line\n";
  SourceFile f("a", text);
  expect_position(f, 5 * 4'321 + 2, 4'322, 3);
  EXPECT_EQ(f.line_text(10'000), "line");
}

}  // namespace
}  // namespace gyrate::lang
