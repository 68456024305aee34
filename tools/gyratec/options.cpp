// Command-line option parsing for gyratec: `--name value` and `--name=value` forms.
#include <cstdlib>
#include <string>

#include "driver.hpp"

namespace gyrate::tools {

std::optional<std::string> parse_options(const std::vector<std::string>& args, Options& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {  // takes no value
      out.help = true;
      continue;
    }
    if (a == "--timeline") {  // takes no value
      out.timeline = true;
      continue;
    }
    if (a.size() < 2 || a[0] != '-' || a[1] != '-') {
      out.files.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    auto take = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    if (!take()) return "option --" + name + " needs a value";
    if (name == "emit") {
      if (value != "ast" && value != "ir" && value != "llvm")
        return "--emit takes ast, ir or llvm, not `" + value + "`";
      out.emit = value;
    } else if (name == "plan") {
      out.plan = value;
    } else if (name == "service") {
      out.service = value;
    } else if (name == "version") {
      char* end = nullptr;
      long long v = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || v <= 0) return "--version takes a plan version >= 1";
      out.version = v;
    } else if (name == "model") {
      out.model = value;
    } else if (name == "joined") {
      out.joined = value;
    } else if (name == "at") {
      out.at = value;
    } else if (name == "evaluator") {
      if (value != "jit" && value != "interp")
        return "--evaluator takes jit or interp, not `" + value + "`";
      out.evaluator = value;
    } else if (name == "opt") {
      if (value != "0" && value != "1" && value != "2" && value != "3")
        return "--opt takes 0, 1, 2 or 3";
      out.opt_level = value[0] - '0';
    } else if (name == "cache") {
      out.cache_dir = value;
    } else if (name == "cache-key") {
      out.cache_key_file = value;
    } else if (name == "plugin") {
      out.plugins.push_back(value);
    } else if (name == "set") {
      auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0) return "--set takes NAME=VALUE, not `" + value + "`";
      out.sets.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else {
      return "unknown option --" + name;
    }
  }
  // A key signs and checks the entries of a cache: without a cache it would silently do nothing.
  if (!out.cache_key_file.empty() && out.cache_dir.empty()) {
    return "--cache-key FILE needs --cache DIR";
  }
  return std::nullopt;
}

}  // namespace gyrate::tools
