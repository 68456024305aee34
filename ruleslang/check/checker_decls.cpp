// Top-level declarations: currencies, the timezone, services, models and subscriber attributes.
#include <charconv>

#include "checker_impl.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::lang::check_detail {
namespace {

constexpr int64_t kMaxTimezoneMinutes = 14 * 60;
constexpr size_t kMaxDeclared = 0xFFFE;  // indexes are uint16_t; 0xFFFF means "no service"

}  // namespace

// Unit words for "did you mean", plurals included: `tokns` is one edit from `tokens`.
std::vector<std::string> unit_words() {
  std::vector<std::string> out;
  for (const literal::UnitInfo& u : literal::all_units()) {
    out.emplace_back(u.name);
    std::string plural = std::string(u.name) + "s";
    if (literal::find_unit(plural)) out.push_back(plural);
  }
  return out;
}

namespace {

// Attribute types that are one word and no unit.
std::optional<TypeKind> plain_type(std::string_view w) {
  if (w == "int") return TypeKind::kInt;
  if (w == "bool") return TypeKind::kBool;
  if (w == "string") return TypeKind::kString;
  if (w == "date") return TypeKind::kDate;
  if (w == "ratio") return TypeKind::kRatio;
  return std::nullopt;
}

int64_t default_quota(Dim d) {
  switch (d) {
    case Dim::kToken:
      return 10'000;
    case Dim::kByte:
      return 10 * 1024 * 1024;
    case Dim::kSecond:
      return 600;
    default:
      return 1;
  }
}

// "+08:00" / "-03:30" -> minutes; nullopt when malformed.
std::optional<int64_t> parse_offset(std::string_view t) {
  if (t.size() != 6 || (t[0] != '+' && t[0] != '-')) return std::nullopt;
  auto hm = literal::parse_time_of_day(t.substr(1));
  if (!hm) return std::nullopt;
  return t[0] == '-' ? -*hm : *hm;
}

// Where the offset is written inside `timezone +15:00;` (the declaration keeps its whole range).
SourceRange offset_range(const SourceFile& source, const ast::TimezoneDecl& tz) {
  size_t at = source.slice(tz.range).rfind(tz.offset);
  if (tz.offset.empty() || at == std::string_view::npos) return tz.range;
  uint32_t begin = tz.range.begin + static_cast<uint32_t>(at);
  return SourceRange{begin, begin + static_cast<uint32_t>(tz.offset.size())};
}

// The value of a field that takes exactly one.
const ast::Expr* single_value(Checker& c, const ast::Field& f) {
  if (f.values.size() == 1) return &f.values[0];
  c.error(codes::kWrongItemType, f.range, "`" + f.key.name + "` takes exactly one value");
  return nullptr;
}

// A bare word (`unit token;`, `modality text;`, `service llm;`), written as a name.
const ast::Expr* word_value(Checker& c, const ast::Field& f, const char* what) {
  const ast::Expr* e = single_value(c, f);
  if (e && e->kind != ast::ExprKind::kName) {
    c.error(codes::kWrongItemType, e->range, "`" + f.key.name + "` takes " + what);
    return nullptr;
  }
  return e;
}

void unknown_field(Checker& c, const ast::Field& f, const char* where,
                   const std::vector<std::string>& known) {
  c.error(codes::kUnknownField, f.key.range, "unknown field `" + f.key.name + "` in " + where,
          Checker::field_fix(f.key.name, known, where));
}

}  // namespace

void Checker::check_field_once(Seen& seen, const ast::Field& f) {
  once(seen, f.key.name, f.key.range, "field `" + f.key.name + "`");
}

std::optional<int64_t> Checker::constant_of(const ast::Expr& e, Type want, const char* what) {
  Scope s;
  s.declaration = true;
  s.item = what;
  s.money = want.kind == TypeKind::kMoney;
  Value v = lower(e, s);
  if (!v.ok() || !expect(v, want, what)) return std::nullopt;
  return fold(v, what);
}

void Checker::check_currencies() {
  for (const ast::CurrencyDecl& c : file_.currencies) {
    if (auto it = currency_index_.find(c.name.name); it != currency_index_.end()) {
      error_with_note(codes::kDuplicate, c.name.range,
                      "currency `" + c.name.name + "` is declared twice",
                      currency_ranges_[it->second], "first declared here");
      continue;
    }
    if (literal::find_unit(c.name.name)) {
      error(codes::kDuplicate, c.name.range, "`" + c.name.name + "` is already a unit",
            "currencies use ISO codes such as `CNY`");
      continue;
    }
    if (prog_.currencies.size() >= kMaxDeclared) {
      error(codes::kTooMany, c.name.range, "too many currencies");
      continue;
    }
    int digits = -1;
    const std::string& m = c.minor_digits;
    auto [ptr, ec] = std::from_chars(m.data(), m.data() + m.size(), digits);
    if (ec != std::errc() || ptr != m.data() + m.size() || digits < 0 || digits > 6) {
      error(codes::kOutOfRange, c.minor_range,
            "minor digits must be between 0 and 6, found `" + m + "`",
            "most currencies use `minor 2`");
      digits = 2;
    }
    currency_index_.emplace(c.name.name, static_cast<uint16_t>(prog_.currencies.size()));
    currency_ranges_.push_back(c.name.range);
    prog_.currencies.push_back(ir::Currency{c.name.name, digits});
  }
}

void Checker::check_timezones() {
  bool first = true;
  SourceRange first_range{};
  for (const ast::TimezoneDecl& tz : file_.timezones) {
    if (!first) {
      error_with_note(codes::kRepeatedItem, tz.range, "the timezone is declared twice", first_range,
                      "first declared here");
      continue;
    }
    first = false;
    first_range = tz.range;
    auto minutes = parse_offset(tz.offset);
    if (!minutes || *minutes > kMaxTimezoneMinutes || *minutes < -kMaxTimezoneMinutes) {
      error(codes::kBadTimezone, offset_range(source_, tz),
            "`" + tz.offset + "` is not a timezone offset between -14:00 and +14:00",
            "write an offset such as `+08:00`");
      continue;
    }
    prog_.timezone_offset_minutes = static_cast<int32_t>(*minutes);
  }
}

void Checker::check_services() {
  static const std::vector<std::string> kFields{"unit", "rating_group", "context", "quota"};
  // A request names its service by (Service-Context-Id, Rating-Group): one pair, one service.
  std::map<std::pair<std::string, int64_t>, uint16_t> rating_groups;
  for (const ast::ServiceDecl& d : file_.services) {
    if (auto it = service_index_.find(d.name.name); it != service_index_.end()) {
      error_with_note(codes::kDuplicate, d.name.range,
                      "service `" + d.name.name + "` is declared twice",
                      prog_.services[it->second].range, "first declared here");
      continue;
    }
    if (prog_.services.size() >= kMaxDeclared) {
      error(codes::kTooMany, d.name.range, "too many services");
      continue;
    }
    ir::Service svc;
    svc.name = d.name.name;
    svc.range = d.name.range;
    svc.dim = Dim::kNone;  // kNone marks a service whose unit is missing or wrong
    Seen seen;
    SourceRange rating_group_range = d.name.range;
    bool has_unit = false;
    // The unit comes first whatever the field order: the quota is checked against it.
    for (const ast::Field& f : d.fields) {
      if (f.key.name != "unit") continue;
      has_unit = true;
      check_field_once(seen, f);
      const ast::Expr* e = word_value(*this, f, "a unit word such as `token`");
      if (!e || svc.dim != Dim::kNone) continue;
      if (const literal::UnitInfo* u = literal::find_unit(e->text)) {
        svc.dim = u->dim;
      } else {
        error(codes::kUnknownSuffix, e->range, "unknown unit `" + e->text + "`",
              did_you_mean(e->text, unit_words()));
      }
    }
    if (!has_unit) {
      error(codes::kMissingField, d.name.range, "service `" + d.name.name + "` has no `unit`",
            "add `unit token;` (or byte, second, request, event)");
    }
    std::optional<int64_t> quota;
    for (const ast::Field& f : d.fields) {
      if (f.key.name == "unit") continue;
      if (f.service) {
        error(codes::kUnknownField, f.service->range, "`" + f.key.name + "` takes no service here");
        continue;
      }
      if (f.key.name == "rating_group") {
        check_field_once(seen, f);
        if (const ast::Expr* e = single_value(*this, f)) {
          auto v = constant_of(*e, Type::of(TypeKind::kInt), "a rating group");
          if (v && *v < 0) {
            error(codes::kOutOfRange, e->range, "a rating group is a number >= 0");
          } else if (v) {
            svc.rating_group = *v;
            rating_group_range = e->range;
          }
        }
      } else if (f.key.name == "context") {
        check_field_once(seen, f);
        const ast::Expr* e = single_value(*this, f);
        if (e && e->kind == ast::ExprKind::kString) {
          svc.context_id = e->text;
        } else if (e) {
          error(codes::kWrongItemType, e->range,
                "`context` takes a string such as \"32251@3gpp.org\"");
        }
      } else if (f.key.name == "quota") {
        check_field_once(seen, f);
        const ast::Expr* e = single_value(*this, f);
        if (e && svc.dim != Dim::kNone) quota = positive_quantity(*e, svc.dim, "a quota");
      } else {
        unknown_field(*this, f, "a service", kFields);
      }
    }
    svc.quota = quota.value_or(default_quota(svc.dim));
    if (svc.rating_group >= 0) {
      auto [other, fresh] = rating_groups.emplace(std::make_pair(svc.context_id, svc.rating_group),
                                                  static_cast<uint16_t>(prog_.services.size()));
      if (!fresh) {
        const ir::Service& first = prog_.services[other->second];
        error_with_note(codes::kSharedRatingGroup, rating_group_range,
                        "services `" + first.name + "` and `" + svc.name + "` share rating_group " +
                            std::to_string(svc.rating_group) +
                            ": a request could not say which one it is for",
                        first.range, "`" + first.name + "` is declared here",
                        "give each service its own rating_group");
      }
    }
    service_index_.emplace(svc.name, static_cast<uint16_t>(prog_.services.size()));
    prog_.services.push_back(std::move(svc));
    service_models_.emplace_back();
    weight_chains_.emplace_back();
    service_used_.push_back(false);
  }
}

void Checker::check_models() {
  static const std::vector<std::string> kFields{"service", "id", "weight", "modality"};
  std::map<std::pair<uint16_t, int64_t>, SourceRange> ids;
  for (const ast::ModelDecl& d : file_.models) {
    if (auto it = model_index_.find(d.name.name); it != model_index_.end()) {
      error_with_note(codes::kDuplicate, d.name.range,
                      "model `" + d.name.name + "` is declared twice",
                      prog_.models[it->second].range, "first declared here");
      continue;
    }
    if (name_taken(d.name, "model")) continue;
    ir::Model m;
    m.name = d.name.name;
    m.range = d.name.range;
    Seen seen;
    std::optional<uint16_t> svc;
    bool has_service = false;
    for (const ast::Field& f : d.fields) {
      if (f.key.name != "service") continue;
      has_service = true;
      check_field_once(seen, f);
      const ast::Expr* e = word_value(*this, f, "a service name");
      if (e && !svc) svc = resolve_service(ast::Ident{e->text, e->range});
    }
    if (!has_service) {
      error(codes::kMissingField, d.name.range, "model `" + d.name.name + "` names no `service`",
            "add `service <name>;`");
    }
    for (const ast::Field& f : d.fields) {
      if (f.key.name == "service") continue;
      if (f.key.name == "id") {
        check_field_once(seen, f);
        const ast::Expr* e = single_value(*this, f);
        auto v = e ? constant_of(*e, Type::of(TypeKind::kInt), "a model id") : std::nullopt;
        if (v && *v < 0) {
          error(codes::kOutOfRange, e->range, "a model id (Service-Identifier) is a number >= 0");
        } else if (v) {
          m.service_identifier = *v;
          if (svc) {
            auto [it, fresh] = ids.emplace(std::make_pair(*svc, *v), e->range);
            if (!fresh) {
              error_with_note(codes::kDuplicate, e->range,
                              "id " + std::to_string(*v) +
                                  " is already used by another model of `" +
                                  prog_.services[*svc].name + "`",
                              it->second, "first used here");
            }
          }
        }
      } else if (f.key.name == "weight") {
        check_field_once(seen, f);
        const ast::Expr* e = single_value(*this, f);
        auto v = e ? constant_of(*e, Type::of(TypeKind::kRatio), "a model weight") : std::nullopt;
        if (v && *v < 0) {
          error(codes::kNegative, e->range, "a weight must not be negative",
                "write 0 to zero-rate the model");
        } else if (v) {
          m.weight = *v;
        }
      } else if (f.key.name == "modality") {
        check_field_once(seen, f);
        if (const ast::Expr* e = word_value(*this, f, "a word such as `text`"))
          m.modality = e->text;
      } else {
        unknown_field(*this, f, "a model", kFields);
      }
    }
    uint32_t index = static_cast<uint32_t>(prog_.models.size());
    if (svc) {
      m.service = *svc;
      service_models_[*svc].push_back(index);
    }
    model_index_.emplace(m.name, index);
    prog_.models.push_back(std::move(m));
  }
}

void Checker::check_attributes() {
  static const std::vector<std::string> kTypeWords{"int",  "bool",  "string",
                                                   "date", "ratio", "money"};
  for (const ast::AttributeDecl& d : file_.attributes) {
    if (auto it = attribute_index_.find(d.name.name); it != attribute_index_.end()) {
      error_with_note(codes::kDuplicate, d.name.range,
                      "attribute `" + d.name.name + "` is declared twice",
                      prog_.attributes[it->second].range, "first declared here");
      continue;
    }
    if (name_taken(d.name, "attribute")) continue;
    // Every request carries every attribute in a fixed-size context (lang::kMaxContextSlots).
    if (kSlotBuiltinCount + prog_.attributes.size() >= kMaxContextSlots) {
      error(codes::kTooMany, d.name.range,
            "too many attributes: a catalog declares at most " +
                std::to_string(kMaxContextSlots - kSlotBuiltinCount),
            "keep the attributes that rules read; others belong in the subscriber database");
      continue;
    }
    Type t = Type::error();
    const std::string& w = d.type.name;
    if (auto k = plain_type(w)) {
      t = Type::of(*k);
    } else if (w == "money") {
      if (!d.currency) {
        error(codes::kMissingField, d.type.range, "`money` needs a currency", "write `money CNY`");
      } else if (auto c = currency_index_.find(d.currency->name); c != currency_index_.end()) {
        t = Type::money(c->second);
      } else {
        error(codes::kUnknownCurrency, d.currency->range,
              "unknown currency `" + d.currency->name + "`", currency_fix(d.currency->name));
      }
    } else if (const literal::UnitInfo* u = literal::find_unit(w)) {
      t = Type::quantity(u->dim);
    } else {
      std::vector<std::string> cands = kTypeWords;
      for (const std::string& unit : unit_words()) cands.push_back(unit);
      error(codes::kUnknownName, d.type.range, "unknown attribute type `" + w + "`",
            did_you_mean(w, cands));
    }
    if (d.currency && w != "money") {
      error(codes::kUnknownField, d.currency->range, "only `money` attributes take a currency");
    }
    ir::Attribute a;
    a.name = d.name.name;
    a.type = t;
    a.range = d.name.range;
    a.slot = static_cast<uint16_t>(kSlotBuiltinCount + prog_.attributes.size());
    if (d.default_value && t.kind != TypeKind::kError) {
      std::string what = "the default of `" + a.name + "`";
      if (auto v = constant_of(*d.default_value, t, what.c_str())) a.default_value = *v;
    }
    // Registered even when wrong, so that uses do not cascade into "unknown name" errors.
    attribute_index_.emplace(a.name, static_cast<uint16_t>(prog_.attributes.size()));
    prog_.attributes.push_back(std::move(a));
    attribute_used_.push_back(false);
  }
}

}  // namespace gyrate::lang::check_detail
