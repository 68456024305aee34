// WindowCounter: what one rolling-window limit (`limit SVC N per W`) has counted, at one-minute
// resolution, in a bounded list of per-minute amounts (rule 13).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace gyrate::engine {

class WindowCounter {
 public:
  // At most this many minutes with usage are kept; beyond it the two oldest merge into the
  // newer minute, which makes the older usage count a little longer (never shorter): memory per
  // window stays bounded and the window never lets more through than its limit.
  static constexpr size_t kMaxMinutes = 64;

  WindowCounter(uint16_t service, uint8_t index, int64_t seconds)
      : service_(service), index_(index), seconds_(seconds) {}

  uint16_t service() const { return service_; }
  void set_service(uint16_t service) { service_ = service; }  // another catalog's index
  uint8_t index() const { return index_; }
  int64_t seconds() const { return seconds_; }

  // Counts `amount` at time t (in its minute), and forgets minutes that left the window.
  void add(int64_t t, int64_t amount);
  // The amount counted in (t - W, t]. A minute counts while any second of it is in the window.
  int64_t count(int64_t t) const;
  // Seconds from t until the oldest counted minute leaves the window (0 when nothing counts).
  int64_t seconds_until_room(int64_t t) const;
  size_t minutes_kept() const { return minutes_.size(); }
  // The kept minutes as (unix minute, amount), oldest first, and their restore (the store's
  // codec): restore_minute appends, so minutes must come back oldest first.
  const std::deque<std::pair<int64_t, int64_t>>& minutes() const { return minutes_; }
  void restore_minute(int64_t minute, int64_t amount) { minutes_.emplace_back(minute, amount); }

 private:
  bool counts(int64_t minute, int64_t t) const;

  uint16_t service_;
  uint8_t index_;
  int64_t seconds_;
  std::deque<std::pair<int64_t, int64_t>> minutes_;  // (unix minute, amount), oldest first
};

}  // namespace gyrate::engine
