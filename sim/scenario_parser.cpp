// The Gy scenario parser: statements of blank-separated words, `#` comments, "quoted" words; an
// indented line continues the request above it (a small block, one MSCC a line). Names are
// resolved here (subscriber aliases, `resend` targets), values checked; the runner only sends.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/diameter/currency_code.hpp"
#include "gyrate/diameter/gy_time.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/literal.hpp"
#include "gyrate/sim/scenario.hpp"

namespace gyrate::sim {
namespace {

namespace gd = diameter;
using lang::SourceRange;

constexpr const char* kSyntax = "G0101";     // a statement or clause that does not parse
constexpr const char* kQuantity = "G0102";   // a number or unit
constexpr const char* kDateTime = "G0103";   // a date, time or duration
constexpr const char* kReference = "G0104";  // a name or step that does not exist (yet)

struct Token {
  std::string text;
  SourceRange range;
  bool quoted = false;
};

// Thrown within one statement's parse only; parse_scenario turns it into a Diagnostic.
struct StatementError {
  const char* code;
  SourceRange range;
  std::string message;
  std::string fix;
};

[[noreturn]] void fail(const char* code, SourceRange r, std::string message, std::string fix = {}) {
  throw StatementError{code, r, std::move(message), std::move(fix)};
}

void split_line(std::string_view line, uint32_t base, std::vector<Token>* out) {
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') break;
    Token t;
    size_t start = i;
    if (c == '"') {
      t.quoted = true;
      size_t close = line.find('"', i + 1);
      if (close == std::string_view::npos) {
        fail(kSyntax, {base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(line.size())},
             "unterminated string");
      }
      t.text = std::string(line.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '#') ++i;
      t.text = std::string(line.substr(start, i - start));
    }
    t.range = {base + static_cast<uint32_t>(start), base + static_cast<uint32_t>(i)};
    out->push_back(std::move(t));
  }
}

// A cursor over one statement's words (a request's continuation lines included).
class Words {
 public:
  Words(std::vector<Token> tokens, SourceRange end) : t_(std::move(tokens)), end_(end) {}
  bool done() const { return i_ >= t_.size(); }
  const Token& peek() const { return t_[i_]; }
  bool peek_is(std::string_view w) const { return !done() && !t_[i_].quoted && t_[i_].text == w; }
  bool peek_number() const {
    return !done() && !t_[i_].quoted && !t_[i_].text.empty() &&
           std::isdigit(static_cast<unsigned char>(t_[i_].text[0]));
  }
  const Token& next(const char* what) {
    if (done()) fail(kSyntax, end_, std::string("expected ") + what);
    return t_[i_++];
  }
  bool accept(std::string_view w) {
    if (!peek_is(w)) return false;
    ++i_;
    return true;
  }
  SourceRange end() const { return end_; }

 private:
  std::vector<Token> t_;
  size_t i_ = 0;
  SourceRange end_;
};

uint32_t parse_u32(const Token& t, const char* what) {
  uint64_t v = 0;
  if (t.text.empty() || t.text.size() > 10) fail(kQuantity, t.range, std::string("expected ") + what);
  for (char c : t.text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) fail(kQuantity, t.range, std::string("expected ") + what);
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) fail(kQuantity, t.range, std::string(what) + " is out of range (32 bits)");
  return static_cast<uint32_t>(v);
}

const std::vector<std::string> kClauses = {"subscriber", "sub", "number", "action", "at", "cause", "context",
                                           "user", "mscc", "rg", "sid", "rsu", "usu", "reason"};
const std::vector<std::string> kUnitWords = {"tokens", "requests", "events", "units", "B", "KB", "MB", "GB",
                                             "KiB", "MiB", "GiB", "octets", "s", "min", "h"};

bool is_keyword(std::string_view word) {
  return std::find(kClauses.begin(), kClauses.end(), word) != kClauses.end();
}

// A number word and, when the next word is a unit, that unit ("2 MiB"); "2MiB" glued too.
Quantity parse_quantity_words(Words& w) {
  const Token& n = w.next("a quantity such as `400k tokens` or `2 MiB`");
  size_t cut = lang::literal::scan_number(n.text);
  std::string_view number(n.text.data(), cut);
  std::string_view unit(n.text.data() + cut, n.text.size() - cut);
  SourceRange range = n.range;
  if (unit.empty() && !w.done() && !w.peek().quoted && !w.peek_number() && !is_keyword(w.peek().text)) {
    // The word after a number is its unit unless it starts the next clause.
    if (!is_unit_word(w.peek().text)) {
      std::string hint = lang::closest_match(w.peek().text, kUnitWords);
      fail(kQuantity, w.peek().range, "unknown unit `" + w.peek().text + "`",
           hint.empty() ? "" : "did you mean `" + hint + "`?");
    }
    unit = w.peek().text;
    range.end = w.next("a unit").range.end;
  }
  std::string error;
  std::optional<Quantity> q = parse_quantity(number, unit, &error);
  if (!q) fail(kQuantity, range, error);
  return *q;
}

// `0.05 CNY`: an exact decimal and an ISO 4217 alphabetic code.
Amount parse_amount(Words& w) {
  const Token& n = w.next("an amount such as `0.05 CNY`");
  lang::literal::ParsedNumber p = lang::literal::parse_number(n.text);
  if (p.error != lang::literal::NumberError::kNone || p.number.percent || p.number.scale != 0 ||
      p.number.mantissa > lang::Int128(999'999'999'999'999'999)) {
    fail(kQuantity, n.range, "`" + n.text + "` is not an amount (a decimal such as 0.05)");
  }
  const Token& c = w.next("a currency (CNY, EUR, ...)");
  uint32_t currency = gd::iso4217_numeric(c.text);
  if (currency == 0) fail(kQuantity, c.range, "unknown currency `" + c.text + "` (ISO 4217: CNY, EUR, USD, ...)");
  return normalized(Amount{.digits = static_cast<int64_t>(p.number.mantissa), .exponent = p.number.exponent,
                           .currency = currency});
}

template <typename E>
E parse_enum(const Token& t, const char* what, const std::vector<std::pair<std::string, E>>& names) {
  std::vector<std::string> candidates;
  for (const auto& [name, value] : names) {
    if (t.text == name) return value;
    candidates.push_back(name);
  }
  std::string hint = lang::closest_match(t.text, candidates);
  std::string all;
  for (const std::string& c : candidates) all += (all.empty() ? "" : ", ") + c;
  fail(kSyntax, t.range, "unknown " + std::string(what) + " `" + t.text + "` (" + all + ")",
       hint.empty() ? "" : "did you mean `" + hint + "`?");
}

const std::vector<std::pair<std::string, gd::ReportingReason>> kReasons = {
    {"threshold", gd::ReportingReason::kThreshold},
    {"qht", gd::ReportingReason::kQht},
    {"final", gd::ReportingReason::kFinal},
    {"quota_exhausted", gd::ReportingReason::kQuotaExhausted},
    {"validity_time", gd::ReportingReason::kValidityTime},
    {"other_quota_type", gd::ReportingReason::kOtherQuotaType},
    {"rating_condition_change", gd::ReportingReason::kRatingConditionChange},
    {"forced_reauthorisation", gd::ReportingReason::kForcedReauthorisation},
    {"pool_exhausted", gd::ReportingReason::kPoolExhausted},
    {"unused_quota_timer", gd::ReportingReason::kUnusedQuotaTimer}};

const std::vector<std::pair<std::string, gd::RequestedAction>> kActions = {
    {"direct_debiting", gd::RequestedAction::kDirectDebiting},
    {"refund_account", gd::RequestedAction::kRefundAccount},
    {"check_balance", gd::RequestedAction::kCheckBalance},
    {"price_enquiry", gd::RequestedAction::kPriceEnquiry}};

const std::vector<std::pair<std::string, gd::TerminationCause>> kCauses = {
    {"logout", gd::TerminationCause::kLogout},
    {"service_not_provided", gd::TerminationCause::kServiceNotProvided},
    {"bad_answer", gd::TerminationCause::kBadAnswer},
    {"administrative", gd::TerminationCause::kAdministrative},
    {"link_broken", gd::TerminationCause::kLinkBroken},
    {"auth_expired", gd::TerminationCause::kAuthExpired},
    {"user_moved", gd::TerminationCause::kUserMoved},
    {"session_timeout", gd::TerminationCause::kSessionTimeout}};

const std::vector<std::pair<std::string, gd::CcRequestType>> kRequestTypes = {
    {"initial", gd::CcRequestType::kInitial},
    {"update", gd::CcRequestType::kUpdate},
    {"terminate", gd::CcRequestType::kTermination},
    {"termination", gd::CcRequestType::kTermination},
    {"event", gd::CcRequestType::kEvent}};

const std::vector<std::pair<std::string, gd::SubscriptionIdType>> kIdTypes = {
    {"e164", gd::SubscriptionIdType::kEndUserE164},
    {"imsi", gd::SubscriptionIdType::kEndUserImsi},
    {"sip", gd::SubscriptionIdType::kEndUserSipUri},
    {"nai", gd::SubscriptionIdType::kEndUserNai},
    {"private", gd::SubscriptionIdType::kEndUserPrivate}};

class Parser {
 public:

  void statement(Words& w, uint32_t line, std::string_view text) {
    const Token& head = w.next("a statement");
    if (head.text == "expect") {
      if (step_failed_) return;  // its step is reported already; its expectations add nothing
      return expectation(w, line, text);
    }
    if (head.text != "at" && head.text != "subscriber") step_failed_ = true;  // until the step parses
    if (head.text == "at") {
      clock_ = parse_clock(w, clock_);
      return end_of_statement(w);
    }
    if (head.text == "subscriber") return alias(w);
    if (head.text == "resend") return resend(w, line, text);
    for (const auto& [name, type] : kRequestTypes) {
      if (head.text == name) return request(w, type, line, text);
    }
    std::string hint = lang::closest_match(
        head.text, {"initial", "update", "terminate", "event", "resend", "expect", "at", "subscriber"});
    fail(kSyntax, head.range, "unknown statement `" + head.text + "`",
         hint.empty() ? "" : "did you mean `" + hint + "`?");
  }

  Scenario scenario;

 private:
  static void end_of_statement(Words& w) {
    if (!w.done()) fail(kSyntax, w.peek().range, "unexpected `" + w.peek().text + "`");
  }

  // `e164:8613800138000`, `imsi:...`, `nai:...`, `sip:...`, `private:...`, or an alias.
  std::vector<gd::SubscriptionId> subscriber_ids(const Token& t) {
    size_t colon = t.text.find(':');
    if (colon == std::string::npos) {
      auto found = aliases_.find(t.text);
      if (found == aliases_.end()) {
        fail(kReference, t.range, "unknown subscriber `" + t.text + "`",
             "define it first (`subscriber " + t.text + " e164:...`) or write e164:/imsi:/nai:");
      }
      return found->second;
    }
    Token type{t.text.substr(0, colon), {t.range.begin, t.range.begin + static_cast<uint32_t>(colon)}, false};
    gd::SubscriptionId id;
    id.type = parse_enum(type, "Subscription-Id type", kIdTypes);
    id.data = t.text.substr(colon + 1);
    if (id.data.empty()) fail(kSyntax, t.range, "empty Subscription-Id-Data");
    return {id};
  }

  void alias(Words& w) {
    const Token& name = w.next("a subscriber name");
    if (name.text.find(':') != std::string::npos) {
      fail(kSyntax, name.range, "a subscriber name has no `:` (it stands for the identities after it)");
    }
    std::vector<gd::SubscriptionId> ids;
    while (!w.done()) {
      const Token& t = w.next("an identity");
      if (t.text.find(':') == std::string::npos) fail(kSyntax, t.range, "expected e164:, imsi:, nai:, sip: or private:");
      for (auto& id : subscriber_ids(t)) ids.push_back(std::move(id));
    }
    if (ids.empty()) fail(kSyntax, w.end(), "expected one identity at least (e164:..., imsi:..., nai:...)");
    aliases_[name.text] = std::move(ids);
  }

  // `YYYY-MM-DD [HH:MM[:SS]]`, `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC) or `+N UNIT` from the clock.
  int64_t parse_clock(Words& w, std::optional<int64_t> from) {
    const Token& t = w.next("a date-time (2026-01-31 10:00:00) or a step (+10 min)");
    if (!t.text.empty() && t.text[0] == '+') {
      if (!from) fail(kDateTime, t.range, "a relative time needs an absolute `at` before it");
      std::string error;
      std::string number = t.text.substr(1);
      size_t cut = lang::literal::scan_number(number);
      std::string unit = number.substr(cut);
      SourceRange range = t.range;
      if (unit.empty() && !w.done()) {
        unit = w.peek().text;
        range.end = w.next("a unit").range.end;
      }
      std::optional<Quantity> q = parse_quantity(number.substr(0, cut), unit, &error);
      if (!q || q->kind != UnitKind::kTime) {
        fail(kDateTime, range, q ? "a step of time is in s, min, h, d or w" : error);
      }
      return *from + static_cast<int64_t>(q->value);
    }
    std::string text = t.text;
    std::string time;
    if (size_t tee = text.find('T'); tee != std::string::npos) {
      time = text.substr(tee + 1);
      text = text.substr(0, tee);
      if (!time.empty() && time.back() == 'Z') time.pop_back();
    } else if (!w.done() && w.peek().text.find(':') != std::string::npos && !w.peek().quoted &&
               std::isdigit(static_cast<unsigned char>(w.peek().text[0]))) {
      time = w.next("a time").text;
    }
    std::optional<lang::calendar::CivilDate> date = lang::calendar::parse_date(text);
    if (!date) fail(kDateTime, t.range, "`" + text + "` is not a date (YYYY-MM-DD)");
    int64_t seconds = lang::calendar::days_from_civil(*date) * 86'400;
    if (!time.empty()) {
      int64_t extra = 0;
      std::string hhmm = time;
      if (time.size() == 8 && time[5] == ':') {
        hhmm = time.substr(0, 5);
        const std::string ss = time.substr(6);
        if (!std::isdigit(static_cast<unsigned char>(ss[0])) || !std::isdigit(static_cast<unsigned char>(ss[1])) ||
            std::stoi(ss) > 59) {
          fail(kDateTime, t.range, "`" + time + "` is not a time (HH:MM or HH:MM:SS)");
        }
        extra = std::stoi(ss);
      }
      std::optional<int64_t> minutes = lang::literal::parse_time_of_day(hhmm);
      if (!minutes) fail(kDateTime, t.range, "`" + time + "` is not a time (HH:MM or HH:MM:SS)");
      seconds += *minutes * 60 + extra;
    }
    if (!gd::ntp_from_unix(seconds)) fail(kDateTime, t.range, "outside what Event-Timestamp can carry");
    return seconds;
  }

  gd::MsccRequest& current_mscc(gd::CreditControlRequest& q) {
    if (q.mscc.empty()) q.mscc.emplace_back();
    return q.mscc.back();
  }

  void request(Words& w, gd::CcRequestType type, uint32_t line, std::string_view text) {
    Step step;
    step.line = line;
    step.text = std::string(text);
    RequestStep r;
    const Token& session = w.next("a session name");
    r.session = session.text;
    r.ccr.cc_request_type = type;
    if (clock_) r.ccr.event_timestamp = gd::ntp_from_unix(*clock_);
    while (!w.done()) {
      const Token& t = w.next("a clause");
      const std::string& k = t.text;
      if (k == "subscriber" || k == "sub") {
        for (auto& id : subscriber_ids(w.next("a subscriber"))) r.ccr.subscription_ids.push_back(std::move(id));
      } else if (k == "number") {
        r.request_number = parse_u32(w.next("a CC-Request-Number"), "a CC-Request-Number");
      } else if (k == "action") {
        r.ccr.requested_action = parse_enum(w.next("a Requested-Action"), "Requested-Action", kActions);
      } else if (k == "at") {
        r.ccr.event_timestamp = gd::ntp_from_unix(parse_clock(w, clock_));
      } else if (k == "cause") {
        r.ccr.termination_cause = parse_enum(w.next("a Termination-Cause"), "Termination-Cause", kCauses);
      } else if (k == "context") {
        r.ccr.service_context_id = w.next("a Service-Context-Id").text;
      } else if (k == "user") {
        r.ccr.user_name = w.next("a User-Name").text;
      } else if (k == "mscc") {
        r.ccr.mscc.emplace_back();
      } else if (k == "rg") {
        gd::MsccRequest& m = current_mscc(r.ccr);
        if (m.rating_group) fail(kSyntax, t.range, "a second `rg` in one MSCC: start another with `mscc`");
        m.rating_group = parse_u32(w.next("a Rating-Group"), "a Rating-Group");
      } else if (k == "sid") {
        current_mscc(r.ccr).service_identifiers.push_back(
            parse_u32(w.next("a Service-Identifier"), "a Service-Identifier"));
      } else if (k == "rsu") {
        gd::MsccRequest& m = current_mscc(r.ccr);
        m.requested = w.peek_number() ? to_service_units(parse_quantity_words(w)) : gd::ServiceUnits{};
      } else if (k == "usu") {
        gd::UsedServiceUnit used{.units = to_service_units(parse_quantity_words(w)), .reporting_reason = {}};
        if (w.accept("reason")) used.reporting_reason = parse_enum(w.next("a Reporting-Reason"), "Reporting-Reason", kReasons);
        current_mscc(r.ccr).used.push_back(std::move(used));
      } else if (k == "reason") {
        current_mscc(r.ccr).reporting_reason =
            parse_enum(w.next("a Reporting-Reason"), "Reporting-Reason", kReasons);
      } else {
        std::string hint = lang::closest_match(k, kClauses);
        fail(kSyntax, t.range, "unknown clause `" + k + "`", hint.empty() ? "" : "did you mean `" + hint + "`?");
      }
    }
    if (r.ccr.subscription_ids.empty()) {
      auto known = session_subscribers_.find(r.session);
      if (known == session_subscribers_.end()) {
        fail(kReference, session.range, "session `" + r.session + "` has no subscriber yet",
             "add `subscriber e164:...` (later requests of the session reuse it)");
      }
      r.ccr.subscription_ids = known->second;
    }
    session_subscribers_[r.session] = r.ccr.subscription_ids;
    sessions_[r.session] = true;
    step.action = std::move(r);
    scenario.steps.push_back(std::move(step));
    step_failed_ = false;
  }

  void resend(Words& w, uint32_t line, std::string_view text) {
    ResendStep r;
    if (!w.done()) {
      const Token& s = w.next("a session");
      if (!sessions_.count(s.text)) fail(kReference, s.range, "no request of session `" + s.text + "` was sent before");
      r.session = s.text;
      if (!w.done()) r.request_number = parse_u32(w.next("a CC-Request-Number"), "a CC-Request-Number");
    } else if (sessions_.empty()) {
      fail(kReference, w.end(), "nothing to resend: no request before");
    }
    end_of_statement(w);
    Step step;
    step.line = line;
    step.text = std::string(text);
    step.action = std::move(r);
    scenario.steps.push_back(std::move(step));
    step_failed_ = false;
  }

  void expectation(Words& w, uint32_t line, std::string_view text) {
    if (scenario.steps.empty()) fail(kReference, w.end(), "`expect` before any request");
    Expectation e;
    e.line = line;
    e.text = std::string(text);
    if (w.accept("unavailable")) {
      e.kind = ExpectKind::kUnavailable;
      return add(w, e);
    }
    if (w.accept("failed_avp")) {
      e.kind = ExpectKind::kFailedAvp;
      e.code = parse_u32(w.next("an AVP code"), "an AVP code");
      return add(w, e);
    }
    if (w.accept("rg")) e.rating_group = parse_u32(w.next("a Rating-Group"), "a Rating-Group");
    const Token& what = w.next("result, granted, validity, final, threshold or absent");
    const std::string& k = what.text;
    if (k == "result") {
      e.kind = e.rating_group ? ExpectKind::kMsccResult : ExpectKind::kResult;
      e.code = parse_u32(w.next("a Result-Code"), "a Result-Code");
    } else if (k == "granted") {
      if (w.accept("none")) {
        e.kind = ExpectKind::kNoGranted;
      } else {
        e.kind = ExpectKind::kGranted;
        e.at_least = w.accept(">=");
        e.quantity = parse_quantity_words(w);
      }
    } else if (k == "validity") {
      if (w.accept("none")) {
        e.kind = ExpectKind::kNoValidity;
      } else {
        e.kind = ExpectKind::kValidity;
        const Token& at = w.peek();
        e.quantity = parse_quantity_words(w);
        if (e.quantity.kind == UnitKind::kServiceSpecific) e.quantity.kind = UnitKind::kTime;  // bare: seconds
        if (e.quantity.kind != UnitKind::kTime) fail(kQuantity, at.range, "Validity-Time is a time (s, min, h)");
      }
    } else if (k == "final") {
      const Token& a = w.next("terminate, redirect, restrict or none");
      if (a.text == "none") {
        e.kind = ExpectKind::kNoFinal;
      } else {
        e.kind = ExpectKind::kFinal;
        e.action = parse_enum(a, "Final-Unit-Action",
                              std::vector<std::pair<std::string, gd::FinalUnitAction>>{
                                  {"terminate", gd::FinalUnitAction::kTerminate},
                                  {"redirect", gd::FinalUnitAction::kRedirect},
                                  {"restrict", gd::FinalUnitAction::kRestrictAccess}});
        if (e.action != gd::FinalUnitAction::kTerminate && !w.done()) e.argument = w.next("an argument").text;
      }
    } else if (k == "threshold") {
      if (w.accept("none")) {
        e.kind = ExpectKind::kNoThreshold;
      } else {
        e.kind = ExpectKind::kThreshold;
        e.quantity = parse_quantity_words(w);
      }
    } else if (k == "absent") {
      e.kind = ExpectKind::kNoMscc;
    } else if (k == "check_balance" && !e.rating_group) {
      e.kind = ExpectKind::kCheckBalance;
      e.code = static_cast<uint32_t>(parse_enum(w.next("enough_credit or no_credit"), "Check-Balance-Result",
                                                std::vector<std::pair<std::string, gd::CheckBalanceResult>>{
                                                    {"enough_credit", gd::CheckBalanceResult::kEnoughCredit},
                                                    {"no_credit", gd::CheckBalanceResult::kNoCredit}}));
    } else if (k == "cost" && !e.rating_group) {
      e.kind = ExpectKind::kCost;
      e.cost = parse_amount(w);
    } else {
      std::string hint = lang::closest_match(
          k, {"result", "granted", "validity", "final", "threshold", "absent", "unavailable", "failed_avp",
              "check_balance", "cost"});
      fail(kSyntax, what.range, "unknown expectation `" + k + "`", hint.empty() ? "" : "did you mean `" + hint + "`?");
    }
    add(w, e);
  }

  void add(Words& w, Expectation& e) {
    end_of_statement(w);
    scenario.steps.back().expectations.push_back(std::move(e));
  }

  std::optional<int64_t> clock_;  // Unix seconds of the last `at`
  bool step_failed_ = false;      // the last request or resend did not parse
  std::map<std::string, std::vector<gd::SubscriptionId>> aliases_;
  std::map<std::string, std::vector<gd::SubscriptionId>> session_subscribers_;
  std::map<std::string, bool> sessions_;
};

struct Line {
  uint32_t number = 0;
  uint32_t begin = 0;  // byte offset of its text
  std::string_view text;
  bool indented = false;
};

std::vector<Line> lines_of(const std::string& text) {
  std::vector<Line> out;
  size_t start = 0;
  uint32_t number = 0;
  while (start <= text.size()) {
    size_t stop = text.find('\n', start);
    if (stop == std::string::npos) stop = text.size();
    Line l;
    l.number = ++number;
    l.begin = static_cast<uint32_t>(start);
    l.text = std::string_view(text).substr(start, stop - start);
    l.indented = !l.text.empty() && (l.text[0] == ' ' || l.text[0] == '\t');
    out.push_back(l);
    if (stop == text.size()) break;
    start = stop + 1;
  }
  return out;
}

std::string trimmed(std::string_view s) {
  size_t hash = s.find('#');
  if (hash != std::string_view::npos) s = s.substr(0, hash);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return std::string(s);
}

}  // namespace

Amount normalized(Amount a) {
  if (a.digits == 0) a.exponent = 0;
  while (a.digits != 0 && a.digits % 10 == 0) {
    a.digits /= 10;
    ++a.exponent;
  }
  return a;
}

ScenarioParse parse_scenario(const lang::SourceFile& file) {
  ScenarioParse result;
  Parser parser;
  std::string name = file.name();
  if (size_t slash = name.find_last_of('/'); slash != std::string::npos) name = name.substr(slash + 1);
  if (size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0) name = name.substr(0, dot);
  parser.scenario.name = name;
  std::vector<Line> lines = lines_of(file.text());
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& first = lines[i];
    std::vector<Token> tokens;
    try {
      split_line(first.text, first.begin, &tokens);
      if (tokens.empty()) continue;
      if (first.indented && tokens.front().text != "expect") {
        fail(kSyntax, tokens.front().range, "an indented line continues a request, and there is none above it");
      }
      // Indented lines after a request (other than `expect`) are its continuation.
      size_t last = i;
      bool is_request = false;
      for (const auto& [word, type] : kRequestTypes) is_request |= tokens.front().text == word;
      while (is_request && last + 1 < lines.size() && lines[last + 1].indented) {
        std::vector<Token> more;
        split_line(lines[last + 1].text, lines[last + 1].begin, &more);
        if (!more.empty() && more.front().text == "expect") break;
        for (Token& t : more) tokens.push_back(std::move(t));
        i = ++last;  // consumed, even when the statement fails below
      }
      uint32_t end = lines[last].begin + static_cast<uint32_t>(lines[last].text.size());
      if (!lines[last].text.empty() && lines[last].text.back() == '\r') --end;
      Words w(std::move(tokens), {end, end});
      parser.statement(w, first.number, trimmed(first.text));
    } catch (const StatementError& e) {
      lang::Diagnostic d;
      d.code = e.code;
      d.range = e.range;
      d.message = e.message;
      d.fix = e.fix;
      result.diagnostics.add(std::move(d));
    }
  }
  if (!result.diagnostics.has_errors()) result.scenario = std::move(parser.scenario);
  return result;
}

}  // namespace gyrate::sim
