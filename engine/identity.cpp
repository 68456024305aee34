// Identity checks and canonical text (see identity.hpp).
#include "gyrate/engine/identity.hpp"

#include <algorithm>

namespace gyrate::engine {
namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status refused(IdentityType type, std::string_view text, std::string_view why) {
  return Status::error(ErrorCode::kInvalidArgument, std::string(identity_type_name(type)) +
                                                        " '" + std::string(text) + "': " +
                                                        std::string(why));
}

}  // namespace

const char* identity_type_name(IdentityType type) {
  switch (type) {
    case IdentityType::kE164: return "e164";
    case IdentityType::kImsi: return "imsi";
    case IdentityType::kNai: return "nai";
  }
  return "?";
}

std::optional<IdentityType> identity_type_from_name(std::string_view name) {
  for (IdentityType t : {IdentityType::kE164, IdentityType::kImsi, IdentityType::kNai}) {
    if (name == identity_type_name(t)) return t;
  }
  return std::nullopt;
}

Expected<Identity> make_identity(IdentityType type, std::string_view text) {
  switch (type) {
    case IdentityType::kE164: {
      std::string_view digits = text;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      if (digits.empty() || digits.size() > 15 || !all_digits(digits)) {
        return refused(type, text, "an E.164 number is 1 to 15 digits, optionally after '+'");
      }
      if (digits.front() == '0') return refused(type, text, "a country code never starts with 0");
      return Identity{type, std::string(digits)};
    }
    case IdentityType::kImsi:
      if (text.size() < 6 || text.size() > 15 || !all_digits(text)) {
        return refused(type, text, "an IMSI is 6 to 15 digits");
      }
      return Identity{type, std::string(text)};
    case IdentityType::kNai: {
      if (text.empty() || text.size() > 253) return refused(type, text, "an NAI is 1 to 253 bytes");
      for (unsigned char c : text) {
        if (c <= 0x20 || c == 0x7f) return refused(type, text, "spaces and control characters are not allowed");
      }
      size_t at = text.find('@');
      if (at == std::string_view::npos) return Identity{type, std::string(text)};
      if (text.find('@', at + 1) != std::string_view::npos) return refused(type, text, "more than one '@'");
      if (at + 1 == text.size()) return refused(type, text, "the realm after '@' is empty");
      // Realms are DNS names, compared without case (RFC 7542 section 2.4); the user part is kept.
      std::string canonical(text);
      std::transform(canonical.begin() + static_cast<std::ptrdiff_t>(at) + 1, canonical.end(),
                     canonical.begin() + static_cast<std::ptrdiff_t>(at) + 1,
                     [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
      return Identity{type, std::move(canonical)};
    }
  }
  return Status::error(ErrorCode::kInvalidArgument, "unknown identity type");
}

Expected<Identity> parse_identity(std::string_view text) {
  size_t colon = text.find(':');
  std::optional<IdentityType> type =
      colon == std::string_view::npos ? std::nullopt : identity_type_from_name(text.substr(0, colon));
  if (!type) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "identity '" + std::string(text) + "' is not TYPE:VALUE with TYPE e164, imsi or nai");
  }
  return make_identity(*type, text.substr(colon + 1));
}

std::string identity_key(const Identity& identity) {
  return std::string(identity_type_name(identity.type)) + ":" + identity.value;
}

}  // namespace gyrate::engine
