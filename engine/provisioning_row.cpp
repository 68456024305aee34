// One provisioning row checked into a ProvisionSpec (see provisioning_row.hpp).
#include "provisioning_row.hpp"

#include <charconv>

#include "gyrate/engine/identity.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::engine {
namespace {

constexpr Field kFields[] = {Field::kId,         Field::kPlan, Field::kActivation,
                             Field::kBillingDay, Field::kTeam, Field::kIdentities};

template <typename T>
bool parse_int(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "Z", "+HH:MM" or "-HH:MM" at the end of a time: its offset in minutes, and the time without it.
std::optional<int32_t> split_offset(std::string_view& text) {
  if (text.size() > 10 && text.back() == 'Z') {
    text.remove_suffix(1);
    return 0;
  }
  if (text.size() > 16 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-')) {
    auto minutes = lang::literal::parse_time_of_day(text.substr(text.size() - 5));
    if (!minutes) return std::nullopt;
    int32_t offset = static_cast<int32_t>(*minutes) * (text[text.size() - 6] == '-' ? -1 : 1);
    text.remove_suffix(6);
    return offset;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Field> field_from_name(std::string_view name) {
  for (Field f : kFields) {
    if (name == field_name(f)) return f;
  }
  return std::nullopt;
}

const char* field_name(Field field) {
  switch (field) {
    case Field::kId: return "id";
    case Field::kPlan: return "plan";
    case Field::kActivation: return "activation";
    case Field::kBillingDay: return "billing_day";
    case Field::kTeam: return "team";
    case Field::kIdentities: return "identities";
  }
  return "?";
}

std::optional<int64_t> parse_activation(std::string_view text, int32_t offset_minutes) {
  if (!text.empty() && text.front() == '@') {
    int64_t seconds = 0;
    if (!parse_int(text.substr(1), seconds)) return std::nullopt;
    return seconds;
  }
  if (std::optional<int32_t> explicit_offset = split_offset(text)) offset_minutes = *explicit_offset;
  auto date = lang::calendar::parse_date(text.substr(0, 10));
  if (!date) return std::nullopt;
  int64_t seconds = 0;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    std::string_view clock = text.substr(11);
    auto minutes = lang::literal::parse_time_of_day(clock.substr(0, 5));
    if (!minutes) return std::nullopt;
    seconds = *minutes * 60;
    if (clock.size() > 5) {
      int s = 0;
      if (clock.size() != 8 || clock[5] != ':' || !parse_int(clock.substr(6), s) || s > 59 ||
          clock[6] == '-' || clock[6] == '+')
        return std::nullopt;
      seconds += s;
    }
  }
  return lang::calendar::days_from_civil(*date) * 86400 + seconds - int64_t{offset_minutes} * 60;
}

void RowBuilder::set(Field field, std::string_view text) {
  if (text.empty()) return;
  switch (field) {
    case Field::kId: spec_.id = text; return;
    case Field::kPlan: spec_.plan = text; return;
    case Field::kTeam: spec_.team = text; return;
    case Field::kActivation:
      activation_given_ = true;
      if (std::optional<int64_t> t = parse_activation(text, offset_minutes_)) {
        spec_.activation = *t;
      } else {
        refuse("bad activation '" + std::string(text) +
               "': expected YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (in the catalog's time zone, or "
               "ending in Z or +HH:MM) or @unix-seconds");
      }
      return;
    case Field::kBillingDay:
      if (!parse_int(text, spec_.billing_day) || spec_.billing_day < 1 || spec_.billing_day > 31) {
        spec_.billing_day = 0;
        refuse("bad billing_day '" + std::string(text) +
               "': expected a day of the month 1..31 (empty: the activation's day)");
      }
      return;
    case Field::kIdentities:
      for (size_t start = 0; start <= text.size();) {
        size_t end = text.find(';', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view item = trim(text.substr(start, end - start));
        if (!item.empty()) add_identity(item);
        start = end + 1;
      }
      return;
  }
}

void RowBuilder::add_identity(std::string_view text) {
  Expected<Identity> identity = parse_identity(text);
  if (!identity) {
    refuse("malformed identity: " + identity.status().message());
    return;
  }
  spec_.identities.push_back(std::move(*identity));
}

void RowBuilder::set_attribute(std::string name, std::string text) {
  if (text.empty()) return;
  for (const auto& given : spec_.attributes) {
    if (given.first == name) {
      refuse("attribute '" + name + "' is given twice");
      return;
    }
  }
  spec_.attributes.emplace_back(std::move(name), std::move(text));
}

std::optional<ProvisionSpec> RowBuilder::finish() {
  if (spec_.id.empty()) refuse("missing id");
  // A team member takes its team's plan and subscription; everyone else needs both.
  if (spec_.team.empty() && spec_.plan.empty()) {
    refuse("missing plan (only a team member may leave it empty)");
  }
  if (spec_.team.empty() && !activation_given_) refuse("missing activation");
  if (!reasons_.empty()) return std::nullopt;
  return std::move(spec_);
}

void add_row(RowBuilder& row, const std::string& file, size_t line, ParsedProvisioning& out) {
  if (std::optional<ProvisionSpec> spec = row.finish()) {
    out.specs.push_back(std::move(*spec));
    out.lines.push_back(line);
    return;
  }
  for (const std::string& reason : row.reasons()) out.errors.push_back({file, line, reason});
}

}  // namespace gyrate::engine
