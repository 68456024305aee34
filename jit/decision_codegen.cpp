// Code generation of decide_values() per block. Mirrors ruleslang/eval/decision.cpp step by step (read
// them side by side); the differential tests compare every Decision field of the two. Values are
// chosen with selects, so a decision is one straight run of code whatever the request, with one
// branch around the balance division. Where decide() would need 128-bit arithmetic, the code
// returns kDecideOnHostCode and the host runs decide_values() itself (which also finds the debits
// and thresholds beyond int64 that are faults). A negative weight is a fault decided here.
#include "decision_codegen.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "internal.hpp"

#include <llvm/Analysis/InstSimplifyFolder.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

namespace gyrate::jit::detail {
namespace {

using lang::Decision;
using lang::Limiter;
using lang::Outcome;
using lang::ir::Role;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// Stored field by field at their offsets in lang::Decision; the offsets are part of the cache
// key (object_cache.cpp), so cached code never writes an older layout.
static_assert(std::is_standard_layout_v<Decision>);
static_assert(sizeof(Decision::block) == 4 && sizeof(Decision::outcome) == 1 &&
              sizeof(Decision::fault) == 4 && sizeof(Decision::limiter) == 1 &&
              sizeof(Decision::final_units) == 1 && sizeof(Decision::has_overage_price) == 1);
// The one-byte fields are stored as wider words over the padding that follows them, so that no
// value in the generated code is an i8 (see small()).
static_assert(std::endian::native == std::endian::little && offsetof(Decision, block) == 0 &&
              offsetof(Decision, outcome) == 4 && offsetof(Decision, fault) == 8 &&
              offsetof(Decision, limiter) == 12 && offsetof(Decision, weight) == 16 &&
              offsetof(Decision, final_units) % 8 == 0 &&
              offsetof(Decision, final_units) + 8 <= offsetof(Decision, final_action) &&
              offsetof(Decision, has_overage_price) % 8 == 0 &&
              offsetof(Decision, has_overage_price) + 8 <= offsetof(Decision, overage_price));

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }

constexpr unsigned kFirstValueArg = 3;  // after ctx, out and matched

// InstSimplifyFolder folds what absent roles leave behind (selects on constant conditions).
using Builder = llvm::IRBuilder<llvm::InstSimplifyFolder>;

class DecisionEmitter {
 public:
  // Emits at the end of `at` (which has no terminator yet) for the call `call`.
  DecisionEmitter(const lang::ir::Program& program, uint32_t block, llvm::CallInst* call,
                  llvm::BasicBlock* at)
      : program_(program),
        block_(program.blocks[block]),
        block_index_(block),
        b_(at->getContext(), llvm::InstSimplifyFolder(at->getModule()->getDataLayout())),
        call_(call),
        i64_(b_.getInt64Ty()) {
    b_.SetInsertPoint(at);
    ctx_ = call->getArgOperand(0);
    out_ = call->getArgOperand(1);
    matched_ = call->getArgOperand(2);
    to_host_ = b_.getFalse();
    lang::ir::RoleIndex scratch;
    roles_ = lang::ir::current_roles(block_, &scratch);  // the index decide_values() uses
  }

  // The decision; returns the action code, with the builder in the block where the code ends.
  llvm::Value* emit() { return decide(); }
  llvm::BasicBlock* end() const { return b_.GetInsertBlock(); }

 private:
  struct Fields {  // one llvm::Value per stored Decision field
    llvm::Value* outcome;  // i32
    llvm::Value* fault;    // i32
    llvm::Value* limiter;  // i32
    llvm::Value* weight;
    llvm::Value* grant;
    llvm::Value* debit;
    llvm::Value* validity;
    llvm::Value* threshold;
    llvm::Value* final_units;  // i1
    llvm::Value* has_overage;  // i1
    llvm::Value* overage_price;
    llvm::Value* overage_block;
    llvm::Value* fee;
    llvm::Value* allowance;
  };
  // A role's value. `present` is false when the block has no function for the role: then no
  // code is emitted for it at all. Otherwise `has` (i1) is its matched bit.
  struct Maybe {
    bool present;
    llvm::Value* has;
    llvm::Value* value;
  };

  llvm::Value* decide();
  Fields defaults(Outcome outcome);
  Fields choose(llvm::Value* cond, const Fields& yes, const Fields& no);
  llvm::Value* choose_flag(llvm::Value* cond, llvm::Value* yes, llvm::Value* no);
  void store(const Fields& f);
  Maybe get(uint8_t entry);
  Maybe role(Role r) { return get(roles_.role[static_cast<size_t>(r)]); }
  llvm::Value* value_or(const Maybe& m, int64_t fallback);
  llvm::Value* load_slot(int slot);
  llvm::Value* i64(int64_t v) { return b_.getInt64(u(v)); }
  // Outcome and limiter values are i32 (stored with their padding, see store()): selects of i8
  // become branches in fast instruction selection.
  llvm::Value* small(uint8_t v) { return b_.getInt32(v); }
  static bool is_scale(llvm::Value* v) {
    auto* c = llvm::dyn_cast<llvm::ConstantInt>(v);
    return c != nullptr && c->getSExtValue() == lang::kFixedScale;
  }
  llvm::Value* max0(llvm::Value* v) {
    return b_.CreateSelect(b_.CreateICmpSGT(v, i64(0)), v, i64(0));
  }
  llvm::Value* any_code(llvm::Value* code, const std::vector<int64_t>& codes);
  // The decision needs 128-bit arithmetic when `cond` holds: the host computes it then.
  void to_host(llvm::Value* cond) { to_host_ = b_.CreateOr(to_host_, cond); }
  llvm::Value* balance_binds(llvm::Value* remaining, llvm::Value* weight, llvm::Value* grant);
  llvm::Value* balance_room(llvm::Value* remaining, llvm::Value* weight);
  llvm::Value* room_under(llvm::Value* limit, llvm::Value* used);
  llvm::Value* product_or_host(llvm::Value* a, llvm::Value* b);
  llvm::Value* scaled_ceil(llvm::Value* a, llvm::Value* b);
  llvm::Value* ratio_of(llvm::Value* amount, llvm::Value* ratio);

  const lang::ir::Program& program_;
  const lang::ir::Block& block_;
  uint32_t block_index_;
  lang::ir::RoleIndex roles_;
  Builder b_;
  llvm::CallInst* call_;
  llvm::Type* i64_;
  llvm::Value* ctx_ = nullptr;
  llvm::Value* out_ = nullptr;
  llvm::Value* matched_ = nullptr;
  llvm::Value* to_host_ = nullptr;
};

// What a default-constructed Decision holds, with this outcome.
DecisionEmitter::Fields DecisionEmitter::defaults(Outcome outcome) {
  return Fields{small(static_cast<uint8_t>(outcome)),
                b_.getInt32(static_cast<uint32_t>(lang::ir::EvalStatus::kOk)),
                small(static_cast<uint8_t>(Limiter::kNone)),
                i64(lang::kFixedScale),
                i64(0),
                i64(0),
                i64(-1),
                i64(-1),
                b_.getFalse(),
                b_.getFalse(),
                i64(0),
                i64(0),
                i64(0),
                i64(-1)};
}

// Field by field, cond ? yes : no.
DecisionEmitter::Fields DecisionEmitter::choose(llvm::Value* cond, const Fields& yes,
                                                const Fields& no) {
  auto pick = [&](llvm::Value* y, llvm::Value* n) { return b_.CreateSelect(cond, y, n); };
  return Fields{pick(yes.outcome, no.outcome),
                pick(yes.fault, no.fault),
                pick(yes.limiter, no.limiter),
                pick(yes.weight, no.weight),
                pick(yes.grant, no.grant),
                pick(yes.debit, no.debit),
                pick(yes.validity, no.validity),
                pick(yes.threshold, no.threshold),
                choose_flag(cond, yes.final_units, no.final_units),
                choose_flag(cond, yes.has_overage, no.has_overage),
                pick(yes.overage_price, no.overage_price),
                pick(yes.overage_block, no.overage_block),
                pick(yes.fee, no.fee),
                pick(yes.allowance, no.allowance)};
}

// cond ? yes : no for i1 values, as and/or: fast instruction selection has no select of i1.
llvm::Value* DecisionEmitter::choose_flag(llvm::Value* cond, llvm::Value* yes, llvm::Value* no) {
  return b_.CreateOr(b_.CreateAnd(cond, yes), b_.CreateAnd(b_.CreateNot(cond), no));
}

void DecisionEmitter::store(const Fields& f) {
  auto at = [&](size_t offset, llvm::Value* v, unsigned align) {
    llvm::Value* p = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), out_, offset);
    b_.CreateAlignedStore(v, p, llvm::Align(align));
  };
  // block and outcome, then fault and limiter, as two words.
  auto pair = [&](llvm::Value* low, llvm::Value* high) {
    return b_.CreateOr(b_.CreateShl(b_.CreateZExt(high, i64_), 32), b_.CreateZExt(low, i64_));
  };
  at(offsetof(Decision, block), pair(b_.getInt32(block_index_), f.outcome), 8);
  at(offsetof(Decision, fault), pair(f.fault, f.limiter), 8);
  at(offsetof(Decision, weight), f.weight, 8);
  at(offsetof(Decision, grant), f.grant, 8);
  at(offsetof(Decision, debit), f.debit, 8);
  at(offsetof(Decision, validity_seconds), f.validity, 8);
  at(offsetof(Decision, threshold), f.threshold, 8);
  at(offsetof(Decision, final_units), b_.CreateZExt(f.final_units, i64_), 8);
  at(offsetof(Decision, has_overage_price), b_.CreateZExt(f.has_overage, i64_), 8);
  at(offsetof(Decision, overage_price), f.overage_price, 8);
  at(offsetof(Decision, overage_block), f.overage_block, 8);
  at(offsetof(Decision, fee), f.fee, 8);
  at(offsetof(Decision, allowance), f.allowance, 8);
}

DecisionEmitter::Maybe DecisionEmitter::get(uint8_t entry) {
  if (entry == 0) return {false, b_.getFalse(), i64(0)};
  size_t i = entry - 1u;
  llvm::Value* bit = b_.CreateAnd(matched_, b_.getInt64(uint64_t{1} << i));
  // The call's own operand: after the pipeline many values are constants, which fold here.
  return {true, b_.CreateICmpNE(bit, i64(0)), call_->getArgOperand(static_cast<unsigned>(kFirstValueArg + i))};
}

llvm::Value* DecisionEmitter::value_or(const Maybe& m, int64_t fallback) {
  return b_.CreateSelect(m.has, m.value, i64(fallback));
}

llvm::Value* DecisionEmitter::load_slot(int slot) {
  llvm::Value* p = b_.CreateConstInBoundsGEP1_64(i64_, ctx_, static_cast<uint64_t>(slot));
  return b_.CreateAlignedLoad(i64_, p, llvm::Align(8));
}

// code == c for some c in codes (false when there is none).
llvm::Value* DecisionEmitter::any_code(llvm::Value* code, const std::vector<int64_t>& codes) {
  llvm::Value* any = b_.getFalse();
  for (int64_t c : codes) any = b_.CreateOr(any, b_.CreateICmpEQ(code, i64(c)));
  return any;
}

// decision.cpp's balance_room(remaining, weight) < grant, for weight > 0 and grant >= 0, without
// dividing: floor(remaining * scale / weight) < grant exactly when remaining * scale < grant *
// weight, and a grant * weight beyond int64 exceeds any remaining * scale. Exact when 0 <=
// remaining <= kInt64Max / scale (beyond, to_host); the products wrap rather than being poison.
llvm::Value* DecisionEmitter::balance_binds(llvm::Value* remaining, llvm::Value* weight,
                                            llvm::Value* grant) {
  llvm::Value* scaled = b_.CreateMul(remaining, i64(lang::kFixedScale));
  llvm::Value* pair = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smul_with_overflow, grant, weight);
  return b_.CreateOr(b_.CreateExtractValue(pair, 1),
                     b_.CreateICmpSLT(scaled, b_.CreateExtractValue(pair, 0)));
}

// decision.cpp's balance_room, for weight > 0; exact when 0 <= remaining <= kInt64Max / scale.
llvm::Value* DecisionEmitter::balance_room(llvm::Value* remaining, llvm::Value* weight) {
  return b_.CreateSDiv(b_.CreateMul(remaining, i64(lang::kFixedScale)), weight);
}

// decision.cpp's room_under: max(limit - used, 0), clamped at kInt64Max (no grant exceeds it).
llvm::Value* DecisionEmitter::room_under(llvm::Value* limit, llvm::Value* used) {
  llvm::Value* pair = b_.CreateBinaryIntrinsic(llvm::Intrinsic::ssub_with_overflow, limit, used);
  llvm::Value* saturated = b_.CreateSelect(b_.CreateICmpSGT(limit, used), i64(kInt64Max), i64(0));
  return b_.CreateSelect(b_.CreateExtractValue(pair, 1), saturated,
                         max0(b_.CreateExtractValue(pair, 0)));
}

// a * b, leaving the decision to the host when the product does not fit in int64.
llvm::Value* DecisionEmitter::product_or_host(llvm::Value* a, llvm::Value* b) {
  llvm::Value* pair = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smul_with_overflow, a, b);
  to_host(b_.CreateExtractValue(pair, 1));
  return b_.CreateExtractValue(pair, 0);
}

// decision.cpp's scaled_ceil: ceil(a * b / kFixedScale), for a >= 0 and b >= 0 (a grant and a
// weight). The product is then in [0, kInt64Max] unless it overflows (to_host), so the rounding
// can add scale - 1 and divide unsigned: a multiply and a shift, where signed division and its
// remainder take three times the instructions.
llvm::Value* DecisionEmitter::scaled_ceil(llvm::Value* a, llvm::Value* b) {
  if (is_scale(b)) return a;  // exact: a * scale / scale
  llvm::Value* p = product_or_host(a, b);
  return b_.CreateUDiv(b_.CreateAdd(p, i64(lang::kFixedScale - 1)), i64(lang::kFixedScale));
}

// decide()'s ratio threshold: amount * ratio / kFixedScale rounded half away from zero, for
// amount >= 0 (a grant). A constant ratio >= 0 (the usual case) makes the product non-negative,
// so half away from zero is half up, and unsigned as in scaled_ceil.
llvm::Value* DecisionEmitter::ratio_of(llvm::Value* amount, llvm::Value* ratio) {
  if (is_scale(ratio)) return amount;  // exact: amount * scale / scale
  llvm::Value* p = product_or_host(amount, ratio);
  if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(ratio); c != nullptr && !c->isNegative()) {
    return b_.CreateUDiv(b_.CreateAdd(p, i64(lang::kFixedScale / 2)), i64(lang::kFixedScale));
  }
  llvm::Value* q = b_.CreateSDiv(p, i64(lang::kFixedScale));
  llvm::Value* r = b_.CreateSRem(p, i64(lang::kFixedScale));
  llvm::Value* abs_r = b_.CreateSelect(b_.CreateICmpSLT(r, i64(0)), b_.CreateNeg(r), r);
  // 2|r| >= scale, as arith::round_div decides a half.
  llvm::Value* away = b_.CreateICmpSGE(abs_r, i64(lang::kFixedScale - lang::kFixedScale / 2));
  llvm::Value* step = b_.CreateSelect(b_.CreateICmpSLT(p, i64(0)), i64(-1), i64(1));
  return b_.CreateSelect(away, b_.CreateAdd(q, step), q);
}

llvm::Value* DecisionEmitter::decide() {
  llvm::Value* fee = value_or(role(Role::kFee), 0);
  if (block_.service == lang::ir::kNoService) {
    Fields f = defaults(Outcome::kGranted);
    f.fee = fee;
    store(f);
    return i64(kNoActionCode);
  }

  Maybe eligible = role(Role::kEligible);
  llvm::Value* not_eligible = b_.CreateAnd(eligible.has, b_.CreateICmpEQ(eligible.value, i64(0)));
  Maybe allowed = role(Role::kModelAllowed);
  llvm::Value* not_allowed = b_.CreateAnd(allowed.has, b_.CreateICmpEQ(allowed.value, i64(0)));

  Fields f = defaults(Outcome::kGranted);
  f.fee = fee;
  // A negative weight is a fault (0 is zero-rating); the arithmetic below divides by 1 then, and
  // its results are dropped for the fault's decision.
  Maybe weight_rule = role(Role::kWeight);
  f.weight = value_or(weight_rule, lang::kFixedScale);
  llvm::Value* negative_weight =
      b_.CreateAnd(weight_rule.has, b_.CreateICmpSLT(f.weight, i64(0)));
  llvm::Value* weight_positive = b_.CreateICmpSGT(f.weight, i64(0));
  f.allowance = value_or(role(Role::kAllowance), -1);

  llvm::Value* requested = load_slot(lang::kSlotRequested);
  int64_t quota = lang::ir::service_quota(program_, block_);
  llvm::Value* by_request =
      b_.CreateSelect(b_.CreateICmpSGT(requested, i64(0)), requested, i64(quota));
  Maybe grant_rule = role(Role::kGrant);
  llvm::Value* grant = max0(b_.CreateSelect(grant_rule.has, grant_rule.value, by_request));
  llvm::Value* limiter = small(static_cast<uint8_t>(Limiter::kRule));
  llvm::Value* action = i64(kNoActionCode);

  // decide() asks "is it a charge action" of a pointer; here that is a set of action codes.
  const auto n_actions = static_cast<int64_t>(block_.actions.size());
  std::vector<int64_t> charge_codes;
  std::vector<int64_t> block_codes;  // `block`: the last grant is plain (rule 15)
  for (int64_t k = 0; k < n_actions; ++k) {
    lang::ast::ActionKind kind = block_.actions[static_cast<size_t>(k)].kind;
    if (kind == lang::ast::ActionKind::kCharge) charge_codes.push_back(k);
    if (kind == lang::ast::ActionKind::kBlock) block_codes.push_back(k);
  }
  auto cap_code = [&](const std::optional<lang::ir::Action>& a, int64_t cap) -> int64_t {
    if (!a) return kNoActionCode;
    if (a->kind == lang::ast::ActionKind::kCharge) charge_codes.push_back(cap);
    if (a->kind == lang::ast::ActionKind::kBlock) block_codes.push_back(cap);
    return cap;
  };
  const int64_t usage_code = cap_code(block_.usage_cap_action, kUsageCapCode);
  const int64_t member_code = cap_code(block_.member_cap_action, kMemberCapCode);
  const int64_t spend_code = cap_code(block_.spend_cap_action, kSpendCapCode);

  Maybe exhaust = role(Role::kExhaustAction);
  llvm::Value* exhaust_valid =
      b_.CreateAnd(exhaust.has, b_.CreateICmpULT(exhaust.value, i64(n_actions)));
  llvm::Value* exhaust_code = b_.CreateSelect(exhaust_valid, exhaust.value, i64(kNoActionCode));
  llvm::Value* charge = any_code(exhaust_code, charge_codes);  // never a cap's code

  Maybe price = role(Role::kOveragePrice);
  Maybe per = role(Role::kOverageBlock);
  if (price.present && per.present) {
    f.has_overage =
        b_.CreateAnd(b_.CreateAnd(price.has, per.has), b_.CreateICmpSGT(per.value, i64(0)));
    f.overage_price = b_.CreateSelect(f.has_overage, price.value, i64(0));
    f.overage_block = b_.CreateSelect(f.has_overage, per.value, i64(0));
  }

  // Caps, windows and the balance count allowance units (rule 1); a grant is in raw units. Lowers
  // the grant to floor(room * scale / weight) when `when` holds and that is smaller; a weight of 0
  // draws no units, so nothing binds it. The division runs only when the room binds.
  llvm::Value* weight = b_.CreateSelect(weight_positive, f.weight, i64(1));
  auto bound_by_allowance = [&](llvm::Value* when, llvm::Value* room, Limiter l,
                                llvm::Value* code) {
    to_host(b_.CreateAnd(when, b_.CreateICmpSGT(room, i64(kInt64Max / lang::kFixedScale))));
    llvm::Value* take =
        b_.CreateAnd(b_.CreateAnd(when, weight_positive), balance_binds(room, weight, grant));
    if (llvm::isa<llvm::Constant>(weight)) {
      // A division by a constant is a multiplication: cheaper than a branch.
      grant = b_.CreateSelect(take, balance_room(room, weight), grant);
      limiter = b_.CreateSelect(take, small(static_cast<uint8_t>(l)), limiter);
      action = b_.CreateSelect(take, code, action);
      return;
    }
    llvm::BasicBlock* before = b_.GetInsertBlock();
    llvm::Function* fn = before->getParent();
    auto* bound_bb = llvm::BasicBlock::Create(fn->getContext(), "bound", fn);
    auto* join = llvm::BasicBlock::Create(fn->getContext(), "bound_join", fn);
    b_.CreateCondBr(take, bound_bb, join);
    b_.SetInsertPoint(bound_bb);
    llvm::Value* units = balance_room(room, weight);
    llvm::BasicBlock* bound_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    auto merge = [&](llvm::Value* bound, llvm::Value* unbound) {
      llvm::PHINode* phi = b_.CreatePHI(unbound->getType(), 2);
      phi->addIncoming(bound, bound_end);
      phi->addIncoming(unbound, before);
      return phi;
    };
    grant = merge(units, grant);
    limiter = merge(small(static_cast<uint8_t>(l)), limiter);
    action = merge(code, action);
  };

  // Balance: with a charge action and a price, usage beyond the balance is sold as overage.
  llvm::Value* priced = b_.CreateAnd(charge, f.has_overage);
  llvm::Value* remaining = max0(load_slot(lang::kSlotRemaining));
  bound_by_allowance(b_.CreateNot(priced), remaining, Limiter::kBalance, exhaust_code);

  if (Maybe cap = role(Role::kUsageCap); cap.present) {
    bound_by_allowance(cap.has, room_under(cap.value, load_slot(lang::kSlotUsed)),
                       Limiter::kUsageCap, i64(usage_code));
  }
  if (Maybe cap = role(Role::kMemberCap); cap.present) {
    bound_by_allowance(cap.has, room_under(cap.value, load_slot(lang::kSlotMemberUsed)),
                       Limiter::kMemberCap, i64(member_code));
  }
  for (int i = 0; i < lang::kMaxWindowLimits; ++i) {
    Maybe window = get(roles_.window[static_cast<size_t>(i)]);
    if (!window.present) continue;
    llvm::Value* used = load_slot(lang::kSlotWindowUsed0 + i);
    const auto w = static_cast<size_t>(i);
    if (w < block_.windows.size() && block_.windows[w].counts_requests) {
      // A request limit refuses the request when full and otherwise does not bound the units.
      llvm::Value* take = b_.CreateAnd(window.has, b_.CreateICmpSGE(used, window.value));
      take = b_.CreateAnd(take, b_.CreateICmpSGT(grant, i64(0)));
      grant = b_.CreateSelect(take, i64(0), grant);
      limiter = b_.CreateSelect(take, small(static_cast<uint8_t>(Limiter::kWindow)), limiter);
      action = b_.CreateSelect(take, i64(kNoActionCode), action);
    } else {
      bound_by_allowance(window.has, room_under(window.value, used), Limiter::kWindow,
                         i64(kNoActionCode));
    }
  }
  // At the spend cap only priced usage stops: what the buckets still hold stays usable (rule 14).
  if (Maybe cap = role(Role::kSpendCap); cap.present) {
    llvm::Value* spent =
        b_.CreateAnd(cap.has, b_.CreateICmpSGE(load_slot(lang::kSlotSpend), cap.value));
    bound_by_allowance(b_.CreateAnd(spent, priced), remaining, Limiter::kSpendCap,
                       i64(spend_code));
  }

  f.grant = grant;
  f.limiter = limiter;
  llvm::Value* exhausted = b_.CreateICmpEQ(grant, i64(0));
  llvm::Value* bounded = b_.CreateAnd(b_.CreateICmpNE(limiter, small(static_cast<uint8_t>(Limiter::kRule))),
                                      b_.CreateNot(any_code(action, charge_codes)));
  bounded = b_.CreateAnd(bounded, b_.CreateNot(any_code(action, block_codes)));
  // A window refills as time passes: what it cut or refused is never the last grant.
  llvm::Value* by_window = b_.CreateICmpEQ(limiter, small(static_cast<uint8_t>(Limiter::kWindow)));
  f.final_units = b_.CreateAnd(b_.CreateNot(by_window), b_.CreateOr(exhausted, bounded));
  f.outcome = b_.CreateSelect(exhausted, small(static_cast<uint8_t>(Outcome::kExhausted)),
                              small(static_cast<uint8_t>(Outcome::kGranted)));
  f.debit = scaled_ceil(grant, f.weight);

  Maybe validity = role(Role::kValidity);
  f.validity = b_.CreateSelect(validity.has, max0(validity.value), i64(-1));
  uint8_t t_entry = roles_.role[static_cast<size_t>(Role::kThreshold)];
  if (Maybe t = get(t_entry); t.present) {
    bool ratio = block_.functions[t_entry - 1u].type.kind == lang::TypeKind::kRatio;
    llvm::Value* units = ratio ? ratio_of(grant, t.value) : t.value;
    // A negative threshold is none.
    llvm::Value* none = b_.CreateOr(b_.CreateNot(t.has), b_.CreateICmpSLT(units, i64(0)));
    f.threshold = b_.CreateSelect(none, i64(-1), units);
  }

  // Not eligible, or model not allowed: decide() stops before anything above but the fee. A
  // negative weight stops it next, with a fault's decision (no fee). Either is final here.
  llvm::Value* stop = b_.CreateOr(not_eligible, not_allowed);
  Fields early = defaults(Outcome::kNotEligible);
  early.outcome = b_.CreateSelect(not_eligible, early.outcome,
                                  small(static_cast<uint8_t>(Outcome::kModelNotAllowed)));
  early.fee = fee;
  Fields fault = defaults(Outcome::kRatingFailed);
  fault.fault = b_.getInt32(static_cast<uint32_t>(lang::ir::EvalStatus::kNegativeWeight));
  llvm::Value* faulted = b_.CreateAnd(b_.CreateNot(stop), negative_weight);
  store(choose(stop, early, choose(faulted, fault, f)));
  llvm::Value* settled = b_.CreateOr(stop, faulted);
  return b_.CreateSelect(b_.CreateAnd(b_.CreateNot(settled), to_host_), i64(kDecideOnHostCode),
                         b_.CreateSelect(settled, i64(kNoActionCode), action));
}

}  // namespace

llvm::Function* declare_decision(const lang::ir::Program& program, uint32_t block,
                                 llvm::Module& module) {
  llvm::LLVMContext& c = module.getContext();
  auto* i64 = llvm::Type::getInt64Ty(c);
  auto* ptr = llvm::PointerType::getUnqual(c);
  std::vector<llvm::Type*> params = {ptr, ptr, i64};
  params.resize(kFirstValueArg + program.blocks[block].functions.size(), i64);
  auto* type = llvm::FunctionType::get(i64, params, false);
  auto* fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage, decision_symbol(block),
                                    module);
  // What the pipeline may assume of the call before the body exists: it only writes *out.
  fn->addFnAttr(llvm::Attribute::NoUnwind);
  fn->addFnAttr(llvm::Attribute::WillReturn);
  fn->setMemoryEffects(llvm::MemoryEffects::argMemOnly());
  for (unsigned a = 0; a < 2; ++a) {
    fn->addParamAttr(a, llvm::Attribute::NoAlias);
    fn->addParamAttr(a, llvm::Attribute::NoCapture);
  }
  fn->addParamAttr(0, llvm::Attribute::ReadOnly);
  fn->addParamAttr(1, llvm::Attribute::WriteOnly);
  return fn;
}

void expand_decision(const lang::ir::Program& program, uint32_t block, llvm::Function* decl) {
  std::vector<llvm::CallInst*> calls;
  for (llvm::User* u : decl->users()) {
    if (auto* call = llvm::dyn_cast<llvm::CallInst>(u)) calls.push_back(call);
  }
  for (llvm::CallInst* call : calls) {
    // head: the code before the call, then the decision; tail: from the call on.
    llvm::BasicBlock* head = call->getParent();
    llvm::BasicBlock* tail = head->splitBasicBlock(call, "decided");
    head->getTerminator()->eraseFromParent();
    DecisionEmitter emitter(program, block, call, head);
    llvm::Value* action = emitter.emit();
    llvm::BranchInst::Create(tail, emitter.end());
    call->replaceAllUsesWith(action);
    call->eraseFromParent();
  }
  if (decl->use_empty()) decl->eraseFromParent();
}

}  // namespace gyrate::jit::detail
