// Unit tests of number literals, exact fixed-point conversion, the unit table and small literals.
#include "gyrate/ruleslang/literal.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace gyrate::lang::literal {
namespace {

// value * scale for a token, or -1 on any error.
int64_t fixed(std::string_view token, int64_t scale) {
  ParsedNumber p = parse_number(token);
  if (p.error != NumberError::kNone) return -1;
  Fixed f = to_fixed(p.number, scale);
  return f.error == FixedError::kNone ? f.value : -1;
}
FixedError fixed_error(std::string_view token, int64_t scale) {
  return to_fixed(parse_number(token).number, scale).error;
}

TEST(Literal, Integers) {
  EXPECT_EQ(fixed("42", 1), 42);
  EXPECT_EQ(fixed("0", 1), 0);
  EXPECT_EQ(fixed("1_000_000", 1), 1'000'000);
  EXPECT_EQ(fixed("400k", 1), 400'000);
  EXPECT_EQ(fixed("30M", 1), 30'000'000);
  EXPECT_EQ(fixed("2G", 1), 2'000'000'000);
  EXPECT_EQ(fixed("1.5M", 1), 1'500'000);
  EXPECT_EQ(fixed("007", 1), 7);
  EXPECT_EQ(fixed("9223372036854775807", 1), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(fixed_error("9223372036854775808", 1), FixedError::kOverflow);
  EXPECT_EQ(fixed_error("9223372036854776k", 1), FixedError::kOverflow);
}

TEST(Literal, Decimals) {
  EXPECT_EQ(fixed("9.9", 1'000'000), 9'900'000);
  EXPECT_EQ(fixed("0.000125", 1'000'000), 125);
  EXPECT_EQ(fixed("1.50", 1'000'000), 1'500'000);
  EXPECT_EQ(fixed("80%", 1'000'000), 800'000);
  EXPECT_EQ(fixed("12.5%", 1'000'000), 125'000);
  EXPECT_EQ(fixed("0.0000001", 1'000'000), -1);
  EXPECT_EQ(fixed_error("0.0000001", 1'000'000), FixedError::kInexact);
  EXPECT_EQ(fixed_error("0.5", 1), FixedError::kInexact);
  EXPECT_EQ(fixed("1.000000000000000000000000000000000000000000", 1), 1);
  ParsedNumber p = parse_number("1.50");
  EXPECT_TRUE(p.number.has_point);
  EXPECT_FALSE(p.number.is_whole());
  EXPECT_EQ(p.number, parse_number("1.5").number);
  EXPECT_TRUE(parse_number("1.5M").number.is_whole());
  EXPECT_TRUE(parse_number("80%").number.percent);
  EXPECT_EQ(parse_number("400k").number.scale, 'k');
}

TEST(Literal, QuantitiesInBaseUnits) {
  const UnitInfo* gib = find_unit("GiB");
  ASSERT_NE(gib, nullptr);
  EXPECT_EQ(fixed("1.5", gib->base_per_unit), 1'610'612'736);
  EXPECT_EQ(fixed("20", gib->base_per_unit), 21'474'836'480);
  EXPECT_EQ(fixed("0.3", find_unit("KB")->base_per_unit), 300);
  EXPECT_EQ(fixed_error("0.3", find_unit("KiB")->base_per_unit), FixedError::kInexact);
  EXPECT_EQ(fixed("1.5", find_unit("h")->base_per_unit), 5'400);
  EXPECT_EQ(fixed_error("9000000000", find_unit("GiB")->base_per_unit), FixedError::kOverflow);
}

TEST(Literal, Malformed) {
  for (const char* bad : {"", "_1", "1.", ".5", "1.2.3", "12x", "k", "1kk", "1%%", "1 000",
                          "-1", "1e5", "0x10", "1._5"}) {
    EXPECT_EQ(parse_number(bad).error, NumberError::kMalformed) << bad;
  }
  EXPECT_EQ(parse_number("1234567890123456789012345678901234567").error, NumberError::kTooLarge);
}

TEST(Literal, Scan) {
  EXPECT_EQ(scan_number("400k token"), 4u);
  EXPECT_EQ(scan_number("400kB"), 3u);  // "kB" is not a scale letter glued to the number
  EXPECT_EQ(scan_number("1.5M;"), 4u);
  EXPECT_EQ(scan_number("80%)"), 3u);
  EXPECT_EQ(scan_number("1..5"), 1u);  // a range, not a decimal
  EXPECT_EQ(scan_number("22:30"), 2u);
  EXPECT_EQ(scan_number("x1"), 0u);
  EXPECT_EQ(scan_number("1_000_000 "), 9u);
}

TEST(Literal, Units) {
  struct Case {
    const char* name;
    Dim dim;
    int64_t base;
  };
  for (Case c : {Case{"token", Dim::kToken, 1}, Case{"tokens", Dim::kToken, 1},
                 Case{"byte", Dim::kByte, 1}, Case{"bytes", Dim::kByte, 1}, Case{"B", Dim::kByte, 1},
                 Case{"KB", Dim::kByte, 1'000}, Case{"MB", Dim::kByte, 1'000'000},
                 Case{"GB", Dim::kByte, 1'000'000'000}, Case{"TB", Dim::kByte, 1'000'000'000'000},
                 Case{"KiB", Dim::kByte, 1024}, Case{"MiB", Dim::kByte, 1 << 20},
                 Case{"GiB", Dim::kByte, 1 << 30}, Case{"TiB", Dim::kByte, int64_t{1} << 40},
                 Case{"second", Dim::kSecond, 1}, Case{"seconds", Dim::kSecond, 1},
                 Case{"s", Dim::kSecond, 1}, Case{"min", Dim::kSecond, 60},
                 Case{"mins", Dim::kSecond, 60}, Case{"minute", Dim::kSecond, 60},
                 Case{"minutes", Dim::kSecond, 60}, Case{"h", Dim::kSecond, 3600},
                 Case{"hour", Dim::kSecond, 3600}, Case{"hours", Dim::kSecond, 3600},
                 Case{"day", Dim::kSecond, 86400}, Case{"days", Dim::kSecond, 86400},
                 Case{"week", Dim::kSecond, 604800}, Case{"weeks", Dim::kSecond, 604800},
                 Case{"request", Dim::kRequest, 1}, Case{"requests", Dim::kRequest, 1},
                 Case{"event", Dim::kEvent, 1}, Case{"events", Dim::kEvent, 1}}) {
    const UnitInfo* u = find_unit(c.name);
    ASSERT_NE(u, nullptr) << c.name;
    EXPECT_EQ(u->dim, c.dim) << c.name;
    EXPECT_EQ(u->base_per_unit, c.base) << c.name;
  }
  for (const char* bad : {"Token", "kb", "Bs", "KBs", "hs", "ss", "gib", "", "sec", "CNY"}) {
    EXPECT_EQ(find_unit(bad), nullptr) << bad;
  }
  EXPECT_EQ(all_units().size(), 21u);
}

TEST(Literal, TimeOfDayAndWeekday) {
  EXPECT_EQ(parse_time_of_day("00:00"), 0);
  EXPECT_EQ(parse_time_of_day("22:30"), 22 * 60 + 30);
  EXPECT_EQ(parse_time_of_day("23:59"), 1439);
  for (const char* bad : {"24:00", "12:60", "1:30", "12:3", "12-30", "", "ab:cd"}) {
    EXPECT_FALSE(parse_time_of_day(bad).has_value()) << bad;
  }
  EXPECT_EQ(parse_weekday("mon"), 1);
  EXPECT_EQ(parse_weekday("sun"), 7);
  EXPECT_FALSE(parse_weekday("Mon").has_value());
  EXPECT_STREQ(weekday_name(3), "wed");
  EXPECT_STREQ(weekday_name(0), "?");
}

TEST(Literal, FormatFixed) {
  EXPECT_EQ(format_fixed(3'000'000), "3.0");
  EXPECT_EQ(format_fixed(1'500'000), "1.5");
  EXPECT_EQ(format_fixed(125), "0.000125");
  EXPECT_EQ(format_fixed(-125), "-0.000125");
  EXPECT_EQ(format_fixed(0), "0.0");
  EXPECT_EQ(format_fixed(std::numeric_limits<int64_t>::min()), "-9223372036854.775808");
  EXPECT_EQ(format_fixed(995, 2), "9.95");
  EXPECT_EQ(format_fixed(7, 0), "7.0");
}

}  // namespace
}  // namespace gyrate::lang::literal
