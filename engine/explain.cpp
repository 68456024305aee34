// Engine::explain: the steps reserve() takes (renewal to the request's time, the context, the
// decision), on a copy of the account so that nothing changes, with what each step read kept
// and the grant's size put into words.
#include "gyrate/engine/explain.hpp"

#include <algorithm>
#include <limits>

#include "gyrate/engine/engine.hpp"
#include "gyrate/ruleslang/int128.hpp"
#include "gyrate/ruleslang/literal.hpp"
#include "gyrate/ruleslang/types.hpp"
#include "explain_parts.hpp"
#include "rating.hpp"
#include "renewal.hpp"
#include "team.hpp"

namespace gyrate::engine {
namespace {

using lang::Limiter;
using lang::Outcome;
using lang::ir::Role;

// reserve() refuses the same span (engine.cpp): renewal is linear in the boundaries passed.
constexpr int64_t kMaxCatchUpSeconds = int64_t{100} * 366 * 86'400;

// A rule's line as written: trimmed, without its `#` comment (a `#` inside quotes stays).
std::string rule_text(std::string_view line) {
  bool quoted = false;
  size_t end = line.size();
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == '#' && !quoted) {
      end = i;
      break;
    }
  }
  line = line.substr(0, end);
  size_t first = line.find_first_not_of(" \t");
  size_t last = line.find_last_not_of(" \t");
  return first == std::string_view::npos ? std::string()
                                         : std::string(line.substr(first, last - first + 1));
}

class Reasons {
 public:
  explicit Reasons(Explanation& e) : e_(e) {}

  std::string units(int64_t v) const { return std::to_string(v) + " " + e_.unit; }
  std::string money(int64_t v) const {
    std::string s = lang::literal::format_fixed(v);
    return e_.currency.empty() ? s : s + " " + e_.currency;
  }
  // One bound on the grant: `room` raw units under it; marked when it is what cut the grant.
  void bound(Limiter which, const std::string& what, int64_t room) {
    // Of equal kinds (two windows) only the one whose room is the grant cut it.
    bool cut = e_.answer.limiter == which && room == e_.answer.grant;
    std::string line = what + ": room for " + units(room);
    if (cut) line += e_.answer.grant == 0 ? " -- nothing left: this refuses the request"
                                          : " -- the smallest bound: it cut the grant";
    add(std::move(line));
  }
  void add(std::string line) { e_.reasons.push_back(std::move(line)); }

 private:
  Explanation& e_;
};

void explain_decision(Explanation& e) {
  Reasons r(e);
  const Answer& a = e.answer;
  switch (a.outcome) {
    case Outcome::kNoRule:
      r.add("plan " + e.plan + " does not rate service " + e.service + ": nothing is granted");
      return;
    case Outcome::kNotEligible:
      r.add("the eligibility rule of plan " + e.plan + " for " + e.service +
            " is false for this subscriber: nothing is granted");
      return;
    case Outcome::kModelNotAllowed:
      r.add("model " + e.model + " is not allowed on " + e.service + " by plan " + e.plan +
            ": nothing is granted");
      return;
    case Outcome::kRatingFailed:
      r.add("the plan's rules faulted on this request: nothing is granted");
      return;
    case Outcome::kGranted:
    case Outcome::kExhausted:
      break;
  }
  std::string asked = e.requested > 0 ? "requested " + r.units(e.requested)
                                      : "nothing requested: the service's quota is " +
                                            r.units(e.quota);
  bool grant_rule = std::any_of(e.rules.begin(), e.rules.end(), [](const FiredRule& f) {
    return f.role == "grant" && f.matched;
  });
  r.add(asked + (grant_rule ? "; the grant rule asks for " + r.units(e.rule_grant)
                            : "; no grant rule applies: that is the grant before the bounds"));
  if (!e.model.empty()) {
    r.add(e.model_known ? "model " + e.model + " weighs " + lang::literal::format_fixed(e.weight) +
                              ": each unit debits that many allowance units"
                        : "model " + e.model + " is not a model of " + e.service +
                              ": it rates as no model, weight 1");
  } else if (e.weight != lang::kFixedScale) {
    r.add("the weight is " + lang::literal::format_fixed(e.weight));
  }
  bool priced = e.charge && e.has_overage_price;
  if (priced) {
    r.add("the balance does not bound it: usage beyond the buckets is sold at " +
          r.money(e.overage_price) + " per " + r.units(e.overage_block) + " (charge)");
  } else {
    r.bound(Limiter::kBalance,
            "balance: " + std::to_string(e.remaining) +
                " allowance units left (buckets minus open reservations)",
            raw_room(e.remaining, e.weight));
  }
  if (e.usage_cap) {
    r.bound(Limiter::kUsageCap,
            "usage cap " + std::to_string(*e.usage_cap) + ", " + std::to_string(e.used) +
                " used this period",
            raw_room(room_under(*e.usage_cap, e.used), e.weight));
  }
  if (e.member_cap) {
    r.bound(Limiter::kMemberCap,
            "per-member cap " + std::to_string(*e.member_cap) + ", " +
                std::to_string(e.member_used) + " used or held by this member",
            raw_room(room_under(*e.member_cap, e.member_used), e.weight));
  }
  for (size_t i = 0; i < e.windows.size(); ++i) {
    const ExplainedWindow& w = e.windows[i];
    if (!w.limit) continue;
    std::string what = "window " + std::to_string(i) + " (" + std::to_string(w.seconds) + " s): " +
                       std::to_string(w.counted) + " of " + std::to_string(*w.limit) +
                       (w.counts_requests ? " requests" : " allowance units");
    int64_t room = w.counts_requests
                       ? (w.counted >= *w.limit ? 0 : std::numeric_limits<int64_t>::max())
                       : raw_room(room_under(*w.limit, w.counted), e.weight);
    if (w.counts_requests && room > 0) {
      r.add(what + ": a request fits");
    } else {
      r.bound(Limiter::kWindow, what, room);
    }
  }
  if (e.spend_cap && priced) {
    int64_t left = std::max<int64_t>(*e.spend_cap - e.spend, 0);
    std::string what = "spend cap " + r.money(*e.spend_cap) + ", " + r.money(e.spend) +
                       " spent this period";
    if (a.limiter == Limiter::kSpendCap) {
      r.add(what + ": " + r.money(left) + " left buys only part of the request -- it cut the grant");
    } else {
      r.add(what + ": " + r.money(left) + " left");
    }
  }
  if (a.outcome == Outcome::kGranted) {
    if (a.limiter == Limiter::kRule) {
      r.add("no balance, cap or window is smaller: the rule's amount is granted");
    }
    r.add("granted " + r.units(a.grant) + ", debit ceil(" + std::to_string(a.grant) + " x " +
          lang::literal::format_fixed(a.weight) + ") = " + std::to_string(a.debit) +
          " allowance units");
  } else {
    r.add(std::string("nothing granted: limited by ") + lang::limiter_name(a.limiter));
  }
  if (a.final_units) {
    r.add("these are the final units: then " +
          (e.final_action.empty() ? std::string("no action") : e.final_action));
  } else if (a.limiter == Limiter::kWindow && a.outcome == Outcome::kExhausted) {
    r.add("the window has room again in " + std::to_string(a.validity_seconds) +
          " s (Validity-Time)");
  }
}

// The buckets of the service in draw order, and what each would give of the debit.
void explain_buckets(Explanation& e, const AccountState& a, uint16_t service, int64_t t) {
  int64_t left = e.answer.debit;
  for (size_t i : draw_order(a, service, t)) {
    const Bucket& b = a.buckets[i];
    int64_t gives = std::min(b.amount, left);
    left -= gives;
    e.buckets.push_back(ExplainedBucket{b.origin, b.offer.str(), b.amount, b.valid_from, b.valid_until,
                                        gives});
  }
}

}  // namespace

Expected<Explanation> Engine::explain(std::string_view account,
                                      const ReserveRequest& request) const {
  Expected<std::shared_ptr<Slot>> found = existing(account);
  if (!found) return found.status();
  std::shared_ptr<Slot> slot = *found;
  if (request.requested < 0) {
    return Status::error(ErrorCode::kInvalidArgument, "negative requested amount");
  }
  AccountState a;
  {
    std::lock_guard lock(slot->mutex);
    if (Status s = refresh(*slot); !s) return s;
    a = slot->state;  // the copy is renewed and rated; the account is left as it is
  }
  Expected<TeamMember*> member = requester(a, account);
  if (!member) return member.status();
  if (Status s = check_team_request(a, *member); !s) return s;

  Explanation e;
  e.account = std::string(account);
  if (!a.members.empty()) e.team = a.id;
  e.service = request.service;
  e.model = request.model;
  e.requested = request.requested;
  RequestKey key{request.session, request.number, Operation::kReserve, request.service};
  if (const Answer* stored = a.answered.find(key)) {
    e.plan = a.plan_name();
    e.plan_version = a.plan_version;
    e.duplicate = true;
    e.answer = *stored;
    e.answer.duplicate = true;
    e.time = a.last_time;
    e.reasons.push_back("request (" + request.session + ", " + std::to_string(request.number) +
                        ") was answered already: reserve returns the stored answer and "
                        "changes nothing");
    explain_limit(e);
    return e;
  }
  if (request.time < 0 || request.time - a.last_time > kMaxCatchUpSeconds) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "time " + std::to_string(request.time) + " is before 1970 or more than "
                         "100 years after the account's last request");
  }
  // Rule 19: an earlier timestamp is rated at the last time; then every boundary passed.
  int64_t t = std::max(request.time, a.last_time);
  renew(a, t, catalog());
  e.time = t;
  e.plan = a.plan_name();
  e.plan_version = a.plan_version;
  const Catalog& catalog = *a.catalog;
  const lang::ir::Program& program = catalog.program();
  std::optional<uint16_t> service = catalog.service(request.service);
  if (!service) {
    return Status::error(ErrorCode::kInvalidArgument, "unknown service '" + request.service + "'");
  }
  e.unit = lang::dim_name(program.services[*service].dim);
  if (const auto& cur = a.plan_ir().currency; cur && *cur < program.currencies.size()) {
    e.currency = program.currencies[*cur].name;
  }
  e.source = program.source_name;
  e.zone_offset_minutes = program.timezone_offset_minutes;
  std::optional<uint32_t> block = catalog.block(a.plan, *service);
  if (!block) {
    explain_decision(e);
    explain_limit(e);
    return e;
  }
  e.rated = true;
  e.block = *block;
  int64_t model = model_index(catalog, request.model, *service);
  e.model_known = model >= 0;
  RequestContext ctx = rating_context(a, *block, *service, model, request.requested, t, *member);
  Rated rated = rate_on(a, *block, *service, ctx, t);
  const lang::Decision& d = rated.decision;
  e.answer = answer_from(d);
  e.final_action = d.final_action != nullptr ? lang::action_text(d.final_action) : "";
  e.weight = d.weight;
  e.charge = rated.charge;
  e.has_overage_price = d.has_overage_price;
  e.overage_price = d.overage_price;
  e.overage_block = d.overage_block;

  e.remaining = ctx.get(lang::kSlotRemaining);
  e.used = ctx.get(lang::kSlotUsed);
  e.member_used = ctx.get(lang::kSlotMemberUsed);
  e.period_allowance = ctx.get(lang::kSlotPeriodAllowance);
  e.spend = ctx.get(lang::kSlotSpend);
  e.period_index = ctx.get(lang::kSlotPeriodIndex);
  const lang::ir::Block& b = program.blocks[*block];
  for (size_t i = 0; i < b.windows.size() && i < lang::kMaxWindowLimits; ++i) {
    e.windows.push_back(ExplainedWindow{b.windows[i].seconds, b.windows[i].counts_requests,
                                        ctx.get(static_cast<uint32_t>(lang::kSlotWindowUsed0 + i)),
                                        window_limit(catalog, *block, i, ctx)});
  }
  e.quota = lang::ir::service_quota(program, b);
  e.rule_grant = block_value(catalog, *block, Role::kGrant, ctx)
                     .value_or(request.requested > 0 ? request.requested : e.quota);
  e.usage_cap = block_value(catalog, *block, Role::kUsageCap, ctx);
  e.member_cap = block_value(catalog, *block, Role::kMemberCap, ctx);
  e.spend_cap = block_value(catalog, *block, Role::kSpendCap, ctx);
  explain_buckets(e, a, *service, t);
  e.rules = fired_rules(catalog, *block, ctx);
  explain_decision(e);
  if (d.outcome == Outcome::kRatingFailed) {
    e.reasons.back() += std::string(" (") + lang::ir::eval_status_name(d.fault) + ")";
  }
  explain_limit(e);
  e.cost = quote(e, e.answer.grant).cost;
  return e;
}

void locate(Explanation& e, const lang::SourceFile& source) {
  if (e.source != source.name()) return;
  for (FiredRule& r : e.rules) {
    if (r.range.end <= r.range.begin || r.range.end > source.text().size()) continue;
    lang::LineColumn at = source.position(r.range.begin);
    r.line = at.line;
    r.column = at.column;
    r.text = rule_text(source.line_text(at.line));
  }
}

Quote quote(const Explanation& e, int64_t requested) {
  Quote q;
  int64_t available = std::max<int64_t>(e.remaining, 0);
  int64_t need = weighted(std::max<int64_t>(requested, 0), e.weight);
  q.covered = e.rated && need <= available;
  if (q.covered) {
    q.available = true;
    return q;
  }
  if (!e.rated || !e.charge || !e.has_overage_price || e.overage_block <= 0 || e.weight <= 0) return q;
  // As Engine::commit prices `charge`: the raw units the buckets cannot cover, ceil(units x price / block).
  int64_t covered_raw = std::min<int64_t>(
      requested, saturate(static_cast<lang::Int128>(available) * lang::kFixedScale / e.weight));
  lang::Int128 money = static_cast<lang::Int128>(requested - covered_raw) * e.overage_price;
  q.cost = saturate((money + e.overage_block - 1) / e.overage_block);
  q.available = true;
  return q;
}

}  // namespace gyrate::engine
