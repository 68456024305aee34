// Unit tests of the calendar: civil dates, leap years, local time and anchored periods, including
// anchors on the 29th/30th/31st, February in leap and common years and year boundaries.
#include "gyrate/ruleslang/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace gyrate::lang::calendar {
namespace {

using ir::PeriodKind;

int64_t D(int64_t y, int m, int d) { return days_from_civil({y, m, d}); }
std::string S(int64_t days) {
  CivilDate c = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

TEST(Calendar, KnownDays) {
  EXPECT_EQ(D(1970, 1, 1), 0);
  EXPECT_EQ(D(1969, 12, 31), -1);
  EXPECT_EQ(D(2000, 3, 1), 11017);
  EXPECT_EQ(D(2024, 2, 29), 19782);
  EXPECT_EQ(D(1, 1, 1), -719162);
  EXPECT_EQ(D(9999, 12, 31), 2932896);
  EXPECT_EQ(D(2100, 3, 1), 47541);
  EXPECT_EQ(civil_from_days(19782), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(civil_from_days(-719162), (CivilDate{1, 1, 1}));
}

TEST(Calendar, LeapYears) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(1600));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2023));
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2100, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(days_in_month(2023, 4), 30);
  EXPECT_EQ(days_in_month(2023, 12), 31);
  EXPECT_EQ(days_in_month(2023, 13), 0);
}

// Walks day by day with days_in_month alone and checks both conversions agree at every step.
TEST(Calendar, ConversionsAgreeWithADayByDayWalk) {
  CivilDate c{1600, 1, 1};
  int64_t days = D(1600, 1, 1);
  while (c.year < 2500) {
    ASSERT_EQ(civil_from_days(days), c) << days;
    ASSERT_EQ(D(c.year, c.month, c.day), days);
    ++days;
    if (++c.day > days_in_month(c.year, c.month)) {
      c.day = 1;
      if (++c.month > 12) {
        c.month = 1;
        ++c.year;
      }
    }
  }
}

TEST(Calendar, Weekdays) {
  EXPECT_EQ(weekday_from_days(0), 4);                // Thursday
  EXPECT_EQ(weekday_from_days(-1), 3);
  EXPECT_EQ(weekday_from_days(D(2024, 2, 29)), 4);
  EXPECT_EQ(weekday_from_days(D(2026, 11, 30)), 1);  // Monday
  EXPECT_EQ(weekday_from_days(D(1, 1, 1)), 1);
  EXPECT_EQ(weekday_from_days(D(9999, 12, 31)), 5);
  for (int64_t d = -30; d < 30; ++d) {
    EXPECT_EQ(weekday_from_days(d + 1), weekday_from_days(d) % 7 + 1);
  }
}

TEST(Calendar, ParseDate) {
  EXPECT_EQ(parse_date("2026-07-01"), (CivilDate{2026, 7, 1}));
  EXPECT_EQ(parse_date("2024-02-29"), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(parse_date("2000-02-29"), (CivilDate{2000, 2, 29}));
  EXPECT_EQ(parse_date("0001-01-01"), (CivilDate{1, 1, 1}));
  EXPECT_EQ(parse_date("9999-12-31"), (CivilDate{9999, 12, 31}));
  for (const char* bad : {"2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                          "0000-01-01", "2026-1-01", "2026/01/01", " 2026-01-01", "2026-01-01x",
                          "+026-01-01", "2026-01-00", "", "20260101", "2026-01-1a", "-001-01-01"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(Calendar, LocalTime) {
  LocalTime t = local_time(0, 0);
  EXPECT_EQ(t.date, 0);
  EXPECT_EQ(t.year, 1970);
  EXPECT_EQ(t.hour, 0);
  EXPECT_EQ(t.weekday, 4);
  t = local_time(1'700'000'000, 0);  // 2023-11-14 22:13:20 UTC, a Tuesday
  EXPECT_EQ(t.date, D(2023, 11, 14));
  EXPECT_EQ(t.month, 11);
  EXPECT_EQ(t.day, 14);
  EXPECT_EQ(t.hour, 22);
  EXPECT_EQ(t.minute, 13);
  EXPECT_EQ(t.weekday, 2);
  t = local_time(1'700'000'000, 8 * 60);  // +08:00: next day, 06:13
  EXPECT_EQ(t.date, D(2023, 11, 15));
  EXPECT_EQ(t.hour, 6);
  EXPECT_EQ(t.weekday, 3);
  t = local_time(-1, 0);  // negative timestamps use floor division
  EXPECT_EQ(t.date, -1);
  EXPECT_EQ(t.year, 1969);
  EXPECT_EQ(t.month, 12);
  EXPECT_EQ(t.day, 31);
  EXPECT_EQ(t.hour, 23);
  EXPECT_EQ(t.minute, 59);
  t = local_time(-86'401, 0);
  EXPECT_EQ(t.date, -2);
  EXPECT_EQ(t.hour, 23);
  t = local_time(0, -60);  // -01:00
  EXPECT_EQ(t.date, -1);
  EXPECT_EQ(t.hour, 23);
  t = local_time(0, 5 * 60 + 30);  // +05:30
  EXPECT_EQ(t.hour, 5);
  EXPECT_EQ(t.minute, 30);
  // Extreme inputs must not be undefined behaviour.
  local_time(std::numeric_limits<int64_t>::max(), 14 * 60);
  local_time(std::numeric_limits<int64_t>::min(), -14 * 60);
}

TEST(Calendar, AnchoredDayClamps) {
  EXPECT_EQ(anchored_day_in_month(2023, 2, 31), 28);
  EXPECT_EQ(anchored_day_in_month(2024, 2, 31), 29);
  EXPECT_EQ(anchored_day_in_month(2024, 4, 31), 30);
  EXPECT_EQ(anchored_day_in_month(2024, 1, 31), 31);
  EXPECT_EQ(anchored_day_in_month(2023, 2, 30), 28);
  EXPECT_EQ(anchored_day_in_month(2023, 2, 29), 28);
  EXPECT_EQ(anchored_day_in_month(2100, 2, 29), 28);
  EXPECT_EQ(anchored_day_in_month(2000, 2, 29), 29);
  EXPECT_EQ(anchored_day_in_month(2023, 2, 15), 15);
}

PeriodSpan monthly(int anchor_day, int64_t first, int64_t date) {
  return period_containing(PeriodKind::kMonthly, {2000, 1, anchor_day}, first, date);
}

TEST(Calendar, MonthlyAnchor31ThroughALeapYear) {
  std::vector<std::string> starts;
  int64_t first = D(2024, 1, 31);
  int64_t d = first;
  for (int i = 0; i < 13; ++i) {
    PeriodSpan p = monthly(31, first, d);
    EXPECT_EQ(p.start, d);
    EXPECT_EQ(p.index, i);
    starts.push_back(S(p.start));
    d = p.end;
  }
  std::vector<std::string> want{"2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30",
                                "2024-05-31", "2024-06-30", "2024-07-31", "2024-08-31",
                                "2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31",
                                "2025-01-31"};
  EXPECT_EQ(starts, want);
  EXPECT_EQ(S(monthly(31, first, D(2025, 2, 27)).end), "2025-02-28");  // common year
}

TEST(Calendar, MonthlyPeriodFacts) {
  struct Case {
    const char* why;
    int anchor;
    CivilDate date;
    const char* start;
    const char* end;
  };
  for (const Case& c : {
           Case{"before the anchor day: began last month", 15, {2026, 3, 10}, "2026-02-15",
                "2026-03-15"},
           Case{"year boundary", 15, {2026, 1, 5}, "2025-12-15", "2026-01-15"},
           Case{"on the anchor day a period starts", 15, {2026, 3, 15}, "2026-03-15", "2026-04-15"},
           Case{"anchor 30 after a common February", 30, {2026, 3, 1}, "2026-02-28", "2026-03-30"},
           Case{"anchor 30 before a common February", 30, {2026, 2, 27}, "2026-01-30",
                "2026-02-28"},
           Case{"anchor 29, 2100 is not leap", 29, {2100, 2, 28}, "2100-02-28", "2100-03-29"},
           Case{"anchor 29, 2000 is leap", 29, {2000, 2, 28}, "2000-01-29", "2000-02-29"},
           Case{"anchor 1: calendar months", 1, {2026, 12, 31}, "2026-12-01", "2027-01-01"},
       }) {
    PeriodSpan p = monthly(c.anchor, D(1999, 1, 1), days_from_civil(c.date));
    EXPECT_EQ(S(p.start), c.start) << c.why;
    EXPECT_EQ(S(p.end), c.end) << c.why;
  }
}

TEST(Calendar, MonthlyIndexCounting) {
  int64_t first = D(2026, 1, 20);  // first period [Jan 15, Feb 15)
  EXPECT_EQ(monthly(15, first, first).index, 0);
  EXPECT_EQ(monthly(15, first, D(2026, 1, 15)).index, 0);
  EXPECT_EQ(monthly(15, first, D(2026, 2, 14)).index, 0);
  EXPECT_EQ(monthly(15, first, D(2026, 2, 15)).index, 1);
  EXPECT_EQ(monthly(15, first, D(2026, 3, 14)).index, 1);
  EXPECT_EQ(monthly(15, first, D(2026, 3, 15)).index, 2);
  EXPECT_EQ(monthly(15, first, D(2027, 1, 15)).index, 12);
  EXPECT_EQ(monthly(15, first, D(2025, 12, 20)).index, -1);
}

// For every anchor day and every date of 2023..2025: the period contains the date, starts on the
// clamped anchor day, ends where the next period starts, and the index grows by one per period.
TEST(Calendar, MonthlyPeriodsTileEveryAnchor) {
  for (int anchor = 1; anchor <= 31; ++anchor) {
    int64_t first = D(2023, 1, 1);
    PeriodSpan prev = monthly(anchor, first, first);
    for (int64_t d = first; d < D(2026, 1, 1); ++d) {
      PeriodSpan p = monthly(anchor, first, d);
      ASSERT_LE(p.start, d);
      ASSERT_LT(d, p.end);
      CivilDate s = civil_from_days(p.start);
      ASSERT_EQ(s.day, std::min(anchor, days_in_month(s.year, s.month))) << anchor << " " << S(d);
      CivilDate e = civil_from_days(p.end);
      ASSERT_EQ(e.month, s.month % 12 + 1) << anchor << " " << S(d);
      ASSERT_EQ(e.day, std::min(anchor, days_in_month(e.year, e.month)));
      if (p.start == prev.start) {
        ASSERT_EQ(p.index, prev.index);
      } else {
        ASSERT_EQ(p.start, prev.end);
        ASSERT_EQ(p.index, prev.index + 1);
      }
      prev = p;
    }
  }
}

TEST(Calendar, Annual) {
  CivilDate anchor{2024, 2, 29};
  int64_t first = D(2024, 3, 10);
  PeriodSpan p = period_containing(PeriodKind::kAnnual, anchor, first, D(2025, 2, 27));
  EXPECT_EQ(S(p.start), "2024-02-29");
  EXPECT_EQ(S(p.end), "2025-02-28");
  EXPECT_EQ(p.index, 0);
  p = period_containing(PeriodKind::kAnnual, anchor, first, D(2025, 2, 28));
  EXPECT_EQ(S(p.start), "2025-02-28");
  EXPECT_EQ(S(p.end), "2026-02-28");
  EXPECT_EQ(p.index, 1);
  p = period_containing(PeriodKind::kAnnual, anchor, first, D(2028, 3, 1));
  EXPECT_EQ(S(p.start), "2028-02-29");
  EXPECT_EQ(S(p.end), "2029-02-28");
  EXPECT_EQ(p.index, 4);
  p = period_containing(PeriodKind::kAnnual, {2020, 7, 1}, D(2020, 7, 1), D(2026, 6, 30));
  EXPECT_EQ(S(p.start), "2025-07-01");
  EXPECT_EQ(p.index, 5);
  // Before the first period.
  p = period_containing(PeriodKind::kAnnual, {2020, 7, 1}, D(2020, 7, 1), D(2020, 6, 30));
  EXPECT_EQ(p.index, -1);
}

TEST(Calendar, Weekly) {
  CivilDate anchor{2026, 1, 7};  // a Wednesday
  ASSERT_EQ(weekday_from_days(days_from_civil(anchor)), 3);
  int64_t first = D(2026, 1, 9);
  PeriodSpan p = period_containing(PeriodKind::kWeekly, anchor, first, first);
  EXPECT_EQ(S(p.start), "2026-01-07");
  EXPECT_EQ(S(p.end), "2026-01-14");
  EXPECT_EQ(p.index, 0);
  p = period_containing(PeriodKind::kWeekly, anchor, first, D(2026, 1, 14));
  EXPECT_EQ(S(p.start), "2026-01-14");
  EXPECT_EQ(p.index, 1);
  p = period_containing(PeriodKind::kWeekly, anchor, first, D(2026, 1, 13));
  EXPECT_EQ(p.index, 0);
  p = period_containing(PeriodKind::kWeekly, anchor, first, D(2027, 1, 1));  // a Friday
  EXPECT_EQ(S(p.start), "2026-12-30");
  EXPECT_EQ(p.index, 51);
  p = period_containing(PeriodKind::kWeekly, anchor, first, D(2026, 1, 6));
  EXPECT_EQ(p.index, -1);
}

TEST(Calendar, DailyAndOnce) {
  int64_t first = D(2026, 3, 1);
  PeriodSpan p = period_containing(PeriodKind::kDaily, {}, first, D(2026, 3, 3));
  EXPECT_EQ(p.start, D(2026, 3, 3));
  EXPECT_EQ(p.end, D(2026, 3, 4));
  EXPECT_EQ(p.index, 2);
  p = period_containing(PeriodKind::kOnce, {}, first, D(2030, 1, 1));
  EXPECT_EQ(p.start, first);
  EXPECT_GT(p.end, D(9999, 12, 31));
  EXPECT_EQ(p.index, 0);
}

}  // namespace
}  // namespace gyrate::lang::calendar
