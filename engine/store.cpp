// DeferDurability's per-thread flag (store.hpp).
#include "gyrate/engine/store.hpp"

namespace gyrate::engine {
namespace {
thread_local bool defer_durability = false;
}  // namespace

DeferDurability::DeferDurability() : outer_(defer_durability) { defer_durability = true; }
DeferDurability::~DeferDurability() { defer_durability = outer_; }
bool DeferDurability::active() { return defer_durability; }

}  // namespace gyrate::engine
