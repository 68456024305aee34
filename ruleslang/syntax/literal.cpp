// Exact number-literal parsing, fixed-point conversion and the unit table (see literal.hpp).
#include "gyrate/ruleslang/literal.hpp"

#include <array>
#include <limits>

namespace gyrate::lang::literal {
namespace {

constexpr Int128 kMantissaLimit = static_cast<Int128>(1'000'000'000'000'000'000) *
                                    static_cast<Int128>(1'000'000'000'000'000'000);  // 10^36
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return is_digit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
int scale_exponent(char c) {
  switch (c) {
    case 'k': return 3;
    case 'M': return 6;
    case 'G': return 9;
    default: return 0;
  }
}

constexpr int64_t kKi = 1024;
constexpr std::array<UnitInfo, 21> kUnits{{
    {"token", Dim::kToken, 1},
    {"byte", Dim::kByte, 1},
    {"B", Dim::kByte, 1},
    {"KB", Dim::kByte, 1'000},
    {"MB", Dim::kByte, 1'000'000},
    {"GB", Dim::kByte, 1'000'000'000},
    {"TB", Dim::kByte, 1'000'000'000'000},
    {"KiB", Dim::kByte, kKi},
    {"MiB", Dim::kByte, kKi * kKi},
    {"GiB", Dim::kByte, kKi * kKi * kKi},
    {"TiB", Dim::kByte, kKi * kKi * kKi * kKi},
    {"second", Dim::kSecond, 1},
    {"s", Dim::kSecond, 1},
    {"min", Dim::kSecond, 60},
    {"minute", Dim::kSecond, 60},
    {"h", Dim::kSecond, 3'600},
    {"hour", Dim::kSecond, 3'600},
    {"day", Dim::kSecond, 86'400},
    {"week", Dim::kSecond, 604'800},
    {"request", Dim::kRequest, 1},
    {"event", Dim::kEvent, 1},
}};

// Word units accept an 's' plural; symbols (B, KB, s, h, ...) do not.
bool takes_plural(std::string_view name) {
  return name == "token" || name == "byte" || name == "second" || name == "min" ||
         name == "minute" || name == "hour" || name == "day" || name == "week" ||
         name == "request" || name == "event";
}

// Removes factors of `p` from `v` while `need` > 0.
void take_factors(Int128& v, int64_t p, int32_t& need) {
  while (need > 0 && v != 0 && v % p == 0) {
    v /= p;
    --need;
  }
}

}  // namespace

bool Number::is_whole() const { return exponent >= 0 || mantissa == 0; }

size_t scan_number(std::string_view t) {
  size_t i = 0;
  if (t.empty() || !is_digit(t[0])) return 0;
  while (i < t.size() && (is_digit(t[i]) || t[i] == '_')) ++i;
  if (i + 1 < t.size() && t[i] == '.' && is_digit(t[i + 1])) {
    i += 1;
    while (i < t.size() && (is_digit(t[i]) || t[i] == '_')) ++i;
  }
  if (i < t.size() && scale_exponent(t[i]) != 0 && (i + 1 >= t.size() || !is_ident_char(t[i + 1]))) {
    ++i;
  }
  if (i < t.size() && t[i] == '%') ++i;
  return i;
}

ParsedNumber parse_number(std::string_view t) {
  ParsedNumber r;
  if (t.empty() || scan_number(t) != t.size()) {
    r.error = NumberError::kMalformed;
    return r;
  }
  Number& n = r.number;
  size_t i = 0;
  Int128 m = 0;
  int32_t exp = 0;
  auto push = [&](char c) {
    m = m * 10 + (c - '0');
    return m < kMantissaLimit;
  };
  for (; i < t.size() && (is_digit(t[i]) || t[i] == '_'); ++i) {
    if (t[i] != '_' && !push(t[i])) {
      r.error = NumberError::kTooLarge;
      return r;
    }
  }
  if (i < t.size() && t[i] == '.') {
    n.has_point = true;
    ++i;
    size_t end = i;
    while (end < t.size() && (is_digit(t[end]) || t[end] == '_')) ++end;
    // Trailing zeros of the fraction add nothing; dropping them keeps "1.000...0" parseable.
    size_t last = end;
    while (last > i && (t[last - 1] == '0' || t[last - 1] == '_')) --last;
    for (size_t j = i; j < last; ++j) {
      if (t[j] == '_') continue;
      if (!push(t[j])) {
        r.error = NumberError::kTooLarge;
        return r;
      }
      --exp;
    }
    i = end;
  }
  if (i < t.size() && scale_exponent(t[i]) != 0) {
    n.scale = t[i];
    exp += scale_exponent(t[i]);
    ++i;
  }
  if (i < t.size() && t[i] == '%') {
    n.percent = true;
    exp -= 2;
    ++i;
  }
  // Canonical form: no trailing decimal zeros in the mantissa when the exponent is negative.
  while (exp < 0 && m != 0 && m % 10 == 0) {
    m /= 10;
    ++exp;
  }
  if (m == 0) exp = 0;
  n.mantissa = m;
  n.exponent = exp;
  return r;
}

Fixed to_fixed(const Number& n, int64_t scale) {
  Fixed r;
  if (scale <= 0 || n.mantissa < 0) {
    r.error = FixedError::kOverflow;
    return r;
  }
  Int128 m = n.mantissa;
  Int128 s = scale;
  if (n.exponent < 0) {
    // value * scale = m * s / (2^d * 5^d): cancel the factors of 10^d against m and s.
    int32_t twos = -n.exponent;
    int32_t fives = -n.exponent;
    take_factors(m, 2, twos);
    take_factors(m, 5, fives);
    take_factors(s, 2, twos);
    take_factors(s, 5, fives);
    if (m != 0 && (twos > 0 || fives > 0)) {
      r.error = FixedError::kInexact;
      return r;
    }
  }
  if (m != 0 && s > kInt64Max / m) {
    r.error = FixedError::kOverflow;
    return r;
  }
  Int128 v = m * s;
  for (int32_t e = n.exponent; e > 0 && v != 0; --e) {
    if (v > kInt64Max / 10) {
      r.error = FixedError::kOverflow;
      return r;
    }
    v *= 10;
  }
  r.value = static_cast<int64_t>(v);
  return r;
}

std::string format_fixed(int64_t value, int decimals) {
  decimals = decimals < 0 ? 0 : decimals > 18 ? 18 : decimals;
  UInt128 mag = value < 0 ? UInt128(0) - static_cast<UInt128>(static_cast<Int128>(value))
                          : static_cast<UInt128>(value);
  UInt128 pow = 1;
  for (int i = 0; i < decimals; ++i) pow *= 10;
  std::string whole = std::to_string(static_cast<uint64_t>(mag / pow));
  std::string frac;
  UInt128 rest = mag % pow;
  for (int i = 0; i < decimals; ++i) {
    pow /= 10;
    frac.push_back(static_cast<char>('0' + static_cast<int>(rest / pow)));
    rest %= pow;
  }
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  if (frac.empty()) frac.push_back('0');  // push_back, not = "0": GCC 12 -Wrestrict false positive
  return (value < 0 ? "-" : "") + whole + "." + frac;
}

const UnitInfo* find_unit(std::string_view name) {
  for (const UnitInfo& u : kUnits) {
    if (u.name == name) return &u;
  }
  if (name.size() > 1 && name.back() == 's') {
    std::string_view singular = name.substr(0, name.size() - 1);
    for (const UnitInfo& u : kUnits) {
      if (u.name == singular && takes_plural(u.name)) return &u;
    }
  }
  return nullptr;
}

std::span<const UnitInfo> all_units() { return kUnits; }

std::optional<int64_t> parse_time_of_day(std::string_view t) {
  if (t.size() != 5 || t[2] != ':' || !is_digit(t[0]) || !is_digit(t[1]) || !is_digit(t[3]) ||
      !is_digit(t[4])) {
    return std::nullopt;
  }
  int64_t h = (t[0] - '0') * 10 + (t[1] - '0');
  int64_t m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

namespace {
constexpr std::array<const char*, 7> kWeekdays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
}  // namespace

std::optional<int64_t> parse_weekday(std::string_view t) {
  for (size_t i = 0; i < kWeekdays.size(); ++i) {
    if (t == kWeekdays[i]) return static_cast<int64_t>(i + 1);
  }
  return std::nullopt;
}

const char* weekday_name(int64_t weekday) {
  if (weekday < 1 || weekday > 7) return "?";
  return kWeekdays[static_cast<size_t>(weekday - 1)];
}

}  // namespace gyrate::lang::literal
