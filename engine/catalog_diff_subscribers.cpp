// subscriber_impacts: each subscriber's plan versions walked period by period under the old
// catalog and under the new one, as the engine's renew() would move them (rules 20 and 21), and
// the first instant the two walks differ.
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "catalog_items.hpp"
#include "expr_text.hpp"
#include "gyrate/engine/catalog_diff.hpp"
#include "gyrate/engine/period_calendar.hpp"
#include "gyrate/ruleslang/calendar.hpp"

namespace gyrate::engine {
namespace {

namespace ir = lang::ir;

// A daily plan walked across years of grandfathering stays well below this; it only bounds a
// walk whose dates are absurd (a tariff is untrusted input).
constexpr int kMaxBoundaries = 100'000;

struct State {
  const Catalog* catalog = nullptr;
  std::optional<uint32_t> plan;  // index in catalog->program().plans; none: no version applies
  const ir::Plan* ir() const { return plan ? &catalog->program().plans[*plan] : nullptr; }
  int64_t version() const { return plan ? ir()->version : 0; }
};

struct Segment {
  int64_t start = 0;  // unix seconds
  State state;
};

int64_t local_day(const Catalog& c, int64_t t) {
  return lang::calendar::local_time(t, c.program().timezone_offset_minutes).date;
}

// Rule 20, as renewal.cpp's version_switch applies it at a boundary on local day `day`: the
// newest version newer than the current one that is in effect and whose grandfather clause lets
// existing subscribers move (`none`: at once; `until D`: from D; `forever`: never).
std::optional<uint32_t> version_switch(const Catalog& latest, const std::string& name,
                                       int64_t version, int64_t day) {
  std::optional<uint32_t> best;
  const std::vector<ir::Plan>& plans = latest.program().plans;
  for (uint32_t i = 0; i < plans.size(); ++i) {
    const ir::Plan& p = plans[i];
    if (p.name != name || p.version <= version) continue;
    if (p.effective_date && *p.effective_date > day) continue;
    bool moves = p.grandfather == ir::GrandfatherKind::kNone ||
                 (p.grandfather == ir::GrandfatherKind::kUntil && day >= p.grandfather_until);
    if (!moves) continue;
    best = i;
    version = p.version;
  }
  return best;
}

// After this local day no version of the plan changes its mind: every effective and grandfather
// date of both catalogs, and the publication, lie before it.
int64_t horizon_day(const Catalog& a, const Catalog& b, const std::string& name, int64_t published) {
  int64_t day = local_day(b, published);
  for (const Catalog* c : {&a, &b}) {
    for (const ir::Plan& p : c->program().plans) {
      if (p.name != name) continue;
      if (p.effective_date) day = std::max(day, *p.effective_date);
      if (p.grandfather == ir::GrandfatherKind::kUntil) day = std::max(day, p.grandfather_until);
    }
  }
  return day;
}

struct Walker {
  const Catalog& old_catalog;
  const Catalog& new_catalog;
  const ProvisionSpec& spec;
  int billing_day;
  int64_t published;
  int64_t horizon;

  PeriodCalendar calendar(const State& s) const {
    return PeriodCalendar(s.ir()->period, s.catalog->program().timezone_offset_minutes,
                          spec.activation, billing_day);
  }

  // The versions the subscriber goes through; `publish`: the new catalog replaces the old at
  // `published` (a reload moves the account onto the same version, then boundaries see it).
  std::vector<Segment> walk(bool publish) const {
    const Catalog& joining = publish && spec.activation >= published ? new_catalog : old_catalog;
    State cur{&joining, joining.plan_in_effect(spec.plan, local_day(joining, spec.activation))};
    std::vector<Segment> out{{spec.activation, cur}};
    if (!cur.plan) return out;
    bool pending = publish && &joining != &new_catalog;
    auto reload = [&] {
      pending = false;
      if (std::optional<uint32_t> same = new_catalog.plan(spec.plan, cur.version())) {
        cur = State{&new_catalog, same};
        out.push_back({published, cur});
      }
    };
    PeriodCalendar cal = calendar(cur);
    PeriodSpan span = cal.at(spec.activation);
    for (int i = 0; i < kMaxBoundaries && span.end != kNeverEnds; ++i) {
      if (pending && published <= span.end) reload();
      const Catalog& latest = publish && span.end >= published ? new_catalog : old_catalog;
      PeriodSpan next = cal.next(span);
      if (std::optional<uint32_t> v =
              version_switch(latest, spec.plan, cur.version(), local_day(latest, next.start))) {
        cur = State{&latest, v};
        cal = calendar(cur);
        int64_t start = next.start;
        next = cal.at(start);  // the new version's period may differ (renewal.cpp)
        next.start = start;
        out.push_back({start, cur});
      }
      if (next.start <= span.start) break;  // a calendar that does not move forward
      span = next;
      if (!pending && local_day(*cur.catalog, span.start) > horizon) break;
    }
    if (pending) reload();
    return out;
  }
};

const State& state_at(const std::vector<Segment>& segments, int64_t t) {
  const Segment* at = &segments.front();
  for (const Segment& s : segments) {
    if (s.start <= t) at = &s;
  }
  return at->state;
}

// What a version offers, as one comparable text per (catalog, plan), computed once.
class Offers {
 public:
  const std::vector<CatalogItem>& of(const State& s) {
    auto [it, fresh] = cache_.try_emplace({s.catalog, *s.plan});
    if (fresh) {
      it->second = plan_items(s.catalog->program(), *s.ir());
      std::erase_if(it->second, is_version_item);
    }
    return it->second;
  }

  // The items whose value differs, as "fee, allowance code"; empty when the offers are equal.
  const std::string& differences(const State& a, const State& b) {
    auto [it, fresh] = differences_.try_emplace({a.catalog, *a.plan, b.catalog, *b.plan});
    if (fresh) it->second = compare(of(a), of(b));
    return it->second;
  }

 private:
  static std::string compare(const std::vector<CatalogItem>& x, const std::vector<CatalogItem>& y) {
    std::vector<CatalogChange> changes;
    diff_items(x, y, CatalogChange{}, changes);
    std::string s;
    for (size_t i = 0; i < changes.size() && i < 3; ++i) s += (i ? ", " : "") + changes[i].what;
    if (changes.size() > 3) s += " and " + std::to_string(changes.size() - 3) + " more";
    return s;
  }

  std::map<std::pair<const Catalog*, uint32_t>, std::vector<CatalogItem>> cache_;
  std::map<std::tuple<const Catalog*, uint32_t, const Catalog*, uint32_t>, std::string> differences_;
};

bool same(const State& a, const State& b, Offers& offers) {
  if (a.catalog == b.catalog && a.plan == b.plan) return true;
  if (!a.plan || !b.plan) return !a.plan && !b.plan;
  return a.version() == b.version() && offers.differences(a, b).empty();
}

// Why the new catalog moves the subscriber onto `now` at `from` (rule 20's clause, in words); the
// table shows both version numbers.
std::string move_reason(const State& was, const State& now, int64_t from, int64_t activation,
                        int64_t published) {
  if (from == activation) {
    return "joins version " + std::to_string(now.version()) + " at activation (old catalog: " +
           (was.plan ? "version " + std::to_string(was.version()) : std::string("none")) + ")";
  }
  const ir::Plan& p = *now.ir();
  const Catalog& c = *now.catalog;
  std::string clause = p.grandfather == ir::GrandfatherKind::kUntil
                           ? "grandfather until " + date_text(p.grandfather_until)
                           : std::string("grandfather none");
  int64_t day = p.effective_date.value_or(0);
  if (p.grandfather == ir::GrandfatherKind::kUntil) day = std::max(day, p.grandfather_until);
  if (local_day(c, published) > day) return "first boundary after publication (" + clause + ")";
  return "first boundary on or after " + date_text(day) + " (" + clause + ")";
}

SubscriberImpact impact_of(const Catalog& old_c, const Catalog& new_c, const ProvisionSpec& spec,
                           int64_t published, Offers& offers) {
  SubscriberImpact out;
  out.id = spec.id;
  out.plan = spec.plan;
  int billing_day = spec.billing_day != 0
                        ? spec.billing_day
                        : lang::calendar::local_time(spec.activation,
                                                     old_c.program().timezone_offset_minutes)
                              .day;
  Walker walker{old_c, new_c, spec, billing_day, published,
                horizon_day(old_c, new_c, spec.plan, published)};
  std::vector<Segment> before = walker.walk(false);
  std::vector<Segment> after = walker.walk(true);
  std::vector<int64_t> times;
  for (const auto* segs : {&before, &after}) {
    for (const Segment& s : *segs) times.push_back(s.start);
  }
  std::sort(times.begin(), times.end());
  for (int64_t t : times) {
    const State& was = state_at(before, t);
    const State& now = state_at(after, t);
    if (same(was, now, offers)) continue;
    out.affected = true;
    out.from = t;
    out.version = was.version();
    out.new_version = now.version();
    if (!now.plan) {
      out.reason = "no version of the plan applies in the new catalog";
    } else if (was.version() == now.version()) {
      out.reason = "version " + std::to_string(now.version()) + " changes: " +
                   offers.differences(was, now);
    } else if (was.version() > now.version()) {
      out.reason = "stays on version " + std::to_string(now.version()) + " (old catalog: version " +
                   std::to_string(was.version()) + ")";
    } else {
      out.reason = move_reason(was, now, t, spec.activation, published);
    }
    return out;
  }
  const State& last = state_at(after, std::max(published, spec.activation));
  out.version = out.new_version = last.version();
  out.reason = last.plan ? "no change to version " + std::to_string(last.version())
                         : "no version of the plan in effect at activation";
  return out;
}

}  // namespace

std::vector<SubscriberImpact> subscriber_impacts(const Catalog& old_catalog,
                                                 const Catalog& new_catalog,
                                                 const std::vector<ProvisionSpec>& subscribers,
                                                 int64_t published) {
  Offers offers;
  std::vector<SubscriberImpact> out;
  std::map<std::string, size_t> by_id;
  for (const ProvisionSpec& spec : subscribers) {
    if (!spec.team.empty()) continue;
    by_id[spec.id] = out.size();
    out.push_back(impact_of(old_catalog, new_catalog, spec, published, offers));
  }
  // A member draws on its team's pool and plan, so its team's answer is its own.
  for (const ProvisionSpec& spec : subscribers) {
    if (spec.team.empty()) continue;
    SubscriberImpact member;
    auto team = by_id.find(spec.team);
    if (team != by_id.end()) member = out[team->second];
    member.id = spec.id;
    member.team = spec.team;
    member.reason = team != by_id.end() ? "member of team " + spec.team + ": " + member.reason
                                        : "member of team " + spec.team + ", not in the file";
    out.push_back(std::move(member));
  }
  return out;
}

}  // namespace gyrate::engine
