// The builtin slot table: the user-visible name and type of each builtin context slot.
#include "gyrate/ruleslang/context.hpp"

#include <array>

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

}  // namespace gyrate::lang
