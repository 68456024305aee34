// Known-answer tests for the journal's software CRC-32C (RFC 3720 appendix B.4 and the usual check).
#include <gtest/gtest.h>

#include <string>

#include "crc32c.hpp"

namespace gyrate::engine {
namespace {

TEST(JournalCrc32c, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(JournalCrc32c, MatchesRfc3720Vectors) {
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  std::string descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c(descending), 0x113FDB5Cu);
}

TEST(JournalCrc32c, ContinuesAcrossPiecesAndEveryAlignment) {
  // The eight-byte fast path and the byte tail must agree at every split and length.
  std::string text;
  for (int i = 0; i < 100; ++i) text.push_back(static_cast<char>(i * 37 + 11));
  const uint32_t whole = crc32c(text);
  for (size_t split = 0; split <= text.size(); ++split) {
    const std::string_view view(text);
    EXPECT_EQ(crc32c(view.substr(split), crc32c(view.substr(0, split))), whole) << split;
  }
}

}  // namespace
}  // namespace gyrate::engine
