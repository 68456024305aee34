#include "gyrate/diameter/gy_sessions.hpp"

#include <algorithm>

namespace gyrate::diameter {

GySessions::Shard& GySessions::shard(const std::string& session_id) {
  return shards_[std::hash<std::string>{}(session_id) % kShards];
}

void GySessions::with(const std::string& session_id, bool create,
                      const std::function<void(GySession*)>& fn) {
  std::shared_ptr<Entry> entry;
  {
    Shard& s = shard(session_id);
    std::lock_guard lock(s.mutex);
    auto it = s.entries.find(session_id);
    if (it != s.entries.end()) {
      entry = it->second;
    } else if (create) {
      entry = std::make_shared<Entry>();
      s.entries.emplace(session_id, entry);
    }
  }
  if (!entry) {
    fn(nullptr);
    return;
  }
  // The shard is free again while the CCR runs: only this session's resends wait for it.
  std::lock_guard lock(entry->mutex);
  fn(&entry->session);
}

template <typename Pred>
std::vector<GySessionRef> GySessions::collect(Pred&& pred) const {
  std::vector<GySessionRef> out;
  for (const Shard& s : shards_) {
    std::vector<std::pair<std::string, std::shared_ptr<Entry>>> entries;
    {
      std::lock_guard lock(s.mutex);
      entries.assign(s.entries.begin(), s.entries.end());
    }
    for (auto& [id, entry] : entries) {
      std::lock_guard lock(entry->mutex);
      const GySession& g = entry->session;
      if (!g.closed && pred(g)) {
        out.push_back(GySessionRef{id, g.account, g.origin_host, g.origin_realm, g.last_number});
      }
    }
  }
  return out;
}

std::vector<GySessionRef> GySessions::silent(int64_t now, int64_t tcc) const {
  return collect([&](const GySession& g) { return is_silent(g, now, tcc); });
}

std::vector<GySessionRef> GySessions::in_final_units(const std::string& account) const {
  return collect([&](const GySession& g) { return g.final_units && g.account == account; });
}

size_t GySessions::forget_closed(int64_t deadline) {
  size_t forgotten = 0;
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    forgotten += std::erase_if(s.entries, [&](const auto& kv) {
      // A session busy with a CCR is never forgotten under it.
      std::unique_lock busy(kv.second->mutex, std::try_to_lock);
      return busy.owns_lock() && kv.second->session.closed && kv.second->session.last_seen < deadline;
    });
  }
  return forgotten;
}

size_t GySessions::open_count() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (const auto& kv : s.entries) {
      std::unique_lock busy(kv.second->mutex, std::try_to_lock);
      // A session busy with a CCR counts as open: it is being served.
      if (!busy.owns_lock() || !kv.second->session.closed) ++n;
    }
  }
  return n;
}

std::optional<engine::ReserveRequest> GySessions::last_reserve(const std::string& account) const {
  std::optional<engine::ReserveRequest> best;
  int64_t best_seen = -1;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (const auto& kv : s.entries) {
      std::unique_lock busy(kv.second->mutex, std::try_to_lock);
      if (!busy.owns_lock()) continue;  // being served: its last request is about to change
      const GySession& g = kv.second->session;
      if (g.account == account && g.last_reserve && g.last_seen > best_seen) {
        best = g.last_reserve;
        best_seen = g.last_seen;
      }
    }
  }
  return best;
}

size_t GySessions::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.entries.size();
  }
  return n;
}

void GySessions::remember(GySession& session, uint32_t number, const CreditControlAnswer& answer) {
  if (session.answers.size() == kAnswersKept) session.answers.erase(session.answers.begin());
  session.answers.emplace_back(number, answer);
  session.last_number = std::max(session.last_number, number);
}

const CreditControlAnswer* GySessions::answered(const GySession& session, uint32_t number) {
  for (const auto& [n, answer] : session.answers) {
    if (n == number) return &answer;
  }
  return nullptr;
}

}  // namespace gyrate::diameter
