// Identity: how a subscriber is found from a request (Diameter Subscription-Id): E.164 number,
// IMSI or NAI, checked and kept in one canonical text so lookups never depend on spelling.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gyrate/base/status.hpp"

namespace gyrate::engine {

// The values are RFC 4006's Subscription-Id-Type codes, so Gy maps them without a table.
enum class IdentityType : uint8_t { kE164 = 0, kImsi = 1, kNai = 3 };

struct Identity {
  IdentityType type = IdentityType::kE164;
  std::string value;  // canonical: E.164 and IMSI digits only; NAI with its realm in lower case
  friend bool operator==(const Identity&, const Identity&) = default;
};

const char* identity_type_name(IdentityType type);  // "e164", "imsi", "nai"
std::optional<IdentityType> identity_type_from_name(std::string_view name);

// Checks `text` as an identity of `type` and returns it canonical. E.164: 1 to 15 digits, the
// first not 0, one leading '+' allowed. IMSI: 6 to 15 digits (MCC, MNC, MSIN). NAI (RFC 7542):
// 1 to 253 bytes, no spaces or control characters, at most one '@' and a non-empty realm after it.
Expected<Identity> make_identity(IdentityType type, std::string_view text);
// "e164:+447700900123", "imsi:001010123456789", "nai:alice@Example.org".
Expected<Identity> parse_identity(std::string_view text);
// The inverse of parse_identity for a canonical identity: "e164:447700900123".
std::string identity_key(const Identity& identity);

}  // namespace gyrate::engine
