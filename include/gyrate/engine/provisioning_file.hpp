// Bulk provisioning from subscriber files: CSV with a header row, or JSON lines, parsed into
// ProvisionSpecs and applied through Engine::provision_all, whole or not at all. Every problem,
// whether the parser's (a bad date, an unknown column) or the engine's (an unknown plan, an
// identity another account owns), comes back as data with its file and line. Formats, columns
// and rules: docs/provisioning.md.
#pragma once

#include <algorithm>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/engine.hpp"

namespace gyrate::engine {

enum class ProvisioningFormat : uint8_t {
  kAuto,       // by the file's extension: .csv or .jsonl
  kCsv,
  kJsonLines,
};

// "csv", "jsonl" (also "auto"); nullopt for any other name.
std::optional<ProvisioningFormat> provisioning_format_from_name(std::string_view name);

struct ProvisioningError {
  std::string file;
  size_t line = 0;  // 1-based; 0: the file as a whole (it cannot be read, its format is unknown)
  std::string reason;
  // kUnavailable when the store could not answer (a shard down, WAIT short of replicas): the
  // row itself may be fine.
  ErrorCode code = ErrorCode::kInvalidArgument;
  // "subscribers.csv:7: error: bad billing_day '32': ..." ("FILE: error: ..." without a line).
  std::string to_string() const;
};

// One file's rows. A row with any problem is left out of `specs` and has its errors instead.
struct ParsedProvisioning {
  std::vector<ProvisionSpec> specs;
  std::vector<size_t> lines;  // lines[i]: the line specs[i] starts on
  std::vector<ProvisioningError> errors;
};

// Parses `text`, named `file` in errors, reading local times in the zone `offset_minutes` (the
// catalog's). kAuto picks the format from `file`'s extension.
ParsedProvisioning parse_provisioning(std::string_view text, const std::string& file,
                                      ProvisioningFormat format, int32_t offset_minutes);
ParsedProvisioning read_provisioning_file(const std::string& path, ProvisioningFormat format,
                                          int32_t offset_minutes);

// What the files hold: member rows (a `team`), the distinct teams they join, and every other row.
struct ProvisioningCounts {
  size_t subscribers = 0;
  size_t teams = 0;
  size_t members = 0;
};

// Whether rows of ids the engine already holds (or its shared store does) are provisioned again
// (starting them afresh on their plan, engine.hpp) or left as they are.
enum class ProvisioningMode : uint8_t {
  kAll,
  kNewOnly,  // every node of a cluster may start with the same file: the first one provisions
};

struct ProvisioningReport {
  bool applied = false;
  ProvisioningCounts counts;              // of the rows that parsed (and, kNewOnly, were new)
  size_t kept = 0;                        // kNewOnly: rows left out because their id exists
  std::vector<ProvisioningError> errors;  // in file order, then line order
  // Nothing applied only because the store could not answer: the same files may apply later.
  bool transient() const {
    return !applied && !errors.empty() &&
           std::all_of(errors.begin(), errors.end(),
                       [](const ProvisioningError& e) { return e.code == ErrorCode::kUnavailable; });
  }
};

// Parses every file and provisions all their rows as one batch (Engine::provision_all): all of
// them or, on any error, none. Errors are the parse errors and the engine's refusals mapped
// back to their rows' lines; when some rows do not parse, the others are still checked by the
// engine (nothing is applied), so one run reports everything. An id given on two rows is
// refused at the second, naming the first. Safe while requests run: provision_all's locking
// holds (requests of accounts outside the files do not wait).
ProvisioningReport apply_provisioning(Engine& engine, const std::vector<std::string>& paths,
                                      ProvisioningFormat format = ProvisioningFormat::kAuto,
                                      ProvisioningMode mode = ProvisioningMode::kAll);
ProvisioningReport apply_provisioning(Engine& engine, const std::string& path,
                                      ProvisioningFormat format = ProvisioningFormat::kAuto);

// apply_provisioning on a scratch Engine on `catalog`: checks the files against the catalog
// (plans, attributes, identities, teams and seats) without touching any live engine.
ProvisioningReport check_provisioning(std::shared_ptr<const Catalog> catalog,
                                      const std::vector<std::string>& paths,
                                      ProvisioningFormat format = ProvisioningFormat::kAuto);

}  // namespace gyrate::engine
