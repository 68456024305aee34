// Lazy renewal: every period boundary passed since an account's last touch, applied in order with
// the fee, allowance, counters, expiry, rollover and promos of each (rules 6-11).
#include "renewal.hpp"

#include <algorithm>
#include <limits>

#include "gyrate/ruleslang/context_builder.hpp"

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
  std::erase_if(account.buckets, [&](const Bucket& b) {
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
      if (b.service == block.service && allowance && b.offer == "allowance" &&
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
    account.buckets.push_back(Bucket{block.service, BucketOrigin::kRollover, carried, closing.end,
                                     last.end, "rollover"});
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
                          int64_t t) {
  int64_t used = service < account.used.size() ? account.used[service] : 0;
  ctx.set(lang::kSlotUsed, used);
  ctx.set(lang::kSlotMemberUsed, used);  // one member per account until teams exist
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
    account.buckets.push_back(Bucket{block.service,
                                     block.pooled ? BucketOrigin::kPooled : BucketOrigin::kAllowance,
                                     *allowance, at, span.end, "allowance"});
  }

  // Rule 11: once per subscriber and promo name, at the first period start where `when` holds.
  std::vector<bool> eligible = catalog.eligible_promos(account.plan, ctx);
  for (size_t i = 0; i < eligible.size() && i < plan.promos.size(); ++i) {
    const lang::ir::Promo& promo = plan.promos[i];
    if (!eligible[i] || account.promo_granted(promo.name)) continue;
    int64_t until = promo.valid_seconds > 0 ? add_saturated(at, promo.valid_seconds) : span.end;
    for (const lang::ir::Grant& g : promo.grants) {
      account.buckets.push_back(
          Bucket{g.service, BucketOrigin::kPromo, g.amount, at, until, promo.name});
    }
    account.promos_granted.push_back(promo.name);
  }
}

void renew(AccountState& account, int64_t t) {
  // Rule 17: a reservation whose validity lapsed without a report gives its units back.
  std::erase_if(account.reservations, [&](const Reservation& r) { return r.expires_at <= t; });
  PeriodCalendar calendar = account.calendar();
  if (account.period.end != kNeverEnds && account.period.end <= t) {
    calendar.for_each_boundary(account.period.start, t, [&](const PeriodSpan& next) {
      if (next.start <= account.period.start) return;  // period 0 opened at provisioning
      roll_over(account, calendar, account.period);
      drop_expired(account, next.start);
      open_period(account, next, next.start);
      settle_overruns(account, next.start);
    });
  }
  drop_expired(account, t);
  settle_overruns(account, t);
}

}  // namespace gyrate::engine
