// gyrate-sim: a Gy client for integrators. Parses the mode and the shared connection flags and
// hands the rest to the mode's command.
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "connection.hpp"

namespace {

void usage(FILE* out) {
  std::fprintf(out,
               "usage: gyrate-sim scenario FILE... [connection flags]\n"
               "       gyrate-sim load [load flags] [connection flags]\n"
               "       gyrate-sim month [month flags] [connection flags]\n"
               "       gyrate-sim month-check --report FILE --cdrs DIR\n"
               "       gyrate-sim MODE --help\n\n%s",
               gyrate::sim_tool::kConnectionHelp);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gyrate::sim_tool;
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string_view mode = argv[1];
  if (mode == "--help" || mode == "-h" || mode == "help") {
    usage(stdout);
    return 0;
  }
  if (mode == "month-check") {
    return month_check_command(std::span<char*>(argv + 2, static_cast<size_t>(argc - 2)));
  }
  ConnectionOptions connection;
  std::vector<char*> rest;
  std::string error;
  if (!take_connection_flags(std::span<char*>(argv + 2, static_cast<size_t>(argc - 2)), &connection, &rest,
                             &error)) {
    std::fprintf(stderr, "gyrate-sim: %s\n", error.c_str());
    return 2;
  }
  std::span<char*> args(rest);
  if (mode == "scenario") return scenario_command(connection, args);
  if (mode == "load") return load_command(connection, args);
  if (mode == "month") return month_command(connection, args);
  std::fprintf(stderr, "gyrate-sim: unknown mode `%s` (scenario, load, month, month-check)\n", argv[1]);
  usage(stderr);
  return 2;
}
