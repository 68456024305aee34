// ClusterClient: a Redis Cluster client on hiredis 0.14, which has no cluster support of its own
// (../shared/design/scale-out.md section 5). It keeps the slot map, follows MOVED and ASK, backs
// off on TRYAGAIN / CLUSTERDOWN / LOADING, pipelines per master, and gives every master its own
// deadline so a dead shard fails its own commands fast instead of stalling every caller.
// Thread-safe: each master has a small pool of connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/base/status.hpp"

namespace gyrate::redis {

// CRC16/XMODEM of the key, or of the text inside its first non-empty {...}, & 16383.
uint16_t key_slot(std::string_view key);

struct Reply {
  enum class Type : uint8_t { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;               // kString, kStatus, kError
  std::vector<Reply> elements;   // kArray
};

struct Command {
  std::string key;                // routes the command (its slot); may be empty for keyless ones
  std::vector<std::string> argv;  // binary-safe
  // In a pipeline: sent on the same connection right behind the command before it, wherever
  // that one goes (an ASK redirect included), and sent again with it when it is redirected or
  // retried; `key` is not used. For WAIT, which waits for the writes of its own connection.
  bool behind_previous = false;
};

struct ClusterOptions {
  std::vector<std::string> seeds;  // "host:port"; any reachable master or replica will do
  std::chrono::milliseconds shard_deadline{250};  // per command, redirects and retries included
  std::chrono::milliseconds connect_timeout{200};
  int max_redirects = 5;
  size_t connections_per_master = 4;
};

class ClusterClient {
 public:
  // Connects to a seed and reads the slot map (CLUSTER SLOTS). kUnavailable when no seed answers.
  static Expected<std::unique_ptr<ClusterClient>> connect(const ClusterOptions& options);
  virtual ~ClusterClient() = default;

  // Runs one command on the master of `command.key`'s slot. A Redis error reply is a Reply of
  // type kError, not a failed Expected; a failed Expected (kUnavailable) means the shard did not
  // answer within its deadline (after redirects and back-off).
  virtual Expected<Reply> run(const Command& command) = 0;
  // Sends the commands pipelined, one flight per master, and returns their replies in order.
  // Commands routed to different masters go out in parallel; one slow master fails only its own.
  virtual std::vector<Expected<Reply>> pipeline(const std::vector<Command>& commands) = 0;
  // Runs argv on every master (FUNCTION LOAD, FUNCTION LIST...): one reply per master.
  virtual std::vector<Expected<Reply>> on_every_master(const std::vector<std::string>& argv) = 0;
  // "host:port" of each master, from the current slot map.
  virtual std::vector<std::string> masters() const = 0;
  // Reads the slot map again (after a failover the caller noticed, or on a timer).
  virtual Status refresh() = 0;
};

}  // namespace gyrate::redis
