// The one table of diagnostic codes: each code, its severity and summary, named for call sites.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace gyrate::lang {

enum class Severity { kError, kWarning, kNote };

// A code of the table. Call sites pass the named constant (`codes::kUnknownName`), never the
// string, so that every code a user can see is listed here and in docs/language.md.
struct DiagnosticCode {
  std::string_view code;  // "E0201": E for errors, W for warnings
  Severity severity;
  std::string_view summary;  // the line docs/language.md gives the code
};

namespace codes {

// Syntax (the parser and its byte-level prescan).
inline constexpr DiagnosticCode kSyntax{"E0101", Severity::kError,
                                        "syntax error: something else was expected here"};
inline constexpr DiagnosticCode kNonAscii{"E0102", Severity::kError,
                                          "a byte that is not ASCII text outside a comment"};
inline constexpr DiagnosticCode kUnterminatedString{"E0103", Severity::kError,
                                                    "unterminated string"};
inline constexpr DiagnosticCode kTooDeep{"E0104", Severity::kError,
                                         "nesting deeper than the limits"};
inline constexpr DiagnosticCode kFileTooLarge{"E0105", Severity::kError,
                                              "file larger than 4 MiB"};
inline constexpr DiagnosticCode kKeywordAsName{"E0106", Severity::kError,
                                               "a reserved keyword used as a name"};

// Names and declarations.
inline constexpr DiagnosticCode kUnknownName{"E0201", Severity::kError, "unknown name"};
inline constexpr DiagnosticCode kDuplicate{"E0202", Severity::kError, "duplicate declaration"};
inline constexpr DiagnosticCode kUnknownSuffix{"E0203", Severity::kError,
                                               "unknown unit or currency after a number"};
inline constexpr DiagnosticCode kUnknownCurrency{"E0204", Severity::kError, "unknown currency"};
inline constexpr DiagnosticCode kUnknownService{"E0205", Severity::kError, "unknown service"};
inline constexpr DiagnosticCode kUnknownModel{"E0206", Severity::kError, "unknown model"};
inline constexpr DiagnosticCode kUnknownFunction{"E0207", Severity::kError, "unknown function"};
inline constexpr DiagnosticCode kUnknownField{"E0208", Severity::kError,
                                              "unknown or misplaced field"};
inline constexpr DiagnosticCode kUnknownMember{"E0209", Severity::kError,
                                               "unknown member (`x.field`)"};
inline constexpr DiagnosticCode kSharedRatingGroup{"E0210", Severity::kError,
                                                   "two services share one `rating_group`"};
inline constexpr DiagnosticCode kModelOfOtherService{
    "E0211", Severity::kError, "a rule for one service tests a model of another service"};

// Types.
inline constexpr DiagnosticCode kIncompatibleOperands{
    "E0301", Severity::kError, "operands of an operator have incompatible types"};
inline constexpr DiagnosticCode kDimensionsDiffer{"E0302", Severity::kError,
                                                  "unit dimensions differ (tokens vs bytes)"};
inline constexpr DiagnosticCode kCurrenciesDiffer{"E0303", Severity::kError, "currencies differ"};
inline constexpr DiagnosticCode kConditionNotBool{"E0304", Severity::kError,
                                                  "a condition is not a bool"};
inline constexpr DiagnosticCode kWrongItemType{"E0305", Severity::kError,
                                               "an item's value has the wrong type"};
inline constexpr DiagnosticCode kBranchTypesDiffer{
    "E0306", Severity::kError, "`if` branches or `min`/`max` arguments differ in type"};
inline constexpr DiagnosticCode kArgumentCount{"E0307", Severity::kError,
                                               "wrong number of arguments"};
inline constexpr DiagnosticCode kServiceNameInPlanItem{
    "E0308", Severity::kError, "a service-relative name in a plan-level item"};
inline constexpr DiagnosticCode kConstantRequired{"E0309", Severity::kError,
                                                  "a constant is required here"};
inline constexpr DiagnosticCode kUndefinedOperation{
    "E0310", Severity::kError, "the operation is not defined for this type"};

// Values.
inline constexpr DiagnosticCode kNumberTooLarge{"E0401", Severity::kError, "number too large"};
inline constexpr DiagnosticCode kNotADate{"E0402", Severity::kError, "not a calendar date"};
inline constexpr DiagnosticCode kNotATimeOfDay{"E0403", Severity::kError, "not a time of day"};
inline constexpr DiagnosticCode kNotWholeUnits{
    "E0404", Severity::kError, "a quantity that is not a whole number of its base unit"};
inline constexpr DiagnosticCode kTooManyDecimals{"E0405", Severity::kError,
                                                 "too many decimal places"};
inline constexpr DiagnosticCode kOutOfRange{"E0406", Severity::kError, "value out of range"};
inline constexpr DiagnosticCode kNotPositive{"E0407", Severity::kError,
                                             "value must be positive"};
inline constexpr DiagnosticCode kBadTimezone{"E0408", Severity::kError, "bad timezone offset"};
inline constexpr DiagnosticCode kNegative{
    "E0409", Severity::kError, "a constant allowance or weight is negative"};
inline constexpr DiagnosticCode kDivisionByZero{"E0410", Severity::kError,
                                                "division by a constant zero"};

// Plans and items.
inline constexpr DiagnosticCode kNoPlan{"E0501", Severity::kError, "the file declares no plan"};
inline constexpr DiagnosticCode kRepeatedItem{
    "E0502", Severity::kError, "an item that may appear once appears twice"};
inline constexpr DiagnosticCode kMissingField{"E0503", Severity::kError,
                                              "a required field is missing"};
inline constexpr DiagnosticCode kTooMany{
    "E0504", Severity::kError, "too many items of a kind (limits, functions per service, plans)"};
inline constexpr DiagnosticCode kDuplicateVersion{"E0505", Severity::kError,
                                                  "duplicate plan version"};
inline constexpr DiagnosticCode kMixedCurrencies{"E0506", Severity::kError,
                                                 "a plan mixes currencies"};
inline constexpr DiagnosticCode kMemberCapNotPooled{
    "E0507", Severity::kError, "`cap ... per member` on a service whose allowance is not `pooled`"};

// Warnings: the file compiles, but it likely does not say what its author meant.
inline constexpr DiagnosticCode kUnreachableRule{"W0601", Severity::kWarning,
                                                 "unreachable rule after an unconditional one"};
inline constexpr DiagnosticCode kUnused{"W0602", Severity::kWarning, "declared but never used"};
inline constexpr DiagnosticCode kRolloverAboveAllowance{
    "W0603", Severity::kWarning, "a rollover cap above the allowance it carries"};
inline constexpr DiagnosticCode kOverageNeverApplies{
    "W0604", Severity::kWarning,
    "an `overage` price on a service whose exhaust action is not `charge`"};
inline constexpr DiagnosticCode kBelowMinorUnit{
    "W0605", Severity::kWarning,
    "a price that is not a whole number of the currency's minor unit"};

}  // namespace codes

// Every code, in order; docs/language.md lists the same codes with the same summaries.
inline constexpr std::array kDiagnosticCodes{
    codes::kSyntax,
    codes::kNonAscii,
    codes::kUnterminatedString,
    codes::kTooDeep,
    codes::kFileTooLarge,
    codes::kKeywordAsName,
    codes::kUnknownName,
    codes::kDuplicate,
    codes::kUnknownSuffix,
    codes::kUnknownCurrency,
    codes::kUnknownService,
    codes::kUnknownModel,
    codes::kUnknownFunction,
    codes::kUnknownField,
    codes::kUnknownMember,
    codes::kSharedRatingGroup,
    codes::kModelOfOtherService,
    codes::kIncompatibleOperands,
    codes::kDimensionsDiffer,
    codes::kCurrenciesDiffer,
    codes::kConditionNotBool,
    codes::kWrongItemType,
    codes::kBranchTypesDiffer,
    codes::kArgumentCount,
    codes::kServiceNameInPlanItem,
    codes::kConstantRequired,
    codes::kUndefinedOperation,
    codes::kNumberTooLarge,
    codes::kNotADate,
    codes::kNotATimeOfDay,
    codes::kNotWholeUnits,
    codes::kTooManyDecimals,
    codes::kOutOfRange,
    codes::kNotPositive,
    codes::kBadTimezone,
    codes::kNegative,
    codes::kDivisionByZero,
    codes::kNoPlan,
    codes::kRepeatedItem,
    codes::kMissingField,
    codes::kTooMany,
    codes::kDuplicateVersion,
    codes::kMixedCurrencies,
    codes::kMemberCapNotPooled,
    codes::kUnreachableRule,
    codes::kUnused,
    codes::kRolloverAboveAllowance,
    codes::kOverageNeverApplies,
    codes::kBelowMinorUnit,
};

// The table's entry for "E0201", or nullptr.
constexpr const DiagnosticCode* find_diagnostic_code(std::string_view code) {
  for (const DiagnosticCode& c : kDiagnosticCodes) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

namespace codes_detail {
constexpr bool codes_are_unique() {
  for (size_t i = 0; i < kDiagnosticCodes.size(); ++i) {
    for (size_t j = i + 1; j < kDiagnosticCodes.size(); ++j) {
      if (kDiagnosticCodes[i].code == kDiagnosticCodes[j].code) return false;
    }
  }
  return true;
}
}  // namespace codes_detail
static_assert(codes_detail::codes_are_unique(), "two entries of kDiagnosticCodes share a code");

}  // namespace gyrate::lang
