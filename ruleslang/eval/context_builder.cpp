// ContextBuilder: fills an evaluation context from a timestamp, a model name and typed text values.
#include "gyrate/ruleslang/context_builder.hpp"

#include <algorithm>
#include <optional>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::lang {
namespace {

std::string_view trim(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return t;
}

std::string quoted(std::string_view t) { return "'" + std::string(t) + "'"; }

// A number as text: "[-]NUMBER [WORD]" where WORD (a unit or currency) may be glued or spaced.
struct Amount {
  bool negative = false;
  literal::Number number;
  std::string_view word;
};

std::string split_amount(std::string_view text, Amount* a) {
  std::string_view t = trim(text);
  a->negative = !t.empty() && t.front() == '-';
  if (a->negative) t.remove_prefix(1);
  size_t len = literal::scan_number(t);
  if (len == 0) return "expected a number, got " + quoted(text);
  literal::ParsedNumber p = literal::parse_number(t.substr(0, len));
  if (p.error == literal::NumberError::kTooLarge) return "number too large: " + quoted(text);
  if (p.error != literal::NumberError::kNone) return "malformed number: " + quoted(text);
  a->number = p.number;
  a->word = trim(t.substr(len));
  return {};
}

// Scales an amount exactly; `what` names the type for the inexact message.
std::string scale_amount(const Amount& a, int64_t scale, std::string_view text,
                         std::string_view what, int64_t* out) {
  literal::Fixed f = literal::to_fixed(a.number, scale);
  if (f.error == literal::FixedError::kOverflow) return "number too large: " + quoted(text);
  if (f.error == literal::FixedError::kInexact) {
    return "too many decimal places for " + std::string(what) + ": " + quoted(text);
  }
  *out = a.negative ? -f.value : f.value;
  return {};
}

std::string parse_int(std::string_view text, int64_t* out) {
  Amount a;
  if (std::string e = split_amount(text, &a); !e.empty()) return e;
  if (!a.word.empty()) return "unexpected " + quoted(a.word) + " after an int";
  if (!a.number.is_whole()) return "an int must be a whole number: " + quoted(text);
  return scale_amount(a, 1, text, "an int", out);
}

std::string parse_ratio(std::string_view text, int64_t* out) {
  Amount a;
  if (std::string e = split_amount(text, &a); !e.empty()) return e;
  if (!a.word.empty()) return "unexpected " + quoted(a.word) + " after a ratio";
  return scale_amount(a, kFixedScale, text, "a ratio (at most 6)", out);
}

// `currency`: the required currency, or nullopt to accept any declared one.
std::string parse_money(const ir::Program& program, std::optional<uint16_t> currency,
                        std::string_view text, int64_t* out) {
  Amount a;
  if (std::string e = split_amount(text, &a); !e.empty()) return e;
  if (a.number.percent) return "a money amount cannot be a percentage: " + quoted(text);
  if (!a.word.empty()) {
    auto it = std::find_if(program.currencies.begin(), program.currencies.end(),
                           [&](const ir::Currency& c) { return c.name == a.word; });
    if (it == program.currencies.end()) return "unknown currency " + quoted(a.word);
    if (currency && static_cast<size_t>(it - program.currencies.begin()) != *currency) {
      return "wrong currency " + quoted(a.word) + ": expected " +
             (*currency < program.currencies.size() ? program.currencies[*currency].name : "?");
    }
  }
  return scale_amount(a, kFixedScale, text, "money (at most 6)", out);
}

// `dim`: the required dimension, or kNone to accept any unit (service-relative builtins).
std::string parse_quantity(Dim dim, std::string_view text, int64_t* out) {
  Amount a;
  if (std::string e = split_amount(text, &a); !e.empty()) return e;
  if (a.number.percent) return "a quantity cannot be a percentage: " + quoted(text);
  int64_t scale = 1;
  if (!a.word.empty()) {
    const literal::UnitInfo* u = literal::find_unit(a.word);
    if (u == nullptr) return "unknown unit " + quoted(a.word);
    if (dim != Dim::kNone && u->dim != dim) {
      return "unit " + quoted(a.word) + " measures " + dim_name(u->dim) + ", expected " +
             dim_name(dim);
    }
    scale = u->base_per_unit;
  }
  return scale_amount(a, scale, text, "a whole number of the base unit", out);
}

std::string_view unquote(std::string_view t) {
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') return t.substr(1, t.size() - 2);
  return t;
}

// Parses `text` as a value of `type`. Builtin money takes any currency; builtin quantities take
// units of `service_dim` (any unit when it is kNone).
std::string parse_value(const ir::Program& program, const Type& type, bool builtin,
                        Dim service_dim, std::string_view raw, int64_t* out) {
  std::string_view text = trim(raw);
  switch (type.kind) {
    case TypeKind::kInt: return parse_int(text, out);
    case TypeKind::kRatio: return parse_ratio(text, out);
    case TypeKind::kMoney:
      return parse_money(program, builtin ? std::nullopt : std::optional(type.currency), text, out);
    case TypeKind::kQuantity: return parse_quantity(builtin ? service_dim : type.dim, text, out);
    case TypeKind::kBool:
      if (text == "true" || text == "false") {
        *out = text == "true" ? 1 : 0;
        return {};
      }
      return "expected true or false, got " + quoted(text);
    case TypeKind::kString: *out = program.intern_lookup(unquote(text)); return {};
    case TypeKind::kDate:
      if (std::optional<calendar::CivilDate> d = calendar::parse_date(text)) {
        *out = calendar::days_from_civil(*d);
        return {};
      }
      return "expected a calendar date YYYY-MM-DD, got " + quoted(text);
    case TypeKind::kTimeOfDay:
      if (std::optional<int64_t> m = literal::parse_time_of_day(text)) {
        *out = *m;
        return {};
      }
      return "expected a time of day HH:MM, got " + quoted(text);
    case TypeKind::kWeekday:
      if (std::optional<int64_t> w = literal::parse_weekday(text)) {
        *out = *w;
        return {};
      }
      return "expected a weekday mon..sun, got " + quoted(text);
    case TypeKind::kModel:
      if (text == "none" || text.empty()) {
        *out = -1;
        return {};
      }
      if (int m = program.find_model(text); m >= 0) {
        *out = m;
        return {};
      }
      return "unknown model " + quoted(text);
    case TypeKind::kError: break;
  }
  return "cannot set a value of this type";
}

}  // namespace

ContextBuilder::ContextBuilder(const ir::Program& program) : program_(program) {
  ctx_.slots.assign(std::max<size_t>(program.context_slots, kSlotBuiltinCount), 0);
  for (const ir::Attribute& a : program.attributes) {
    if (a.slot < ctx_.slots.size()) ctx_.slots[a.slot] = a.default_value;
  }
  ctx_.slots[kSlotModel] = -1;
  at(0);
}

ContextBuilder& ContextBuilder::at(int64_t unix_seconds) {
  set_time_fields(ctx_.slots.data(), unix_seconds, program_.timezone_offset_minutes);
  return *this;
}

ContextBuilder& ContextBuilder::model(std::string_view name) {
  ctx_.slots[kSlotModel] = program_.find_model(name);
  return *this;
}

ContextBuilder& ContextBuilder::set(BuiltinSlot slot, int64_t value) {
  if (slot < ctx_.slots.size()) ctx_.slots[slot] = value;
  return *this;
}

std::string ContextBuilder::set_attribute(std::string_view name, std::string_view text) {
  int i = program_.find_attribute(name);
  if (i < 0) return "unknown attribute " + quoted(name);
  const ir::Attribute& a = program_.attributes[static_cast<size_t>(i)];
  if (a.slot >= ctx_.slots.size()) return "attribute " + quoted(name) + " has no context slot";
  int64_t v = 0;
  std::string err = parse_value(program_, a.type, false, Dim::kNone, text, &v);
  if (!err.empty()) return "attribute " + std::string(name) + ": " + err;
  ctx_.slots[a.slot] = v;
  return {};
}

ContextBuilder& ContextBuilder::for_service(Dim dim) {
  service_dim_ = dim;
  return *this;
}

std::string ContextBuilder::set_by_name(std::string_view name, std::string_view text) {
  constexpr std::string_view kWindow = "window_used";
  if (name.size() == kWindow.size() + 1 && name.substr(0, kWindow.size()) == kWindow &&
      name.back() >= '0' && name.back() < '0' + kMaxWindowLimits) {
    int64_t v = 0;
    // A window counts in its own unit (requests for a request limit): any unit is taken.
    std::string err = parse_quantity(Dim::kNone, text, &v);
    if (!err.empty()) return std::string(name) + ": " + err;
    ctx_.slots[kSlotWindowUsed0 + static_cast<size_t>(name.back() - '0')] = v;
    return {};
  }
  if (name == "timestamp") {
    int64_t t = 0;
    std::string err = parse_int(trim(text), &t);
    if (!err.empty()) return "timestamp: " + err;
    at(t);
    return {};
  }
  for (uint16_t s = 0; s < kSlotBuiltinCount; ++s) {
    const BuiltinSlotInfo& info = builtin_slot_info(s);
    if (info.name.empty() || info.name != name) continue;
    int64_t v = 0;
    std::string err = parse_value(program_, Type::of(info.kind), true, service_dim_, text, &v);
    if (!err.empty()) return std::string(name) + ": " + err;
    ctx_.slots[s] = v;
    return {};
  }
  if (program_.find_attribute(name) >= 0) return set_attribute(name, text);
  return "unknown name " + quoted(name) + " (not a builtin or a declared attribute)";
}

}  // namespace gyrate::lang
