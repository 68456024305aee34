// The builtin slot table (the user-visible name and type of each builtin context slot) and the
// time fields every context carries.
#include "gyrate/ruleslang/context.hpp"

#include <array>

#include "gyrate/ruleslang/calendar.hpp"

namespace gyrate::lang {
namespace {

using K = TypeKind;
constexpr std::array<BuiltinSlotInfo, kSlotBuiltinCount> kSlots{{
    {"", K::kInt},                    // timestamp: set through ContextBuilder::at, not named
    {"date", K::kDate},
    {"year", K::kInt},
    {"month", K::kInt},
    {"day", K::kInt},
    {"hour", K::kInt},
    {"minute", K::kInt},
    {"time", K::kTimeOfDay},
    {"weekday", K::kWeekday},
    {"model", K::kModel},
    {"requested", K::kQuantity},
    {"used", K::kQuantity},
    {"remaining", K::kQuantity},
    {"period_allowance", K::kQuantity},
    {"spend", K::kMoney},
    {"period_index", K::kInt},
    {"days_left", K::kInt},
    {"member_used", K::kQuantity},
    {"billing_day", K::kInt},
    {"", K::kQuantity},               // window slots: read by decide(), not by tariffs
    {"", K::kQuantity},
    {"", K::kQuantity},
    {"", K::kQuantity},
}};
constexpr BuiltinSlotInfo kNotBuiltin{"", K::kError};

}  // namespace

const BuiltinSlotInfo& builtin_slot_info(uint16_t slot) {
  return slot < kSlots.size() ? kSlots[slot] : kNotBuiltin;
}

void set_time_fields(int64_t* slots, int64_t unix_seconds, int32_t offset_minutes) {
  calendar::LocalTime lt = calendar::local_time(unix_seconds, offset_minutes);
  slots[kSlotTimestamp] = unix_seconds;
  slots[kSlotDate] = lt.date;
  slots[kSlotYear] = lt.year;
  slots[kSlotMonth] = lt.month;
  slots[kSlotDay] = lt.day;
  slots[kSlotHour] = lt.hour;
  slots[kSlotMinute] = lt.minute;
  slots[kSlotTime] = int64_t{lt.hour} * 60 + lt.minute;
  slots[kSlotWeekday] = lt.weekday;
}

}  // namespace gyrate::lang
