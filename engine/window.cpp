// WindowCounter: per-minute amounts of one rolling window, oldest first, bounded in number.
#include "gyrate/engine/window.hpp"

namespace gyrate::engine {
namespace {

int64_t minute_of(int64_t t) { return t >= 0 ? t / 60 : (t - 59) / 60; }

}  // namespace

bool WindowCounter::counts(int64_t minute, int64_t t) const {
  // The minute's last second is minute * 60 + 59; it counts while that is after t - W.
  return minute * 60 + 59 > t - seconds_;
}

void WindowCounter::add(int64_t t, int64_t amount) {
  while (!minutes_.empty() && !counts(minutes_.front().first, t)) minutes_.pop_front();
  if (amount == 0) return;
  int64_t minute = minute_of(t);
  if (!minutes_.empty() && minutes_.back().first >= minute) {
    minutes_.back().second += amount;  // the same minute (or a late timestamp: the newest one)
  } else {
    minutes_.emplace_back(minute, amount);
  }
  if (minutes_.size() > kMaxMinutes) {
    minutes_[1].second += minutes_.front().second;
    minutes_.pop_front();
  }
}

int64_t WindowCounter::count(int64_t t) const {
  int64_t total = 0;
  for (const auto& [minute, amount] : minutes_) {
    if (counts(minute, t)) total += amount;
  }
  return total;
}

int64_t WindowCounter::seconds_until_room(int64_t t) const {
  for (const auto& [minute, amount] : minutes_) {
    if (counts(minute, t)) return minute * 60 + 59 + seconds_ - t;
  }
  return 0;
}

}  // namespace gyrate::engine
