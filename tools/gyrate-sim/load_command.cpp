// gyrate-sim load: (placeholder while the load mode is built)
#include <cstdio>

#include "commands.hpp"

namespace gyrate::sim_tool {

int load_command(const ConnectionOptions&, std::span<char*>) {
  std::fprintf(stderr, "gyrate-sim load: not built yet\n");
  return 2;
}

}  // namespace gyrate::sim_tool
