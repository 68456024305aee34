// Example extension plugin: the mainland-China public holiday calendar (statutory holidays and the
// weekend days swapped into working days), so tariffs can price holidays and working days apart.
#include <cstdint>

#include "gyrate/plugins/plugin_abi.h"

namespace {

// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm), usable in constant tables.
constexpr int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Span {
  int64_t first;  // days since the epoch
  int64_t days;
};

constexpr Span span(int64_t y, int64_t m, int64_t d, int64_t days) {
  return {days_from_civil(y, m, d), days};
}

// Holiday periods as the State Council General Office's notices publish them (the whole
// announced period, weekend days inside it included): 2025 from the notice of 12 November 2024,
// 2026 from that of 4 November 2025. Both lists, and the swapped days below, were checked
// against the notices' published texts on 2026-11-30.
constexpr Span kHolidays[] = {
    span(2025, 1, 1, 1),  span(2025, 1, 28, 8), span(2025, 4, 4, 3),  span(2025, 5, 1, 5),
    span(2025, 5, 31, 3), span(2025, 10, 1, 8), span(2026, 1, 1, 3),  span(2026, 2, 15, 9),
    span(2026, 4, 4, 3),  span(2026, 5, 1, 5),  span(2026, 6, 19, 3), span(2026, 9, 25, 3),
    span(2026, 10, 1, 7),
};

// Weekend days that are working days in exchange ("调休").
constexpr int64_t kSwappedWorkdays[] = {
    days_from_civil(2025, 1, 26), days_from_civil(2025, 2, 8),  days_from_civil(2025, 4, 27),
    days_from_civil(2025, 9, 28), days_from_civil(2025, 10, 11), days_from_civil(2026, 1, 4),
    days_from_civil(2026, 2, 14), days_from_civil(2026, 2, 28), days_from_civil(2026, 5, 9),
    days_from_civil(2026, 9, 20), days_from_civil(2026, 10, 10),
};

bool is_holiday(int64_t day) {
  for (const Span& s : kHolidays) {
    if (day >= s.first && day < s.first + s.days) return true;
  }
  return false;
}

bool is_swapped_workday(int64_t day) {
  for (int64_t d : kSwappedWorkdays) {
    if (d == day) return true;
  }
  return false;
}

// 1 (Monday) .. 7 (Sunday); 1970-01-01 was a Thursday.
int64_t weekday_of(int64_t day) {
  int64_t r = (day + 3) % 7;
  return (r < 0 ? r + 7 : r) + 1;
}

int32_t cn_holiday(const int64_t* args, int64_t* out) {
  *out = is_holiday(args[0]) ? 1 : 0;
  return 0;
}

// Outside the years the table covers this is simply Monday to Friday.
int32_t cn_workday(const int64_t* args, int64_t* out) {
  int64_t day = args[0];
  bool weekday = weekday_of(day) <= 5;
  *out = is_swapped_workday(day) || (weekday && !is_holiday(day)) ? 1 : 0;
  return 0;
}

constexpr gyrate_type kDate = {GYRATE_VALUE_DATE, GYRATE_DIM_NONE};
constexpr gyrate_type kBool = {GYRATE_VALUE_BOOL, GYRATE_DIM_NONE};

const gyrate_function kFunctions[] = {
    {"cn_holiday", 1, &kDate, kBool, &cn_holiday,
     "true on a mainland-China statutory holiday (2025-2026 calendar)"},
    {"cn_workday", 1, &kDate, kBool, &cn_workday,
     "true on an official working day: Monday-Friday outside holidays, plus swapped weekend days"},
};

const gyrate_plugin kPlugin = {
    GYRATE_PLUGIN_ABI_VERSION, sizeof(gyrate_plugin), "cn_calendar", "2026.1",
    sizeof(kFunctions) / sizeof(kFunctions[0]), kFunctions,
};

}  // namespace

// The module's entry point (plugin_abi.h). A static build calls it directly and hands the result
// to gyrate::plugins::register_plugin.
extern "C" __attribute__((visibility("default"))) const gyrate_plugin* gyrate_plugin_entry(void) {
  return &kPlugin;
}
