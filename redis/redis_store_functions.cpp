// Loading and verifying the gyrate FUNCTION library on every master.
#include "gyrate/redis/store_functions.hpp"

#include <charconv>
#include <string>

namespace gyrate::redis {
namespace embedded {
extern const std::string_view kFunctionsSource;  // generated: redis_store_functions.cpp.in
}  // namespace embedded

namespace {

constexpr std::string_view kLibrary = "gyrate";

// The code of library `gyrate` in a FUNCTION LIST ... WITHCODE reply (RESP2: each library is a
// flat array of name/value pairs); nullopt when the master has no such library.
std::optional<std::string> library_code(const Reply& list) {
  for (const Reply& library : list.elements) {
    std::string name;
    std::optional<std::string> code;
    for (size_t i = 0; i + 1 < library.elements.size(); i += 2) {
      const std::string& field = library.elements[i].str;
      if (field == "library_name") name = library.elements[i + 1].str;
      if (field == "library_code") code = library.elements[i + 1].str;
    }
    if (name == kLibrary) return code;
  }
  return std::nullopt;
}

}  // namespace

std::string_view functions_source() { return embedded::kFunctionsSource; }

int64_t functions_version(std::string_view source) {
  constexpr std::string_view kMarker = "local VERSION = ";
  size_t at = source.find(kMarker);
  if (at == std::string_view::npos) return -1;
  int64_t version = -1;
  const char* begin = source.data() + at + kMarker.size();
  std::from_chars(begin, source.data() + source.size(), version);
  return version;
}

Status ensure_functions(ClusterClient& client) {
  std::vector<Expected<Reply>> listed = client.on_every_master(
      {"FUNCTION", "LIST", "LIBRARYNAME", std::string(kLibrary), "WITHCODE"});
  std::vector<std::string> masters = client.masters();
  const int64_t ours = functions_version(functions_source());
  bool load = false;
  for (size_t i = 0; i < listed.size(); ++i) {
    std::string master = i < masters.size() ? masters[i] : "a master";
    if (!listed[i]) return listed[i].status();
    if (listed[i]->type == Reply::Type::kError) {
      return Status::error(ErrorCode::kUnavailable, master + ": FUNCTION LIST: " + listed[i]->str);
    }
    std::optional<std::string> code = library_code(*listed[i]);
    if (code && *code == functions_source()) continue;
    if (code && functions_version(*code) > ours) {
      return Status::error(ErrorCode::kFailedPrecondition,
                           master + " runs version " + std::to_string(functions_version(*code)) +
                               " of the gyrate function library, newer than this node's " +
                               std::to_string(ours));
    }
    load = true;
  }
  if (!load) return Status::ok();
  std::vector<Expected<Reply>> loaded =
      client.on_every_master({"FUNCTION", "LOAD", "REPLACE", std::string(functions_source())});
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!loaded[i]) return loaded[i].status();
    if (loaded[i]->type == Reply::Type::kError) {
      return Status::error(ErrorCode::kUnavailable,
                           (i < masters.size() ? masters[i] : "a master") +
                               ": FUNCTION LOAD: " + loaded[i]->str);
    }
  }
  return Status::ok();
}

}  // namespace gyrate::redis
