// Loads the extension plugins named on the command line.
#include <cstdio>

#include "driver.hpp"
#include "gyrate/plugins/plugin_loader.hpp"

namespace gyrate::tools {

bool load_extensions(const Options& opts, lang::ExtensionRegistry& registry) {
  for (const auto& path : opts.plugins) {
    auto info = plugins::load_plugin(path, registry);
    if (!info) {
      std::fprintf(stderr, "gyratec: cannot load plugin %s: %s\n", path.c_str(),
                   info.status().message().c_str());
      return false;
    }
  }
  return true;
}

}  // namespace gyrate::tools
