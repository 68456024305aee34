// diff_catalogs: two checked catalogs compared item by item, per plan and per version.
#include "gyrate/engine/catalog_diff.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

#include "catalog_items.hpp"

namespace gyrate::engine {
namespace {

namespace ir = lang::ir;

// Items by name: plans with long guard chains have thousands.
using ItemIndex = std::unordered_map<std::string_view, const CatalogItem*>;
ItemIndex by_what(const std::vector<CatalogItem>& items) {
  ItemIndex out;
  for (const CatalogItem& it : items) out.emplace(it.what, &it);
  return out;
}

struct Where {
  std::string plan;
  int64_t version = 0;
  int64_t against = 0;
};

void add_change(CatalogDiff& diff, const Where& at, ChangeKind kind, std::string what,
                std::string old_value, std::string new_value) {
  diff.changes.push_back(CatalogChange{at.plan, at.version, at.against, kind, std::move(what),
                                       std::move(old_value), std::move(new_value)});
}

void diff_items(CatalogDiff& diff, const Where& at, const std::vector<CatalogItem>& before,
                const std::vector<CatalogItem>& after) {
  CatalogChange where;
  where.plan = at.plan;
  where.version = at.version;
  where.against_version = at.against;
  diff_items(before, after, where, diff.changes);
}

std::vector<CatalogItem> offer_items(const ir::Program& p, const ir::Plan& plan) {
  std::vector<CatalogItem> items = plan_items(p, plan);
  std::erase_if(items, is_version_item);
  return items;
}

// A plan's versions, oldest first: version -> index in Program::plans.
using Versions = std::map<int64_t, uint32_t>;

std::string versions_text(const Versions& v) {
  std::string s = v.size() == 1 ? "version " : "versions ";
  bool first = true;
  for (const auto& [version, index] : v) {
    s += (first ? "" : ", ") + std::to_string(version);
    first = false;
  }
  return s;
}

// A version the old catalog lacks: when it applies, then what it offers against the version
// before it in the new catalog (everything added when it is the first).
void diff_new_version(CatalogDiff& diff, const ir::Program& p, const Versions& all,
                      int64_t version) {
  const ir::Plan& plan = p.plans[all.at(version)];
  Where at{plan.name, version, 0};
  add_change(diff, at, ChangeKind::kAdded, "version", "", version_summary(plan));
  auto previous = all.find(version);
  if (previous == all.begin()) {
    diff_items(diff, at, {}, offer_items(p, plan));
    return;
  }
  --previous;
  at.against = previous->first;
  diff_items(diff, at, offer_items(p, p.plans[previous->second]), offer_items(p, plan));
}

void diff_plan(CatalogDiff& diff, const std::string& name, const ir::Program& old_p,
               const Versions* old_v, const ir::Program& new_p, const Versions* new_v) {
  if (!new_v) {
    add_change(diff, {name, 0, 0}, ChangeKind::kRemoved, "plan", versions_text(*old_v), "");
    return;
  }
  if (!old_v) add_change(diff, {name, 0, 0}, ChangeKind::kAdded, "plan", "", versions_text(*new_v));
  for (const auto& [version, index] : *new_v) {
    auto was = old_v ? old_v->find(version) : Versions::const_iterator{};
    if (!old_v || was == old_v->end()) {
      diff_new_version(diff, new_p, *new_v, version);
      continue;
    }
    diff_items(diff, {name, version, 0}, plan_items(old_p, old_p.plans[was->second]),
               plan_items(new_p, new_p.plans[index]));
  }
  if (!old_v) return;
  for (const auto& [version, index] : *old_v) {
    if (!new_v->contains(version)) {
      add_change(diff, {name, version, 0}, ChangeKind::kRemoved, "version",
                 version_summary(old_p.plans[index]), "");
    }
  }
}

// Plan names in first-appearance order, with their versions.
struct PlanIndex {
  std::vector<std::string> names;
  std::map<std::string, Versions> versions;
};

PlanIndex index_plans(const ir::Program& p) {
  PlanIndex out;
  for (uint32_t i = 0; i < p.plans.size(); ++i) {
    auto [it, fresh] = out.versions.try_emplace(p.plans[i].name);
    if (fresh) out.names.push_back(p.plans[i].name);
    it->second[p.plans[i].version] = i;
  }
  return out;
}

}  // namespace

void diff_items(const std::vector<CatalogItem>& before, const std::vector<CatalogItem>& after,
                const CatalogChange& where, std::vector<CatalogChange>& out) {
  auto change = [&](ChangeKind kind, const std::string& what, const std::string& old_value,
                    const std::string& new_value) {
    CatalogChange c = where;
    c.kind = kind;
    c.what = what;
    c.old_value = old_value;
    c.new_value = new_value;
    out.push_back(std::move(c));
  };
  ItemIndex old_items = by_what(before);
  ItemIndex new_items = by_what(after);
  for (const CatalogItem& now : after) {
    auto was = old_items.find(now.what);
    if (was == old_items.end()) {
      change(ChangeKind::kAdded, now.what, "", now.text);
    } else if (was->second->canonical != now.canonical) {
      change(ChangeKind::kChanged, now.what, was->second->text, now.text);
    }
  }
  for (const CatalogItem& was : before) {
    if (!new_items.contains(was.what)) change(ChangeKind::kRemoved, was.what, was.text, "");
  }
}

const char* change_kind_name(ChangeKind k) {
  switch (k) {
    case ChangeKind::kAdded: return "added";
    case ChangeKind::kRemoved: return "removed";
    case ChangeKind::kChanged: return "changed";
  }
  return "?";
}

CatalogDiff diff_catalogs(const ir::Program& old_program, const ir::Program& new_program) {
  CatalogDiff diff;
  diff_items(diff, {}, catalog_items(old_program), catalog_items(new_program));
  PlanIndex before = index_plans(old_program);
  PlanIndex after = index_plans(new_program);
  std::vector<std::string> names = after.names;
  for (const std::string& n : before.names) {
    if (!after.versions.contains(n)) names.push_back(n);
  }
  for (const std::string& name : names) {
    auto o = before.versions.find(name);
    auto n = after.versions.find(name);
    diff_plan(diff, name, old_program, o == before.versions.end() ? nullptr : &o->second,
              new_program, n == after.versions.end() ? nullptr : &n->second);
  }
  return diff;
}

}  // namespace gyrate::engine
