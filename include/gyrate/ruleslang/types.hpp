// Value types of the tariff language and how each is represented at run time (always one int64).
#pragma once

#include <cstdint>
#include <string>

namespace gyrate::lang {

// Unit dimensions. Quantities of different dimensions never mix without an explicit conversion.
enum class Dim : uint8_t { kNone, kToken, kByte, kSecond, kRequest, kEvent };

// Run-time representation of every type is one int64_t:
//   kBool       0 or 1
//   kInt        the integer
//   kRatio      fixed point, millionths (1.5 -> 1'500'000; 80% -> 800'000)
//   kQuantity   integer count of the base unit: tokens, bytes, seconds, requests, events
//   kMoney      fixed point, millionths of the currency's major unit (9.9 CNY -> 9'900'000)
//   kString     interned id into Program::strings (0 means "not a string the catalog knows")
//   kDate       days since 1970-01-01
//   kTimeOfDay  minutes since midnight, 0..1439
//   kWeekday    1 (Monday) .. 7 (Sunday)
//   kModel      index into Program::models, -1 when the request names no model
enum class TypeKind : uint8_t {
  kError,  // produced after a reported error; suppresses follow-on diagnostics
  kBool, kInt, kRatio, kQuantity, kMoney, kString, kDate, kTimeOfDay, kWeekday, kModel,
};

inline constexpr int64_t kFixedScale = 1'000'000;  // scale of kRatio and kMoney

struct Type {
  TypeKind kind = TypeKind::kError;
  Dim dim = Dim::kNone;       // kQuantity only
  uint16_t currency = 0;      // kMoney only: index into Program::currencies

  friend bool operator==(const Type&, const Type&) = default;
  static Type error() { return {}; }
  static Type of(TypeKind k) { return {k, Dim::kNone, 0}; }
  static Type quantity(Dim d) { return {TypeKind::kQuantity, d, 0}; }
  static Type money(uint16_t cur) { return {TypeKind::kMoney, Dim::kNone, cur}; }
};

const char* dim_name(Dim d);              // "token", "byte", ...
const char* type_kind_name(TypeKind k);   // "int", "ratio", ...

}  // namespace gyrate::lang
