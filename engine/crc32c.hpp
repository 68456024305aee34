// CRC-32C (Castagnoli), the checksum of journal records and snapshots, computed in software.
#pragma once

#include <cstdint>
#include <string_view>

namespace gyrate::engine {

// The CRC-32C of `data` continued from `crc` (0 to start): crc32c("123456789") == 0xE3069283.
uint32_t crc32c(std::string_view data, uint32_t crc = 0);

}  // namespace gyrate::engine
