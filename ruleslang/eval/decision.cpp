// decide(): the rating decision from one block's values and the request's balances, and its
// one-line description. A value that does not fit int64 is either a bound that stays true when
// clamped (a room larger than any grant) or a fault: a decision never states a wrong number.
#include "gyrate/ruleslang/decision.hpp"

#include <algorithm>
#include <atomic>
#include <new>
#include <limits>
#include <optional>
#include <string>

#include "gyrate/ruleslang/arith.hpp"
#include "gyrate/ruleslang/int128.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::lang {
namespace {

using ir::Role;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

int64_t saturate(Int128 v) {
  return v < kInt64Min ? kInt64Min : v > kInt64Max ? kInt64Max : static_cast<int64_t>(v);
}

bool fits(Int128 v) { return v >= kInt64Min && v <= kInt64Max; }

// ceil(n / d) for d > 0.
Int128 ceil_div(Int128 n, Int128 d) {
  Int128 q = n / d;
  return n % d > 0 ? q + 1 : q;
}

// floor(n / d) for d > 0.
Int128 floor_div(Int128 n, Int128 d) {
  Int128 q = n / d;
  return n % d < 0 ? q - 1 : q;
}

// The helpers below compute exactly what their 128-bit forms do; they divide in 64 bits when the
// operands fit, because a 128-bit division is a library call that dominated decide()'s cost.

// ceil(a * b / kFixedScale), or nothing when that does not fit int64 (a fault, not a clamp: it
// is the debit).
std::optional<int64_t> scaled_ceil(int64_t a, int64_t b) {
  int64_t p;
  if (!__builtin_mul_overflow(a, b, &p)) {
    // Truncation rounds toward zero: up for negatives already, so only a positive remainder adds.
    return p / kFixedScale + (p % kFixedScale > 0 ? 1 : 0);
  }
  Int128 q = ceil_div(static_cast<Int128>(a) * b, kFixedScale);
  if (!fits(q)) return std::nullopt;
  return static_cast<int64_t>(q);
}

// round(a * ratio / kFixedScale) half away from zero, or nothing when that does not fit int64.
std::optional<int64_t> ratio_of(int64_t a, int64_t ratio) {
  Int128 q = arith::round_div(static_cast<Int128>(a) * ratio, kFixedScale);
  if (!fits(q)) return std::nullopt;
  return static_cast<int64_t>(q);
}

// saturate(floor(remaining * kFixedScale / weight)) for remaining >= 0 and weight > 0. The clamp
// is true as a bound: no grant exceeds kInt64Max, so a room that large never cuts one.
int64_t balance_room(int64_t remaining, int64_t weight) {
  if (remaining <= kInt64Max / kFixedScale) return remaining * kFixedScale / weight;
  return saturate(floor_div(static_cast<Int128>(remaining) * kFixedScale, weight));
}

// saturate(max(limit - used, 0)); the clamp at kInt64Max is a true bound, as in balance_room.
int64_t room_under(int64_t limit, int64_t used) {
  int64_t room;
  if (!__builtin_sub_overflow(limit, used, &room)) return std::max<int64_t>(room, 0);
  return limit > used ? kInt64Max : 0;
}

// The matched values of a block, looked up by role through its role index: the one the checker
// stored, or one built here for programs that did not come from the checker.
class Values {
 public:
  Values(const ir::Block& b, uint64_t matched, const int64_t* values)
      : block_(b), matched_(matched), values_(values), index_(&ir::current_roles(b, &local_)) {}

  // The function with this role and aux 0, when it exists (matched or not).
  const ir::Function* function(Role role) const {
    size_t r = static_cast<size_t>(role);
    return r < ir::kRoleCount ? at(index_->role[r]) : nullptr;
  }
  // The value of that function when it exists and matched.
  std::optional<int64_t> get(Role role) const {
    size_t r = static_cast<size_t>(role);
    return r < ir::kRoleCount ? value(index_->role[r]) : std::nullopt;
  }
  // The value of rolling-window limit i when it exists and matched.
  std::optional<int64_t> window(size_t i) const { return value(index_->window[i]); }

 private:
  const ir::Function* at(uint8_t entry) const {
    return entry == 0 ? nullptr : &block_.functions[entry - 1u];
  }
  std::optional<int64_t> value(uint8_t entry) const {
    if (entry == 0) return std::nullopt;
    size_t i = entry - 1u;
    if ((matched_ >> i & 1) == 0) return std::nullopt;
    return values_[i];
  }

  const ir::Block& block_;
  uint64_t matched_;
  const int64_t* values_;
  ir::RoleIndex local_;  // before index_, which may point at it
  const ir::RoleIndex* index_;
};

const ir::Action* optional_action(const std::optional<ir::Action>& a) {
  return a.has_value() ? &*a : nullptr;
}

// Lowers the grant to `room` when that is smaller; `limiter` and `action` follow the bound.
struct GrantBound {
  int64_t grant;
  Limiter limiter = Limiter::kRule;
  const ir::Action* action = nullptr;
  void apply(int64_t room, Limiter l, const ir::Action* a) {
    if (room < grant) {
      grant = room;
      limiter = l;
      action = a;
    }
  }
};

// Whether rolling-window limit i counts requests rather than units.
bool counts_requests(const ir::Block& block, size_t i) {
  return i < block.windows.size() && block.windows[i].counts_requests;
}

// Fills d for a service block; returns the fault that makes the decision RATING_FAILED instead
// (a negative weight, a debit or a threshold beyond int64), or kOk.
ir::EvalStatus decide_service(const ir::Program& program, const ir::Block& block, const Values& v,
                              const int64_t* ctx, Decision& d) {
  if (v.get(Role::kEligible) == 0) {
    d.outcome = Outcome::kNotEligible;
    return ir::EvalStatus::kOk;
  }
  if (v.get(Role::kModelAllowed) == 0) {
    d.outcome = Outcome::kModelNotAllowed;
    return ir::EvalStatus::kOk;
  }
  // 0 is zero-rating (no balance drawn); a negative weight would be free usage in disguise.
  d.weight = v.get(Role::kWeight).value_or(kFixedScale);
  if (d.weight < 0) return ir::EvalStatus::kNegativeWeight;
  d.allowance = v.get(Role::kAllowance).value_or(-1);

  int64_t requested = ctx[kSlotRequested];
  int64_t quota = ir::service_quota(program, block);
  int64_t rule = v.get(Role::kGrant).value_or(requested > 0 ? requested : quota);
  GrantBound g{std::max<int64_t>(rule, 0)};

  const ir::Action* exhaust = nullptr;
  if (std::optional<int64_t> idx = v.get(Role::kExhaustAction);
      idx && *idx >= 0 && static_cast<uint64_t>(*idx) < block.actions.size()) {
    exhaust = &block.actions[static_cast<size_t>(*idx)];
  }
  bool charge = exhaust != nullptr && exhaust->kind == ast::ActionKind::kCharge;

  std::optional<int64_t> price = v.get(Role::kOveragePrice);
  std::optional<int64_t> pblock = v.get(Role::kOverageBlock);
  if (price && pblock && *pblock > 0) {
    d.has_overage_price = true;
    d.overage_price = *price;
    d.overage_block = *pblock;
  }

  // Balance: how many units the remaining allowance covers at this weight. With a charge action
  // and a price, usage beyond the balance is sold as overage, so the balance does not bound it.
  // Caps, windows and the balance count allowance units (rule 1); a grant is in raw units, so
  // each room is converted at the request's weight. A weight of 0 draws no units: none binds it.
  auto raw_room = [&](int64_t allowance_room) {
    return d.weight == 0 ? kInt64Max : balance_room(allowance_room, d.weight);
  };
  int64_t room = raw_room(std::max<int64_t>(ctx[kSlotRemaining], 0));
  bool priced = charge && d.has_overage_price;
  if (!priced) g.apply(room, Limiter::kBalance, exhaust);

  if (std::optional<int64_t> cap = v.get(Role::kUsageCap)) {
    g.apply(raw_room(room_under(*cap, ctx[kSlotUsed])), Limiter::kUsageCap,
            optional_action(block.usage_cap_action));
  }
  if (std::optional<int64_t> cap = v.get(Role::kMemberCap)) {
    g.apply(raw_room(room_under(*cap, ctx[kSlotMemberUsed])), Limiter::kMemberCap,
            optional_action(block.member_cap_action));
  }
  for (size_t i = 0; i < kMaxWindowLimits; ++i) {
    if (std::optional<int64_t> lim = v.window(i)) {
      int64_t used = ctx[kSlotWindowUsed0 + i];
      // A request limit refuses the request when full and otherwise does not bound the units.
      int64_t window_room = counts_requests(block, i) ? (used >= *lim ? 0 : kInt64Max)
                                                      : raw_room(room_under(*lim, used));
      g.apply(window_room, Limiter::kWindow, nullptr);
    }
  }
  // At the spend cap only priced usage stops: what the buckets still hold stays usable, and a
  // service without an overage price is not bound by it at all (rule 14).
  if (std::optional<int64_t> cap = v.get(Role::kSpendCap); cap && priced && ctx[kSlotSpend] >= *cap) {
    g.apply(room, Limiter::kSpendCap, optional_action(block.spend_cap_action));
  }

  d.grant = g.grant;
  d.limiter = g.limiter;
  d.final_action = g.action;
  d.outcome = g.grant == 0 ? Outcome::kExhausted : Outcome::kGranted;
  bool charged = g.action != nullptr && g.action->kind == ast::ActionKind::kCharge;
  // `block` sends no Final-Unit-Indication: the last grant is plain and the next request gets
  // 4012 (rule 15).
  bool blocked = g.action != nullptr && g.action->kind == ast::ActionKind::kBlock;
  // A window refills as time passes: what it cut or refused is never the last grant.
  d.final_units = g.limiter != Limiter::kWindow &&
                  (g.grant == 0 || (g.limiter != Limiter::kRule && !charged && !blocked));
  std::optional<int64_t> debit = scaled_ceil(d.grant, d.weight);
  if (!debit) return ir::EvalStatus::kOverflow;
  d.debit = *debit;

  if (std::optional<int64_t> validity = v.get(Role::kValidity)) {
    d.validity_seconds = std::max<int64_t>(*validity, 0);
  }
  if (std::optional<int64_t> t = v.get(Role::kThreshold)) {
    std::optional<int64_t> units = *t;
    if (v.function(Role::kThreshold)->type.kind == TypeKind::kRatio) units = ratio_of(d.grant, *t);
    if (!units) return ir::EvalStatus::kOverflow;
    d.threshold = *units < 0 ? -1 : *units;  // a negative threshold is none
  }
  return ir::EvalStatus::kOk;
}

Decision fault_decision(uint32_t block, ir::EvalStatus fault) {
  Decision d;
  d.block = block;
  d.outcome = Outcome::kRatingFailed;
  d.fault = fault;
  return d;
}

}  // namespace

namespace ir {

RoleIndex index_functions(const std::vector<Function>& functions) {
  RoleIndex x;
  size_t n = std::min(functions.size(), kMaxBlockFunctions);
  // Walks backwards so that the first function of a (role, aux) wins, as a forward search would.
  for (size_t i = n; i-- > 0;) {
    const Function& f = functions[i];
    size_t r = static_cast<size_t>(f.role);
    auto entry = static_cast<uint8_t>(i + 1);
    if (f.aux == 0 && r < kRoleCount) x.role[r] = entry;
    if (f.role == Role::kWindowLimit && f.aux < kMaxWindowLimits) x.window[f.aux] = entry;
  }
  x.function_count = static_cast<int32_t>(functions.size());
  return x;
}

const RoleIndex& current_roles(const Block& b, RoleIndex* scratch) {
  if (b.roles.function_count == static_cast<int32_t>(b.functions.size())) return b.roles;
  *scratch = index_functions(b.functions);
  return *scratch;
}

void index_roles(Program& program) {
  for (Block& b : program.blocks) b.roles = index_functions(b.functions);
}

}  // namespace ir

namespace {

std::atomic<uint64_t> g_native_host_decisions{0};

// decide_values() built in *out: copying a decision just stored field by field stalls on store
// forwarding.
void decide_values_into(const ir::Program& program, uint32_t block, ir::EvalStatus status,
                        uint64_t matched, const int64_t* values, const int64_t* ctx,
                        Decision* out) {
  ::new (static_cast<void*>(out))
      Decision(decide_values(program, block, status, matched, values, ctx));
}

}  // namespace

void decide_generic(const ir::Program& program, const Evaluator& eval, uint32_t block,
                    const int64_t* ctx, Decision* out) {
  BlockResult r = eval.evaluate_block(block, ctx);
  decide_values_into(program, block, r.status, r.matched, r.values.data(), ctx, out);
}

void decide_native_on_host(const ir::Program& program, uint32_t block, uint64_t packed,
                           const int64_t* values, const int64_t* ctx, Decision* out) {
  ir::EvalStatus status = native::status(packed);
  if (status == ir::EvalStatus::kOk) g_native_host_decisions.fetch_add(1, std::memory_order_relaxed);
  // A fault leaves *out unwritten; the 128-bit cases leave it partly written.
  decide_values_into(program, block, status, native::matched(packed), values, ctx, out);
}

uint64_t native_host_decisions() { return g_native_host_decisions.load(std::memory_order_relaxed); }

Decision decide_values(const ir::Program& program, uint32_t block, ir::EvalStatus status,
                       uint64_t matched, const int64_t* values, const int64_t* ctx) {
  Decision d;
  d.block = block;
  if (block >= program.blocks.size()) return d;  // no such block: kNoRule, never a wild read
  if (status != ir::EvalStatus::kOk) return fault_decision(block, status);
  const ir::Block& b = program.blocks[block];
  Values v(b, matched, values);
  d.fee = v.get(Role::kFee).value_or(0);
  if (b.service == ir::kNoService) {
    d.outcome = Outcome::kGranted;
    d.grant = 0;
    return d;
  }
  // A fault found by the decision itself looks like one found by a block function.
  if (ir::EvalStatus st = decide_service(program, b, v, ctx, d); st != ir::EvalStatus::kOk) {
    return fault_decision(block, st);
  }
  return d;
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kGranted: return "granted";
    case Outcome::kNotEligible: return "not_eligible";
    case Outcome::kModelNotAllowed: return "model_not_allowed";
    case Outcome::kNoRule: return "no_rule";
    case Outcome::kExhausted: return "exhausted";
    case Outcome::kRatingFailed: return "rating_failed";
  }
  return "?";
}

const char* limiter_name(Limiter l) {
  switch (l) {
    case Limiter::kRule: return "rule";
    case Limiter::kBalance: return "balance";
    case Limiter::kUsageCap: return "usage_cap";
    case Limiter::kMemberCap: return "member_cap";
    case Limiter::kWindow: return "window";
    case Limiter::kSpendCap: return "spend_cap";
    case Limiter::kNone: return "none";
  }
  return "?";
}

namespace {

std::string money_text(const ir::Program& program, const ir::Block& block, int64_t v) {
  std::string s = literal::format_fixed(v);
  if (block.plan < program.plans.size()) {
    const std::optional<uint16_t>& cur = program.plans[block.plan].currency;
    if (cur && *cur < program.currencies.size()) s += " " + program.currencies[*cur].name;
  }
  return s;
}

}  // namespace

// Stable wording: golden files compare it. Example:
//   granted 10000 token (weight 3.0, debit 30000) validity 3600s final=redirect https://x
std::string action_text(const ir::Action* a) {
  if (a == nullptr) return "none";
  std::string s = ast::action_spelling(a->kind);
  if (!a->argument.empty()) s += " " + a->argument;
  return s;
}

std::string describe(const ir::Program& program, const Decision& d) {
  if (d.block >= program.blocks.size()) return outcome_name(d.outcome);
  const ir::Block& b = program.blocks[d.block];
  if (d.outcome == Outcome::kRatingFailed) {
    return std::string("rating_failed: ") + ir::eval_status_name(d.fault);
  }
  if (b.service == ir::kNoService || b.service >= program.services.size()) {
    return std::string(outcome_name(d.outcome)) + " plan fee " + money_text(program, b, d.fee);
  }
  std::string unit = dim_name(program.services[b.service].dim);
  std::string s = outcome_name(d.outcome);
  if (d.outcome == Outcome::kGranted) {
    // Appended piece by piece: GCC 12 -O3 reports a false -Wrestrict on this chain of operator+.
    s += ' ';
    s += std::to_string(d.grant);
    s += ' ';
    s += unit;
    s += " (weight ";
    s += literal::format_fixed(d.weight);
    s += ", debit ";
    s += std::to_string(d.debit);
    s += ')';
  } else if (d.outcome != Outcome::kExhausted) {
    return s;
  }
  if (d.limiter != Limiter::kRule) s += std::string(" limit=") + limiter_name(d.limiter);
  if (d.validity_seconds >= 0) s += " validity " + std::to_string(d.validity_seconds) + "s";
  if (d.threshold >= 0) s += " threshold " + std::to_string(d.threshold);
  if (d.has_overage_price) {
    s += " overage " + money_text(program, b, d.overage_price) + " per " +
         std::to_string(d.overage_block) + " " + unit;
  }
  if (d.fee != 0) s += " fee " + money_text(program, b, d.fee);
  if (d.final_units) s += " final=" + action_text(d.final_action);
  return s;
}

}  // namespace gyrate::lang
