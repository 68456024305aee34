// A designer's scenario: the tariff it plays, the subscribers it provisions and a timeline of
// requests and expectations, as parsed from a `.scenario` file (docs/scenarios.md). The parser
// does no semantic checks: names are resolved and units compared when the scenario runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/source.hpp"
#include "gyrate/ruleslang/types.hpp"

namespace gyrate::scenario {

// A quantity as written: base units (token, byte, request, ...) and the unit's dimension
// (kNone for a bare number, which takes the service's unit).
struct Quantity {
  int64_t amount = 0;
  lang::Dim dim = lang::Dim::kNone;
  lang::SourceRange range;
};

// Money as written: exact millionths and the currency's name ("19.90 CNY").
struct Money {
  int64_t micros = 0;
  std::string currency;
  int decimals = 0;  // the decimals written, checked against the currency's minor digits
  lang::SourceRange range;
};

// A point in time: local (in the catalog's zone, resolved when the catalog is known) or relative
// to the clock.
struct TimeSpec {
  bool relative = false;
  int64_t local_day = 0;     // days since the epoch, local
  int64_t local_second = 0;  // seconds after local midnight
  int64_t offset = 0;        // relative: seconds to add to the clock
};

enum class StepKind : uint8_t {
  kTariff,      // tariff PATH
  kSubscriber,  // subscriber ID plan P [activation T] [billing_day N] [NAME=VALUE]...
  kMember,      // member ID team T
  kAt,          // at T
  kReserve,     // ID reserve SERVICE [Q] [model M] [session S] [number N]
  kCommit,      // ID commit SERVICE Q [session S] [number N]
  kRelease,     // ID release [session S] [number N]
  kBuy,         // ID buy PACK [order O]
  kPublish,     // publish PATH
  kExpect,      // expect ...
};

// What an expectation looks at. The first group checks the last answer; the rest read an
// account's balances or notifications.
enum class ExpectKind : uint8_t {
  kGrant, kOutcome, kResult, kFinal, kFui, kValidity, kThreshold, kLimiter, kCharged, kCommitted,
  kOverrun, kReleased, kError,
  kRemaining, kUsed, kReserved, kAllowance, kMemberUsed, kCapRoom, kBucket,
  kSpend, kFee, kFees, kBill, kNotified, kNoNotifications,
};

struct Expectation {
  ExpectKind kind = ExpectKind::kGrant;
  std::string subject;   // balances: the subscriber; empty for the last answer
  std::string service;
  std::string word;      // outcome, limiter, final action ("none" too), bucket offer or origin,
                         // error text
  std::string argument;  // final action's URL or filter; empty: not checked
  bool has_argument = false;
  bool none = false;     // `validity none`, `threshold none`
  Quantity quantity;     // grant, threshold, committed, overrun, released, balances, bucket,
                         // notified
  int64_t ratio = -1;    // notified at a percentage: millionths; -1 when an amount
  Money money;
  int64_t number = 0;    // result code; validity seconds (-1: none)
  std::optional<TimeSpec> until;  // bucket: its valid_until
};

struct Step {
  StepKind kind = StepKind::kAt;
  uint32_t line = 0;
  lang::SourceRange range;  // the whole statement, for diagnostics
  std::string text;         // the statement as written, for reports
  std::string subject;      // subscriber, member, requester
  std::string path;         // tariff, publish
  std::string plan;
  std::string team;
  std::optional<TimeSpec> time;  // at; subscriber's activation
  int billing_day = 0;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string service;
  std::string model;
  std::string session;  // empty: the subscriber's default session
  std::optional<uint32_t> number;
  std::optional<Quantity> quantity;  // reserve (requested), commit (used)
  std::string pack;
  std::string order;
  Expectation expect;
};

struct Scenario {
  std::vector<Step> steps;
};

// Scenario-file diagnostic codes (rendered by ruleslang's renderer, like the DSL's).
inline constexpr const char* kSyntaxCode = "S0101";    // a statement that does not parse
inline constexpr const char* kUnitCode = "S0102";      // a unit or currency that does not fit
inline constexpr const char* kTimeCode = "S0103";      // a date, time or duration that does not parse
inline constexpr const char* kSemanticCode = "S0201";  // a name the tariff does not know

struct ParseResult {
  std::optional<Scenario> scenario;  // set when there are no errors
  lang::Diagnostics diagnostics;
};

ParseResult parse(const lang::SourceFile& file);

}  // namespace gyrate::scenario
