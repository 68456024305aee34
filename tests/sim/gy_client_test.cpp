// GyClient without a server: connecting to a port nothing listens on fails within the connect
// timeout, and the process's one freeDiameter core is not started twice.
#include <gtest/gtest.h>

#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gyrate/diameter/gy_client.hpp"

namespace gyrate::diameter {
namespace {

uint16_t unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sin;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len), 0);
  ::close(fd);
  return ntohs(sin.sin_port);
}

TEST(GyClient, NoServerIsAnErrorInBoundedTimeAndTheCoreStartsOnce) {
  ClientOptions o;
  EXPECT_EQ(GyClient::connect(o).status().code(), ErrorCode::kInvalidArgument);  // no server identity
  o.server_identity = "nobody.gyrate.test";
  o.server_port = unused_port();
  o.connect_timeout = std::chrono::milliseconds(1500);
  o.conf_path = ::testing::TempDir() + "gy_client_test." + std::to_string(::getpid()) + ".conf";
  auto start = std::chrono::steady_clock::now();
  auto client = GyClient::connect(o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(client);
  EXPECT_EQ(client.status().code(), ErrorCode::kUnavailable) << client.status().to_string();
  EXPECT_LT(took, std::chrono::seconds(8));
  auto again = GyClient::connect(o);
  EXPECT_EQ(again.status().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace gyrate::diameter
