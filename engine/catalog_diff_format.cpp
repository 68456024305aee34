// The catalog diff as an aligned table for people and as JSON for tools (see catalog_diff.hpp).
#include <algorithm>
#include <cstdio>

#include "expr_text.hpp"
#include "gyrate/engine/catalog_diff.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "json_text.hpp"

namespace gyrate::engine {
namespace {

// Boundaries are local midnights: those print as a date, anything else with its time.
std::string local_text(int64_t t, int32_t tz) {
  lang::calendar::LocalTime lt = lang::calendar::local_time(t, tz);
  int64_t local = t + int64_t{tz} * 60;
  if ((local % 86'400 + 86'400) % 86'400 == 0) return date_text(lt.date);
  char hm[16];
  std::snprintf(hm, sizeof hm, " %02d:%02d", lt.hour, lt.minute);
  return date_text(lt.date) + hm;
}

using Row = std::vector<std::string>;

// Columns padded to their widest cell; the last one is not padded.
std::string table(const std::vector<Row>& rows) {
  std::vector<size_t> width;
  for (const Row& r : rows) {
    width.resize(std::max(width.size(), r.size()));
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (const Row& r : rows) {
    std::string line = " ";
    for (size_t i = 0; i < r.size(); ++i) {
      line += " " + r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 1, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string version_cell(const CatalogChange& c) {
  if (c.plan.empty() || c.version == 0) return "-";
  std::string v = std::to_string(c.version);
  return c.against_version ? v + " vs " + std::to_string(c.against_version) : v;
}

std::string optional_string(const std::string& s, bool present) {
  return present ? json_string(s) : "null";
}

}  // namespace

std::string diff_to_text(const CatalogDiff& diff, const std::vector<SubscriberImpact>* impacts,
                         int32_t tz) {
  std::string out;
  if (diff.empty()) {
    out += "no changes\n";
  } else {
    out += "changes (" + std::to_string(diff.changes.size()) + "):\n";
    std::vector<Row> rows{{"PLAN", "VERSION", "CHANGE", "OLD", "NEW"}};
    for (const CatalogChange& c : diff.changes) {
      rows.push_back({c.plan.empty() ? "(catalog)" : c.plan, version_cell(c), c.what,
                      or_dash(c.old_value), or_dash(c.new_value)});
    }
    out += table(rows);
  }
  if (!impacts) return out;
  size_t affected = static_cast<size_t>(std::count_if(
      impacts->begin(), impacts->end(), [](const SubscriberImpact& i) { return i.affected; }));
  out += "\nsubscribers (" + std::to_string(impacts->size()) + ", " + std::to_string(affected) +
         " affected):\n";
  std::vector<Row> rows{{"SUBSCRIBER", "PLAN", "VERSION", "AFFECTED FROM", "NEW VERSION", "WHY"}};
  for (const SubscriberImpact& i : *impacts) {
    auto version = [](int64_t v) { return v ? std::to_string(v) : std::string("-"); };
    rows.push_back({i.id, or_dash(i.plan), version(i.version),
                    i.affected ? local_text(i.from, tz) : "-", i.affected ? version(i.new_version) : "-",
                    i.reason});
  }
  return out + table(rows);
}

std::string diff_to_json(const CatalogDiff& diff, const std::vector<SubscriberImpact>* impacts,
                         int32_t tz) {
  std::string changes = "[";
  for (size_t k = 0; k < diff.changes.size(); ++k) {
    const CatalogChange& c = diff.changes[k];
    changes += (k ? "," : "") +
               JsonObject()
                   .str("plan", c.plan)
                   .num("version", c.version)
                   .opt("against_version", c.against_version
                                               ? std::optional<int64_t>(c.against_version)
                                               : std::nullopt)
                   .str("kind", change_kind_name(c.kind))
                   .str("what", c.what)
                   .raw("old", optional_string(c.old_value, c.kind != ChangeKind::kAdded))
                   .raw("new", optional_string(c.new_value, c.kind != ChangeKind::kRemoved))
                   .done();
  }
  JsonObject o;
  o.raw("changes", changes + "]");
  if (impacts) {
    std::string subs = "[";
    for (size_t k = 0; k < impacts->size(); ++k) {
      const SubscriberImpact& i = (*impacts)[k];
      subs += (k ? "," : "") +
              JsonObject()
                  .str("id", i.id)
                  .str("plan", i.plan)
                  .str("team", i.team)
                  .num("version", i.version)
                  .flag("affected", i.affected)
                  .opt("from", i.affected ? std::optional<int64_t>(i.from) : std::nullopt)
                  .raw("from_local", optional_string(local_text(i.from, tz), i.affected))
                  .num("new_version", i.new_version)
                  .str("reason", i.reason)
                  .done();
    }
    o.raw("subscribers", subs + "]");
  }
  return o.done() + "\n";
}

}  // namespace gyrate::engine
