// gyrate-sim's subcommands. main.cpp parses the connection flags every mode shares and hands the
// rest of the arguments to one of these; each returns the process exit code.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace gyrate::sim_tool {

// Where the Gy server is and who this client is (the server must allow this identity).
struct ConnectionOptions {
  std::string server_host = "127.0.0.1";
  uint16_t server_port = 3868;
  std::string server_identity;  // the server's Diameter identity (Origin-Host of its CEA)
  std::string identity = "sim.gyrate.test";
  std::string realm = "gyrate.test";
  uint32_t timeout_ms = 5000;  // per answer
  std::string tls_cert, tls_key;  // with tls_ca: TLS on connect; none of them: plain TCP
  std::vector<std::string> tls_ca;
};

int scenario_command(const ConnectionOptions& connection, std::span<char*> args);
int load_command(const ConnectionOptions& connection, std::span<char*> args);
int month_command(const ConnectionOptions& connection, std::span<char*> args);
int month_check_command(std::span<char*> args);  // no connection: reads files

}  // namespace gyrate::sim_tool
