// Period spans in unix seconds from the ruleslang calendar's day arithmetic (see period_calendar.hpp).
#include "gyrate/engine/period_calendar.hpp"

#include <algorithm>

#include "gyrate/ruleslang/int128.hpp"

namespace gyrate::engine {
namespace {

namespace cal = lang::calendar;
using lang::Int128;
using lang::ir::AnchorKind;
using lang::ir::PeriodKind;

constexpr int64_t kSecondsPerDay = 86'400;

int64_t saturate(Int128 v) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  return v < kMin ? kMin : v > kNeverEnds ? kNeverEnds : static_cast<int64_t>(v);
}

int clamp_day(int64_t day) { return static_cast<int>(std::clamp<int64_t>(day, 1, 31)); }

// The anchor as period_containing reads it: monthly periods take its day (unclamped, so a 31st
// comes back after February), annual ones its month and day, weekly ones the weekday of its date.
// A day-of-month anchor (billing_day, `day N`) is that day in the activation's month.
cal::CivilDate anchor_for(const lang::ir::Period& period, const cal::CivilDate& activated,
                          int billing_day) {
  cal::CivilDate anchor = activated;
  switch (period.anchor) {
    case AnchorKind::kActivation:
      break;
    case AnchorKind::kBillingDay:
      anchor.day = clamp_day(billing_day);
      break;
    case AnchorKind::kDayOfMonth:
      anchor.day = clamp_day(period.anchor_value);
      break;
    case AnchorKind::kDate:
      anchor = cal::civil_from_days(period.anchor_value);
      break;
  }
  // A weekday needs a real date: day 31 of a 30-day month is its 30th, not the 1st of the next.
  if (period.kind == PeriodKind::kWeekly) {
    anchor.day = static_cast<int>(cal::anchored_day_in_month(anchor.year, anchor.month, anchor.day));
  }
  return anchor;
}

}  // namespace

PeriodCalendar::PeriodCalendar(const lang::ir::Period& period, int32_t tz_offset_minutes,
                               int64_t activation, int billing_day)
    : kind_(period.kind), tz_offset_minutes_(tz_offset_minutes), activation_(activation) {
  cal::LocalTime local = cal::local_time(activation, tz_offset_minutes);
  first_date_ = local.date;
  anchor_ = anchor_for(period, {local.year, local.month, local.day}, billing_day);
}

int64_t PeriodCalendar::local_midnight(int64_t local_date) const {
  return saturate(static_cast<Int128>(local_date) * kSecondsPerDay -
                  static_cast<Int128>(tz_offset_minutes_) * 60);
}

PeriodSpan PeriodCalendar::at(int64_t t) const {
  if (kind_ == PeriodKind::kOnce) return {local_midnight(first_date_), kNeverEnds, 0};
  int64_t date = cal::local_time(std::max(t, activation_), tz_offset_minutes_).date;
  cal::PeriodSpan days = cal::period_containing(kind_, anchor_, first_date_, date);
  return {local_midnight(days.start), local_midnight(days.end), days.index};
}

PeriodSpan PeriodCalendar::next(const PeriodSpan& span) const {
  if (span.end == kNeverEnds) return {kNeverEnds, kNeverEnds, span.index + 1};
  return at(span.end);
}

int64_t PeriodCalendar::days_left(int64_t t) const {
  if (kind_ == PeriodKind::kOnce) return kNeverEnds;
  int64_t date = cal::local_time(std::max(t, activation_), tz_offset_minutes_).date;
  return cal::period_containing(kind_, anchor_, first_date_, date).end - date;
}

}  // namespace gyrate::engine
