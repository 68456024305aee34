// The Redis keys of the Redis Cluster store (docs/operations.md, "Redis Cluster store"). Every
// account is one hash under the hash tag {acct:ID} (its stored answers are fields of it), and the
// CDR outbox of its slot is named by a short tag chosen to hash to that slot, so one FUNCTION
// call may touch both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gyrate/engine/account.hpp"

namespace gyrate::redis {

inline constexpr uint16_t kSlots = 16384;

// "{acct:ID}": a hash with the account's revision, encoded state and identity index lines.
std::string account_key(std::string_view account);
// "<session>\0<number>\0<op>\0<service>": names a request's stored answer, the field
// "r:<this>" of the account's hash (gyrate_functions.lua). A request's session marker is the
// field "s:<session>" (engine::session_base: without a "#<Service-Identifier>" suffix).
std::string request_field(const engine::RequestKey& key);
// "cdr:{<tag>}": the CDR outbox stream of `slot`; the same slot as every account key in it.
std::string outbox_key(uint16_t slot);
// The outbox that commits atomically with the account (its slot's).
std::string outbox_key_of(std::string_view account);
// "ident:{<identity key>}": the id owning an identity (identity.hpp's identity_key), and
// "ident:{member:<id>}": the team account a member id belongs to.
std::string identity_index_key(std::string_view identity_key);
std::string member_index_key(std::string_view member);

// A string of at most 4 characters [0-9A-Za-z] whose CRC16 & 16383 is `slot`, the shortest and
// then the first in that alphabet's order: computed once, the same in every process.
std::string_view slot_tag(uint16_t slot);

}  // namespace gyrate::redis
