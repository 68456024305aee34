// Proleptic Gregorian calendar arithmetic and anchored charging periods (see calendar.hpp).
#include "gyrate/ruleslang/calendar.hpp"

#include <algorithm>
#include <limits>

#include "gyrate/ruleslang/int128.hpp"

namespace gyrate::lang::calendar {
namespace {

constexpr int64_t kDaysPer400Years = 146'097;
constexpr int64_t kEpochShift = 719'468;  // days from 0000-03-01 to 1970-01-01
constexpr int64_t kSecondsPerDay = 86'400;

// Floor division for a positive divisor (C++ division truncates toward zero).
Int128 floor_div(Int128 a, int64_t b) {
  Int128 q = a / b;
  return (a % b < 0) ? q - 1 : q;
}

int64_t saturate(Int128 v) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  return v < kMin ? kMin : v > kMax ? kMax : static_cast<int64_t>(v);
}

// Months counted from March make the leap day the last day of the "year", so the day of the
// year is a simple formula in the month: 153 days per 5 months (31+30+31+30+31).
int64_t day_of_march_year(int month, int day) {
  int64_t m = month > 2 ? month - 3 : month + 9;  // March = 0 .. February = 11
  return (153 * m + 2) / 5 + day - 1;
}

int64_t days_of(int64_t year, int month, int day) { return days_from_civil({year, month, day}); }

// The first day of the period anchored on `anchor_day` in month (year, month).
int64_t monthly_start(int64_t year, int month, int anchor_day) {
  return days_of(year, month, static_cast<int>(anchored_day_in_month(year, month, anchor_day)));
}

int64_t month_number(int64_t year, int month) { return year * 12 + (month - 1); }

struct MonthlySpan {
  int64_t start, end, ordinal;  // ordinal: months since year 0 of the period's first month
};

MonthlySpan monthly_span(int anchor_day, int64_t date) {
  CivilDate c = civil_from_days(date);
  int64_t ord = month_number(c.year, c.month);
  auto start_of = [&](int64_t n) {
    int64_t y = n >= 0 ? n / 12 : (n - 11) / 12;
    return monthly_start(y, static_cast<int>(n - y * 12) + 1, anchor_day);
  };
  if (date < start_of(ord)) --ord;
  return {start_of(ord), start_of(ord + 1), ord};
}

struct AnnualSpan {
  int64_t start, end, year;
};

AnnualSpan annual_span(const CivilDate& anchor, int64_t date) {
  int month = std::clamp(anchor.month, 1, 12);
  auto start_of = [&](int64_t y) { return monthly_start(y, month, anchor.day); };
  int64_t y = civil_from_days(date).year;
  if (date < start_of(y)) --y;
  return {start_of(y), start_of(y + 1), y};
}

// Start of the week containing `date` that begins on `weekday`.
Int128 week_start(int weekday, int64_t date) {
  int64_t back = (weekday_from_days(date) - weekday + 7) % 7;
  return static_cast<Int128>(date) - back;
}

}  // namespace

bool is_leap_year(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

bool is_valid(const CivilDate& d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

int64_t days_from_civil(const CivilDate& d) {
  // Years start on March 1st, so January and February belong to the previous year.
  Int128 y = static_cast<Int128>(d.year) - (d.month <= 2 ? 1 : 0);
  Int128 era = floor_div(y, 400);
  Int128 year_of_era = y - era * 400;                                   // 0..399
  Int128 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 +
                      day_of_march_year(d.month, d.day);                // 0..146096
  return saturate(era * kDaysPer400Years + day_of_era - kEpochShift);
}

CivilDate civil_from_days(int64_t days) {
  Int128 z = static_cast<Int128>(days) + kEpochShift;
  Int128 era = floor_div(z, kDaysPer400Years);
  Int128 day_of_era = z - era * kDaysPer400Years;  // 0..146096
  // Leap days drop out of the count once per 4 years, back in per 100 and out per 400.
  Int128 year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  Int128 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  Int128 mp = (5 * day_of_year + 2) / 153;  // month from March, 0..11
  CivilDate c;
  c.day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = saturate(year_of_era + era * 400 + (c.month <= 2 ? 1 : 0));
  return c;
}

int weekday_from_days(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  Int128 r = static_cast<Int128>(days) + 3;
  return static_cast<int>(r - floor_div(r, 7) * 7) + 1;
}

std::optional<CivilDate> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n) -> int64_t {
    int64_t v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int64_t y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 1 || m < 1 || d < 1) return std::nullopt;
  CivilDate c{y, static_cast<int>(m), static_cast<int>(d)};
  if (!is_valid(c)) return std::nullopt;
  return c;
}

LocalTime local_time(int64_t unix_seconds, int32_t offset_minutes) {
  Int128 local = static_cast<Int128>(unix_seconds) + static_cast<Int128>(offset_minutes) * 60;
  Int128 days = floor_div(local, kSecondsPerDay);
  int64_t second_of_day = static_cast<int64_t>(local - days * kSecondsPerDay);
  LocalTime lt;
  lt.date = saturate(days);
  CivilDate c = civil_from_days(lt.date);
  lt.year = c.year;
  lt.month = c.month;
  lt.day = c.day;
  lt.hour = static_cast<int>(second_of_day / 3600);
  lt.minute = static_cast<int>(second_of_day % 3600 / 60);
  lt.weekday = weekday_from_days(lt.date);
  return lt;
}

int64_t anchored_day_in_month(int64_t year, int month, int anchor_day) {
  return std::clamp(anchor_day, 1, std::max(days_in_month(year, month), 1));
}

PeriodSpan period_containing(ir::PeriodKind kind, const CivilDate& anchor, int64_t first_date,
                             int64_t date) {
  PeriodSpan p;
  switch (kind) {
    case ir::PeriodKind::kDaily:
      p.start = date;
      p.end = saturate(static_cast<Int128>(date) + 1);
      p.index = saturate(static_cast<Int128>(date) - first_date);
      break;
    case ir::PeriodKind::kWeekly: {
      int wd = weekday_from_days(days_from_civil(anchor));
      Int128 start = week_start(wd, date);
      p.start = saturate(start);
      p.end = saturate(start + 7);
      p.index = saturate((start - week_start(wd, first_date)) / 7);
      break;
    }
    case ir::PeriodKind::kMonthly: {
      MonthlySpan s = monthly_span(anchor.day, date);
      p.start = s.start;
      p.end = s.end;
      p.index = s.ordinal - monthly_span(anchor.day, first_date).ordinal;
      break;
    }
    case ir::PeriodKind::kAnnual: {
      AnnualSpan s = annual_span(anchor, date);
      p.start = s.start;
      p.end = s.end;
      p.index = s.year - annual_span(anchor, first_date).year;
      break;
    }
    case ir::PeriodKind::kOnce:
      // One period for the whole life of the plan; its end is past any date parse_date accepts.
      p.start = first_date;
      p.end = days_of(10000, 1, 1);
      p.index = 0;
      break;
  }
  return p;
}

}  // namespace gyrate::lang::calendar
