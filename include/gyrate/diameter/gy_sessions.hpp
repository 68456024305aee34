// GySessions: the Gy sessions a server knows. A Session-Id names its account (UPDATE and
// TERMINATION need not repeat the Subscription-Id), when it was last heard from (the supervision
// timer Tcc), whether its last answer ended the units (a pack bought then earns it a
// Re-Auth-Request), and its last answers, so a resent CCR gets the very CCA it got first.
// Thread-safe: sharded by Session-Id, and each session has its own lock, held while one of its
// CCRs is handled, so two CCRs of one session (a resend racing its original) run one at a time.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/engine/engine.hpp"

namespace gyrate::diameter {

struct GySession {
  std::string id;  // the Session-Id
  std::string account;
  // The engine sessions its MSCCs reserved under (one per Service-Identifier; gy_handler.cpp).
  std::vector<std::string> engine_sessions;
  std::string origin_host;   // where a Re-Auth-Request goes
  std::string origin_realm;
  int64_t last_seen = 0;     // unix seconds on the handler's clock
  uint32_t last_number = 0;  // the highest CC-Request-Number answered
  bool final_units = false;  // the last answer ended the units (FUI, or 4012 with an action)
  uint32_t validity = 0;     // the longest Validity-Time of the last answer (seconds)
  bool closed = false;       // TERMINATION answered or supervision released it; kept for resends
  std::vector<std::pair<uint32_t, CreditControlAnswer>> answers;  // the last few, oldest first
  std::optional<engine::ReserveRequest> last_reserve;  // what explain shows
};

// What a sweep or a Re-Auth-Request needs to know of a session.
struct GySessionRef {
  std::string session_id;
  std::string account;
  std::string origin_host;
  std::string origin_realm;
  uint32_t last_number = 0;
};

class GySessions {
 public:
  static constexpr size_t kAnswersKept = 4;

  // Runs fn(GySession*) under the session's lock. The pointer is null when the session is unknown
  // and `create` is false; with `create` an unknown session is made (empty) first.
  void with(const std::string& session_id, bool create, const std::function<void(GySession*)>& fn);

  // Open sessions silent at `now` for longer than `tcc`, or than twice their last Validity-Time
  // when that is longer (a client reports when its grant's validity ends): the supervision
  // timer's candidates.
  std::vector<GySessionRef> silent(int64_t now, int64_t tcc) const;
  static bool is_silent(const GySession& s, int64_t now, int64_t tcc) {
    return s.last_seen + std::max<int64_t>(tcc, 2 * int64_t{s.validity}) < now;
  }
  // Open sessions of `account` whose last answer ended the units.
  std::vector<GySessionRef> in_final_units(const std::string& account) const;
  // Forgets closed sessions last heard from before `deadline` (resends come within seconds).
  size_t forget_closed(int64_t deadline);
  size_t open_count() const;
  // The last reserve request of the account's most recently heard-from session.
  std::optional<engine::ReserveRequest> last_reserve(const std::string& account) const;
  size_t size() const;

  // Keeps `answer` as the answer to `number` (at most kAnswersKept per session).
  static void remember(GySession& session, uint32_t number, const CreditControlAnswer& answer);
  static const CreditControlAnswer* answered(const GySession& session, uint32_t number);

 private:
  struct Entry {
    std::mutex mutex;
    GySession session;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<Entry>> entries;
  };
  static constexpr size_t kShards = 64;
  Shard& shard(const std::string& session_id);
  template <typename Pred>
  std::vector<GySessionRef> collect(Pred&& pred) const;

  std::array<Shard, kShards> shards_;
};

}  // namespace gyrate::diameter
