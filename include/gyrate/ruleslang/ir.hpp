// The checked program: typed, name-resolved, unit-checked IR consumed by the reference
// interpreter, the JIT and (later) the engine. Expressions are a flat node array of a few int64 ops
// whose semantics (overflow, division by zero, rounding) are defined here, once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/types.hpp"

namespace gyrate::lang::ir {

using ExprId = uint32_t;

// Evaluation outcome of one function. kNoMatch is a normal outcome (no guarded rule applied);
// the others are faults: they abort the whole block and the decision becomes RATING_FAILED.
// decide() reports its own faults with these codes too (kOverflow for a debit or threshold
// beyond int64, kNegativeWeight for a weight below 0); no block function returns the last one.
enum class EvalStatus : int32_t {
  kOk = 0,
  kNoMatch = 1,
  kOverflow = 2,
  kDivByZero = 3,
  kExtensionError = 4,
  kNegativeWeight = 5,
};
const char* eval_status_name(EvalStatus s);

// All arithmetic is on int64 and checked. Evaluation is strictly left to right; the first fault
// ends the function. `round` below is round-half-away-from-zero of the exact rational result.
enum class OpCode : uint8_t {
  kConst,        // imm
  kLoad,         // ctx[imm]
  kAdd,          // a + b                     overflow -> kOverflow
  kSub,          // a - b                     overflow -> kOverflow
  kMul,          // a * b                     overflow -> kOverflow
  kNeg,          // -a                        INT64_MIN -> kOverflow
  kDiv,          // round(a / b)              b == 0 -> kDivByZero; INT64_MIN / -1 -> kOverflow
  kMulScaled,    // round(a * b / imm)        128-bit intermediate; result outside int64 -> kOverflow
  kDivScaled,    // round(a * imm / b)        b == 0 -> kDivByZero; result outside int64 -> kOverflow
  kEq, kNe, kLt, kLe, kGt, kGe,  // signed comparison -> 0/1
  kAnd, kOr,     // short-circuit over 0/1 operands
  kNot,          // 1 - a
  kIf,           // args[0] ? args[1] : args[2], only the taken branch is evaluated
  kMin, kMax,    // n-ary (>= 2 args), all evaluated left to right
  kInSet,        // args[0] equal to any of set_values[imm .. imm+count)
  kInRange,      // args[1] <= args[0] <= args[2]
  kInRangeWrap,  // args[1] <= args[2] ? args[1] <= a <= args[2] : (a >= args[1] || a <= args[2])
  kCall,         // extensions[imm](args...): an extension's non-zero status -> kExtensionError
  kNoMatch,      // ends the function with kNoMatch
};

struct Node {
  OpCode op = OpCode::kConst;
  Type type;
  int64_t imm = 0;
  uint32_t count = 0;           // kInSet: number of set values
  std::vector<ExprId> args;
  SourceRange range;            // where it came from, for explain and errors
};

// What a function computes for the decision. The checker emits at most one function per
// (role, aux) in a block; absent roles take documented defaults in decide().
enum class Role : uint8_t {
  kEligible,        // bool: plan and service eligibility rules (default true)
  kModelAllowed,    // bool: allow/deny model lists (default true)
  kWeight,          // ratio: allowance units burned per unit used (default model weight, else 1)
  kGrant,           // quantity: units to grant before balance/caps (default: requested, else quota)
  kValidity,        // quantity(second): Validity-Time (default none)
  kThreshold,       // quantity or ratio of the grant: quota threshold (default none)
  kOveragePrice,    // money per kOverageBlock units (no match: no overage price)
  kOverageBlock,    // quantity: the block the price is per
  kExhaustAction,   // int: index into Block::actions, applied when the balance runs out
  kAllowance,       // quantity: allowance renewed each period
  kSpendCap,        // money: spend cap in the period, action in Block::spend_cap_action
  kUsageCap,        // quantity: usage cap in the period, action in Block::usage_cap_action
  kMemberCap,       // quantity: per-member cap in a pooled plan, action in member_cap_action
  kWindowLimit,     // quantity: limit of rolling window aux (window in Block::windows[aux])
  kFee,             // money: recurring fee for the period (plan block only)
  kPromoEligible,   // bool: promo aux applies to this subscriber (plan block only)
};
const char* role_name(Role r);
inline constexpr size_t kRoleCount = 16;  // every Role value is below this

struct Function {
  Role role = Role::kEligible;
  uint16_t aux = 0;
  Type type;
  ExprId body = 0;
  SourceRange range;
};

struct Action {
  ast::ActionKind kind = ast::ActionKind::kBlock;
  std::string argument;  // redirect URL / restrict filter id
  SourceRange range;
};

struct Window {
  int64_t seconds = 0;
  // The limit counts requests (`limit llm 60 requests per 1 min`), whatever the service's unit:
  // its context slot then holds requests in the window, and a full window refuses the request
  // instead of bounding the grant in units.
  bool counts_requests = false;
  SourceRange range;
};

enum class BucketOrigin : uint8_t { kPromo, kRollover, kAllowance, kPack, kPooled };

// One entry set: per (plan, service), or the plan block (service == kNoService).
inline constexpr uint16_t kNoService = 0xFFFF;
inline constexpr size_t kMaxBlockFunctions = 32;

// Where a block's roles are, so that decide() finds them without a search: entries are the index
// in Block::functions (among the first kMaxBlockFunctions) of the first function with that role
// and aux 0, plus one; 0 when there is none. Derived data: rebuild it after editing functions.
struct RoleIndex {
  std::array<uint8_t, kRoleCount> role{};            // (role, aux 0)
  std::array<uint8_t, kMaxWindowLimits> window{};    // (kWindowLimit, aux i)
  int32_t function_count = -1;                       // functions.size() when built; -1: never
};

struct Block {
  uint32_t plan = 0;                     // index in Program::plans (up to kMaxPlans)
  uint16_t service = kNoService;
  std::vector<Function> functions;       // evaluated in this order; at most kMaxBlockFunctions
  std::vector<Action> actions;           // targets of kExhaustAction
  std::optional<Action> spend_cap_action;
  std::optional<Action> usage_cap_action;
  std::optional<Action> member_cap_action;
  std::vector<Window> windows;           // rolling-window limits, at most kMaxWindowLimits
  bool pooled = false;                   // allowance shared by all members (seats)
  int64_t rollover_cap = 0;              // max units carried into the next periods (0: none)
  int64_t rollover_periods = 0;          // how many periods a rollover bucket lives
  std::vector<int64_t> notify_ratios;    // thresholds as ratios (millionths) of the allowance
  std::vector<int64_t> notify_amounts;   // thresholds as absolute quantities
  std::vector<BucketOrigin> order;       // consumption order (empty: soonest expiry, promos first)
  RoleIndex roles;                       // filled by index_roles(); decide() checks function_count
};

enum class PeriodKind : uint8_t { kDaily, kWeekly, kMonthly, kAnnual, kOnce };
enum class AnchorKind : uint8_t { kActivation, kBillingDay, kDayOfMonth, kDate };

struct Period {
  PeriodKind kind = PeriodKind::kMonthly;
  AnchorKind anchor = AnchorKind::kActivation;
  int64_t anchor_value = 0;  // day of month (kDayOfMonth) or days since epoch (kDate)
};

struct Grant {                 // what a pack or promo puts in a bucket
  uint16_t service = 0;
  int64_t amount = 0;          // in the service's unit
};

struct Pack {                  // a priced top-up: price, grants, validity
  std::string name;
  int64_t price = 0;           // money millionths in the plan's currency
  uint16_t currency = 0;
  std::vector<Grant> grants;
  int64_t valid_seconds = 0;   // 0: until the end of the period
  SourceRange range;
};

struct Promo {                 // a one-off bucket for eligible subscribers (kPromoEligible aux)
  std::string name;
  std::vector<Grant> grants;
  int64_t valid_seconds = 0;
  SourceRange range;
};

enum class GrandfatherKind : uint8_t { kForever, kUntil, kNone };

struct Plan {
  std::string name;
  int64_t version = 1;
  std::optional<int64_t> effective_date;   // days since epoch
  GrandfatherKind grandfather = GrandfatherKind::kForever;
  int64_t grandfather_until = 0;           // days since epoch, kUntil only
  Period period;
  std::optional<uint16_t> currency;        // currency of its fees and prices
  uint32_t plan_block = 0;                 // index into Program::blocks
  std::vector<uint32_t> service_blocks;    // indexes into Program::blocks, one per service used
  std::vector<Pack> packs;
  std::vector<Promo> promos;
  SourceRange range;
};

struct Currency {
  std::string name;
  int minor_digits = 2;
};

struct Service {
  std::string name;
  Dim dim = Dim::kToken;
  int64_t rating_group = -1;               // -1: none declared
  std::string context_id;                  // Service-Context-Id
  int64_t quota = 0;                       // default grant when the request asks for no amount
  SourceRange range;
};

struct Model {
  std::string name;
  uint16_t service = 0;
  int64_t service_identifier = 0;          // Diameter Service-Identifier
  int64_t weight = kFixedScale;            // ratio
  std::string modality;
  SourceRange range;
};

struct Attribute {
  std::string name;
  Type type;
  uint16_t slot = 0;
  int64_t default_value = 0;
  SourceRange range;
};

struct ExtensionUse {                      // an extension function the program calls
  std::string name;
  uint32_t arity = 0;
};

// Which Program object this is, never the same for two objects alive or dead: evaluators that
// compiled a program to native code take their fast path only for that very object (decide()),
// since the code trusts block and action indexes it was generated from. A copy gets a new
// identity (it may be edited); a move carries it along and leaves the source a new one.
class ProgramIdentity {
 public:
  ProgramIdentity() noexcept : id_(next()) {}
  ProgramIdentity(const ProgramIdentity&) noexcept : id_(next()) {}
  ProgramIdentity(ProgramIdentity&& other) noexcept : id_(other.id_) { other.id_ = next(); }
  ProgramIdentity& operator=(const ProgramIdentity&) noexcept {
    id_ = next();
    return *this;
  }
  ProgramIdentity& operator=(ProgramIdentity&& other) noexcept {
    id_ = other.id_;
    other.id_ = next();
    return *this;
  }
  uint64_t id() const { return id_; }  // never 0

 private:
  static uint64_t next() noexcept;
  uint64_t id_;
};

// A checked catalog. It must not change while evaluators built from it are in use.
struct Program {
  ProgramIdentity identity;
  std::string source_name;
  int32_t timezone_offset_minutes = 0;
  std::vector<Currency> currencies;
  std::vector<Service> services;
  std::vector<Model> models;
  std::vector<Attribute> attributes;
  std::vector<Plan> plans;
  std::vector<Block> blocks;
  std::vector<Node> nodes;
  std::vector<int64_t> set_values;         // constants of kInSet nodes
  std::vector<std::string> strings;        // interned strings; id 0 is reserved ("unknown")
  std::vector<ExtensionUse> extensions;
  uint32_t context_slots = kSlotBuiltinCount;

  // Lookups used by the engine, tools and tests; -1 when absent.
  int find_plan(std::string_view name) const;          // newest version
  int find_service(std::string_view name) const;
  int find_model(std::string_view name) const;
  int find_attribute(std::string_view name) const;
  int64_t intern_lookup(std::string_view s) const;     // 0 when the catalog never mentions s
  // The block of (plan, service) or -1 when the plan does not offer that service.
  int service_block(uint32_t plan, uint16_t service) const;
};

// The role index of these functions (defined with decide(), its user).
RoleIndex index_functions(const std::vector<Function>& functions);
// The role index decisions use for `b`: Block::roles when it is current, else one built into
// *scratch (programs that did not come from the checker, or were edited after it).
const RoleIndex& current_roles(const Block& b, RoleIndex* scratch);
// The quota of the block's service (the grant when a request asks for no amount); 0 for a plan
// block or an unknown service.
inline int64_t service_quota(const Program& program, const Block& b) {
  return b.service < program.services.size() ? program.services[b.service].quota : 0;
}
// Fills Block::roles of every block; the checker calls it on each program it returns.
void index_roles(Program& program);

}  // namespace gyrate::lang::ir
