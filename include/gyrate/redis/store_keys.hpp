// The Redis keys of the Redis Cluster store (docs/operations.md, "Redis Cluster store"). Every
// key of one account shares the account's slot, so one FUNCTION call may touch them all: the
// account's own keys carry the hash tag {acct:ID}, and the CDR outbox of a slot is named by a
// short tag chosen to hash to that slot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gyrate/engine/account.hpp"

namespace gyrate::redis {

inline constexpr uint16_t kSlots = 16384;

// "{acct:ID}": a hash with the account's revision, encoded state and identity index lines.
std::string account_key(std::string_view account);
// "{acct:ID}:req:<session>\0<number>\0<op>\0<service>": the answer given to one request.
std::string request_key(std::string_view account, const engine::RequestKey& key);
// "{acct:ID}:ses:<session>": set, with the answers' TTL, whenever a request of Diameter session
// `session` (engine::session_base: without a "#<Service-Identifier>" suffix) is answered.
std::string session_key(std::string_view account, std::string_view session);
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
