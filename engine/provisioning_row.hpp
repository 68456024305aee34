// RowBuilder: one provisioning row (a CSV record or a JSON line) checked field by field into a
// ProvisionSpec, with a reason for every bad field. Both file formats share it, so a column
// means the same thing, and is refused with the same words, in either.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/engine/engine.hpp"
#include "gyrate/engine/provisioning_file.hpp"

namespace gyrate::engine {

enum class Field : uint8_t { kId, kPlan, kActivation, kBillingDay, kTeam, kIdentities };

// "id", "plan", "activation", "billing_day", "team", "identities"; nullopt for any other name.
std::optional<Field> field_from_name(std::string_view name);
const char* field_name(Field field);

// A CSV column named attr.NAME sets the attribute NAME.
inline constexpr std::string_view kAttributePrefix = "attr.";

// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (or a space for the T) in the zone `offset_minutes`
// unless the text ends in "Z" or "+HH:MM" / "-HH:MM"; or "@<unix seconds>".
std::optional<int64_t> parse_activation(std::string_view text, int32_t offset_minutes);

class RowBuilder {
 public:
  explicit RowBuilder(int32_t offset_minutes) : offset_minutes_(offset_minutes) {}

  // Sets a field from its text; empty text leaves it unset. kIdentities takes a ';' list.
  void set(Field field, std::string_view text);
  void add_identity(std::string_view text);            // "e164:+8613800000000"
  void set_attribute(std::string name, std::string text);  // empty text: the declared default
  void refuse(std::string reason) { reasons_.push_back(std::move(reason)); }

  // Checks what is missing; the spec when the row is good, else every reason it is not.
  std::optional<ProvisionSpec> finish();
  const std::vector<std::string>& reasons() const { return reasons_; }

 private:
  int32_t offset_minutes_;
  ProvisionSpec spec_;
  bool activation_given_ = false;
  std::vector<std::string> reasons_;
};

// Adds a finished row to `out`: its spec, or one error per reason it was refused.
void add_row(RowBuilder& row, const std::string& file, size_t line, ParsedProvisioning& out);

}  // namespace gyrate::engine
