// Key names of the Redis Cluster store and the table of outbox tags, one per slot.
#include "gyrate/redis/store_keys.hpp"

#include <array>
#include <string>

#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::redis {
namespace {

constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Shortest strings first, so every tag is as short as the slot allows (3 characters cover all
// 16384 slots; the 4th is a margin that the table's test shows unused).
std::array<std::string, kSlots> make_tags() {
  std::array<std::string, kSlots> tags;
  size_t found = 0;
  std::string s;
  auto visit = [&](auto&& self, size_t length) -> void {
    if (s.size() == length) {
      std::string& tag = tags[key_slot(s)];
      if (tag.empty()) {
        tag = s;
        ++found;
      }
      return;
    }
    for (char c : kAlphabet) {
      s.push_back(c);
      self(self, length);
      s.pop_back();
      if (found == kSlots) return;
    }
  };
  for (size_t length = 1; length <= 4 && found < kSlots; ++length) visit(visit, length);
  return tags;
}

}  // namespace

std::string account_key(std::string_view account) {
  return "{acct:" + std::string(account) + "}";
}

std::string request_field(const engine::RequestKey& key) {
  std::string out = key.session;
  out += '\0';
  out += std::to_string(key.number);
  out += '\0';
  out += std::to_string(static_cast<unsigned>(key.op));
  out += '\0';
  out += key.service;
  return out;
}

std::string_view slot_tag(uint16_t slot) {
  static const std::array<std::string, kSlots> tags = make_tags();
  return tags[slot % kSlots];
}

std::string outbox_key(uint16_t slot) { return "cdr:{" + std::string(slot_tag(slot)) + "}"; }

std::string outbox_key_of(std::string_view account) {
  return outbox_key(key_slot(account_key(account)));
}

std::string identity_index_key(std::string_view identity_key) {
  return "ident:{" + std::string(identity_key) + "}";
}

std::string member_index_key(std::string_view member) {
  return "ident:{member:" + std::string(member) + "}";
}

}  // namespace gyrate::redis
