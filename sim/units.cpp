// Quantities in the language's unit words (literal::find_unit), mapped to the Gy unit AVPs.
#include "gyrate/sim/units.hpp"

#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::sim {
namespace {

namespace lit = lang::literal;

std::optional<UnitKind> kind_of(lang::Dim dim) {
  switch (dim) {
    case lang::Dim::kToken:
    case lang::Dim::kRequest:
    case lang::Dim::kEvent: return UnitKind::kServiceSpecific;
    case lang::Dim::kByte: return UnitKind::kOctets;
    case lang::Dim::kSecond: return UnitKind::kTime;
    case lang::Dim::kNone: break;
  }
  return std::nullopt;
}

// "unit"/"units" and "octet(s)" are Gy's words; the language has no such unit.
const lit::UnitInfo* find(std::string_view word) {
  static const lit::UnitInfo kUnit{"units", lang::Dim::kToken, 1};
  static const lit::UnitInfo kOctet{"octets", lang::Dim::kByte, 1};
  if (word == "unit" || word == "units") return &kUnit;
  if (word == "octet" || word == "octets") return &kOctet;
  return lit::find_unit(word);
}

}  // namespace

bool is_unit_word(std::string_view word) {
  const lit::UnitInfo* u = find(word);
  return u != nullptr && kind_of(u->dim).has_value();
}

std::optional<Quantity> parse_quantity(std::string_view number, std::string_view unit,
                                       std::string* error) {
  lit::ParsedNumber n = lit::parse_number(number);
  if (n.error != lit::NumberError::kNone || n.number.percent || number.empty()) {
    *error = "`" + std::string(number) + "` is not a number";
    return std::nullopt;
  }
  int64_t scale = 1;
  Quantity q;
  if (!unit.empty()) {
    const lit::UnitInfo* u = find(unit);
    std::optional<UnitKind> kind = u != nullptr ? kind_of(u->dim) : std::nullopt;
    if (!kind) {
      *error = "unknown unit `" + std::string(unit) + "` (tokens, requests, events, units, B, KiB, MiB, " +
               "GiB, KB, MB, GB, octets, s, min, h)";
      return std::nullopt;
    }
    q.kind = *kind;
    scale = u->base_per_unit;
  }
  lit::Fixed f = lit::to_fixed(n.number, scale);
  if (f.error != lit::FixedError::kNone) {
    *error = f.error == lit::FixedError::kInexact ? "not a whole number of units" : "too large";
    return std::nullopt;
  }
  if (q.kind == UnitKind::kTime && f.value > UINT32_MAX) {
    *error = "CC-Time holds at most 4294967295 seconds";
    return std::nullopt;
  }
  q.value = static_cast<uint64_t>(f.value);
  return q;
}

diameter::ServiceUnits to_service_units(const Quantity& q) {
  diameter::ServiceUnits u;
  switch (q.kind) {
    case UnitKind::kServiceSpecific: u.cc_service_specific_units = q.value; break;
    case UnitKind::kOctets: u.cc_total_octets = q.value; break;
    case UnitKind::kTime: u.cc_time = static_cast<uint32_t>(q.value); break;
  }
  return u;
}

std::optional<uint64_t> units_of_kind(const diameter::ServiceUnits& units, UnitKind kind) {
  switch (kind) {
    case UnitKind::kServiceSpecific: return units.cc_service_specific_units;
    case UnitKind::kOctets: return units.cc_total_octets;
    case UnitKind::kTime:
      if (units.cc_time) return uint64_t{*units.cc_time};
      return std::nullopt;
  }
  return std::nullopt;
}

const char* unit_kind_name(UnitKind kind) {
  switch (kind) {
    case UnitKind::kServiceSpecific: return "units";
    case UnitKind::kOctets: return "octets";
    case UnitKind::kTime: return "s";
  }
  return "?";
}

std::string to_string(const Quantity& q) {
  return std::to_string(q.value) + " " + unit_kind_name(q.kind);
}

}  // namespace gyrate::sim
