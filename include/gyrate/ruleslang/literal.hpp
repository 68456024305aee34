// Exact parsing of number literals ("42", "1_000", "400k", "1.5M", "9.99", "80%"), the unit table
// and a few small value literals, shared by the checker, the context builder and tools.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gyrate/ruleslang/int128.hpp"
#include "gyrate/ruleslang/types.hpp"

namespace gyrate::lang::literal {

// An exact non-negative decimal: value = mantissa * 10^exponent. Literals carry no sign (unary
// minus is an operator). Trailing zeros of the fraction are stripped, so "1.50" and "1.5" are equal.
struct Number {
  Int128 mantissa = 0;  // 0 <= mantissa < 10^36
  int32_t exponent = 0;   // decimal places are -exponent when negative
  bool has_point = false; // written with a decimal point ("1.5", "1.0"): a ratio, not an int
  bool percent = false;   // written with a trailing '%': already divided by 100 in exponent
  char scale = 0;         // the glued scale letter 'k', 'M', 'G', or 0; already in exponent

  // True when the value is a whole number (after scale letters: "1.5M" is whole).
  bool is_whole() const;
  friend bool operator==(const Number&, const Number&) = default;
};

enum class NumberError : uint8_t {
  kNone,
  kMalformed,  // not a number token: "", "_1", "1.", ".5", "1.2.3", "12x", "k"
  kTooLarge,   // more than 36 significant digits
};

struct ParsedNumber {
  Number number;
  NumberError error = NumberError::kNone;
};

// Length of the longest prefix of `text` that has the shape of a number token: digits and
// underscores, optionally '.' followed by a digit and more digits/underscores, optionally one
// scale letter k/M/G not followed by an identifier character, optionally '%'. 0 when `text` does
// not start with a digit. Lexers use it to cut the token, then call parse_number on it.
size_t scan_number(std::string_view text);

// Parses one whole number token (exactly what scan_number accepts, nothing around it).
// Grammar: digit (digit | '_')* ['.' digit (digit | '_')*] [k|M|G] ['%'].
// Underscores are ignored; a scale letter and '%' may be combined ("1.5k%" is odd but exact).
ParsedNumber parse_number(std::string_view token);

enum class FixedError : uint8_t {
  kNone,
  kInexact,   // value * scale is not a whole number ("0.5 token", "0.0000001 CNY")
  kOverflow,  // value * scale > INT64_MAX
};

struct Fixed {
  int64_t value = 0;  // >= 0; valid when error == kNone
  FixedError error = FixedError::kNone;
};

// Exact value * scale as an int64 (scale > 0): the run-time representation of a literal in a type
// whose fixed-point scale or unit multiplier is `scale` (kFixedScale for ratio/money, 1 for int,
// UnitInfo::base_per_unit for quantities). Never rounds.
Fixed to_fixed(const Number& n, int64_t scale);

// The decimal text of value / 10^decimals with trailing zeros trimmed but one fractional digit
// kept: format_fixed(3'000'000) == "3.0", format_fixed(-125) == "-0.000125". For dumps and tools.
std::string format_fixed(int64_t value, int decimals = 6);

// A unit word: dimension and how many base units (token, byte, second, request, event) one is.
struct UnitInfo {
  std::string_view name;  // canonical spelling as language.md lists it
  Dim dim = Dim::kNone;
  int64_t base_per_unit = 1;
};

// Finds a unit by its exact, case-sensitive spelling: canonical names, short forms (B, KB, ..., s,
// min, h) and plurals of the word forms (tokens, bytes, seconds, minutes, mins, hours, days, weeks,
// requests, events). nullptr when unknown.
const UnitInfo* find_unit(std::string_view name);
// All canonical units (no plurals), for "did you mean" help and documentation.
std::span<const UnitInfo> all_units();

// Strict "HH:MM" (00:00 .. 23:59) -> minutes after midnight.
std::optional<int64_t> parse_time_of_day(std::string_view text);
// "mon" .. "sun" -> 1 .. 7.
std::optional<int64_t> parse_weekday(std::string_view text);
const char* weekday_name(int64_t weekday);  // 1..7 -> "mon".."sun"; "?" otherwise

}  // namespace gyrate::lang::literal
