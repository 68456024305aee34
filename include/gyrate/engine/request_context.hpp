// RequestContext: the fixed-size evaluation context of one request. Its capacity is the most
// slots any catalog may use (checked once, when a Catalog is created), so filling and deciding
// allocate nothing and check no size per request.
#pragma once

#include <array>
#include <cstdint>

#include "gyrate/ruleslang/context.hpp"

namespace gyrate::engine {

class RequestContext {
 public:
  static constexpr uint32_t kCapacity = lang::kMaxContextSlots;

  // Slots come from a Catalog's indexes or lang::BuiltinSlot, so they are below the catalog's
  // context size, which is at most kCapacity: no check here, on the request path.
  void set(uint32_t slot, int64_t value) { slots_[slot] = value; }
  int64_t get(uint32_t slot) const { return slots_[slot]; }
  const int64_t* data() const { return slots_.data(); }
  int64_t* data() { return slots_.data(); }

 private:
  std::array<int64_t, kCapacity> slots_{};
};

}  // namespace gyrate::engine
