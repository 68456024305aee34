#include "gyrate/diameter/gy_units.hpp"

#include <algorithm>
#include <limits>

namespace gyrate::diameter {
namespace {

template <typename T>
T clamp_to(int64_t amount) {
  int64_t hi = static_cast<int64_t>(std::min<uint64_t>(std::numeric_limits<T>::max(),
                                                       std::numeric_limits<int64_t>::max()));
  return static_cast<T>(std::clamp<int64_t>(amount, 0, hi));
}

int64_t to_int64(uint64_t v) {
  return static_cast<int64_t>(std::min<uint64_t>(v, std::numeric_limits<int64_t>::max()));
}

}  // namespace

std::optional<int64_t> amount_in(const ServiceUnits& units, lang::Dim dim) {
  switch (dim) {
    case lang::Dim::kByte:
      if (units.cc_total_octets) return to_int64(*units.cc_total_octets);
      if (units.cc_input_octets || units.cc_output_octets) {
        uint64_t in = units.cc_input_octets.value_or(0);
        uint64_t out = units.cc_output_octets.value_or(0);
        return to_int64(in > std::numeric_limits<uint64_t>::max() - out
                            ? std::numeric_limits<uint64_t>::max() : in + out);
      }
      return std::nullopt;
    case lang::Dim::kSecond:
      if (units.cc_time) return static_cast<int64_t>(*units.cc_time);
      return std::nullopt;
    case lang::Dim::kToken:
    case lang::Dim::kRequest:
    case lang::Dim::kEvent:
    case lang::Dim::kNone:
      if (units.cc_service_specific_units) return to_int64(*units.cc_service_specific_units);
      return std::nullopt;
  }
  return std::nullopt;
}

ServiceUnits units_in(lang::Dim dim, int64_t amount) {
  ServiceUnits u;
  switch (dim) {
    case lang::Dim::kByte: u.cc_total_octets = clamp_to<uint64_t>(amount); break;
    case lang::Dim::kSecond: u.cc_time = clamp_to<uint32_t>(amount); break;
    default: u.cc_service_specific_units = clamp_to<uint64_t>(amount); break;
  }
  return u;
}

void set_quota_threshold(MsccAnswer& answer, lang::Dim dim, int64_t amount) {
  uint32_t value = clamp_to<uint32_t>(amount);
  switch (dim) {
    case lang::Dim::kByte: answer.volume_quota_threshold = value; break;
    case lang::Dim::kSecond: answer.time_quota_threshold = value; break;
    default: answer.unit_quota_threshold = value; break;
  }
}

}  // namespace gyrate::diameter
