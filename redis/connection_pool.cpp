// A bounded pool of connections to one node (see connection_pool.hpp).
#include "connection_pool.hpp"

#include <algorithm>

namespace gyrate::redis {

ConnectionPool::ConnectionPool(std::string address, size_t capacity,
                               std::chrono::milliseconds connect_timeout)
    : address_(std::move(address)), capacity_(std::max<size_t>(capacity, 1)),
      connect_timeout_(connect_timeout) {}

Expected<std::unique_ptr<Connection>> ConnectionPool::acquire(Clock::time_point deadline,
                                                              bool wait) {
  {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
      if (open_ < capacity_) break;
      if (!wait) return std::unique_ptr<Connection>();
      if (returned_.wait_until(lock, deadline) == std::cv_status::timeout) {
        return Status::error(ErrorCode::kUnavailable,
                             "redis: every connection to " + address_ + " is busy");
      }
    }
    ++open_;
  }
  // Connect outside the lock: a slow connect must not hold up callers that find an idle one.
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  Expected<std::unique_ptr<Connection>> connection =
      Connection::open(address_, std::clamp(left, std::chrono::milliseconds(1), connect_timeout_));
  if (!connection) {
    std::lock_guard lock(mutex_);
    --open_;
    returned_.notify_one();
  }
  return connection;
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->broken()) {
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace gyrate::redis
