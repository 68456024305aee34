// The value readers of the population file: see population_values.hpp.
#include "population_values.hpp"

#include <cctype>
#include <limits>

namespace gyrate::sim {
namespace {

using nlohmann::json;

Status bad(const std::string& message) {
  return Status::error(ErrorCode::kInvalidArgument, message);
}

std::optional<uint64_t> quantity_of(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_string()) return parse_amount(value.get<std::string>());
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> parse_amount(const std::string& text) {
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) return std::nullopt;
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit = text.substr(i);
  uint64_t scale = 1;
  if (unit.empty()) {
    scale = 1;
  } else if (unit == "k" || unit == "K") {
    scale = 1000;
  } else if (unit == "M") {
    scale = 1'000'000;
  } else if (unit == "G") {
    scale = 1'000'000'000;
  } else if (unit == "KiB") {
    scale = uint64_t{1} << 10;
  } else if (unit == "MiB") {
    scale = uint64_t{1} << 20;
  } else if (unit == "GiB") {
    scale = uint64_t{1} << 30;
  } else {
    return std::nullopt;
  }
  if (value > std::numeric_limits<uint64_t>::max() / scale) return std::nullopt;
  return value * scale;
}

Expected<int32_t> parse_utc_offset(const std::string& text) {
  if (text == "Z") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' ||
      !std::isdigit(static_cast<unsigned char>(text[1])) ||
      !std::isdigit(static_cast<unsigned char>(text[2])) ||
      !std::isdigit(static_cast<unsigned char>(text[4])) ||
      !std::isdigit(static_cast<unsigned char>(text[5]))) {
    return bad("timezone '" + text + "': expected +HH:MM, -HH:MM or Z");
  }
  int32_t hours = (text[1] - '0') * 10 + (text[2] - '0');
  int32_t minutes = (text[4] - '0') * 10 + (text[5] - '0');
  if (hours > 14 || minutes > 59) return bad("timezone '" + text + "' is out of range");
  int32_t total = hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

Expected<std::pair<uint64_t, uint64_t>> pair_of(const json& value, const std::string& name,
                                                uint64_t min, uint64_t max) {
  std::string expected = "'" + name + "' must be [low, high] with " + std::to_string(min) +
                         " <= low <= high <= " + std::to_string(max);
  if (!value.is_array() || value.size() != 2) return bad(expected);
  auto lo = quantity_of(value[0]);
  auto hi = quantity_of(value[1]);
  if (!lo || !hi || *lo < min || *lo > *hi || *hi > max) return bad(expected);
  return std::pair{*lo, *hi};
}

template <size_t N>
Status weights(const json& value, const std::string& name, std::array<double, N>& out) {
  std::string expected = "'" + name + "' must be " + std::to_string(N) +
                         " numbers >= 0, not all zero";
  if (!value.is_array() || value.size() != N) return bad(expected);
  double sum = 0;
  for (size_t i = 0; i < N; ++i) {
    if (!value[i].is_number() || value[i].get<double>() < 0 || value[i].get<double>() > 1e6) {
      return bad(expected);
    }
    out[i] = value[i].get<double>();
    sum += out[i];
  }
  return sum > 0 ? Status::ok() : bad(expected);
}
template Status weights<24>(const json&, const std::string&, std::array<double, 24>&);
template Status weights<7>(const json&, const std::string&, std::array<double, 7>&);

Status text_field(const json& object, const char* name, std::string& out) {
  if (!object.contains(name)) return Status::ok();
  if (!object[name].is_string()) return bad(std::string("'") + name + "' must be a string");
  out = object[name].get<std::string>();
  return Status::ok();
}

Status u32_field(const json& object, const char* name, uint32_t& out) {
  uint64_t value = out;
  if (Status s = quantity_field(object, name, value); !s) return s;
  if (value > std::numeric_limits<uint32_t>::max()) {
    return bad(std::string("'") + name + "' is more than 32 bits hold");
  }
  out = static_cast<uint32_t>(value);
  return Status::ok();
}

Status quantity_field(const json& object, const char* name, uint64_t& out) {
  if (!object.contains(name)) return Status::ok();
  auto value = quantity_of(object[name]);
  if (!value) {
    return bad(std::string("'") + name +
               "' must be a whole number, optionally with k, M, G, KiB, MiB or GiB");
  }
  out = *value;
  return Status::ok();
}

}  // namespace gyrate::sim
