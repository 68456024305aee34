// Event-Timestamp's NTP seconds <-> Unix seconds, on both sides of the 2036 wrap.
#include "gyrate/diameter/gy_time.hpp"

#include <gtest/gtest.h>

namespace gyrate::diameter {
namespace {

TEST(GyTime, ANtpSecondOf2026IsItsUnixSecond) {
  constexpr int64_t kJuly2026 = 1'782'864'000;  // 2026-07-01T00:00:00Z
  EXPECT_EQ(ntp_from_unix(kJuly2026), 3'991'852'800u);
  EXPECT_EQ(unix_from_ntp(3'991'852'800u), kJuly2026);
  EXPECT_EQ(unix_from_ntp(0x8000'0000u), -2'208'988'800 + 0x8000'0000);  // 1968-01-20, the start
}

TEST(GyTime, ValuesPastThe2036WrapAreEraOne) {
  constexpr int64_t kWrap = 2'085'978'496;  // 2036-02-07T06:28:16Z
  EXPECT_EQ(ntp_from_unix(kWrap - 1), 0xFFFF'FFFFu);
  EXPECT_EQ(ntp_from_unix(kWrap), 0u);
  EXPECT_EQ(unix_from_ntp(0), kWrap);
  constexpr int64_t k2100 = 4'102'444'800;  // 2100-01-01T00:00:00Z
  ASSERT_TRUE(ntp_from_unix(k2100).has_value());
  EXPECT_EQ(unix_from_ntp(*ntp_from_unix(k2100)), k2100);
}

TEST(GyTime, SecondsOutsideTheRangeHaveNoTimeValue) {
  EXPECT_FALSE(ntp_from_unix(-2'208'988'800 + 0x8000'0000 - 1).has_value());  // before 1968-01-20
  EXPECT_FALSE(ntp_from_unix(4'294'967'296 + 0x8000'0000 - 2'208'988'800).has_value());  // 2104-02-26
  EXPECT_TRUE(ntp_from_unix(0).has_value());
}

}  // namespace
}  // namespace gyrate::diameter
