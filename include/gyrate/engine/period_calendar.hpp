// A subscriber's period calendar for one plan: where each charging period starts and ends (unix
// seconds), its index since activation, and the boundaries a lazy renewal must replay.
#pragma once

#include <cstdint>
#include <limits>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::engine {

// A period that never ends (`period once`) ends here; so does one whose end is past int64 seconds.
inline constexpr int64_t kNeverEnds = std::numeric_limits<int64_t>::max();

struct PeriodSpan {
  int64_t start = 0;  // unix seconds, inclusive: local midnight of the period's first day
  int64_t end = 0;    // unix seconds, exclusive: the next boundary, or kNeverEnds
  int64_t index = 0;  // 0 for the period containing activation, +1 at each boundary
  friend bool operator==(const PeriodSpan&, const PeriodSpan&) = default;
};

// The engine's only source of period math (docs/engine.md, "Periods"). Every boundary is local
// midnight in the catalog's fixed time zone; the anchor decides which midnights. Immutable and
// cheap to copy: build one per subscriber and plan version when needed.
class PeriodCalendar {
 public:
  // `billing_day` and a `day N` anchor outside 1..31 are clamped into it (the checker refuses
  // such anchors in tariffs; a subscriber record is not trusted to be in range).
  PeriodCalendar(const lang::ir::Period& period, int32_t tz_offset_minutes, int64_t activation,
                 int billing_day);

  // The period containing `t`. A time before activation is read as the activation instant, so
  // the answer is never before period 0. O(1): arithmetic on days, months and years.
  PeriodSpan at(int64_t t) const;

  // The period after `span` (span must come from this calendar). A period that never ends is
  // followed by an empty span {kNeverEnds, kNeverEnds, index + 1}.
  PeriodSpan next(const PeriodSpan& span) const;

  // Local calendar days from t's date to the end of its period, t's own day included: 1 on the
  // last day of a period, the period's length in days on its first. kNeverEnds for `once`.
  int64_t days_left(int64_t t) const;

  // Lazy catch-up: calls f(const PeriodSpan&) with each period that begins in (from, to], in
  // order, so a subscriber silent for months renews once per period passed. Period 0's start is
  // never a boundary (provisioning opens it). Linear in the number of boundaries.
  template <class F>
  void for_each_boundary(int64_t from, int64_t to, F&& f) const {
    if (to <= from) return;
    PeriodSpan span = at(from);
    while (span.end != kNeverEnds && span.end <= to) {
      PeriodSpan following = next(span);
      // Spans always move forward; the check keeps a request thread from spinning if they ever
      // did not (a calendar bug shows up as missing renewals in tests, not as a hung server).
      if (following.start != span.end || following.end <= following.start) return;
      span = following;
      f(static_cast<const PeriodSpan&>(span));
    }
  }

  lang::ir::PeriodKind kind() const { return kind_; }
  int64_t activation() const { return activation_; }

 private:
  int64_t local_midnight(int64_t local_date) const;  // unix seconds, saturated

  lang::ir::PeriodKind kind_;
  int32_t tz_offset_minutes_;
  int64_t activation_;
  int64_t first_date_;            // activation's local date, days since the epoch
  lang::calendar::CivilDate anchor_;  // as lang::calendar::period_containing reads it for kind_
};

}  // namespace gyrate::engine
