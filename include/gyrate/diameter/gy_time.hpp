// Diameter Time (RFC 6733 4.3.1: NTP seconds since 1900 in 32 bits, as Event-Timestamp carries it)
// to and from Unix seconds, across the 2036 wrap, so `--clock request` can drive the engine's clock.
#pragma once

#include <cstdint>
#include <optional>

namespace gyrate::diameter {

inline constexpr int64_t kNtpUnixOffset = 2'208'988'800;  // 1900-01-01 to 1970-01-01
inline constexpr int64_t kNtpEra = int64_t{1} << 32;

// RFC 4330 3 (which RFC 6733 points to): a value with the high bit clear lies after
// 2036-02-07T06:28:16Z (era 1), so the range is 1968-01-20 to 2104-02-26.
constexpr int64_t unix_from_ntp(uint32_t ntp) {
  int64_t s = ntp;
  if ((ntp & 0x8000'0000u) == 0) s += kNtpEra;
  return s - kNtpUnixOffset;
}

// The Time value for a Unix second, or nullopt outside what 32 bits can say (see above).
constexpr std::optional<uint32_t> ntp_from_unix(int64_t unix_seconds) {
  int64_t s = unix_seconds + kNtpUnixOffset;
  if (s >= 0x8000'0000 && s < kNtpEra) return static_cast<uint32_t>(s);
  if (s >= kNtpEra && s < kNtpEra + 0x8000'0000) return static_cast<uint32_t>(s - kNtpEra);
  return std::nullopt;
}

}  // namespace gyrate::diameter
