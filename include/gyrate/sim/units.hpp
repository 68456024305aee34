// Quantities as integrators write them ("400k tokens", "2 MiB", "30 s") and the Gy unit AVP each
// travels in: tokens, requests and events in CC-Service-Specific-Units, data in CC-Total-Octets,
// time in CC-Time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gyrate/diameter/gy_message.hpp"

namespace gyrate::sim {

enum class UnitKind : uint8_t { kServiceSpecific, kOctets, kTime };

struct Quantity {
  UnitKind kind = UnitKind::kServiceSpecific;
  uint64_t value = 0;  // units, octets or seconds
  bool operator==(const Quantity&) const = default;
};

// "400k tokens", "400k token", "1.5M", "2 MiB", "2MiB", "30 s", "1 h", "3 events": a number (with
// k/M/G, exact) and an optional unit; no unit means service-specific units. nullopt with `error`
// set when it is not one (error names what is wrong, for a diagnostic).
std::optional<Quantity> parse_quantity(std::string_view number, std::string_view unit,
                                       std::string* error);
// Whether `word` is a unit parse_quantity knows (so a parser can tell "2 MiB" from "2 rg").
bool is_unit_word(std::string_view word);

// The ServiceUnits carrying `q` (one AVP set), and the value of that kind in `units`, if present.
diameter::ServiceUnits to_service_units(const Quantity& q);
std::optional<uint64_t> units_of_kind(const diameter::ServiceUnits& units, UnitKind kind);
// "400000 units", "2097152 octets", "30 s".
std::string to_string(const Quantity& q);
const char* unit_kind_name(UnitKind kind);  // "units", "octets", "s"

}  // namespace gyrate::sim
