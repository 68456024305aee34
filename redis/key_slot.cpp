// The hash slot of a key (Redis Cluster spec, "Keys distribution model"): CRC16/XMODEM of the key,
// or of the text inside its first {...} when that text is not empty, modulo 16384.
#include <array>

#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::redis {
namespace {

// Polynomial 0x1021, initial value 0, no reflection: the variant the spec names XMODEM.
constexpr std::array<uint16_t, 256> make_crc16_table() {
  std::array<uint16_t, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    uint16_t crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    table[byte] = crc;
  }
  return table;
}
constexpr std::array<uint16_t, 256> kCrc16Table = make_crc16_table();

uint16_t crc16(std::string_view bytes) {
  uint16_t crc = 0;
  for (unsigned char c : bytes) {
    crc = static_cast<uint16_t>((crc << 8) ^ kCrc16Table[((crc >> 8) ^ c) & 0xff]);
  }
  return crc;
}

}  // namespace

uint16_t key_slot(std::string_view key) {
  size_t open = key.find('{');
  if (open != std::string_view::npos) {
    size_t close = key.find('}', open + 1);
    // "{}" hashes the whole key, so "{}a" and "{}b" may land apart (as the spec says).
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return crc16(key) & 16383;
}

}  // namespace gyrate::redis
