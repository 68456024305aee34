// Checks across the items of one service, and of prices against their currency: mistakes that
// each item alone cannot show (a per-member cap without a pool, an overage that never applies).
#include <algorithm>
#include <string>

#include "checker_impl.hpp"

namespace gyrate::lang::check_detail {

namespace {

// Millionths in one minor unit of a currency with `minor_digits` (0..6): 10 000 for 2 digits.
int64_t minor_unit(int minor_digits) {
  int64_t unit = 1;
  for (int i = minor_digits; i < 6; ++i) unit *= 10;
  return unit;
}

// `0.01` for two minor digits, `1` for none.
std::string minor_unit_text(int minor_digits) {
  if (minor_digits <= 0) return "1";
  return "0." + std::string(static_cast<size_t>(minor_digits - 1), '0') + "1";
}

// `0.00 CNY` for two minor digits.
std::string zero_text(const ir::Currency& cur) {
  const std::string digits = cur.minor_digits > 0
                                 ? "." + std::string(static_cast<size_t>(cur.minor_digits), '0')
                                 : "";
  return "0" + digits + " " + cur.name;
}

}  // namespace

void Checker::check_service_consistency(uint16_t svc, const ServiceRules& sr) {
  const std::string& name = prog_.services[svc].name;
  // Engine rule 12: members share a pool; without one there is nothing per member to cap.
  if (sr.member_cap_range && !sr.block.pooled) {
    const std::string fix = "make the allowance pooled: `allowance " + name + " ... pooled;`, " +
                            "or cap the whole service: `cap " + name + " ...;`";
    if (sr.allowance_range) {
      error_with_note(codes::kMemberCapNotPooled, *sr.member_cap_range,
                      "`cap " + name + " ... per member` needs a pooled allowance",
                      *sr.allowance_range, "this allowance is not `pooled`", fix);
    } else {
      error(codes::kMemberCapNotPooled, *sr.member_cap_range,
            "`cap " + name + " ... per member` needs a pooled allowance, and `" + name +
                "` has no allowance in this plan",
            fix);
    }
  }
  // Rollover carries unused allowance only (engine rule 8): a cap above it never binds.
  if (sr.rollover_range && sr.allowance) {
    auto allowance = peek_constant(*sr.allowance);
    if (allowance && sr.block.rollover_cap > *allowance) {
      warning(codes::kRolloverAboveAllowance, *sr.rollover_range,
              "the rollover cap is above the allowance of `" + name +
                  "`: rollover carries only unused allowance, so at most " +
                  std::string(source_.slice(prog_.nodes[*sr.allowance].range)),
              "lower the rollover cap to the allowance or less", sr.allowance_range,
              "the allowance");
    }
  }
  // Prices apply only while the exhaust action is `charge` (the default is `terminate`).
  if (!sr.overage_price.empty()) {
    const bool charges =
        std::any_of(sr.block.actions.begin(), sr.block.actions.end(),
                    [](const ir::Action& a) { return a.kind == ast::ActionKind::kCharge; });
    if (!charges) {
      warning(codes::kOverageNeverApplies, sr.overage_price.front().range,
              "this overage price never applies: the exhaust action of `" + name +
                  "` is not `charge`",
              "add `on_exhaust " + name + " charge;` (without it the action is `terminate`)");
    }
  }
}

void Checker::check_price_unit(const Value& price, const char* what) {
  if (price.type.kind != TypeKind::kMoney || price.type.currency >= prog_.currencies.size()) {
    return;
  }
  auto value = peek_constant(price.id);
  if (!value) return;
  const ir::Currency& cur = prog_.currencies[price.type.currency];
  const int64_t unit = minor_unit(cur.minor_digits);
  if (*value % unit == 0) return;
  const std::string smallest = minor_unit_text(cur.minor_digits) + " " + cur.name;
  const std::string written = std::string(source_.slice(price.range));
  if (*value > -unit && *value < unit) {
    warning(codes::kBelowMinorUnit, price.range,
            std::string(what) + " `" + written + "` is less than the smallest amount of " +
                cur.name + " (" + smallest + "): it bills " + zero_text(cur) ,
            "bills count whole minor units (`currency " + cur.name + " minor " +
                std::to_string(cur.minor_digits) + "`): write at least " + smallest);
  } else {
    warning(codes::kBelowMinorUnit, price.range,
            std::string(what) + " `" + written + "` is not a whole number of " + smallest,
            "bills count whole minor units (`currency " + cur.name + " minor " +
                std::to_string(cur.minor_digits) + "`): round the price to " + smallest);
  }
}

}  // namespace gyrate::lang::check_detail
