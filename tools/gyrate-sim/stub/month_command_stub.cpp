// Temporary: the month mode is on its way (tools/gyrate-sim/month_command.cpp replaces this).
#include <cstdio>

#include "../commands.hpp"

namespace gyrate::sim_tool {

int month_command(const ConnectionOptions&, std::span<char*>) {
  std::fprintf(stderr, "gyrate-sim month: not built yet\n");
  return 2;
}

}  // namespace gyrate::sim_tool
