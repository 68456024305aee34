// Which master serves each of the 16384 hash slots, as read from CLUSTER SLOTS. Immutable once
// built; the client swaps in a new one whole (the spec recommends refreshing the whole map).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::redis {

inline constexpr size_t kSlotCount = 16384;

class SlotMap {
 public:
  // `reply` is CLUSTER SLOTS as answered by `from` ("host:port"); a master listed without a host
  // (it does not know its own) gets from's host. kCorrupt when the reply has not that shape.
  static Expected<SlotMap> parse(const Reply& reply, const std::string& from);

  // "host:port" of the slot's master, or nullptr when no master serves it (CLUSTERDOWN).
  const std::string* master_of(uint16_t slot) const {
    int16_t index = owner_[slot];
    return index < 0 ? nullptr : &masters_[static_cast<size_t>(index)];
  }
  const std::vector<std::string>& masters() const { return masters_; }

 private:
  std::vector<std::string> masters_;
  std::array<int16_t, kSlotCount> owner_{};
};

}  // namespace gyrate::redis
