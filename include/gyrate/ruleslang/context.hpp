// The flat evaluation context: request, subscriber, time and balance fields read by slot index.
// The interpreter and the JIT read the same layout, so a decision is a handful of loads.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "gyrate/ruleslang/types.hpp"

namespace gyrate::lang {

// Bump when the builtin slot list changes: compiled code and caches are keyed on it.
inline constexpr uint32_t kContextLayoutVersion = 1;
inline constexpr int kMaxWindowLimits = 4;  // rolling-window limits per service
// The most slots a context has (builtins and declared attributes): the engine decides from a
// fixed-size buffer of this many, so a catalog with more is refused when it is loaded.
inline constexpr uint32_t kMaxContextSlots = 256;

// Builtin slots come first; declared subscriber attributes follow from kSlotBuiltinCount on.
// Service-relative quantities (requested, used, ...) are in the unit of the evaluated service.
enum BuiltinSlot : uint16_t {
  kSlotTimestamp,     // int: seconds since the epoch (UTC)
  kSlotDate,          // date: local date (catalog timezone)
  kSlotYear,          // int
  kSlotMonth,         // int 1..12
  kSlotDay,           // int 1..31
  kSlotHour,          // int 0..23
  kSlotMinute,        // int 0..59
  kSlotTime,          // time of day, minutes since local midnight
  kSlotWeekday,       // weekday 1..7
  kSlotModel,         // model index or -1
  kSlotRequested,     // quantity: units requested (RSU), 0 when none given
  kSlotUsed,          // quantity: used by this subscriber in this period, this service
  kSlotRemaining,     // quantity: balance left for this service (all buckets, in allowance units)
  kSlotPeriodAllowance,  // quantity: this period's allowance for this service
  kSlotSpend,         // money: spent in this period (overage and packs)
  kSlotPeriodIndex,   // int: 0 in the subscriber's first period of the plan
  kSlotDaysLeft,      // int: whole days left in the current period
  kSlotMemberUsed,    // quantity: used by this member of a pooled plan in this period
  kSlotBillingDay,    // int 1..31: the subscriber's billing day
  kSlotWindowUsed0,   // quantity: used within rolling-window limit 0 .. kMaxWindowLimits-1
  kSlotWindowUsed1,
  kSlotWindowUsed2,
  kSlotWindowUsed3,
  kSlotBuiltinCount,
};

struct BuiltinSlotInfo {
  std::string_view name;  // the name a tariff uses; empty when not user-visible
  TypeKind kind;          // kQuantity means "in the evaluated service's unit"
};
const BuiltinSlotInfo& builtin_slot_info(uint16_t slot);

// Writes the timestamp and every local time field (date, year, ..., weekday) of `unix_seconds`
// in a fixed UTC offset into slots[kSlotTimestamp .. kSlotWeekday].
void set_time_fields(int64_t* slots, int64_t unix_seconds, int32_t offset_minutes);

// One evaluation context: a vector sized by Program::context_slots.
struct Context {
  std::vector<int64_t> slots;
  const int64_t* data() const { return slots.data(); }
};

}  // namespace gyrate::lang
