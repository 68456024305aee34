// ISO 4217 numeric currency codes (Currency-Code AVP, RFC 4006 8.11) for a catalog's currency,
// which the language names by its alphabetic code.
#pragma once

#include <cstdint>
#include <string_view>

namespace gyrate::diameter {

// The numeric code of an alphabetic ISO 4217 code ("EUR" -> 978); 0 when it is not in the table
// (RFC 4006 has no "unknown": the table covers the currencies operators price in).
uint32_t iso4217_numeric(std::string_view alphabetic);

}  // namespace gyrate::diameter
