// SlotMutex: the lock of one account, 4 bytes where std::mutex takes 40 (P5: one per subscriber,
// so it counts in bytes per subscriber). Uncontended it is one compare-and-swap; a waiter sleeps
// in the kernel (std::atomic::wait, a futex on Linux) — the three-state mutex of Drepper's
// "Futexes Are Tricky".
#pragma once

#include <atomic>
#include <cstdint>

namespace gyrate::engine {

class SlotMutex {
 public:
  SlotMutex() = default;
  SlotMutex(const SlotMutex&) = delete;
  SlotMutex& operator=(const SlotMutex&) = delete;

  void lock() {
    uint32_t expected = kUnlocked;
    if (state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire)) return;
    lock_contended();
  }
  bool try_lock() {
    uint32_t expected = kUnlocked;
    return state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire);
  }
  void unlock() {
    if (state_.exchange(kUnlocked, std::memory_order_release) == kContended) state_.notify_one();
  }

 private:
  static constexpr uint32_t kUnlocked = 0;
  static constexpr uint32_t kLocked = 1;     // held, nobody waits
  static constexpr uint32_t kContended = 2;  // held, someone may wait: unlock wakes one

  void lock_contended() {
    // Marked contended by whoever takes it from here on, so its unlock wakes the next waiter.
    while (state_.exchange(kContended, std::memory_order_acquire) != kUnlocked) {
      state_.wait(kContended, std::memory_order_relaxed);
    }
  }

  std::atomic<uint32_t> state_{kUnlocked};
};

}  // namespace gyrate::engine
