// Human-readable money and quantities for gyratec's reports.
#include "format.hpp"

#include <cstdio>

#include "gyrate/ruleslang/arith.hpp"

namespace gyrate::tools {

std::string format_money(const lang::ir::Program& program, std::optional<uint16_t> currency,
                         int64_t micros) {
  int digits = 2;
  std::string name = "";
  if (currency && *currency < program.currencies.size()) {
    digits = program.currencies[*currency].minor_digits;
    name = program.currencies[*currency].name;
  }
  int64_t unit = 1;
  for (int i = digits; i < 6; ++i) unit *= 10;  // millionths per minor unit
  int64_t minor = static_cast<int64_t>(lang::arith::round_div(micros, unit));
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  char buf[64];
  bool negative = minor < 0;
  uint64_t mag = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  uint64_t s = static_cast<uint64_t>(scale);
  if (digits == 0) {
    std::snprintf(buf, sizeof buf, "%s%llu", negative ? "-" : "",
                  static_cast<unsigned long long>(mag));
  } else {
    std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", negative ? "-" : "",
                  static_cast<unsigned long long>(mag / s), digits,
                  static_cast<unsigned long long>(mag % s));
  }
  std::string out = buf;
  if (!name.empty()) out += " " + name;
  return out;
}

std::string format_quantity(int64_t amount, lang::Dim dim) {
  char buf[64];
  const char* unit = lang::dim_name(dim);
  double v = static_cast<double>(amount);  // display only: never used for charging
  if (dim == lang::Dim::kByte) {
    if (amount >= (int64_t{1} << 30)) {
      std::snprintf(buf, sizeof buf, "%.2f GiB", v / (1 << 30));
    } else if (amount >= (1 << 20)) {
      std::snprintf(buf, sizeof buf, "%.2f MiB", v / (1 << 20));
    } else {
      std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(amount));
    }
    return buf;
  }
  if (amount >= 1'000'000 || amount <= -1'000'000) {
    std::snprintf(buf, sizeof buf, "%.2fM %s", v / 1e6, unit);
  } else if (amount >= 10'000 || amount <= -10'000) {
    std::snprintf(buf, sizeof buf, "%.1fk %s", v / 1e3, unit);
  } else {
    std::snprintf(buf, sizeof buf, "%lld %s", static_cast<long long>(amount), unit);
  }
  return buf;
}

}  // namespace gyrate::tools
