// Lazy renewal: every period boundary passed since an account's last touch, applied in order with
// the fee, allowance, counters, expiry, rollover and promos of each (rules 6-11).
#include "renewal.hpp"

#include <algorithm>
#include <limits>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "team.hpp"

namespace gyrate::engine {
namespace {

using lang::ir::Role;

int64_t add_saturated(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? kNeverEnds : r;
}

// Drops the buckets that ended by `t`. An overrun (a negative amount) does not vanish with its
// bucket: the debt moves into an "overrun" bucket that never expires, so the next grant waits
// until a renewal or a pack covers it (rule 17: the balance never goes silently wrong).
void drop_expired(AccountState& account, int64_t t) {
  std::vector<std::pair<uint16_t, int64_t>> debts;
  erase_if(account.buckets, [&](const Bucket& b) {
    if (b.valid_until > t) return false;
    if (b.amount < 0) debts.emplace_back(b.service, b.amount);
    return true;
  });
  for (const auto& [service, amount] : debts) overrun_bucket(account, service, t).amount += amount;
}

// Rule 8: the closing period's unused allowance (never rollover or packs), up to the cap, into a
// rollover bucket living `rollover_periods` periods from the next boundary.
void roll_over(AccountState& account, const PeriodCalendar& calendar, const PeriodSpan& closing) {
  const lang::ir::Program& program = account.catalog->program();
  for (uint32_t block_index : account.plan_ir().service_blocks) {
    const lang::ir::Block& block = program.blocks[block_index];
    if (block.rollover_cap <= 0) continue;
    int64_t unused = 0;
    for (const Bucket& b : account.buckets) {
      bool allowance = b.origin == BucketOrigin::kAllowance || b.origin == BucketOrigin::kPooled;
      if (b.service == block.service && allowance && b.offer == kAllowanceOffer &&
          b.valid_until == closing.end && b.amount > 0) {
        unused += b.amount;
      }
    }
    int64_t carried = std::min(unused, block.rollover_cap);
    if (carried <= 0) continue;
    PeriodSpan last = calendar.next(closing);
    for (int64_t i = 1; i < block.rollover_periods && last.end != kNeverEnds; ++i) {
      last = calendar.next(last);
    }
    account.buckets.push_back(Bucket{.service = block.service,
                                     .origin = BucketOrigin::kRollover,
                                     .offer = kRolloverOffer,
                                     .amount = carried,
                                     .valid_from = closing.end,
                                     .valid_until = last.end});
  }
}

}  // namespace

Status resolve_attributes(AccountState& account) {
  const lang::ir::Program& program = account.catalog->program();
  lang::ContextBuilder builder(program);
  std::vector<std::pair<uint16_t, int64_t>> resolved;
  for (const auto& [name, text] : account.attributes) {
    std::optional<uint16_t> slot = account.catalog->attribute_slot(name);
    if (!slot) {
      return Status::error(ErrorCode::kInvalidArgument, "unknown attribute '" + name + "'");
    }
    std::string err = builder.set_attribute(name, text);
    if (!err.empty()) return Status::error(ErrorCode::kInvalidArgument, err);
    resolved.emplace_back(*slot, builder.context().slots[*slot]);
  }
  account.resolved = std::move(resolved);
  return Status::ok();
}

void fill_account_context(const AccountState& account, RequestContext& ctx, int64_t t) {
  account.catalog->set_time(ctx, t);
  for (const auto& [slot, value] : account.resolved) ctx.set(slot, value);
  ctx.set(lang::kSlotSpend, account.spend);
  ctx.set(lang::kSlotPeriodIndex, account.period.index);
  int64_t days_left = account.calendar().days_left(t);
  ctx.set(lang::kSlotDaysLeft, days_left);
  ctx.set(lang::kSlotBillingDay, account.billing_day);
}

void fill_service_context(const AccountState& account, RequestContext& ctx, uint16_t service,
                          int64_t t, const TeamMember* member) {
  int64_t used = service < account.used.size() ? account.used[service] : 0;
  ctx.set(lang::kSlotUsed, used);
  // An account without members is its own only member.
  ctx.set(lang::kSlotMemberUsed, member != nullptr ? member_used(account, *member, service) : used);
  ctx.set(lang::kSlotRemaining, remaining(account, service, t));
  ctx.set(lang::kSlotPeriodAllowance,
          service < account.period_allowance.size() ? account.period_allowance[service] : 0);
}

namespace {

// The value of the function at role-index `entry` (index + 1; 0: none) when it matched.
std::optional<int64_t> entry_value(const Catalog& catalog, uint32_t block, uint8_t entry,
                                   const RequestContext& ctx) {
  if (entry == 0) return std::nullopt;
  lang::BlockResult r = catalog.evaluator().evaluate_block(block, ctx.data());
  size_t i = entry - 1u;
  if (r.status != lang::ir::EvalStatus::kOk || (r.matched >> i & 1) == 0) return std::nullopt;
  return r.values[i];
}

const lang::ir::RoleIndex* roles_of(const Catalog& catalog, uint32_t block,
                                    lang::ir::RoleIndex* scratch) {
  const lang::ir::Program& program = catalog.program();
  if (block >= program.blocks.size()) return nullptr;
  return &lang::ir::current_roles(program.blocks[block], scratch);
}

}  // namespace

std::optional<int64_t> block_value(const Catalog& catalog, uint32_t block, Role role,
                                   const RequestContext& ctx) {
  lang::ir::RoleIndex scratch;
  const lang::ir::RoleIndex* roles = roles_of(catalog, block, &scratch);
  if (roles == nullptr) return std::nullopt;
  return entry_value(catalog, block, roles->role[static_cast<size_t>(role)], ctx);
}

std::optional<int64_t> window_limit(const Catalog& catalog, uint32_t block, size_t index,
                                    const RequestContext& ctx) {
  lang::ir::RoleIndex scratch;
  const lang::ir::RoleIndex* roles = roles_of(catalog, block, &scratch);
  if (roles == nullptr || index >= roles->window.size()) return std::nullopt;
  return entry_value(catalog, block, roles->window[index], ctx);
}

void open_period(AccountState& account, const PeriodSpan& span, int64_t at) {
  const Catalog& catalog = *account.catalog;
  const lang::ir::Program& program = catalog.program();
  const lang::ir::Plan& plan = account.plan_ir();
  account.period = span;
  account.spend = 0;
  account.used.assign(program.services.size(), 0);
  account.period_allowance.assign(program.services.size(), 0);
  for (TeamMember& m : account.members) m.used.assign(program.services.size(), 0);

  RequestContext ctx = catalog.new_context(at);
  fill_account_context(account, ctx, at);
  // Rule 9: the fee at the start of the period; `first_period` reads period_index, so the first
  // period's own fee rule applies to period 0 only. A fee that faults charges nothing.
  lang::Decision fee = catalog.decide(plan.plan_block, ctx);
  account.last_fee = fee.outcome == lang::Outcome::kRatingFailed ? 0 : fee.fee;
  account.fees_charged += account.last_fee;

  for (uint32_t block_index : plan.service_blocks) {
    const lang::ir::Block& block = program.blocks[block_index];
    fill_service_context(account, ctx, block.service, at);
    std::optional<int64_t> allowance = block_value(catalog, block_index, Role::kAllowance, ctx);
    if (!allowance || *allowance <= 0) continue;
    account.period_allowance[block.service] = *allowance;
    account.buckets.push_back(
        Bucket{.service = block.service,
               .origin = block.pooled ? BucketOrigin::kPooled : BucketOrigin::kAllowance,
               .offer = kAllowanceOffer,
               .amount = *allowance,
               .valid_from = at,
               .valid_until = span.end});
  }

  // Rule 11: once per subscriber and promo name, at the first period start where `when` holds.
  std::vector<bool> eligible = catalog.eligible_promos(account.plan, ctx);
  for (size_t i = 0; i < eligible.size() && i < plan.promos.size(); ++i) {
    const lang::ir::Promo& promo = plan.promos[i];
    if (!eligible[i] || account.promo_granted(promo.name)) continue;
    int64_t until = promo.valid_seconds > 0 ? add_saturated(at, promo.valid_seconds) : span.end;
    for (const lang::ir::Grant& g : promo.grants) {
      account.buckets.push_back(Bucket{.service = g.service,
                                       .origin = BucketOrigin::kPromo,
                                       .offer = promo.name,
                                       .amount = g.amount,
                                       .valid_from = at,
                                       .valid_until = until});
    }
    account.promos_granted.push_back(promo.name);
  }
}

namespace {

// Rule 20: the newest version of the account's plan in `latest` newer than its own that may
// apply from a boundary on local day `day`: in effect by then, and its `grandfather` lets
// existing subscribers move (`none`: at once; `until D`: from D on; `forever`: never).
std::optional<uint32_t> version_switch(const AccountState& account, const Catalog& latest,
                                       int64_t day) {
  std::optional<uint32_t> best;
  int64_t best_version = account.plan_version;
  const std::vector<lang::ir::Plan>& plans = latest.program().plans;
  for (uint32_t i = 0; i < plans.size(); ++i) {
    const lang::ir::Plan& p = plans[i];
    if (p.name != account.plan_name() || p.version <= best_version) continue;
    if (p.effective_date && *p.effective_date > day) continue;
    bool moves = p.grandfather == lang::ir::GrandfatherKind::kNone ||
                 (p.grandfather == lang::ir::GrandfatherKind::kUntil && day >= p.grandfather_until);
    if (!moves) continue;
    best = i;
    best_version = p.version;
  }
  return best;
}

int64_t local_day(const AccountState& account, int64_t t) {
  return lang::calendar::local_time(t, account.catalog->program().timezone_offset_minutes).date;
}

}  // namespace

bool rebase(AccountState& account, const std::shared_ptr<const Catalog>& catalog, uint32_t plan) {
  const lang::ir::Program& from = account.catalog->program();
  auto to_service = [&](uint16_t s) -> std::optional<uint16_t> {
    return s < from.services.size() ? catalog->service(from.services[s].name) : std::nullopt;
  };
  AccountState probe;
  probe.catalog = catalog;
  probe.attributes = account.attributes;
  if (!resolve_attributes(probe)) return false;

  std::vector<int64_t> used(catalog->program().services.size(), 0);
  std::vector<int64_t> allowance(used.size(), 0);
  for (uint16_t s = 0; s < account.used.size(); ++s) {
    if (std::optional<uint16_t> n = to_service(s)) {
      used[*n] = account.used[s];
      allowance[*n] = s < account.period_allowance.size() ? account.period_allowance[s] : 0;
    }
  }
  for (TeamMember& m : account.members) {
    std::vector<int64_t> carried(used.size(), 0);
    for (uint16_t s = 0; s < m.used.size(); ++s) {
      if (std::optional<uint16_t> n = to_service(s)) carried[*n] = m.used[s];
    }
    m.used = std::move(carried);
  }
  erase_if(account.buckets, [&](Bucket& b) {
    std::optional<uint16_t> n = to_service(b.service);
    if (n) b.service = *n;
    return !n;
  });
  erase_if(account.windows, [&](WindowCounter& w) {
    std::optional<uint16_t> n = to_service(w.service());
    if (n) w.set_service(*n);
    return !n;
  });
  erase_if(account.reservations, [&](Reservation& r) {
    std::optional<uint16_t> n = to_service(r.service);
    if (n) r.service = *n;  // its catalog, weight and prices stay those of its grant (rule 21)
    return !n;
  });
  account.used = std::move(used);
  account.period_allowance = std::move(allowance);
  account.resolved = std::move(probe.resolved);
  account.catalog = catalog;
  account.plan = plan;
  account.plan_version = catalog->program().plans[plan].version;
  return true;
}

void renew(AccountState& account, int64_t t, const std::shared_ptr<const Catalog>& latest) {
  if (latest && latest != account.catalog) {
    // A reload: the same plan version in the new catalog applies from now on.
    if (std::optional<uint32_t> same = latest->plan(account.plan_name(), account.plan_version)) {
      rebase(account, latest, *same);
    }
  }
  // Rule 17: a reservation whose validity lapsed without a report gives its units back.
  erase_if(account.reservations, [&](const Reservation& r) { return r.expires_at <= t; });
  while (account.period.end != kNeverEnds && account.period.end <= t) {
    PeriodCalendar calendar = account.calendar();
    PeriodSpan next = calendar.next(account.period);
    roll_over(account, calendar, account.period);
    drop_expired(account, next.start);
    if (latest) {
      if (std::optional<uint32_t> v = version_switch(account, *latest, local_day(account, next.start));
          v && rebase(account, latest, *v)) {
        // The new version's period may differ: its span from this boundary, index continued.
        int64_t start = next.start;
        next = account.calendar().at(start);
        next.start = start;
      }
    }
    next.index = account.period.index + 1;  // period_index continues across versions (rule 20)
    open_period(account, next, next.start);
    settle_overruns(account, next.start);
  }
  drop_expired(account, t);
  settle_overruns(account, t);
}

}  // namespace gyrate::engine
