// A checked catalog cut into the items a diff compares: one per value a subscriber meets (a fee,
// an allowance, one rule of a weight, a pack's price, ...), named as a designer would say it.
// Internal to gyrate_engine (catalog_diff.cpp and the subscriber walk use it).
#pragma once

#include <string>
#include <vector>

#include "gyrate/engine/catalog_diff.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::engine {

struct CatalogItem {
  std::string what;       // "fee", "weight llm when model == qwen_max", "pack day_pass price"
  std::string canonical;  // lang::dump_expr and the IR's fields: equal exactly when the item is
  std::string text;       // for people: "26.00 CNY"
};

// Time zone, currencies, services, models and attributes.
std::vector<CatalogItem> catalog_items(const lang::ir::Program& program);

// Everything one plan version offers, in a stable order (header, packs, promos, plan block, then
// each service). Guarded rules (`fee 9.9 CNY when first_period; fee 19.9 CNY;`) give one item
// per guard, so changing one rule shows that rule alone.
std::vector<CatalogItem> plan_items(const lang::ir::Program& program, const lang::ir::Plan& plan);

// The items that say when a version applies rather than what it offers.
inline bool is_version_item(const CatalogItem& item) {
  return item.what == "effective" || item.what == "grandfather";
}

// Appends to `out` what changes from `before` to `after`: changed and added items in the new
// order, then removed ones in the old; each a copy of `where` (plan, version) with its values.
// Items compare on `canonical` and show `text`. (Defined in catalog_diff.cpp.)
void diff_items(const std::vector<CatalogItem>& before, const std::vector<CatalogItem>& after,
                const CatalogChange& where, std::vector<CatalogChange>& out);

// "effective 2026-09-01, grandfather until 2027-01-01".
std::string version_summary(const lang::ir::Plan& plan);

}  // namespace gyrate::engine
