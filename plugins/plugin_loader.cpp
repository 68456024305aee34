// The plugin loader: checks a plugin's C description field by field (it is foreign memory) and
// turns it into ExtensionDecls, all or nothing.
#include "gyrate/plugins/plugin_loader.hpp"

#include <dlfcn.h>

#include <cstring>
#include <set>

namespace gyrate::plugins {
namespace {

constexpr size_t kMaxNameLength = 64;
constexpr uint32_t kMaxFunctions = 1024;

bool is_identifier(const char* s) {
  size_t n = strnlen(s, kMaxNameLength + 1);
  if (n == 0 || n > kMaxNameLength) return false;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// The C type as a checker type; false for kinds plugins may not use.
bool to_type(const gyrate_type& t, lang::Type* out) {
  switch (t.kind) {
    case GYRATE_VALUE_BOOL: case GYRATE_VALUE_INT: case GYRATE_VALUE_RATIO:
    case GYRATE_VALUE_DATE: case GYRATE_VALUE_TIME_OF_DAY: case GYRATE_VALUE_WEEKDAY:
      if (t.dim != GYRATE_DIM_NONE) return false;
      *out = lang::Type::of(static_cast<lang::TypeKind>(t.kind));
      return true;
    case GYRATE_VALUE_QUANTITY:
      if (t.dim < GYRATE_DIM_TOKEN || t.dim > GYRATE_DIM_EVENT) return false;
      *out = lang::Type::quantity(static_cast<lang::Dim>(t.dim));
      return true;
    default:
      return false;
  }
}

Status bad(const std::string& plugin, const std::string& what) {
  return Status::error(ErrorCode::kInvalidArgument, "plugin " + plugin + ": " + what);
}

}  // namespace

Expected<PluginInfo> register_plugin(const gyrate_plugin* plugin, lang::ExtensionRegistry& registry) {
  if (plugin == nullptr) return Status::error(ErrorCode::kInvalidArgument, "plugin entry point returned no description");
  if (plugin->abi_version != GYRATE_PLUGIN_ABI_VERSION) {
    return Status::error(ErrorCode::kInvalidArgument, "plugin ABI version " + std::to_string(plugin->abi_version) +
                         " is not supported (this build speaks version " +
                         std::to_string(GYRATE_PLUGIN_ABI_VERSION) + ")");
  }
  if (plugin->struct_size < sizeof(gyrate_plugin)) {
    return Status::error(ErrorCode::kInvalidArgument, "plugin description is smaller than ABI version 1 requires");
  }
  if (plugin->name == nullptr || !is_identifier(plugin->name)) {
    return Status::error(ErrorCode::kInvalidArgument, "plugin has no valid name");
  }
  PluginInfo info;
  info.name = plugin->name;
  if (plugin->version != nullptr) info.version.assign(plugin->version, strnlen(plugin->version, 64));
  if (plugin->function_count > kMaxFunctions ||
      (plugin->function_count > 0 && plugin->functions == nullptr)) {
    return bad(info.name, "bad function table");
  }

  std::vector<lang::ExtensionDecl> decls;
  std::set<std::string> names;
  for (uint32_t i = 0; i < plugin->function_count; ++i) {
    const gyrate_function& f = plugin->functions[i];
    if (f.name == nullptr || !is_identifier(f.name)) {
      return bad(info.name, "function " + std::to_string(i) + " has no valid name");
    }
    lang::ExtensionDecl d;
    d.name = f.name;
    if (f.fn == nullptr) return bad(info.name, d.name + " has no implementation");
    if (f.param_count > GYRATE_PLUGIN_MAX_PARAMS || (f.param_count > 0 && f.params == nullptr)) {
      return bad(info.name, d.name + " has a bad parameter list");
    }
    for (uint32_t p = 0; p < f.param_count; ++p) {
      lang::Type t;
      if (!to_type(f.params[p], &t)) {
        return bad(info.name, d.name + ": parameter " + std::to_string(p + 1) +
                                  " has a type plugins cannot use");
      }
      d.params.push_back(t);
    }
    if (!to_type(f.result, &d.result)) return bad(info.name, d.name + ": bad result type");
    d.fn = f.fn;
    if (f.doc != nullptr) d.doc.assign(f.doc, strnlen(f.doc, 4096));
    if (!names.insert(d.name).second || registry.find(d.name) != nullptr) {
      return bad(info.name, "function name " + d.name + " is already registered");
    }
    decls.push_back(std::move(d));
  }
  for (lang::ExtensionDecl& d : decls) {
    info.functions.push_back(d.name);
    registry.add(std::move(d));
  }
  return info;
}

Expected<PluginInfo> load_plugin(const std::string& path, lang::ExtensionRegistry& registry) {
  // RTLD_LOCAL: a plugin's symbols never become visible to other modules (or to JIT code).
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    return Status::error(ErrorCode::kInvalidArgument, "cannot load plugin " + path + ": " + (err != nullptr ? err : "?"));
  }
  auto entry = reinterpret_cast<gyrate_plugin_entry_fn>(dlsym(handle, GYRATE_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) {
    dlclose(handle);
    return Status::error(ErrorCode::kInvalidArgument, "cannot load plugin " + path + ": no " GYRATE_PLUGIN_ENTRY_SYMBOL
                         "() entry point");
  }
  auto info = register_plugin(entry(), registry);
  if (!info) {
    dlclose(handle);
    return Status::error(ErrorCode::kInvalidArgument, path + ": " + info.status().message());
  }
  info->path = path;
  return info;  // the handle is kept open on purpose (see the header)
}

}  // namespace gyrate::plugins
