// The gyrate FUNCTION library (redis/gyrate_functions.lua, embedded at build time) and how it
// gets onto every master: functions are persisted and replicated by Redis (unlike EVALSHA's
// volatile script cache), but a new master or a node of another gyrate version may lack them.
#pragma once

#include <cstdint>
#include <string_view>

#include "gyrate/base/status.hpp"
#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::redis {

// The library's Lua source, exactly as FUNCTION LOAD takes it.
std::string_view functions_source();
// `local VERSION = N` of a library's source; -1 when it has none.
int64_t functions_version(std::string_view source);

// Makes every master hold exactly this library: loads it where it is missing or older, leaves
// it where it is identical, and fails with kFailedPrecondition where a newer one is loaded (a
// node of a newer gyrate runs on the cluster: this one must not downgrade it).
Status ensure_functions(ClusterClient& client);

}  // namespace gyrate::redis
