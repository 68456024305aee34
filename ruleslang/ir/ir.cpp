// Names of IR enums, program identities and the lookups of a checked program.
#include "gyrate/ruleslang/ir.hpp"

#include <atomic>

namespace gyrate::lang::ir {

uint64_t ProgramIdentity::next() noexcept {
  static std::atomic<uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

const char* eval_status_name(EvalStatus s) {
  switch (s) {
    case EvalStatus::kOk:
      return "ok";
    case EvalStatus::kNoMatch:
      return "no_match";
    case EvalStatus::kOverflow:
      return "overflow";
    case EvalStatus::kDivByZero:
      return "div_by_zero";
    case EvalStatus::kExtensionError:
      return "extension_error";
    case EvalStatus::kNegativeWeight:
      return "negative_weight";
  }
  return "?";
}

const char* role_name(Role r) {
  switch (r) {
    case Role::kEligible:
      return "eligible";
    case Role::kModelAllowed:
      return "model_allowed";
    case Role::kWeight:
      return "weight";
    case Role::kGrant:
      return "grant";
    case Role::kValidity:
      return "validity";
    case Role::kThreshold:
      return "threshold";
    case Role::kOveragePrice:
      return "overage_price";
    case Role::kOverageBlock:
      return "overage_block";
    case Role::kExhaustAction:
      return "exhaust_action";
    case Role::kAllowance:
      return "allowance";
    case Role::kSpendCap:
      return "spend_cap";
    case Role::kUsageCap:
      return "usage_cap";
    case Role::kMemberCap:
      return "member_cap";
    case Role::kWindowLimit:
      return "window_limit";
    case Role::kFee:
      return "fee";
    case Role::kPromoEligible:
      return "promo_eligible";
  }
  return "?";
}

namespace {

template <typename T>
int find_by_name(const std::vector<T>& items, std::string_view name) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int Program::find_plan(std::string_view name) const {
  int best = -1;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].name != name) continue;
    if (best < 0 || plans[i].version > plans[static_cast<size_t>(best)].version) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

int Program::find_service(std::string_view name) const { return find_by_name(services, name); }
int Program::find_model(std::string_view name) const { return find_by_name(models, name); }
int Program::find_attribute(std::string_view name) const { return find_by_name(attributes, name); }

int64_t Program::intern_lookup(std::string_view s) const {
  // Id 0 is reserved for strings the catalog never mentions.
  for (size_t i = 1; i < strings.size(); ++i) {
    if (strings[i] == s) return static_cast<int64_t>(i);
  }
  return 0;
}

int Program::service_block(uint32_t plan, uint16_t service) const {
  if (plan >= plans.size()) return -1;
  for (uint32_t b : plans[plan].service_blocks) {
    if (b < blocks.size() && blocks[b].service == service) return static_cast<int>(b);
  }
  return -1;
}

}  // namespace gyrate::lang::ir
