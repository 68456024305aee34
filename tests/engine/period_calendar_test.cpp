// Tests of the engine's period calendar: anchors, clamping, time zones, indexes, catch-up, days_left.
#include "gyrate/engine/period_calendar.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace gyrate::engine {
namespace {

namespace cal = lang::calendar;
using lang::ir::AnchorKind;
using lang::ir::Period;
using lang::ir::PeriodKind;

constexpr int32_t kUtc = 0;
constexpr int32_t kBeijing = 8 * 60;    // +08:00
constexpr int32_t kNewYork = -5 * 60;   // -05:00

Period P(PeriodKind kind, AnchorKind anchor, int64_t value = 0) { return {kind, anchor, value}; }

int64_t Day(int64_t y, int m, int d) { return cal::days_from_civil({y, m, d}); }

// Unix seconds of a local wall-clock time in a zone `tz` minutes east of UTC.
int64_t L(int64_t y, int m, int d, int32_t tz = kUtc, int hour = 0, int minute = 0) {
  return Day(y, m, d) * 86'400 + hour * 3600 + minute * 60 - int64_t{tz} * 60;
}

// "YYYY-MM-DD" of the local date of a boundary; fails the test if it is not local midnight.
std::string local_day(int64_t t, int32_t tz) {
  cal::LocalTime lt = cal::local_time(t, tz);
  EXPECT_EQ(lt.hour * 60 + lt.minute, 0) << "boundary " << t << " is not local midnight";
  char text[16];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02d", static_cast<long long>(lt.year), lt.month,
                lt.day);
  return text;
}

// The local start dates of `count` consecutive periods from the one containing `t`.
std::vector<std::string> starts(const PeriodCalendar& c, int64_t t, int count, int32_t tz) {
  std::vector<std::string> out;
  PeriodSpan s = c.at(t);
  for (int i = 0; i < count; ++i, s = c.next(s)) out.push_back(local_day(s.start, tz));
  return out;
}

TEST(PeriodCalendar, UnixSecondsOfTheHelperAreRight) {
  // 2026-01-01T00:00Z: 56 years since 1970 with 14 leap days (1972..2024) = 20454 days.
  EXPECT_EQ(L(2026, 1, 1), 20'454LL * 86'400);
  EXPECT_EQ(L(2026, 1, 1), 1'767'225'600);
}

TEST(PeriodCalendar, BillingDay31ClampsToShortMonthsWithoutDrifting) {
  // Activated 2026-01-31 10:00 with billing day 31: Feb has 28 days in 2026, so the second period
  // starts Feb 28, and the third is back on Mar 31 (the clamp never becomes the new anchor).
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kBillingDay), kUtc, L(2026, 1, 31, kUtc, 10),
                   31);
  EXPECT_EQ(starts(c, L(2026, 1, 31, kUtc, 10), 6, kUtc),
            (std::vector<std::string>{"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30",
                                      "2026-05-31", "2026-06-30"}));
  PeriodSpan feb = c.at(L(2026, 3, 15));
  EXPECT_EQ(feb.start, L(2026, 2, 28));
  EXPECT_EQ(feb.end, L(2026, 3, 31));
  EXPECT_EQ(feb.index, 1);
}

TEST(PeriodCalendar, BillingDays29To31InLeapAndCommonFebruaries) {
  auto second_start = [](int64_t year, int billing_day) {
    PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kBillingDay), kUtc,
                     L(year, 1, billing_day, kUtc, 12), billing_day);
    PeriodSpan first = c.at(L(year, 1, billing_day, kUtc, 12));
    EXPECT_EQ(first.index, 0);
    EXPECT_EQ(first.start, L(year, 1, billing_day));
    PeriodSpan second = c.next(first);
    EXPECT_EQ(second.index, 1);
    EXPECT_EQ(c.next(second).start, L(year, 3, billing_day));  // back on the anchor in March
    return local_day(second.start, kUtc);
  };
  // 2024 is a leap year (Feb 29 exists), 2023 and 2100 are not (2100: divisible by 100, not 400).
  EXPECT_EQ(second_start(2024, 29), "2024-02-29");
  EXPECT_EQ(second_start(2024, 30), "2024-02-29");
  EXPECT_EQ(second_start(2024, 31), "2024-02-29");
  EXPECT_EQ(second_start(2023, 29), "2023-02-28");
  EXPECT_EQ(second_start(2023, 30), "2023-02-28");
  EXPECT_EQ(second_start(2023, 31), "2023-02-28");
  EXPECT_EQ(second_start(2100, 29), "2100-02-28");
}

TEST(PeriodCalendar, AnnualOnFeb29RenewsFeb28InCommonYears) {
  // anchor 2024-02-29, activated 2024-03-10: period 0 is the leap year's [Feb 29, Feb 28 2025).
  Period annual = P(PeriodKind::kAnnual, AnchorKind::kDate, Day(2024, 2, 29));
  PeriodCalendar c(annual, kUtc, L(2024, 3, 10), 1);
  EXPECT_EQ(starts(c, L(2024, 3, 10), 5, kUtc),
            (std::vector<std::string>{"2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28",
                                      "2028-02-29"}));
  EXPECT_EQ(c.at(L(2027, 2, 27, kUtc, 23, 59)).index, 2);
  EXPECT_EQ(c.at(L(2027, 2, 28)).index, 3);

  // Activated on Feb 29 itself with anchor activation: the same anniversaries.
  PeriodCalendar from_activation(P(PeriodKind::kAnnual, AnchorKind::kActivation), kUtc,
                                 L(2024, 2, 29, kUtc, 9), 1);
  EXPECT_EQ(starts(from_activation, L(2024, 2, 29, kUtc, 9), 3, kUtc),
            (std::vector<std::string>{"2024-02-29", "2025-02-28", "2026-02-28"}));
}

TEST(PeriodCalendar, AnnualOnBillingDayUsesTheActivationMonth) {
  // Activated 2026-03-10 with billing day 25: renewals every Mar 25; period 0 began 2025-03-25.
  PeriodCalendar c(P(PeriodKind::kAnnual, AnchorKind::kBillingDay), kUtc, L(2026, 3, 10), 25);
  PeriodSpan first = c.at(L(2026, 3, 10));
  EXPECT_EQ(first, (PeriodSpan{L(2025, 3, 25), L(2026, 3, 25), 0}));
}

TEST(PeriodCalendar, WeeklyRenewsOnTheAnchorWeekday) {
  // 2026-01-01 is a Thursday, so 2026-01-07 is a Wednesday: weeks run Wednesday to Tuesday.
  PeriodCalendar c(P(PeriodKind::kWeekly, AnchorKind::kActivation), kUtc, L(2026, 1, 7, kUtc, 15),
                   1);
  EXPECT_EQ(c.at(L(2026, 1, 7, kUtc, 15)), (PeriodSpan{L(2026, 1, 7), L(2026, 1, 14), 0}));
  EXPECT_EQ(c.at(L(2026, 1, 13, kUtc, 23, 59)).index, 0);
  EXPECT_EQ(c.at(L(2026, 1, 14)), (PeriodSpan{L(2026, 1, 14), L(2026, 1, 21), 1}));
  // 2026-03-04 is 56 days (8 weeks) after Jan 7: a Wednesday, period 8.
  EXPECT_EQ(c.at(L(2026, 3, 5)), (PeriodSpan{L(2026, 3, 4), L(2026, 3, 11), 8}));

  // anchor 2026-01-05, a Monday; activated on Wednesday Jan 7: period 0 is [Mon 5, Mon 12).
  PeriodCalendar mondays(P(PeriodKind::kWeekly, AnchorKind::kDate, Day(2026, 1, 5)), kUtc,
                         L(2026, 1, 7, kUtc, 15), 1);
  EXPECT_EQ(mondays.at(L(2026, 1, 7, kUtc, 15)), (PeriodSpan{L(2026, 1, 5), L(2026, 1, 12), 0}));
}

TEST(PeriodCalendar, DailyRenewsAtEveryLocalMidnight) {
  PeriodCalendar c(P(PeriodKind::kDaily, AnchorKind::kActivation), kUtc, L(2026, 3, 3, kUtc, 18),
                   1);
  EXPECT_EQ(c.at(L(2026, 3, 3, kUtc, 18)), (PeriodSpan{L(2026, 3, 3), L(2026, 3, 4), 0}));
  // Mar 10 is 7 days after Mar 3.
  EXPECT_EQ(c.at(L(2026, 3, 10, kUtc, 12)), (PeriodSpan{L(2026, 3, 10), L(2026, 3, 11), 7}));
}

TEST(PeriodCalendar, DayOfMonthAnchorWithAPartialFirstPeriod) {
  Period day15 = P(PeriodKind::kMonthly, AnchorKind::kDayOfMonth, 15);
  // Activated Jan 20, after the 15th: period 0 is [Jan 15, Feb 15), partial but still index 0.
  PeriodCalendar late(day15, kUtc, L(2026, 1, 20, kUtc, 8), 1);
  EXPECT_EQ(late.at(L(2026, 1, 20, kUtc, 8)), (PeriodSpan{L(2026, 1, 15), L(2026, 2, 15), 0}));
  EXPECT_EQ(late.at(L(2026, 2, 15)), (PeriodSpan{L(2026, 2, 15), L(2026, 3, 15), 1}));
  // Activated Jan 10, before the 15th: period 0 is [Dec 15, Jan 15).
  PeriodCalendar early(day15, kUtc, L(2026, 1, 10), 1);
  EXPECT_EQ(early.at(L(2026, 1, 10)), (PeriodSpan{L(2025, 12, 15), L(2026, 1, 15), 0}));
  // The billing day is ignored when the plan names the day.
  PeriodCalendar other_billing_day(day15, kUtc, L(2026, 1, 20), 3);
  EXPECT_EQ(other_billing_day.at(L(2026, 1, 20)).start, L(2026, 1, 15));
}

TEST(PeriodCalendar, DateAnchorMonthlyOnThe31st) {
  // anchor 2026-01-31, activated 2026-03-05: the 31st clamps to Feb 28, so Mar 5 is in
  // [Feb 28, Mar 31); periods recur before the anchor date as after it.
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kDate, Day(2026, 1, 31)), kUtc,
                   L(2026, 3, 5), 1);
  EXPECT_EQ(c.at(L(2026, 3, 5)), (PeriodSpan{L(2026, 2, 28), L(2026, 3, 31), 0}));
  EXPECT_EQ(c.at(L(2026, 4, 1)), (PeriodSpan{L(2026, 3, 31), L(2026, 4, 30), 1}));
  // Activated a year before the anchor date: the same recurrence.
  PeriodCalendar before(P(PeriodKind::kMonthly, AnchorKind::kDate, Day(2026, 1, 31)), kUtc,
                        L(2025, 6, 10), 1);
  EXPECT_EQ(before.at(L(2025, 6, 10)), (PeriodSpan{L(2025, 5, 31), L(2025, 6, 30), 0}));
}

TEST(PeriodCalendar, ActivationAnchorsOnTheDayNotTheInstant) {
  // Activated Jan 31 at 15:00: period 0 starts at Jan 31 00:00, and renewals are on the 31st
  // (clamped) at midnight, not at 15:00.
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kActivation), kUtc,
                   L(2026, 1, 31, kUtc, 15), 1);
  EXPECT_EQ(c.at(L(2026, 1, 31, kUtc, 15)), (PeriodSpan{L(2026, 1, 31), L(2026, 2, 28), 0}));
  EXPECT_EQ(c.at(L(2026, 2, 28)).index, 1);
  EXPECT_EQ(c.at(L(2026, 3, 31)).start, L(2026, 3, 31));
}

TEST(PeriodCalendar, PlusEightBoundaryIsFourPmUtcTheDayBefore) {
  // anchor day 1 in +08:00, activated 2026-01-10 03:00 local (2026-01-09T19:00Z).
  int64_t activation = L(2026, 1, 9, kUtc, 19);
  EXPECT_EQ(activation, L(2026, 1, 10, kBeijing, 3));
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kDayOfMonth, 1), kBeijing, activation, 1);
  PeriodSpan jan = c.at(activation);
  // 2026-02-01 00:00 +08:00 = 2026-01-31T16:00Z = 1767225600 + 30 days + 16 h.
  EXPECT_EQ(jan.end, 1'767'225'600 + 30 * 86'400 + 16 * 3600);
  EXPECT_EQ(jan.end, L(2026, 1, 31, kUtc, 16));
  EXPECT_EQ(jan.start, L(2025, 12, 31, kUtc, 16));
  EXPECT_EQ(c.at(L(2026, 1, 31, kUtc, 15, 59)).index, 0);
  EXPECT_EQ(c.at(L(2026, 1, 31, kUtc, 16)).index, 1);

  // Daily from activation: the local date is Jan 10 although the UTC date is Jan 9.
  PeriodCalendar daily(P(PeriodKind::kDaily, AnchorKind::kActivation), kBeijing, activation, 1);
  EXPECT_EQ(daily.at(activation),
            (PeriodSpan{L(2026, 1, 9, kUtc, 16), L(2026, 1, 10, kUtc, 16), 0}));
}

TEST(PeriodCalendar, MinusFiveBoundaryIsFiveAmUtc) {
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kDayOfMonth, 1), kNewYork,
                   L(2026, 1, 10, kNewYork, 12), 1);
  // 2026-02-01 00:00 -05:00 = 2026-02-01T05:00Z = 1767225600 + 31 days + 5 h.
  PeriodSpan jan = c.at(L(2026, 1, 10, kNewYork, 12));
  EXPECT_EQ(jan.end, 1'767'225'600 + 31 * 86'400 + 5 * 3600);
  EXPECT_EQ(jan.start, L(2026, 1, 1, kUtc, 5));
  // 2026-02-01T03:00Z is Jan 31 22:00 in New York: still January's period.
  EXPECT_EQ(c.at(L(2026, 2, 1, kUtc, 3)).index, 0);
  EXPECT_EQ(c.at(L(2026, 2, 1, kUtc, 5)).index, 1);
}

TEST(PeriodCalendar, CatchUpOverFourteenMonthsYieldsEachBoundary) {
  // Billing day 31, activated 2025-01-31, silent until 2026-04-15: boundaries on Feb 28, Mar 31,
  // Apr 30, May 31, Jun 30, Jul 31, Aug 31, Sep 30, Oct 31, Nov 30, Dec 31 (2025) and Jan 31,
  // Feb 28, Mar 31 (2026): 14 of them; Apr 30 2026 is after the request.
  int64_t activation = L(2025, 1, 31, kBeijing, 9);
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kBillingDay), kBeijing, activation, 31);
  std::vector<PeriodSpan> seen;
  c.for_each_boundary(activation, L(2026, 4, 15, kBeijing, 10),
                      [&](const PeriodSpan& s) { seen.push_back(s); });
  std::vector<std::string> days;
  for (const PeriodSpan& s : seen) days.push_back(local_day(s.start, kBeijing));
  EXPECT_EQ(days, (std::vector<std::string>{"2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31",
                                            "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30",
                                            "2025-10-31", "2025-11-30", "2025-12-31", "2026-01-31",
                                            "2026-02-28", "2026-03-31"}));
  ASSERT_EQ(seen.size(), 14u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].index, static_cast<int64_t>(i) + 1);
    if (i > 0) {
      EXPECT_EQ(seen[i].start, seen[i - 1].end);
    }
  }
  EXPECT_EQ(seen.back(), c.at(L(2026, 4, 15, kBeijing, 10)));
}

TEST(PeriodCalendar, ABoundaryBelongsToTheNewPeriodAndIsReplayedOnce) {
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kDayOfMonth, 1), kUtc, L(2026, 1, 10), 1);
  int64_t feb = L(2026, 2, 1);
  EXPECT_EQ(c.at(feb - 1).index, 0);
  EXPECT_EQ(c.at(feb), (PeriodSpan{feb, L(2026, 3, 1), 1}));
  int count = 0;
  auto tally = [&](const PeriodSpan&) { ++count; };
  c.for_each_boundary(feb - 1, feb, tally);  // (feb - 1, feb] holds the boundary
  EXPECT_EQ(count, 1);
  c.for_each_boundary(feb, feb + 86'400, tally);  // (feb, ...] does not: already applied
  EXPECT_EQ(count, 1);
  c.for_each_boundary(feb, feb - 10, tally);  // time running backwards: nothing
  EXPECT_EQ(count, 1);
}

TEST(PeriodCalendar, BeforeActivationIsPeriodZero) {
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kDayOfMonth, 15), kUtc, L(2026, 1, 20), 1);
  EXPECT_EQ(c.at(L(2025, 6, 1)), c.at(L(2026, 1, 20)));
  EXPECT_EQ(c.at(L(2026, 1, 16)).index, 0);  // inside period 0, before activation
  // A catch-up from before activation starts at period 0's end, never before.
  std::vector<int64_t> indexes;
  c.for_each_boundary(L(2025, 6, 1), L(2026, 3, 20),
                      [&](const PeriodSpan& s) { indexes.push_back(s.index); });
  EXPECT_EQ(indexes, (std::vector<int64_t>{1, 2}));
}

TEST(PeriodCalendar, OncePeriodNeverEnds) {
  int64_t activation = L(2026, 5, 6, kBeijing, 14);
  PeriodCalendar c(P(PeriodKind::kOnce, AnchorKind::kActivation), kBeijing, activation, 1);
  PeriodSpan only = c.at(L(2040, 1, 1));
  EXPECT_EQ(only, (PeriodSpan{L(2026, 5, 6, kBeijing), kNeverEnds, 0}));
  EXPECT_EQ(c.next(only), (PeriodSpan{kNeverEnds, kNeverEnds, 1}));
  EXPECT_EQ(c.days_left(activation), kNeverEnds);
  int count = 0;
  c.for_each_boundary(activation, kNeverEnds, [&](const PeriodSpan&) { ++count; });
  EXPECT_EQ(count, 0);
}

TEST(PeriodCalendar, DaysLeftCountsLocalDaysIncludingToday) {
  PeriodCalendar c(P(PeriodKind::kMonthly, AnchorKind::kDayOfMonth, 1), kBeijing,
                   L(2026, 1, 1, kBeijing), 1);
  EXPECT_EQ(c.days_left(L(2026, 1, 1, kBeijing)), 31);          // Jan 1..31
  EXPECT_EQ(c.days_left(L(2026, 1, 16, kBeijing, 10)), 16);     // Jan 16..31
  EXPECT_EQ(c.days_left(L(2026, 1, 31, kBeijing, 23, 59)), 1);  // the last day
  EXPECT_EQ(c.days_left(L(2026, 2, 1, kBeijing)), 28);          // Feb 2026
  // 2026-01-31T16:30Z is already Feb 1 in +08:00.
  EXPECT_EQ(c.days_left(L(2026, 1, 31, kUtc, 16, 30)), 28);
  PeriodCalendar weekly(P(PeriodKind::kWeekly, AnchorKind::kActivation), kUtc, L(2026, 1, 7), 1);
  EXPECT_EQ(weekly.days_left(L(2026, 1, 9, kUtc, 12)), 5);  // Fri 9 .. Tue 13
  PeriodCalendar daily(P(PeriodKind::kDaily, AnchorKind::kActivation), kUtc, L(2026, 1, 7), 1);
  EXPECT_EQ(daily.days_left(L(2026, 3, 1, kUtc, 23)), 1);
}

TEST(PeriodCalendar, OutOfRangeBillingDayIsClamped) {
  PeriodCalendar zero(P(PeriodKind::kMonthly, AnchorKind::kBillingDay), kUtc, L(2026, 1, 20), 0);
  EXPECT_EQ(zero.at(L(2026, 1, 20)).start, L(2026, 1, 1));
  PeriodCalendar big(P(PeriodKind::kMonthly, AnchorKind::kBillingDay), kUtc, L(2026, 4, 20), 99);
  EXPECT_EQ(big.at(L(2026, 4, 20)).end, L(2026, 4, 30));
}

// For random plans, zones, activations and times: the span contains t, starts at a local midnight
// on the anchored day, the next span follows without a gap, and a catch-up from activation to t
// yields indexes 1..at(t).index, each span following the last.
TEST(PeriodCalendar, PropertySpansTileTimeFromActivation) {
  std::mt19937_64 rng(20261201);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const PeriodKind kinds[] = {PeriodKind::kDaily, PeriodKind::kWeekly, PeriodKind::kMonthly,
                              PeriodKind::kAnnual};
  const AnchorKind anchors[] = {AnchorKind::kActivation, AnchorKind::kBillingDay,
                                AnchorKind::kDayOfMonth, AnchorKind::kDate};
  int64_t boundaries_replayed = 0;
  for (int i = 0; i < 3000; ++i) {
    PeriodKind kind = kinds[uniform(0, 3)];
    AnchorKind anchor = anchors[uniform(0, 3)];
    int64_t value = anchor == AnchorKind::kDayOfMonth ? uniform(1, 31)
                    : anchor == AnchorKind::kDate     ? uniform(Day(1990, 1, 1), Day(2100, 12, 31))
                                                      : 0;
    auto tz = static_cast<int32_t>(uniform(-48, 56) * 15);  // -12:00 .. +14:00
    int billing_day = static_cast<int>(uniform(1, 31));
    int64_t activation = uniform(L(1990, 1, 1), L(2090, 1, 1));
    int64_t horizon = kind == PeriodKind::kDaily ? 400LL * 86'400 : 12LL * 366 * 86'400;
    int64_t t = activation + uniform(0, horizon);
    PeriodCalendar c(P(kind, anchor, value), tz, activation, billing_day);
    SCOPED_TRACE(testing::Message() << "case " << i << " kind " << static_cast<int>(kind)
                                    << " anchor " << static_cast<int>(anchor) << " value " << value
                                    << " tz " << tz << " billing_day " << billing_day
                                    << " activation " << activation << " t " << t);
    PeriodSpan s = c.at(t);
    ASSERT_LE(s.start, t);
    ASSERT_LT(t, s.end);
    ASSERT_EQ((s.start + int64_t{tz} * 60) % 86'400, 0);
    ASSERT_EQ(c.at(activation).index, 0);
    ASSERT_GE(s.index, 0);
    PeriodSpan n = c.next(s);
    ASSERT_EQ(n.start, s.end);
    ASSERT_EQ(n.index, s.index + 1);
    ASSERT_EQ(c.at(s.end - 1), s);
    ASSERT_LE(n.end - n.start, 366 * 86'400);
    ASSERT_GE(n.end - n.start, 86'400);
    int64_t local_seconds = t + int64_t{tz} * 60;
    int64_t todays_midnight = t - ((local_seconds % 86'400) + 86'400) % 86'400;
    ASSERT_EQ(c.days_left(t), (s.end - todays_midnight) / 86'400);
    if (kind == PeriodKind::kMonthly && anchor != AnchorKind::kActivation &&
        anchor != AnchorKind::kDate) {
      int64_t want = anchor == AnchorKind::kDayOfMonth ? value : billing_day;
      cal::LocalTime start = cal::local_time(n.start, tz);
      ASSERT_EQ(start.day,
                cal::anchored_day_in_month(start.year, start.month, static_cast<int>(want)));
    }
    int64_t expected_index = 1;
    PeriodSpan previous = c.at(activation);
    c.for_each_boundary(activation, t, [&](const PeriodSpan& b) {
      ASSERT_EQ(b.index, expected_index++);
      ASSERT_EQ(b.start, previous.end);
      previous = b;
    });
    ASSERT_EQ(previous, s);
    boundaries_replayed += s.index;
  }
  EXPECT_GT(boundaries_replayed, 3000);  // the catch-up really ran over many periods
}

}  // namespace
}  // namespace gyrate::engine
