// The table behind OfferName: names in fixed chunks that never move, so reading a name takes no
// lock; adding one takes a mutex (a catalog load or a stored account, never a request).
#include "gyrate/engine/offer_name.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace gyrate::engine {
namespace {

constexpr uint32_t kChunkBits = 10;
constexpr uint32_t kChunkSize = uint32_t{1} << kChunkBits;
constexpr uint32_t kMaxChunks = 16'384;  // 16M names: far beyond any catalog history

class NameTable {
 public:
  NameTable() {
    // The fixed ids of offer_name.hpp, in order.
    for (const char* name : {"", "allowance", "rollover", "overrun", "refund"}) intern(name);
  }

  uint32_t intern(std::string_view name) {
    std::lock_guard lock(mutex_);
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
    uint32_t id = count_;
    uint32_t chunk = id >> kChunkBits;
    if (chunk >= kMaxChunks) {
      std::fprintf(stderr, "gyrate: more than %u distinct offer names\n", kMaxChunks * kChunkSize);
      std::abort();
    }
    std::string* names = chunks_[chunk].load(std::memory_order_relaxed);
    if (names == nullptr) {
      names = new std::string[kChunkSize];
      chunks_[chunk].store(names, std::memory_order_release);
    }
    std::string& stored = names[id & (kChunkSize - 1)];
    stored = name;
    ids_.emplace(stored, id);
    ++count_;
    return id;
  }

  // An id reaches a reader only through the account that holds it, after the intern that made
  // it (a mutex in between), so the name is complete.
  const std::string& name(uint32_t id) const {
    return chunks_[id >> kChunkBits].load(std::memory_order_acquire)[id & (kChunkSize - 1)];
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string_view, uint32_t> ids_;  // views of the chunks' strings
  uint32_t count_ = 0;
  std::array<std::atomic<std::string*>, kMaxChunks> chunks_{};
};

// Never destroyed: buckets in static storage may outlive any destruction order.
NameTable& table() {
  static NameTable* t = new NameTable();
  return *t;
}

}  // namespace

OfferName::OfferName(std::string_view name) : id_(table().intern(name)) {}

const std::string& OfferName::str() const { return table().name(id_); }

}  // namespace gyrate::engine
