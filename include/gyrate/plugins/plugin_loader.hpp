// Loads extension plugins (plugin_abi.h) into the one ExtensionRegistry that feeds the checker,
// the interpreter and the JIT. Registration is explicit: nothing registers itself on load.
#pragma once

#include <string>
#include <vector>

#include "gyrate/plugins/plugin_abi.h"
#include "gyrate/ruleslang/extensions.hpp"
#include "gyrate/base/status.hpp"

namespace gyrate::plugins {

struct PluginInfo {
  std::string path;  // empty for a plugin linked into the program
  std::string name;
  std::string version;
  std::vector<std::string> functions;
};

// Validates a plugin description (ABI version, names, types, pointers) and adds all its functions
// to `registry`, or none of them when anything is wrong (including a name already taken). Used
// directly for plugins linked statically, and by load_plugin for modules.
Expected<PluginInfo> register_plugin(const gyrate_plugin* plugin, lang::ExtensionRegistry& registry);

// dlopen()s a plugin module, checks its entry point and ABI version, and registers it. The module
// stays loaded for the life of the process: compiled catalogs may hold its function addresses.
Expected<PluginInfo> load_plugin(const std::string& path, lang::ExtensionRegistry& registry);

}  // namespace gyrate::plugins
