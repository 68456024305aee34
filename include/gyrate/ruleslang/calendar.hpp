// Civil dates and charging periods: days since the epoch, local time fields, and the start/end
// of daily, weekly, monthly and annual periods anchored on a day that may not exist every month.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang::calendar {

struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

bool is_leap_year(int64_t year);
int days_in_month(int64_t year, int month);
bool is_valid(const CivilDate& d);
int64_t days_from_civil(const CivilDate& d);
CivilDate civil_from_days(int64_t days);
int weekday_from_days(int64_t days);  // 1 = Monday .. 7 = Sunday

// Parses YYYY-MM-DD strictly; nullopt when malformed or not a real date (2026-02-30).
std::optional<CivilDate> parse_date(std::string_view text);

// Local time fields of a UTC timestamp shifted by a fixed offset.
struct LocalTime {
  int64_t date = 0;  // days since epoch
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, weekday = 4;
};
LocalTime local_time(int64_t unix_seconds, int32_t offset_minutes);

// The anchored day in a given month: day 31 in February is the 28th (29th in leap years).
int64_t anchored_day_in_month(int64_t year, int month, int anchor_day);

// The period containing `date` (days since epoch): [start, end) in days. For monthly periods the
// anchor is a day of month (1..31), clamped to short months; annual periods anchor on a month and
// day (Feb 29 becomes Feb 28 in common years); weekly periods on a weekday; daily periods ignore it.
struct PeriodSpan {
  int64_t start = 0;
  int64_t end = 0;  // exclusive
  int64_t index = 0;  // how many periods since the first one that contains `first_date`
};
PeriodSpan period_containing(ir::PeriodKind kind, const CivilDate& anchor, int64_t first_date,
                             int64_t date);

}  // namespace gyrate::lang::calendar
