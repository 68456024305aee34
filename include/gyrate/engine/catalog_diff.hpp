// What changes between two checked catalogs (`gyratec diff`): per plan and version, every value a
// subscriber meets (fees, allowances, caps, packs, rules, ...) old against new; and, for a
// subscriber population, who is affected from which date under engine rule 20 (grandfathering).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/engine.hpp"

namespace gyrate::engine {

enum class ChangeKind : uint8_t { kAdded, kRemoved, kChanged };
const char* change_kind_name(ChangeKind k);  // "added", "removed", "changed"

// One difference. Values are texts for people, money and quantities with their currency or unit
// ("26.00 CNY", "12000 requests"), rules as tariff-like expressions; they were compared on the
// checked program's canonical dump, so a rule moved in the file or reformatted is no change.
struct CatalogChange {
  std::string plan;       // empty: the catalog as a whole (time zone, services, models, ...)
  int64_t version = 0;    // the plan version; 0 with an empty plan
  // A version the old catalog did not have is compared with the version before it in the new
  // catalog (T11: version 2 against version 1), whose number this is; 0 otherwise.
  int64_t against_version = 0;
  ChangeKind kind = ChangeKind::kChanged;
  std::string what;       // "fee", "allowance code", "weight llm when model == qwen_max", ...
  std::string old_value;  // empty when added
  std::string new_value;  // empty when removed
};

struct CatalogDiff {
  std::vector<CatalogChange> changes;  // catalog-wide first, then plans in the new file's order
  bool empty() const { return changes.empty(); }
};

// Compares two checked programs item by item. Deterministic; never fails (a program the checker
// accepted is all it needs).
CatalogDiff diff_catalogs(const lang::ir::Program& old_program,
                          const lang::ir::Program& new_program);

// Whether a subscriber meets the new catalog differently from the old one, and from when.
struct SubscriberImpact {
  std::string id;
  std::string plan;
  std::string team;            // a team member follows its team's result
  int64_t version = 0;         // the version the subscriber is on when the change reaches it
                               // (at publication when not affected); 0: none
  bool affected = false;
  int64_t from = 0;            // unix seconds: the first instant the two catalogs differ for it
  int64_t new_version = 0;     // the version from `from` on under the new catalog; 0: none
  std::string reason;          // why (or why not), for people
};

// For each subscriber spec (as gyratec provision reads them): the versions it goes through under
// the old catalog and under the new one published at `published` (unix seconds), walked period
// by period with the engine's PeriodCalendar and rule 20's version switch, and the first instant
// they differ in version or in the version's content. Team members take their team's answer.
std::vector<SubscriberImpact> subscriber_impacts(const Catalog& old_catalog,
                                                 const Catalog& new_catalog,
                                                 const std::vector<ProvisionSpec>& subscribers,
                                                 int64_t published);

// The diff (and impacts, when any) as an aligned table for people, and as one JSON object for
// tools ({"changes":[...],"subscribers":[...]}, times as unix seconds and local text). Local
// times are in `tz_offset_minutes` (the new catalog's zone).
std::string diff_to_text(const CatalogDiff& diff, const std::vector<SubscriberImpact>* impacts,
                         int32_t tz_offset_minutes);
std::string diff_to_json(const CatalogDiff& diff, const std::vector<SubscriberImpact>* impacts,
                         int32_t tz_offset_minutes);

}  // namespace gyrate::engine
