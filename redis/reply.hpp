// hiredis replies as gyrate Replies, and what a cluster error reply asks the client to do.
#pragma once

#include <cstdint>
#include <string>

#include "gyrate/redis/cluster_client.hpp"

struct redisReply;

namespace gyrate::redis {

Reply to_reply(const redisReply* reply);

// What an error reply means for routing (Redis Cluster spec, "Redirection and resharding").
enum class ErrorKind : uint8_t {
  kNone,      // not an error, or an error for the caller (WRONGTYPE, a function's own error...)
  kMoved,     // the slot lives elsewhere for good: go there and read the slot map again
  kAsk,       // the key is migrating: ASKING + the command on the named node, once
  kTryAgain,  // TRYAGAIN, CLUSTERDOWN, LOADING: the cluster is busy; back off and retry
  kReadOnly,  // our "master" is a replica now (after a failover): read the map again and retry
};

struct Redirect {
  ErrorKind kind = ErrorKind::kNone;
  std::string address;  // kMoved, kAsk: "host:port" to go to
};

// `from` is the node that answered: a redirect to ":port" (the node does not know its own host)
// means that node's host.
Redirect classify(const Reply& reply, const std::string& from);

}  // namespace gyrate::redis
