// One hiredis connection to one Redis node, used blocking with a socket timeout so that a node
// that stopped answering costs at most the caller's deadline. Not thread-safe: a pool hands it
// to one caller at a time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/redis/cluster_client.hpp"

struct redisContext;

namespace gyrate::redis {

using Clock = std::chrono::steady_clock;

// "host:port" -> host and port; false when it does not parse.
bool split_address(const std::string& address, std::string* host, int* port);

class Connection {
 public:
  // Connects within `timeout`; kUnavailable when the node refuses or does not answer.
  static Expected<std::unique_ptr<Connection>> open(const std::string& address,
                                                    std::chrono::milliseconds timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Queues a command in the output buffer; nothing is sent yet.
  void append(const std::vector<std::string>& argv);
  // Every send and receive from now on gives up at `deadline` (at least 1 ms from now).
  void set_deadline(Clock::time_point deadline);
  // Sends everything queued.
  Status flush();
  // Reads the next reply. After a failure the connection is broken and must be dropped.
  Expected<Reply> read();

  bool broken() const { return broken_; }
  const std::string& address() const { return address_; }

 private:
  Connection(std::string address, redisContext* context);
  Status io_error(const char* what);

  std::string address_;
  redisContext* context_;
  bool broken_ = false;
};

}  // namespace gyrate::redis
