// Plan items: each item is checked and lowered into the rule lists of its plan or service, in
// source order; checker_blocks.cpp assembles those lists into blocks afterwards.
#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "checker_impl.hpp"

namespace gyrate::lang::check_detail {
namespace {

constexpr int64_t kMaxNotifyRatio = 10 * kFixedScale;  // 1000%

// "did you mean" for a period word: the words designers reach for (`yearly`, `one_time`), then
// close spellings (`montly`).
std::string period_fix(const std::string& word, const std::vector<std::string>& kinds) {
  static const std::pair<std::string_view, std::string_view> kSynonyms[] = {
      {"yearly", "annual"},   {"year", "annual"},     {"years", "annual"},
      {"annually", "annual"}, {"month", "monthly"},   {"months", "monthly"},
      {"week", "weekly"},     {"weeks", "weekly"},    {"day", "daily"},
      {"days", "daily"},      {"one_off", "once"},    {"one-off", "once"},
      {"oneoff", "once"},     {"one_time", "once"},   {"one-time", "once"},
      {"onetime", "once"},    {"single", "once"},
  };
  std::string lower = word;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [synonym, kind] : kSynonyms) {
    if (lower == synonym) return "did you mean `" + std::string(kind) + "`?";
  }
  return Checker::did_you_mean(word, kinds);
}

std::vector<std::string> service_names(const ir::Program& p) {
  std::vector<std::string> out;
  for (const ir::Service& s : p.services) out.push_back(s.name);
  return out;
}

void collect_money(const ast::Expr& e, const std::unordered_map<std::string, uint16_t>& currencies,
                   const std::unordered_map<std::string, uint16_t>& attributes,
                   const ir::Program& prog, std::optional<std::pair<uint32_t, uint16_t>>& best,
                   SourceRange& best_range) {
  std::optional<uint16_t> cur;
  if (e.kind == ast::ExprKind::kNumber) {
    if (auto c = currencies.find(e.suffix); c != currencies.end()) cur = c->second;
  } else if (e.kind == ast::ExprKind::kName) {
    auto a = attributes.find(e.text);
    if (a != attributes.end() && prog.attributes[a->second].type.kind == TypeKind::kMoney) {
      cur = prog.attributes[a->second].type.currency;
    }
  }
  if (cur && (!best || e.range.begin < best->first)) {
    best = std::make_pair(e.range.begin, *cur);
    best_range = e.range;
  }
  for (const ast::Expr& a : e.args)
    collect_money(a, currencies, attributes, prog, best, best_range);
}

}  // namespace

void Checker::check_plans() {
  if (file_.plans.empty()) {
    error("E0501", SourceRange{0, 0}, "the file declares no plan",
          "add one: `plan NAME { period monthly; ... }`");
    return;
  }
  for (size_t i = 0; i < file_.plans.size() && !too_large_; ++i) {
    if (i >= kMaxPlans) {
      error("E0504", file_.plans[i].name.range,
            "too many plans: one catalog holds at most " + std::to_string(kMaxPlans),
            "split the catalog into several files");
      break;
    }
    check_plan(file_.plans[i], static_cast<uint32_t>(i));
  }
}

void Checker::find_plan_currency(const ast::PlanDecl& p) {
  // The plan's currency is its first money in source order; `spend` takes it even when it comes
  // first, and E0506 points every other currency back at it.
  std::optional<std::pair<uint32_t, uint16_t>> best;
  SourceRange range{};
  auto visit = [&](const std::optional<ast::Expr>& e) {
    if (e) collect_money(*e, currency_index_, attribute_index_, prog_, best, range);
  };
  for (const ast::PlanItem& it : p.items) {
    visit(it.value);
    visit(it.when);
    visit(it.per);
    visit(it.rollover);
    for (const ast::Expr& e : it.list)
      collect_money(e, currency_index_, attribute_index_, prog_, best, range);
    for (const ast::Field& f : it.fields) {
      for (const ast::Expr& e : f.values) {
        collect_money(e, currency_index_, attribute_index_, prog_, best, range);
      }
    }
  }
  if (best) {
    plan_->currency = best->second;
    plan_->currency_range = range;
  }
}

void Checker::check_plan(const ast::PlanDecl& p, uint32_t index) {
  PlanState st;
  st.index = index;
  st.plan.name = p.name.name;
  st.plan.range = p.name.range;
  plan_ = &st;
  if (p.version) {
    auto v = constant_of(*p.version, Type::of(TypeKind::kInt), "a plan version");
    if (v && *v < 1) {
      error("E0407", p.version->range, "a plan version must be positive",
            "versions count 1, 2, ...");
    } else if (v) {
      st.plan.version = *v;
    }
  }
  if (p.effective) {
    auto d = constant_of(*p.effective, Type::of(TypeKind::kDate), "an effective date");
    if (d) st.plan.effective_date = *d;
  }
  auto [it, fresh] =
      plan_versions_.emplace(std::make_pair(p.name.name, st.plan.version), p.name.range);
  if (!fresh) {
    error_with_note("E0505", p.name.range,
                    "plan `" + p.name.name + "` version " + std::to_string(st.plan.version) +
                        " is declared twice",
                    it->second, "first declared here",
                    "give the new tariff `version " + std::to_string(st.plan.version + 1) + "`");
  }
  find_plan_currency(p);
  for (const ast::PlanItem& item : p.items) {
    if (too_large_) break;
    check_item(item);
  }
  assemble_plan();
  plan_ = nullptr;
}

bool Checker::once(Seen& seen, const std::string& key, SourceRange r, const std::string& what) {
  auto [it, fresh] = seen.emplace(key, r);
  if (!fresh) {
    error_with_note("E0502", r, what + " may appear only once", it->second, "first given here",
                    "remove one of them");
  }
  return fresh;
}

std::optional<uint16_t> Checker::resolve_service(const ast::Ident& name) {
  if (auto it = service_index_.find(name.name); it != service_index_.end()) {
    if (plan_) service_used_[it->second] = true;
    return it->second;
  }
  std::string best = closest_match(name.name, service_names(prog_));
  if (!best.empty()) offered_services_.insert(best);
  std::string fix = best.empty() ? std::string() : "did you mean `" + best + "`?";
  if (fix.empty()) fix = "declare it: `service " + name.name + " { unit token; }`";
  error("E0205", name.range, "unknown service `" + name.name + "`", fix);
  return std::nullopt;
}

ServiceRules& Checker::rules_for(uint16_t svc, SourceRange r) {
  auto [it, fresh] = plan_->services.try_emplace(svc);
  if (fresh) {
    it->second.first_range = r;
    it->second.block.plan = plan_->index;
    it->second.block.service = svc;
  }
  return it->second;
}

bool Checker::guard_of(const ast::PlanItem& item, const Scope& s,
                       std::optional<ir::ExprId>* guard) {
  guard->reset();
  if (!item.when) return true;
  Value g = lower_condition(*item.when, s, "a `when` condition");
  if (!g.ok()) return false;
  *guard = g.id;
  return true;
}

ir::Action Checker::lower_action(const ast::Action& a) {
  if ((a.kind == ast::ActionKind::kRedirect || a.kind == ast::ActionKind::kRestrict) &&
      a.argument.empty()) {
    error("E0503", a.range,
          a.kind == ast::ActionKind::kRedirect ? "`redirect` needs a URL"
                                               : "`restrict` needs a filter id",
          a.kind == ast::ActionKind::kRedirect ? "write `redirect \"https://...\"`"
                                               : "write `restrict \"filter-id\"`");
  }
  return ir::Action{a.kind, a.argument, a.range};
}

bool Checker::expect_money(Value& v, const std::string& what) {
  if (!v.ok()) return false;
  if (v.type.kind == TypeKind::kMoney) return true;
  std::string fix;
  if (!prog_.currencies.empty() &&
      (v.type.kind == TypeKind::kInt || v.type.kind == TypeKind::kRatio)) {
    uint16_t cur = plan_ && plan_->currency ? *plan_->currency : 0;
    fix = "add the currency, e.g. `" + std::string(source_.slice(v.range)) + " " +
          prog_.currencies[cur].name + "`";
  } else if (v.type.kind == TypeKind::kQuantity) {
    fix = "convert quantities to money with an overage price";
  }
  error("E0305", v.range, what + " must be money, found " + describe(v.type), fix);
  return false;
}

std::optional<int64_t> Checker::positive_quantity(const ast::Expr& e, Dim dim, const char* what) {
  auto v = constant_of(e, Type::quantity(dim), what);
  if (v && *v <= 0) {
    error("E0407", e.range, std::string(what) + " must be positive");
    return std::nullopt;
  }
  return v;
}

void Checker::check_item(const ast::PlanItem& item) {
  using K = ast::ItemKind;
  PlanState& st = *plan_;
  bool takes_when = item.kind == K::kFee || item.kind == K::kEligible || item.kind == K::kWeight ||
                    item.kind == K::kGrant || item.kind == K::kValidity ||
                    item.kind == K::kThreshold || item.kind == K::kOverage ||
                    item.kind == K::kOnExhaust || item.kind == K::kPromo;
  if (item.when && !takes_when) {
    error("E0208", item.when->range, "this item takes no `when` condition",
          "guard fees, grants, weights, validity, thresholds, overage and on_exhaust instead");
  }
  switch (item.kind) {
    case K::kPeriod:
      return check_period(item);
    case K::kGrandfather:
      return check_grandfather(item);
    case K::kPack:
      return check_pack(item);
    case K::kPromo:
      return check_promo(item);
    case K::kFee: {
      Scope s{ir::kNoService, false, "fee", true};
      if (!item.value) return;
      Value v = lower(*item.value, s);
      std::optional<ir::ExprId> g;
      bool guard_ok = guard_of(item, s, &g);
      if (expect_money(v, "a fee") && guard_ok) st.fee.push_back(Rule{g, v.id, item.range});
      return;
    }
    case K::kCapSpend: {
      Scope s{ir::kNoService, false, "cap spend", true};
      bool first = once(st.seen, "cap spend", item.keyword_range, "`cap spend`");
      if (!item.value) return;
      Value v = lower(*item.value, s);
      if (expect_money(v, "a spend cap") && first) {
        st.spend_cap = v.id;
        if (item.action) st.spend_cap_action = lower_action(*item.action);
      }
      return;
    }
    case K::kEligible:
      if (!item.service) {
        Scope s{ir::kNoService, false, "eligible"};
        const auto& cond = item.when ? item.when : item.value;
        if (!cond) return;
        Value v = lower_condition(*cond, s, "an eligibility condition");
        if (v.ok()) st.eligible.push_back(v.id);
        return;
      }
      break;
    default:
      break;
  }
  if (!item.service) {
    error("E0503", item.keyword_range, "this item needs a service",
          "name the service after the keyword");
    return;
  }
  auto svc = resolve_service(*item.service);
  if (!svc) return;
  ServiceRules& sr = rules_for(*svc, item.range);
  switch (item.kind) {
    case K::kEligible: {
      Scope s{*svc, false, "eligible"};
      const auto& cond = item.when ? item.when : item.value;
      if (!cond) return;
      Value v = lower_condition(*cond, s, "an eligibility condition");
      if (v.ok()) sr.eligible.push_back(v.id);
      return;
    }
    case K::kAllowance:
      return check_allowance(item, sr, *svc);
    case K::kModels:
      return check_models_item(item, sr, *svc);
    case K::kWeight:
    case K::kGrant:
    case K::kValidity:
    case K::kThreshold:
      return check_ruled_item(item, sr, *svc);
    case K::kOverage:
      return check_overage(item, sr, *svc);
    case K::kLimit:
      return check_limit(item, sr, *svc);
    case K::kCapUsage:
      return check_cap_usage(item, sr, *svc);
    case K::kNotify:
      return check_notify(item, sr, *svc);
    case K::kOrder:
      return check_order(item, sr);
    case K::kOnExhaust: {
      Scope s{*svc, false, "on_exhaust"};
      std::optional<ir::ExprId> g;
      if (!guard_of(item, s, &g) || !item.action) return;
      int64_t index = static_cast<int64_t>(sr.block.actions.size());
      sr.block.actions.push_back(lower_action(*item.action));
      Value v = constant(Type::of(TypeKind::kInt), index, item.action->range);
      sr.exhaust.push_back(Rule{g, v.id, item.range});
      return;
    }
    default:
      return;
  }
}

void Checker::check_period(const ast::PlanItem& item) {
  static const std::vector<std::string> kKinds{"daily", "weekly", "monthly", "annual", "once"};
  static const std::vector<std::string> kAnchors{"billing_day", "activation", "day"};
  PlanState& st = *plan_;
  if (!once(st.seen, "period", item.keyword_range, "`period`")) return;
  ir::Period& p = st.plan.period;
  if (item.word) {
    const std::string& w = item.word->name;
    auto it = std::find(kKinds.begin(), kKinds.end(), w);
    if (it == kKinds.end()) {
      error("E0201", item.word->range, "unknown period `" + w + "`", period_fix(w, kKinds));
    } else {
      p.kind = static_cast<ir::PeriodKind>(it - kKinds.begin());
    }
  }
  std::string aw = item.anchor_word ? item.anchor_word->name : "";
  const std::optional<ast::Expr>& av = item.anchor_value;
  if (aw == "billing_day") {
    p.anchor = ir::AnchorKind::kBillingDay;
  } else if (aw == "activation") {
    p.anchor = ir::AnchorKind::kActivation;
  } else if (aw == "date" || (aw.empty() && av && av->kind == ast::ExprKind::kDate)) {
    if (!av) return;
    if (auto d = constant_of(*av, Type::of(TypeKind::kDate), "a period anchor")) {
      p.anchor = ir::AnchorKind::kDate;
      p.anchor_value = *d;
    }
  } else if (aw == "day" || (aw.empty() && av)) {
    if (!av) return;
    auto d = constant_of(*av, Type::of(TypeKind::kInt), "an anchor day");
    if (d && (*d < 1 || *d > 31)) {
      error("E0406", av->range, "an anchor day must be between 1 and 31",
            "day 31 means the last day of shorter months");
    } else if (d) {
      p.anchor = ir::AnchorKind::kDayOfMonth;
      p.anchor_value = *d;
    }
  } else if (!aw.empty()) {
    error("E0201", item.anchor_word->range, "unknown anchor `" + aw + "`",
          did_you_mean(aw, kAnchors));
  }
}

void Checker::check_grandfather(const ast::PlanItem& item) {
  PlanState& st = *plan_;
  if (!once(st.seen, "grandfather", item.keyword_range, "`grandfather`")) return;
  std::string w = item.word ? item.word->name : "forever";
  if (w == "forever") {
    st.plan.grandfather = ir::GrandfatherKind::kForever;
  } else if (w == "none") {
    st.plan.grandfather = ir::GrandfatherKind::kNone;
  } else if (w == "until") {
    const auto& e = item.value ? item.value : item.anchor_value;
    if (!e) {
      error("E0503", item.range, "`grandfather until` needs a date",
            "write `grandfather until 2027-01-01;`");
      return;
    }
    if (auto d = constant_of(*e, Type::of(TypeKind::kDate), "a grandfathering date")) {
      st.plan.grandfather = ir::GrandfatherKind::kUntil;
      st.plan.grandfather_until = *d;
    }
  } else {
    error("E0201", item.word->range, "unknown grandfathering `" + w + "`",
          did_you_mean(w, {"until", "none", "forever"}));
  }
}

void Checker::check_ruled_item(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc) {
  using K = ast::ItemKind;
  const char* kw = item.kind == K::kWeight     ? "weight"
                   : item.kind == K::kGrant    ? "grant"
                   : item.kind == K::kValidity ? "validity"
                                               : "threshold";
  if (!item.value) return;
  Scope s{svc, false, kw};
  Value v = lower(*item.value, s);
  std::string what = std::string("`") + kw + "` of `" + prog_.services[svc].name + "`";
  bool ok = false;
  switch (item.kind) {
    case K::kWeight:
      ok = expect(v, Type::of(TypeKind::kRatio), what);
      break;
    case K::kGrant:
      ok = expect(v, service_quantity(svc), what);
      break;
    case K::kValidity:
      ok = expect(v, Type::quantity(Dim::kSecond), what);
      break;
    default:
      // An int is ambiguous here (100%? 100 tokens?), so only ratios and quantities pass.
      if (v.ok() && v.type.kind != TypeKind::kQuantity && v.type.kind != TypeKind::kRatio) {
        error("E0305", v.range,
              what + " must be a ratio of the grant or " + describe(service_quantity(svc)) +
                  ", found " + describe(v.type),
              "write a ratio such as `20%` or a quantity such as `50k token`");
      } else if (v.ok()) {
        ok = expect(v, v.type.kind == TypeKind::kQuantity ? service_quantity(svc) : v.type, what);
        if (ok && sr.threshold_type && *sr.threshold_type != v.type) {
          error("E0306", v.range,
                "thresholds of `" + prog_.services[svc].name + "` mix ratios and quantities",
                "write every threshold rule of a service in one kind");
          ok = false;
        }
        if (ok) sr.threshold_type = v.type;
        // A ratio threshold is a share of the grant: above 100% it could never trigger.
        auto ratio = ok && v.type.kind == TypeKind::kRatio ? peek_constant(v.id) : std::nullopt;
        if (ratio && (*ratio <= 0 || *ratio > kFixedScale)) {
          error("E0406", v.range, "a threshold ratio must be above 0% and at most 100%",
                "the threshold is a share of the grant, e.g. `20%`");
          ok = false;
        }
      }
      break;
  }
  std::optional<ir::ExprId> g;
  bool guard_ok = guard_of(item, s, &g);
  if (!ok || !guard_ok) return;
  Rule r{g, v.id, item.range};
  switch (item.kind) {
    case K::kWeight:
      sr.weight.push_back(r);
      break;
    case K::kGrant:
      sr.grant.push_back(r);
      break;
    case K::kValidity:
      sr.validity.push_back(r);
      break;
    default:
      sr.threshold.push_back(r);
      break;
  }
}

void Checker::check_allowance(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc) {
  const std::string& name = prog_.services[svc].name;
  if (!once(sr.seen, "allowance", item.range, "`allowance " + name + "`")) return;
  Scope s{svc, false, "allowance"};
  if (item.value) {
    Value v = lower(*item.value, s);
    if (expect(v, service_quantity(svc), "the allowance of `" + name + "`")) sr.allowance = v.id;
  }
  sr.block.pooled = item.pooled;
  Dim dim = prog_.services[svc].dim;
  if (item.rollover && dim != Dim::kNone) {
    if (auto cap = positive_quantity(*item.rollover, dim, "a rollover cap"))
      sr.block.rollover_cap = *cap;
    sr.block.rollover_periods = 1;
  }
  const auto& periods = item.rollover_periods ? item.rollover_periods : item.per;
  if (periods) {
    auto n = constant_of(*periods, Type::of(TypeKind::kInt), "the rollover lifetime");
    if (n && *n < 1) {
      error("E0406", periods->range, "a rollover lives for at least 1 period");
    } else if (n) {
      sr.block.rollover_periods = *n;
    }
  }
}

void Checker::check_models_item(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc) {
  const std::string& name = prog_.services[svc].name;
  if (!once(sr.seen, "models", item.range, "`models " + name + "`")) return;
  bool deny = false;
  if (item.word && item.word->name == "deny") {
    deny = true;
  } else if (item.word && item.word->name != "allow") {
    error("E0201", item.word->range, "expected `allow` or `deny`, found `" + item.word->name + "`",
          did_you_mean(item.word->name, {"allow", "deny"}));
    return;
  }
  std::vector<std::string> own;
  for (uint32_t m : service_models_[svc]) own.push_back(prog_.models[m].name);
  std::vector<int64_t> values;
  bool ok = true;
  for (const ast::Ident& id : item.names) {
    auto it = model_index_.find(id.name);
    if (it == model_index_.end()) {
      error("E0206", id.range, "unknown model `" + id.name + "`", did_you_mean(id.name, own));
      ok = false;
    } else if (prog_.models[it->second].service != svc) {
      error_with_note("E0206", id.range, "model `" + id.name + "` is not a model of `" + name + "`",
                      prog_.models[it->second].range, "declared here for another service");
      ok = false;
    } else {
      values.push_back(it->second);
    }
  }
  if (!ok) return;
  Type m = Type::of(TypeKind::kModel);
  Type b = Type::of(TypeKind::kBool);
  uint32_t start = static_cast<uint32_t>(prog_.set_values.size());
  prog_.set_values.insert(prog_.set_values.end(), values.begin(), values.end());
  ir::ExprId load = emit(ir::OpCode::kLoad, m, kSlotModel, {}, item.range);
  ir::ExprId in =
      emit(ir::OpCode::kInSet, b, start, {load}, item.range, static_cast<uint32_t>(values.size()));
  sr.model_allowed = deny ? emit(ir::OpCode::kNot, b, 0, {in}, item.range) : in;
}

void Checker::check_overage(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc) {
  Scope s{svc, false, "overage", true};
  if (!item.value) return;
  Value price = lower(*item.value, s);
  bool ok = expect_money(price, "an overage price");
  // A plain int64 and a flag, not std::optional: GCC 12 -O2 reports a false maybe-uninitialized
  // on the optional's payload here.
  int64_t block = 1;
  bool block_ok = true;
  Dim dim = prog_.services[svc].dim;
  if (item.per && dim != Dim::kNone) {
    std::optional<int64_t> per = positive_quantity(*item.per, dim, "an overage block");
    block_ok = per.has_value();
    if (per) block = *per;
  } else if (dim == Dim::kNone) {
    block_ok = false;
  }
  std::optional<ir::ExprId> g;
  bool guard_ok = guard_of(item, s, &g);
  if (!ok || !block_ok || !guard_ok) return;
  SourceRange r = item.per ? item.per->range : item.range;
  Value b = constant(Type::quantity(dim), block, r);
  sr.overage_price.push_back(Rule{g, price.id, item.range});
  sr.overage_block.push_back(Rule{g, b.id, item.range});
}

void Checker::check_limit(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc) {
  Scope s{svc, false, "limit"};
  if (!item.value) return;
  Value v = lower(*item.value, s);
  bool ok = expect(v, service_quantity(svc), "a limit of `" + prog_.services[svc].name + "`");
  std::optional<int64_t> seconds;
  if (item.per) {
    seconds = positive_quantity(*item.per, Dim::kSecond, "a limit window");
  } else {
    error("E0503", item.range, "a limit needs a window", "write `limit <service> N per 5 h;`");
  }
  if (!ok || !seconds) return;
  if (sr.block.windows.size() >= static_cast<size_t>(kMaxWindowLimits)) {
    error("E0504", item.range,
          "too many rolling-window limits for `" + prog_.services[svc].name + "`: at most " +
              std::to_string(kMaxWindowLimits));
    return;
  }
  sr.block.windows.push_back(ir::Window{*seconds, false, item.range});
  sr.windows.push_back(v.id);
}

void Checker::check_cap_usage(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc) {
  const std::string& name = prog_.services[svc].name;
  std::string key = item.per_member ? "member cap" : "usage cap";
  if (!once(sr.seen, key, item.range,
            "`cap " + name + (item.per_member ? " ... per member`" : "`"))) {
    return;
  }
  Scope s{svc, false, "cap"};
  if (!item.value) return;
  Value v = lower(*item.value, s);
  if (!expect(v, service_quantity(svc), "a usage cap of `" + name + "`")) return;
  std::optional<ir::Action> action;
  if (item.action) action = lower_action(*item.action);
  if (item.per_member) {
    sr.member_cap = v.id;
    sr.block.member_cap_action = action;
  } else {
    sr.usage_cap = v.id;
    sr.block.usage_cap_action = action;
  }
}

void Checker::check_notify(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc) {
  Scope s{svc, true, "notify"};
  Type qty = service_quantity(svc);
  for (const ast::Expr& e : item.list) {
    Value v = lower(e, s);
    if (!v.ok()) continue;
    if (v.type.kind == TypeKind::kRatio) {
      auto r = fold(v, "a notification threshold");
      if (r && (*r <= 0 || *r > kMaxNotifyRatio)) {
        error("E0406", e.range, "a notification ratio must be above 0% and at most 1000%");
      } else if (r) {
        sr.block.notify_ratios.push_back(*r);
      }
    } else if (v.type.kind == TypeKind::kQuantity) {
      if (!expect(v, qty, "a notification threshold")) continue;
      auto a = fold(v, "a notification threshold");
      if (a && *a <= 0) {
        error("E0407", e.range, "a notification threshold must be positive");
      } else if (a) {
        sr.block.notify_amounts.push_back(*a);
      }
    } else {
      error("E0305", e.range,
            "a notification threshold must be a ratio such as `80%` or " + describe(qty) +
                ", found " + describe(v.type));
    }
  }
}

void Checker::check_order(const ast::PlanItem& item, ServiceRules& sr) {
  static const std::vector<std::string> kOrigins{"promo", "rollover", "allowance", "pack",
                                                 "pooled"};
  if (!once(sr.seen, "order", item.range, "`order`")) return;
  std::vector<ir::BucketOrigin> order;
  std::map<std::string, SourceRange> listed;
  for (const ast::Ident& id : item.names) {
    auto it = std::find(kOrigins.begin(), kOrigins.end(), id.name);
    if (it == kOrigins.end()) {
      error("E0201", id.range, "unknown bucket kind `" + id.name + "`",
            did_you_mean(id.name, kOrigins));
      continue;
    }
    if (auto [prev, fresh] = listed.emplace(id.name, id.range); !fresh) {
      error_with_note("E0202", id.range, "`" + id.name + "` is listed twice", prev->second,
                      "first listed here");
      continue;
    }
    order.push_back(static_cast<ir::BucketOrigin>(it - kOrigins.begin()));
  }
  sr.block.order = std::move(order);
}

}  // namespace gyrate::lang::check_detail
