// CLUSTER SLOTS -> SlotMap. Each entry is [first slot, last slot, [host, port, id, ...], replicas...].
#include "slot_map.hpp"

#include <algorithm>

#include "connection.hpp"

namespace gyrate::redis {

Expected<SlotMap> SlotMap::parse(const Reply& reply, const std::string& from) {
  auto corrupt = [&](const std::string& why) {
    return Status::error(ErrorCode::kCorrupt, "redis: CLUSTER SLOTS from " + from + ": " + why);
  };
  if (reply.type != Reply::Type::kArray) return corrupt("not an array");
  std::string from_host;
  int from_port = 0;
  split_address(from, &from_host, &from_port);

  SlotMap map;
  map.owner_.fill(-1);
  for (const Reply& range : reply.elements) {
    if (range.type != Reply::Type::kArray || range.elements.size() < 3 ||
        range.elements[0].type != Reply::Type::kInteger ||
        range.elements[1].type != Reply::Type::kInteger ||
        range.elements[2].type != Reply::Type::kArray || range.elements[2].elements.size() < 2) {
      return corrupt("an entry is not [first, last, [host, port, ...], ...]");
    }
    int64_t first = range.elements[0].integer;
    int64_t last = range.elements[1].integer;
    if (first < 0 || last < first || last >= static_cast<int64_t>(kSlotCount)) {
      return corrupt("slot range out of bounds");
    }
    const Reply& host = range.elements[2].elements[0];
    const Reply& port = range.elements[2].elements[1];
    if (port.type != Reply::Type::kInteger) return corrupt("a master's port is not an integer");
    // "" or "?" when the node does not know its own endpoint: use the host we asked.
    std::string host_text = host.type == Reply::Type::kString ? host.str : "";
    if (host_text.empty() || host_text == "?") host_text = from_host;
    std::string address = host_text + ":" + std::to_string(port.integer);

    auto known = std::find(map.masters_.begin(), map.masters_.end(), address);
    int16_t index = static_cast<int16_t>(known - map.masters_.begin());
    if (known == map.masters_.end()) map.masters_.push_back(std::move(address));
    std::fill(map.owner_.begin() + first, map.owner_.begin() + last + 1, index);
  }
  return map;
}

}  // namespace gyrate::redis
