// Deferred acknowledgement: records queued without waiting, committed by a background thread
// (one write and one fdatasync for everything in flight), and callbacks run once they are
// durable. Lets a Diameter server hand a CCR's answer to the commit instead of blocking one of
// its few threads on every fdatasync (docs/engine.md, "Store").
#include <algorithm>

#include "gyrate/engine/journal.hpp"
#include "journal_format.hpp"

namespace gyrate::engine {
namespace {

// The callback heap keeps the smallest (sequence, registration) on top: callbacks run in that
// order, one after another, so one registered last for a point runs after all the others.
constexpr auto later = [](const auto& a, const auto& b) {
  return a.sequence != b.sequence ? a.sequence > b.sequence : a.order > b.order;
};

}  // namespace

Expected<uint64_t> Journal::append_deferred(std::string_view body) {
  if (options_.fsync == FsyncPolicy::kOff) return append(body);
  if (Status status = check_body(body); !status.is_ok()) return status;
  const uint64_t timestamp = now_micros();
  std::lock_guard lock(mutex_);
  if (!poisoned_.is_ok()) return poisoned_;
  deferred_used_ = true;
  if (!flusher_.joinable()) flusher_ = std::thread([this] { flush_loop(); });
  const uint64_t sequence = next_sequence_++;
  if (pending_.empty()) pending_first_sequence_ = sequence;
  journal_format::append_record_frame(pending_, sequence, timestamp, body);
  flush_wanted_.notify_one();
  return sequence;
}

uint64_t Journal::appended_sequence() const {
  std::lock_guard lock(mutex_);
  return next_sequence_ - 1;
}

bool Journal::is_durable(uint64_t sequence) const {
  std::lock_guard lock(mutex_);
  return sequence <= durable_sequence_;
}

void Journal::when_durable(uint64_t sequence, std::function<void(const Status&)> done) {
  std::unique_lock lock(mutex_);
  // At once only when no callback waits or is being run: those registered earlier run first,
  // also after a failed commit (a caller waiting for its last record must find every earlier
  // record's outcome reported).
  if (((sequence <= durable_sequence_ || !poisoned_.is_ok()) && callbacks_.empty() && !delivering_) ||
      !flusher_.joinable()) {
    // Durable, or never will be; without a committer nothing deferred was ever queued, so a
    // sequence past the durable one is a blocking append's, committed before it returned.
    Status status = sequence <= durable_sequence_ || poisoned_.is_ok() ? Status::ok() : poisoned_;
    lock.unlock();
    done(status);
    return;
  }
  callbacks_.push_back({sequence, next_callback_order_++, std::move(done)});
  std::push_heap(callbacks_.begin(), callbacks_.end(), later);
  flush_wanted_.notify_one();
}

void Journal::flush_loop() {
  std::unique_lock lock(mutex_);
  std::vector<DurableCallback> ready;
  for (;;) {
    if (!pending_.empty() && !leader_active_ && poisoned_.is_ok()) {
      lead_commit(lock);
      continue;
    }
    while (!callbacks_.empty() &&
           (callbacks_.front().sequence <= durable_sequence_ || !poisoned_.is_ok() ||
            (stopping_ && pending_.empty() && !leader_active_))) {
      std::pop_heap(callbacks_.begin(), callbacks_.end(), later);
      ready.push_back(std::move(callbacks_.back()));
      callbacks_.pop_back();
    }
    if (!ready.empty()) {
      const uint64_t durable = durable_sequence_;
      const Status failure = poisoned_.is_ok()
                                 ? Status::error(ErrorCode::kUnavailable, "journal closed")
                                 : poisoned_;
      delivering_ = true;
      lock.unlock();
      for (DurableCallback& c : ready) c.done(c.sequence <= durable ? Status::ok() : failure);
      ready.clear();
      lock.lock();
      delivering_ = false;
      continue;
    }
    if (stopping_ && pending_.empty() && !leader_active_) return;
    flush_wanted_.wait(lock);
  }
}

void Journal::stop_flusher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    flush_wanted_.notify_one();
  }
  if (flusher_.joinable()) flusher_.join();
}

}  // namespace gyrate::engine
