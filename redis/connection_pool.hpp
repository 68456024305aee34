// A bounded pool of connections to one node: the bulkhead that keeps callers stuck on a dead or
// slow master from taking connections (and threads) that other masters' commands need.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connection.hpp"

namespace gyrate::redis {

class ConnectionPool {
 public:
  ConnectionPool(std::string address, size_t capacity, std::chrono::milliseconds connect_timeout);

  // An idle connection, or a new one while fewer than `capacity` are open. With `wait`, blocks
  // for a returned connection until `deadline`; without, answers nullptr at once when none is free.
  Expected<std::unique_ptr<Connection>> acquire(Clock::time_point deadline, bool wait);
  // Gives a connection back; a broken one is closed, which frees its place.
  void release(std::unique_ptr<Connection> connection);

 private:
  const std::string address_;
  const size_t capacity_;
  const std::chrono::milliseconds connect_timeout_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_ = 0;  // idle + lent out + being connected
};

}  // namespace gyrate::redis
