// Plays scenario steps through GyClient: real Session-Ids per scenario session, request numbers
// counted per session, duplicates re-sent with their first frame, and each expectation checked
// against the answer with what differed.
#include "gyrate/sim/scenario_runner.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "gyrate/diameter/result_code.hpp"

namespace gyrate::sim {
namespace {

namespace gd = diameter;

const char* type_name(gd::CcRequestType t) {
  switch (t) {
    case gd::CcRequestType::kInitial: return "CCR-I";
    case gd::CcRequestType::kUpdate: return "CCR-U";
    case gd::CcRequestType::kTermination: return "CCR-T";
    case gd::CcRequestType::kEvent: return "CCR-E";
  }
  return "CCR-?";
}

void append_units(std::string* out, const char* label, const gd::ServiceUnits& u) {
  *out += std::string(" ") + label;
  bool any = false;
  auto put = [&](const std::optional<uint64_t>& v, const char* unit) {
    if (!v) return;
    *out += " " + std::to_string(*v) + " " + unit;
    any = true;
  };
  put(u.cc_service_specific_units, "units");
  put(u.cc_total_octets, "octets");
  put(u.cc_input_octets, "in-octets");
  put(u.cc_output_octets, "out-octets");
  if (u.cc_time) put(uint64_t{*u.cc_time}, "s");
  if (!any) *out += " (any)";
}

std::string describe(const gd::CreditControlRequest& q, const std::string& session) {
  std::string s = std::string(type_name(q.cc_request_type)) + " " + session + " #" +
                  std::to_string(q.cc_request_number);
  for (const gd::MsccRequest& m : q.mscc) {
    s += ";";
    if (m.rating_group) s += " rg " + std::to_string(*m.rating_group);
    for (uint32_t sid : m.service_identifiers) s += " sid " + std::to_string(sid);
    if (m.requested) append_units(&s, "rsu", *m.requested);
    for (const gd::UsedServiceUnit& u : m.used) append_units(&s, "usu", u.units);
  }
  return s;
}

std::string describe(const gd::MsccAnswer& m) {
  std::string s = m.rating_group ? "rg " + std::to_string(*m.rating_group) : std::string("mscc");
  if (m.result_code) s += " " + std::to_string(gd::code_value(*m.result_code));
  if (m.granted) append_units(&s, "gsu", *m.granted);
  if (m.validity_time) s += " vt " + std::to_string(*m.validity_time) + " s";
  if (m.final_unit) {
    static const char* const kActions[] = {"terminate", "redirect", "restrict"};
    s += std::string(" fui ") + kActions[static_cast<int>(m.final_unit->action)];
  }
  return s;
}

std::string describe(const gd::CreditControlAnswer& a) {
  std::string s = std::to_string(gd::code_value(a.result_code));
  if (a.failed_avp) s += " failed-avp " + std::to_string(a.failed_avp->code);
  if (a.check_balance_result) s += " check-balance " + std::to_string(static_cast<int>(*a.check_balance_result));
  if (a.cost_information) {
    s += " cost " + std::to_string(a.cost_information->value_digits) + "e" +
         std::to_string(a.cost_information->exponent) + " (" + std::to_string(a.cost_information->currency_code) + ")";
  }
  for (const gd::MsccAnswer& m : a.mscc) s += "; " + describe(m);
  return s;
}

// The MSCC an expectation is about, or why there is none to check.
const gd::MsccAnswer* find_mscc(const gd::CreditControlAnswer& a, const Expectation& e, std::string* why) {
  if (e.rating_group) {
    for (const gd::MsccAnswer& m : a.mscc) {
      if (m.rating_group == e.rating_group) return &m;
    }
    *why = "no MSCC with rating group " + std::to_string(*e.rating_group);
    return nullptr;
  }
  if (a.mscc.size() == 1) return &a.mscc.front();
  *why = std::to_string(a.mscc.size()) + " MSCCs in the answer (name one with `rg N`)";
  return nullptr;
}

std::optional<uint32_t> threshold_of(const gd::MsccAnswer& m, UnitKind kind) {
  switch (kind) {
    case UnitKind::kServiceSpecific: return m.unit_quota_threshold;
    case UnitKind::kOctets: return m.volume_quota_threshold;
    case UnitKind::kTime: return m.time_quota_threshold;
  }
  return std::nullopt;
}

std::string value_or_none(const std::optional<uint64_t>& v, UnitKind kind) {
  return v ? to_string(Quantity{.kind = kind, .value = *v}) : "none";
}

// Whether the MSCC holds what `e` says; `got` describes what it holds instead.
bool check_mscc(const gd::MsccAnswer& m, const Expectation& e, std::string* got) {
  switch (e.kind) {
    case ExpectKind::kMsccResult:
      *got = m.result_code ? std::to_string(gd::code_value(*m.result_code)) : "no Result-Code";
      return m.result_code && gd::code_value(*m.result_code) == e.code;
    case ExpectKind::kGranted: {
      std::optional<uint64_t> v = m.granted ? units_of_kind(*m.granted, e.quantity.kind) : std::nullopt;
      *got = m.granted ? "granted " + value_or_none(v, e.quantity.kind) : "no GSU";
      return v && (e.at_least ? *v >= e.quantity.value : *v == e.quantity.value);
    }
    case ExpectKind::kNoGranted:
      *got = "a GSU";
      return !m.granted;
    case ExpectKind::kValidity:
    case ExpectKind::kNoValidity: {
      std::optional<uint64_t> v;
      if (m.validity_time) v = *m.validity_time;
      *got = "validity " + value_or_none(v, UnitKind::kTime);
      return e.kind == ExpectKind::kNoValidity ? !v : v == e.quantity.value;
    }
    case ExpectKind::kFinal:
    case ExpectKind::kNoFinal: {
      *got = m.final_unit ? describe(m) : "no Final-Unit-Indication";
      if (e.kind == ExpectKind::kNoFinal) return !m.final_unit;
      if (!m.final_unit || m.final_unit->action != e.action) return false;
      if (!e.argument) return true;
      const gd::FinalUnitIndication& f = *m.final_unit;
      if (f.redirect_server) *got += " to " + f.redirect_server->address;
      for (const std::string& id : f.filter_ids) *got += " filter " + id;
      if (e.action == gd::FinalUnitAction::kRedirect) return f.redirect_server && f.redirect_server->address == *e.argument;
      return std::find(f.filter_ids.begin(), f.filter_ids.end(), *e.argument) != f.filter_ids.end();
    }
    case ExpectKind::kThreshold: {
      std::optional<uint32_t> v = threshold_of(m, e.quantity.kind);
      *got = "threshold " + value_or_none(v ? std::optional<uint64_t>(*v) : std::nullopt, e.quantity.kind);
      return v && *v == e.quantity.value;
    }
    case ExpectKind::kNoThreshold:
      *got = "a quota threshold";
      return !m.unit_quota_threshold && !m.volume_quota_threshold && !m.time_quota_threshold;
    default: return false;
  }
}

bool check(const gd::AnswerOrStatus& answer, const Expectation& e, std::string* got) {
  if (e.kind == ExpectKind::kUnavailable) {
    *got = answer ? "an answer: " + describe(*answer) : "";
    return !answer && answer.status().code() == ErrorCode::kUnavailable;
  }
  if (!answer) {
    *got = "no answer: " + answer.status().to_string();
    return false;
  }
  const gd::CreditControlAnswer& a = *answer;
  switch (e.kind) {
    case ExpectKind::kResult:
      *got = std::to_string(gd::code_value(a.result_code));
      return gd::code_value(a.result_code) == e.code;
    case ExpectKind::kFailedAvp:
      *got = a.failed_avp ? "Failed-AVP " + std::to_string(a.failed_avp->code) : "no Failed-AVP";
      return a.failed_avp && a.failed_avp->code == e.code;
    case ExpectKind::kCheckBalance:
      *got = a.check_balance_result ? (*a.check_balance_result == gd::CheckBalanceResult::kEnoughCredit
                                           ? "enough_credit" : "no_credit")
                                    : "no Check-Balance-Result";
      return a.check_balance_result && static_cast<uint32_t>(*a.check_balance_result) == e.code;
    case ExpectKind::kCost: {
      if (!a.cost_information) {
        *got = "no Cost-Information";
        return false;
      }
      const gd::CostInformation& c = *a.cost_information;
      *got = "cost " + std::to_string(c.value_digits) + "e" + std::to_string(c.exponent) + " currency " +
             std::to_string(c.currency_code);
      return normalized(Amount{.digits = c.value_digits, .exponent = c.exponent, .currency = c.currency_code}) ==
             e.cost;
    }
    case ExpectKind::kNoMscc: {
      std::string why;
      const gd::MsccAnswer* m = e.rating_group ? find_mscc(a, e, &why) : nullptr;
      *got = describe(a);
      return e.rating_group ? m == nullptr : a.mscc.empty();
    }
    default: break;
  }
  const gd::MsccAnswer* m = find_mscc(a, e, got);
  return m != nullptr && check_mscc(*m, e, got);
}

struct SentRequest {
  gd::CreditControlRequest ccr;
  gd::RequestFrame frame;
};

class Runner {
 public:
  explicit Runner(gd::GyClient& client) : client_(client) {}

  StepResult play(const Step& step) {
    StepResult result;
    result.line = step.line;
    const SentRequest* sent = nullptr;
    std::string label;
    if (const auto* r = std::get_if<RequestStep>(&step.action)) {
      sent = &prepare(*r);
      label = r->session;
    } else {
      const auto& resend = std::get<ResendStep>(step.action);
      std::pair<std::string, uint32_t> key = last_;
      if (resend.session) key = {*resend.session, resend.request_number.value_or(last_number_[*resend.session])};
      auto found = sent_.find(key);
      if (found == sent_.end()) {
        result.sent = "resend";
        result.checks.push_back({.passed = false, .line = step.line, .expectation = step.text,
                                 .got = "no request " + key.first + " #" + std::to_string(key.second) + " was sent"});
        return result;
      }
      found->second.frame.retransmission = true;
      sent = &found->second;
      label = key.first;
    }
    gd::RequestFrame frame = sent->frame;
    result.sent = (frame.retransmission ? "resend (T) " : "") + describe(sent->ccr, label);
    gd::AnswerOrStatus answer = client_.exchange(sent->ccr, &frame);
    if (!frame.retransmission) sent_[last_].frame = frame;  // its end-to-end id, for a resend
    result.answered = answer.has_value();
    result.answer = answer ? describe(*answer) : "no answer: " + answer.status().to_string();
    bool unavailable_expected = false;
    for (const Expectation& e : step.expectations) {
      CheckResult c{.passed = false, .line = e.line, .expectation = e.text, .got = {}};
      c.passed = check(answer, e, &c.got);
      unavailable_expected |= e.kind == ExpectKind::kUnavailable;
      result.checks.push_back(std::move(c));
    }
    if (!answer && !unavailable_expected) {
      result.checks.push_back({.passed = false, .line = step.line, .expectation = "an answer", .got = result.answer});
    }
    return result;
  }

 private:
  const SentRequest& prepare(const RequestStep& r) {
    auto [it, fresh] = session_ids_.try_emplace(r.session);
    if (fresh) it->second = client_.new_session_id(r.session);
    uint32_t& next = next_number_[r.session];
    SentRequest s;
    s.ccr = r.ccr;
    s.ccr.session_id = it->second;
    s.ccr.cc_request_number = r.request_number.value_or(next);
    next = s.ccr.cc_request_number + 1;
    last_ = {r.session, s.ccr.cc_request_number};
    last_number_[r.session] = s.ccr.cc_request_number;
    return sent_[last_] = std::move(s);
  }

  gd::GyClient& client_;
  std::map<std::string, std::string> session_ids_;
  std::map<std::string, uint32_t> next_number_;
  std::map<std::string, uint32_t> last_number_;
  std::map<std::pair<std::string, uint32_t>, SentRequest> sent_;
  std::pair<std::string, uint32_t> last_;
};

}  // namespace

ScenarioReport run_scenario(gd::GyClient& client, const Scenario& scenario,
                            const std::function<void(const StepResult&)>& on_step) {
  ScenarioReport report;
  report.name = scenario.name;
  Runner runner(client);
  for (const Step& step : scenario.steps) {
    StepResult r = runner.play(step);
    for (const CheckResult& c : r.checks) (c.passed ? report.passed : report.failed) += 1;
    if (on_step) on_step(r);
    report.steps.push_back(std::move(r));
  }
  return report;
}

LoadedScenario load_scenario_file(const std::string& path) {
  LoadedScenario loaded;
  constexpr size_t kLimit = 16 * 1024 * 1024;
  Expected<lang::SourceFile> file = lang::read_source_file(path, kLimit);
  if (!file) {
    loaded.diagnostics = path + ": " + file.status().message() + "\n";
    return loaded;
  }
  ScenarioParse parsed = parse_scenario(*file);
  if (parsed.scenario) loaded.scenario = std::move(parsed.scenario);
  else loaded.diagnostics = lang::render_all(parsed.diagnostics, *file);
  return loaded;
}

}  // namespace gyrate::sim
