// Packs and promos: priced top-ups and one-off buckets, with constant grants and validity.
#include "checker_impl.hpp"

namespace gyrate::lang::check_detail {
namespace {

// Packs and promos share one namespace per plan, so a scenario can name either unambiguously.
bool fresh_offer(Checker& c, PlanState& st, const ast::Ident& name, const char* kind) {
  auto [it, fresh] = st.offer_names.emplace(name.name, name.range);
  if (!fresh) {
    c.error_with_note(
        codes::kDuplicate, name.range,
        std::string(kind) + " `" + name.name + "` is declared twice in plan `" + st.plan.name + "`",
        it->second, "first declared here");
  }
  return fresh;
}

const ast::Expr* one_value(Checker& c, const ast::Field& f) {
  if (f.values.size() == 1) return &f.values[0];
  c.error(codes::kWrongItemType, f.range, "`" + f.key.name + "` takes exactly one value");
  return nullptr;
}

}  // namespace

bool Checker::offer_grant(const ast::Field& f, std::vector<ir::Grant>& grants) {
  if (!f.service) {
    error(codes::kMissingField, f.key.range, "`grant` needs a service",
          "write `grant <service> 400k token;`");
    return false;
  }
  auto svc = resolve_service(*f.service);
  if (!svc) return true;  // counted as present: the unknown service is the error
  rules_for(*svc, f.range);
  const ast::Expr* e = one_value(*this, f);
  Dim dim = prog_.services[*svc].dim;
  if (!e || dim == Dim::kNone) return true;
  if (auto amount = positive_quantity(*e, dim, "a grant")) {
    grants.push_back(ir::Grant{*svc, *amount});
  }
  return true;
}

bool Checker::offer_field(const ast::Field& f, Seen& seen, Offer& offer) {
  if (f.service && f.key.name != "grant") {
    error(codes::kUnknownField, f.service->range, "`" + f.key.name + "` takes no service");
    return true;
  }
  if (f.key.name == "grant") {
    offer.has_grant = offer_grant(f, offer.grants) || offer.has_grant;
    return true;
  }
  if (f.key.name != "valid") return false;
  if (!once(seen, "valid", f.key.range, "`valid`")) return true;
  const ast::Expr* e = one_value(*this, f);
  if (!e) return true;
  if (auto secs = positive_quantity(*e, Dim::kSecond, "a validity")) offer.valid_seconds = *secs;
  return true;
}

void Checker::check_pack(const ast::PlanItem& item) {
  static const std::vector<std::string> kFields{"price", "grant", "valid"};
  PlanState& st = *plan_;
  if (!item.name) return;
  bool fresh = fresh_offer(*this, st, *item.name, "pack");
  ir::Pack pack;
  pack.name = item.name->name;
  pack.range = item.name->range;
  Seen seen;
  Offer offer;
  bool has_price = false;
  for (const ast::Field& f : item.fields) {
    if (offer_field(f, seen, offer)) continue;
    if (f.key.name == "price") {
      has_price = true;
      if (!once(seen, "price", f.key.range, "`price`")) continue;
      const ast::Expr* e = one_value(*this, f);
      if (!e) continue;
      Scope s{ir::kNoService, true, "price", true};
      Value v = lower(*e, s);
      if (!expect_money(v, "a pack price")) continue;
      auto price = fold(v, "a pack price");
      if (price && *price <= 0) {
        error(codes::kNotPositive, e->range, "a pack price must be positive",
              "use a promo for free buckets");
      } else if (price) {
        check_price_unit(v, "the pack price");
        pack.price = *price;
        pack.currency = v.type.currency;
      }
    } else {
      error(codes::kUnknownField, f.key.range, "unknown field `" + f.key.name + "` in a pack",
            field_fix(f.key.name, kFields, "a pack"));
    }
  }
  if (!has_price) {
    error(codes::kMissingField, item.name->range, "pack `" + pack.name + "` has no `price`",
          "add `price 1 CNY;`");
  }
  if (!offer.has_grant) {
    error(codes::kMissingField, item.name->range, "pack `" + pack.name + "` grants nothing",
          "add `grant <service> 400k token;`");
  }
  pack.grants = std::move(offer.grants);
  pack.valid_seconds = offer.valid_seconds;
  if (fresh) st.plan.packs.push_back(std::move(pack));
}

void Checker::check_promo(const ast::PlanItem& item) {
  static const std::vector<std::string> kFields{"grant", "valid", "when"};
  PlanState& st = *plan_;
  if (!item.name) return;
  bool fresh = fresh_offer(*this, st, *item.name, "promo");
  ir::Promo promo;
  promo.name = item.name->name;
  promo.range = item.name->range;
  Seen seen;
  Offer offer;
  std::vector<ir::ExprId> conds;
  Scope s{ir::kNoService, false, "promo"};
  if (item.when) {
    Value v = lower_condition(*item.when, s, "a promo condition");
    if (v.ok()) conds.push_back(v.id);
  }
  for (const ast::Field& f : item.fields) {
    if (offer_field(f, seen, offer)) continue;
    if (f.key.name == "when") {
      if (!once(seen, "when", f.key.range, "`when`")) continue;
      const ast::Expr* e = one_value(*this, f);
      if (!e) continue;
      Value v = lower_condition(*e, s, "a promo condition");
      if (v.ok()) conds.push_back(v.id);
    } else {
      error(codes::kUnknownField, f.key.range, "unknown field `" + f.key.name + "` in a promo",
            field_fix(f.key.name, kFields, "a promo"));
    }
  }
  if (!offer.has_grant) {
    error(codes::kMissingField, item.name->range, "promo `" + promo.name + "` grants nothing",
          "add `grant <service> 30M token;`");
  }
  promo.grants = std::move(offer.grants);
  promo.valid_seconds = offer.valid_seconds;
  if (!fresh) return;
  st.plan.promos.push_back(std::move(promo));
  st.promo_when.push_back(conds.empty() ? std::nullopt : std::optional<ir::ExprId>(conjoin(conds)));
}

}  // namespace gyrate::lang::check_detail
