// Rating one request on an account: the context filled from its balances, the catalog's decision,
// and the engine's own rules on top of it (spend cap with `charge`, window answers; rules 13-14).
#include "rating.hpp"

#include <algorithm>
#include <limits>

#include "renewal.hpp"

namespace gyrate::engine {

using lang::Int128;

namespace {
// Rule 14: with `charge` and a price, the balance does not bound the grant, so the spend cap
// must: the grant is cut to what the buckets cover plus the overage units the money left under
// the cap buys (u units cost ceil(u x price / block), so floor(left x block / price) fit). At
// the cap, decide() already grants only what the buckets hold, under the cap's action.
void cut_to_spend_cap(const AccountState& account, uint32_t block, const RequestContext& ctx,
                      lang::Decision& d) {
  if (d.outcome != lang::Outcome::kGranted || d.overage_price <= 0 || d.overage_block <= 0) return;
  std::optional<int64_t> cap =
      block_value(*account.catalog, block, lang::ir::Role::kSpendCap, ctx);
  if (!cap) return;
  int64_t left = std::max<int64_t>(*cap - ctx.get(lang::kSlotSpend), 0);
  int64_t covered = d.weight > 0 ? saturate(static_cast<Int128>(std::max<int64_t>(
                                                ctx.get(lang::kSlotRemaining), 0)) *
                                            lang::kFixedScale / d.weight)
                                 : std::numeric_limits<int64_t>::max();
  int64_t affordable = saturate(
      static_cast<Int128>(covered) +
      static_cast<Int128>(left) * d.overage_block / d.overage_price);
  if (d.grant <= affordable) return;
  const auto& action = account.catalog->program().blocks[block].spend_cap_action;
  d.grant = affordable;
  d.debit = weighted(d.grant, d.weight);
  d.limiter = lang::Limiter::kSpendCap;
  d.final_action = action ? &*action : nullptr;
  d.final_units = true;
  if (d.grant == 0) d.outcome = lang::Outcome::kExhausted;
}

// Rule 13: a grant cut by a rolling window is not final (no Final-Unit-Indication); a full
// window answers 4012 with Validity-Time = seconds until the window has room (at least the
// one-minute resolution, when only open reservations fill it).
void window_answer(const AccountState& account, uint32_t block, uint16_t service,
                   const RequestContext& ctx, int64_t t, lang::Decision& d) {
  if (d.limiter != lang::Limiter::kWindow) return;
  d.final_units = false;
  d.final_action = nullptr;
  if (d.outcome != lang::Outcome::kExhausted) return;
  const lang::ir::Block& b = account.catalog->program().blocks[block];
  int64_t wait = 0;
  for (size_t i = 0; i < b.windows.size() && i < lang::kMaxWindowLimits; ++i) {
    std::optional<int64_t> limit = window_limit(*account.catalog, block, i, ctx);
    if (!limit || ctx.get(static_cast<uint32_t>(lang::kSlotWindowUsed0 + i)) < *limit) continue;
    const WindowCounter* w = account.window(service, static_cast<uint8_t>(i));
    wait = std::max(wait, w != nullptr ? w->seconds_until_room(t) : 0);
  }
  d.validity_seconds = wait > 0 ? wait : 60;
}

}  // namespace

int64_t saturate(Int128 v) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  return v > kMax ? kMax : v < kMin ? kMin : static_cast<int64_t>(v);
}

// ceil(units x weight) in allowance units (rule 1: rounded up per debit).
int64_t weighted(int64_t units, int64_t weight) {
  Int128 p = static_cast<Int128>(units) * weight;
  Int128 q = p / lang::kFixedScale;
  return saturate(p % lang::kFixedScale > 0 ? q + 1 : q);
}

Answer answer_from(const lang::Decision& d) {
  Answer a;
  a.outcome = d.outcome;
  a.limiter = d.limiter;
  a.grant = d.grant;
  a.debit = d.debit;
  a.weight = d.weight;
  a.validity_seconds = d.validity_seconds;
  a.threshold = d.threshold;
  a.final_units = d.final_units;
  if (d.final_action != nullptr) {
    a.has_final_action = true;
    a.final_action = d.final_action->kind;
    a.final_action_argument = d.final_action->argument;
  }
  return a;
}

Rated rate(const AccountState& account, uint32_t block, uint16_t service, int64_t model,
           int64_t requested, int64_t t, const TeamMember* member) {
  return rate_on(account, block, service,
                 rating_context(account, block, service, model, requested, t, member), t);
}

RequestContext rating_context(const AccountState& account, uint32_t block, uint16_t service,
                              int64_t model, int64_t requested, int64_t t,
                              const TeamMember* member) {
  const Catalog& catalog = *account.catalog;
  RequestContext ctx = catalog.new_context(t);
  fill_account_context(account, ctx, t);
  fill_service_context(account, ctx, service, t, member);
  ctx.set(lang::kSlotModel, model);
  ctx.set(lang::kSlotRequested, requested);
  // Rule 13: a unit window counts units committed in it plus those open reservations hold; a
  // request window counts the granted reservations in it (each is counted when granted).
  const lang::ir::Block& b = catalog.program().blocks[block];
  if (!b.windows.empty()) {
    int64_t held = 0;
    for (const Reservation& r : account.reservations) held += r.service == service ? r.debit : 0;
    for (size_t i = 0; i < b.windows.size() && i < lang::kMaxWindowLimits; ++i) {
      const WindowCounter* w = account.window(service, static_cast<uint8_t>(i));
      int64_t counted = w ? w->count(t) : 0;
      if (!b.windows[i].counts_requests) counted += held;
      ctx.set(static_cast<uint32_t>(lang::kSlotWindowUsed0 + i), counted);
    }
  }
  return ctx;
}

Rated rate_on(const AccountState& account, uint32_t block, uint16_t service,
              const RequestContext& ctx, int64_t t) {
  const Catalog& catalog = *account.catalog;
  const lang::ir::Block& b = catalog.program().blocks[block];
  Rated r{catalog.decide(block, ctx)};
  if (r.decision.has_overage_price) {
    // Whether usage beyond the buckets is sold depends on the exhaust action, which the decision
    // reports only when it limited the grant: read it from the block.
    std::optional<int64_t> idx = block_value(catalog, block, lang::ir::Role::kExhaustAction, ctx);
    const auto& actions = b.actions;
    r.charge = idx && *idx >= 0 && static_cast<size_t>(*idx) < actions.size() &&
               actions[static_cast<size_t>(*idx)].kind == lang::ast::ActionKind::kCharge;
    if (r.charge) cut_to_spend_cap(account, block, ctx, r.decision);
  }
  window_answer(account, block, service, ctx, t, r.decision);
  return r;
}

int64_t model_index(const Catalog& catalog, std::string_view name, uint16_t service) {
  if (name.empty()) return -1;
  std::optional<uint32_t> m = catalog.model(name);
  // Rule 1: an unknown model (or one of another service) rates as no model, weight 1.
  if (!m || catalog.program().models[*m].service != service) return -1;
  return static_cast<int64_t>(*m);
}

}  // namespace gyrate::engine
