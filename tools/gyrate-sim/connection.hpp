// The connection flags every gyrate-sim mode shares, and the GyClient they describe.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "commands.hpp"
#include "gyrate/diameter/gy_client.hpp"

namespace gyrate::sim_tool {

// Consumes the connection flags (--server, --server-identity, --identity, --realm, --timeout-ms)
// from anywhere in `args` and returns the others in order; false with `error` set on a bad one.
bool take_connection_flags(std::span<char*> args, ConnectionOptions* options, std::vector<char*>* rest,
                           std::string* error);
extern const char* const kConnectionHelp;

// Connects, or prints why not on stderr and returns nullptr.
std::unique_ptr<diameter::GyClient> connect_or_complain(const ConnectionOptions& options);

}  // namespace gyrate::sim_tool
