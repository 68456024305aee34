// The value readers of the population file: quantities with unit suffixes, ranges, weights,
// typed fields. Each returns the message a `file:line:` prefix completes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "gyrate/base/status.hpp"

namespace gyrate::sim {

// "20000", "20k", "3M", "1G" (powers of 1000), "500KiB", "20MiB", "2 GiB" (powers of 1024).
std::optional<uint64_t> parse_amount(const std::string& text);
// "+08:00", "-05:30", "Z" -> minutes east of UTC.
Expected<int32_t> parse_utc_offset(const std::string& text);

// [lo, hi] with min <= lo <= hi <= max; numbers or quantity strings.
Expected<std::pair<uint64_t, uint64_t>> pair_of(const nlohmann::json& value, const std::string& name,
                                                uint64_t min, uint64_t max);
// An array of exactly N non-negative numbers, not all zero.
template <size_t N>
Status weights(const nlohmann::json& value, const std::string& name, std::array<double, N>& out);

// Absent fields leave `out` as it is.
Status text_field(const nlohmann::json& object, const char* name, std::string& out);
Status u32_field(const nlohmann::json& object, const char* name, uint32_t& out);
Status quantity_field(const nlohmann::json& object, const char* name, uint64_t& out);

}  // namespace gyrate::sim
