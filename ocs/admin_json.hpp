// The admin API's JSON: request bodies read as provisioning rows (the JSON-lines parser of
// engine/provisioning_file.hpp, so a POST and a file accept the same fields with the same
// errors) and balances written out. Internal to gyrate_ocs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/engine/engine.hpp"

namespace gyrate::ocs {

// "2026-11-01T00:00:00Z"; null for kNeverEnds.
nlohmann::ordered_json iso_utc(int64_t unix_seconds);

struct RowError {
  size_t index = 0;  // the row's index in a batch (0 for a single row)
  std::string reason;
};

struct ParsedRows {
  std::vector<engine::ProvisionSpec> specs;
  std::vector<RowError> errors;  // empty when every row parsed
  bool batch = false;            // the body is an array of rows (errors name their index)
};

// A body holding one provisioning row (a JSON object) or, when `allow_batch`, an array of
// them. `path_id` (PUT /v1/subscribers/{id}) is the row's id: the body may leave `id` out or
// must give the same one. Local times are read in the zone `offset_minutes` (the catalog's).
ParsedRows parse_rows(std::string_view body, bool allow_batch, const std::string* path_id,
                      int32_t offset_minutes);

// What GET /v1/subscribers/{id} answers. `plan` and `plan_version` are left out when empty/0.
struct AccountHeader {
  std::string id;
  std::string plan;
  int64_t plan_version = 0;
  std::string currency;
};
nlohmann::ordered_json balances_json(const AccountHeader& header, const engine::Balances& b);

}  // namespace gyrate::ocs
