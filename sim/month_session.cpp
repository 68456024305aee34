// One Gy session of the month: see month_session.hpp.
#include "month_session.hpp"

#include <algorithm>

#include "gyrate/diameter/gy_time.hpp"
#include "gyrate/ruleslang/int128.hpp"

namespace gyrate::sim {
namespace {

using diameter::CcRequestType;
using diameter::CreditControlAnswer;
using diameter::CreditControlRequest;
using diameter::ReportingReason;
using diameter::ResultCode;
using diameter::ServiceUnits;

constexpr int kMaxRoundsPerSession = 100'000;  // a server that grants 0 forever cannot hang us

}  // namespace

// What one answer means for the session.
struct GySession::Reply {
  bool answered = false;
  bool session_open = false;  // top-level 2xxx: the server keeps the session
  bool refused = false;       // the service got no grant: a denial or another failure
  uint64_t granted = 0;
  std::optional<diameter::FinalUnitAction> final_unit;
};

namespace {

bool is_success(uint32_t code) { return code >= 2000 && code < 3000; }

std::optional<Denial> denial_of(uint32_t code) {
  switch (static_cast<ResultCode>(code)) {
    case ResultCode::kEndUserServiceDenied: return Denial::k4010;
    case ResultCode::kCreditLimitReached: return Denial::k4012;
    case ResultCode::kUserUnknown: return Denial::k5030;
    case ResultCode::kRatingFailed: return Denial::k5031;
    default: return std::nullopt;
  }
}

FinalAction final_action_of(diameter::FinalUnitAction a) {
  switch (a) {
    case diameter::FinalUnitAction::kRedirect: return FinalAction::kRedirect;
    case diameter::FinalUnitAction::kRestrictAccess: return FinalAction::kRestrict;
    case diameter::FinalUnitAction::kTerminate: break;
  }
  return FinalAction::kTerminate;
}

}  // namespace

GySession::GySession(const SessionContext& context, PlannedSession planned,
                     const SimSubscriber& subscriber, const PopulationGroup& group,
                     std::string session_id, SubscriberMonth& out)
    : context_(context), planned_(std::move(planned)), subscriber_(subscriber),
      session_id_(std::move(session_id)), out_(out),
      rating_group_(planned_.data ? group.data.rating_group : group.llm.rating_group),
      service_context_(planned_.data ? group.data.service_context_id
                                     : group.llm.service_context_id),
      request_octets_(group.data.request_octets),
      counts_requests_(!planned_.data && group.llm.counts_requests),
      reserve_(planned_.data ? 0 : group.llm.reserve),
      bytes_left_(planned_.bytes), at_(planned_.start) {
  ++out_.usage.sessions;
}

std::optional<int64_t> GySession::step() {
  if (terminating_) {
    Reply r = send(CcRequestType::kTermination, std::nullopt, pending_used_, at_);
    if (!r.answered) end_ = SessionEnd::kError;
    return std::nullopt;
  }
  return planned_.data ? step_data() : step_llm();
}

// The requests of the burst draw on the session's grant. Without a reserve each request asks for
// its own tokens; with one, a request that needs more than is left asks again. Each CCR-U
// reports what the model used since the last report, which never exceeds that grant.
std::optional<int64_t> GySession::step_llm() {
  const PlannedRequest& q = planned_.requests[next_request_];
  bool ask_again = !have_grant_ || reserve_ == 0 || q.uses > grant_left_;
  if (ask_again && final_grant_) return terminate_at(pending_used_, q.at, SessionEnd::kStopped);
  if (ask_again) {
    ServiceUnits ask;
    ask.cc_service_specific_units = std::max(reserve_, q.ask);
    Reply r = send(have_grant_ ? CcRequestType::kUpdate : CcRequestType::kInitial, ask,
                   pending_used_, q.at);
    std::optional<int64_t> next;
    if (stops(r, q.at, &next)) return next;
    have_grant_ = true;
    grant_left_ = r.granted;
    final_grant_ = r.final_unit.has_value();
    pending_used_ = 0;
  }
  uint64_t used = std::min(q.uses, grant_left_);
  grant_left_ -= used;
  pending_used_ = *pending_used_ + used;
  if (final_grant_ && (reserve_ == 0 || used < q.uses || grant_left_ == 0)) {
    return terminate_at(pending_used_, q.at + 5, SessionEnd::kStopped);
  }
  if (++next_request_ == planned_.requests.size()) {
    return terminate_at(pending_used_, q.at + 5, SessionEnd::kDone);
  }
  return planned_.requests[next_request_].at;
}

// The session's bytes flow through grant after grant; each CCR-U reports a used-up grant, at
// the time the session's pace uses it up.
std::optional<int64_t> GySession::step_data() {
  Reply r = send(rounds_ == 0 ? CcRequestType::kInitial : CcRequestType::kUpdate,
                 data_ask(bytes_left_), pending_used_, at_);
  std::optional<int64_t> next;
  if (stops(r, at_, &next)) return next;
  uint64_t used = std::min(bytes_left_, r.granted);
  bytes_left_ -= used;
  pending_used_ = used;
  int64_t at = planned_.start + static_cast<int64_t>(
      static_cast<lang::UInt128>(planned_.seconds) * (planned_.bytes - bytes_left_) /
      planned_.bytes);
  at_ = std::max(at_, at);
  if (r.final_unit || r.granted == 0 || ++rounds_ == kMaxRoundsPerSession) {
    return terminate_at(used, at_, SessionEnd::kStopped);
  }
  if (bytes_left_ == 0) return terminate_at(used, at_, SessionEnd::kDone);
  return at_;
}

ServiceUnits GySession::data_ask(uint64_t left) const {
  ServiceUnits ask;
  if (request_octets_ > 0) ask.cc_total_octets = std::min(left, request_octets_);
  return ask;
}

void GySession::cut(int64_t at) {
  if (!terminating_) {
    terminate_at(pending_used_, at, SessionEnd::kDone);
  } else {
    at_ = std::min(at_, at);
  }
}

std::optional<int64_t> GySession::terminate_at(std::optional<uint64_t> used, int64_t at,
                                               SessionEnd end) {
  terminating_ = true;
  pending_used_ = used;
  at_ = at;
  end_ = end;
  return at;
}

bool GySession::stops(const Reply& r, int64_t at, std::optional<int64_t>* next) {
  if (!r.answered) {
    end_ = SessionEnd::kError;
    *next = std::nullopt;
    return true;
  }
  // A failed CCR-I opens no session (RFC 4006 8.1); after a failed CCR-U the client stops the
  // service and still ends the session with a CCR-T (5.6), the usage having gone with the CCR-U.
  if (!r.session_open && number_ == 1) {
    end_ = SessionEnd::kStopped;
    *next = std::nullopt;
    return true;
  }
  if (r.refused || !r.session_open) {
    *next = terminate_at(std::nullopt, at, SessionEnd::kStopped);
    return true;
  }
  return false;
}

GySession::Reply GySession::send(CcRequestType type, std::optional<ServiceUnits> ask,
                                 std::optional<uint64_t> used, int64_t at) {
  sent_at_ = at;
  int64_t day = (at - context_.month_start) / 86'400;
  day_ = static_cast<size_t>(std::clamp<int64_t>(day, 0, context_.days - 1));
  CreditControlRequest ccr;
  ccr.session_id = session_id_;
  ccr.origin_host = context_.options.origin_host;
  ccr.origin_realm = context_.options.origin_realm;
  ccr.destination_realm = context_.options.destination_realm;
  ccr.service_context_id = service_context_;
  ccr.cc_request_type = type;
  ccr.cc_request_number = number_++;
  ccr.event_timestamp = diameter::ntp_from_unix(at);
  ccr.subscription_ids.push_back(subscriber_.identity);
  ccr.multiple_services_indicator = diameter::MultipleServicesIndicator::kSupported;
  if (type == CcRequestType::kTermination) {
    ccr.termination_cause = diameter::TerminationCause::kLogout;
  }
  diameter::MsccRequest mscc;
  mscc.rating_group = rating_group_;
  mscc.service_identifiers = planned_.service_identifiers;
  mscc.requested = ask;
  if (used) {
    diameter::UsedServiceUnit usu;
    if (planned_.data) {
      usu.units.cc_total_octets = *used;
    } else {
      usu.units.cc_service_specific_units = *used;
    }
    mscc.used.push_back(usu);
    mscc.reporting_reason = type == CcRequestType::kTermination
                                ? ReportingReason::kFinal
                                : ReportingReason::kQuotaExhausted;
  }
  if (ask || used) ccr.mscc.push_back(std::move(mscc));

  ++out_.usage.ccrs;
  context_.ccrs.fetch_add(1, std::memory_order_relaxed);
  Expected<CreditControlAnswer> answer = context_.exchange(ccr);
  Reply r;
  if (!answer) {
    ++out_.usage.errors;
    context_.errors.fetch_add(1, std::memory_order_relaxed);
    return r;
  }
  // Usage counts once the server took the report: a session it no longer knows (5002, after its
  // supervision timer) or an unknown subscriber (5030) debits nothing, and neither does the
  // report. A refusal of the next grant (4012 at either level) still debits what was used.
  ResultCode top = static_cast<ResultCode>(diameter::code_value(answer->result_code));
  if (used && top != ResultCode::kUnknownSessionId && top != ResultCode::kUserUnknown) {
    count_used(*used);
  }
  read(*answer, type, r);
  return r;
}

void GySession::read(const CreditControlAnswer& a, CcRequestType type, Reply& r) {
  r.answered = true;
  uint32_t top = diameter::code_value(a.result_code);
  r.session_open = is_success(top);
  const diameter::MsccAnswer* mscc = nullptr;
  for (const auto& m : a.mscc) {
    if (!m.rating_group || *m.rating_group == rating_group_) {
      mscc = &m;
      break;
    }
  }
  // The service's own Result-Code when the answer has one (RFC 4006 puts refusals there).
  uint32_t code = mscc != nullptr && mscc->result_code
                      ? diameter::code_value(*mscc->result_code) : top;
  ++out_.usage.ccrs_by_result[code];
  if (type == CcRequestType::kTermination) return;
  if (!is_success(code)) {
    r.refused = true;
    stopped_day_ = day_;
    if (std::optional<Denial> d = denial_of(code)) {
      ++out_.usage.denials[static_cast<int>(*d)];
      ++out_.daily.denials[day_];
      ++out_.daily.denials_by_unit[unit()][day_];
      context_.denials.fetch_add(1, std::memory_order_relaxed);
      if (*d == Denial::k4012 && context_.refused) {
        context_.refused(subscriber_.id, sent_at_,
                         mscc != nullptr && mscc->validity_time ? *mscc->validity_time : 0);
      }
    }
    return;
  }
  if (mscc == nullptr) return;
  if (mscc->granted) {
    const ServiceUnits& g = *mscc->granted;
    r.granted = planned_.data
                    ? g.cc_total_octets.value_or(g.cc_input_octets.value_or(0) +
                                                 g.cc_output_octets.value_or(0))
                    : g.cc_service_specific_units.value_or(0);
    count(r.granted, true);
  }
  if (mscc->final_unit) {
    r.final_unit = mscc->final_unit->action;
    redirected_ = mscc->final_unit->action == diameter::FinalUnitAction::kRedirect;
    stopped_day_ = day_;
    context_.final_units.fetch_add(1, std::memory_order_relaxed);
    ++out_.usage.final_units[static_cast<int>(final_action_of(mscc->final_unit->action))];
    ++out_.daily.final_units[day_];
    ++out_.daily.final_units_by_unit[unit()][day_];
  }
}

// Adds units used or granted to the counters of this session's kind: bytes, requests or
// tokens.
void GySession::count(uint64_t units, bool granted) {
  Usage& u = out_.usage;
  DaySeries& d = out_.daily;
  if (planned_.data) {
    (granted ? u.bytes_granted : u.bytes_used) += units;
    (granted ? d.bytes_granted : d.bytes_used)[day_] += units;
  } else if (counts_requests_) {
    (granted ? u.requests_granted : u.requests_used) += units;
    (granted ? d.requests_granted : d.requests_used)[day_] += units;
  } else {
    (granted ? u.tokens_granted : u.tokens_used) += units;
    (granted ? d.tokens_granted : d.tokens_used)[day_] += units;
  }
}

void GySession::count_used(uint64_t used) {
  count(used, false);
  if (planned_.data || counts_requests_) return;
  uint32_t model = planned_.service_identifiers.empty() ? 0 : planned_.service_identifiers[0];
  if (used > 0 || out_.usage.tokens_by_model.count(model) == 0) {
    out_.usage.tokens_by_model[model] += used;
  }
}


}  // namespace gyrate::sim
