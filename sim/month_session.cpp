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

// What one answer means for the session.
struct Reply {
  bool answered = false;
  bool session_open = false;  // top-level 2xxx: the server keeps the session
  bool refused = false;       // the service got no grant: a denial or another failure
  uint64_t granted = 0;
  std::optional<diameter::FinalUnitAction> final_unit;
};

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

class GySession {
 public:
  GySession(const SessionContext& context, const PlannedSession& planned,
            const SimSubscriber& subscriber, const PopulationGroup& group,
            const std::string& session_id, int day, SubscriberMonth& out)
      : context_(context), planned_(planned), subscriber_(subscriber), session_id_(session_id),
        day_(static_cast<size_t>(day)), out_(out),
        rating_group_(planned.data ? group.data.rating_group : group.llm.rating_group),
        service_context_(planned.data ? group.data.service_context_id
                                      : group.llm.service_context_id),
        request_octets_(group.data.request_octets),
        counts_requests_(!planned.data && group.llm.counts_requests) {}

  SessionEnd play() {
    ++out_.usage.sessions;
    return planned_.data ? play_data() : play_llm();
  }

 private:
  // Each request of the burst asks for its tokens; the next CCR reports what the model used.
  SessionEnd play_llm() {
    uint64_t used = 0;
    for (size_t i = 0; i < planned_.requests.size(); ++i) {
      const PlannedRequest& q = planned_.requests[i];
      ServiceUnits ask;
      ask.cc_service_specific_units = q.ask;
      Reply r = i == 0 ? send(CcRequestType::kInitial, ask, std::nullopt, q.at)
                       : send(CcRequestType::kUpdate, ask, used, q.at);
      if (std::optional<SessionEnd> end = stop_on(r, q.at)) return *end;
      used = std::min(q.uses, r.granted);
      if (r.final_unit) return finish(used, q.at, SessionEnd::kStopped);
    }
    return finish(used, planned_.requests.back().at + 5, SessionEnd::kDone);
  }

  // The session's bytes flow through grant after grant; each CCR-U reports a used-up grant.
  SessionEnd play_data() {
    uint64_t left = planned_.bytes;
    int64_t at = planned_.start;
    Reply r = send(CcRequestType::kInitial, data_ask(left), std::nullopt, at);
    for (int round = 0;; ++round) {
      if (std::optional<SessionEnd> end = stop_on(r, at)) return *end;
      uint64_t used = std::min(left, r.granted);
      left -= used;
      at = planned_.start + static_cast<int64_t>(
          static_cast<lang::UInt128>(planned_.seconds) * (planned_.bytes - left) /
          planned_.bytes);
      if (r.final_unit || r.granted == 0 || round == kMaxRoundsPerSession) {
        return finish(used, at, SessionEnd::kStopped);
      }
      if (left == 0) return finish(used, at, SessionEnd::kDone);
      r = send(CcRequestType::kUpdate, data_ask(left), used, at);
    }
  }

  ServiceUnits data_ask(uint64_t left) const {
    ServiceUnits ask;
    if (request_octets_ > 0) ask.cc_total_octets = std::min(left, request_octets_);
    return ask;
  }

  // The end of the session when an answer ends it: no answer, a closed session, a refusal.
  std::optional<SessionEnd> stop_on(const Reply& r, int64_t at) {
    if (!r.answered) return SessionEnd::kError;
    if (!r.session_open) return SessionEnd::kStopped;
    if (r.refused) return finish(std::nullopt, at, SessionEnd::kStopped);
    return std::nullopt;
  }

  SessionEnd finish(std::optional<uint64_t> used, int64_t at, SessionEnd end) {
    Reply r = send(CcRequestType::kTermination, std::nullopt, used, at);
    return r.answered ? end : SessionEnd::kError;
  }

  Reply send(CcRequestType type, std::optional<ServiceUnits> ask, std::optional<uint64_t> used,
             int64_t at) {
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
      count_used(*used);
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
    read(*answer, type, r);
    return r;
  }

  void read(const CreditControlAnswer& a, CcRequestType type, Reply& r) {
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
      if (std::optional<Denial> d = denial_of(code)) {
        ++out_.usage.denials[static_cast<int>(*d)];
        ++out_.daily.denials[day_];
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
      ++out_.usage.final_units[static_cast<int>(final_action_of(mscc->final_unit->action))];
      ++out_.daily.final_units[day_];
    }
  }

  // Adds units used or granted to the counters of this session's kind: bytes, requests or
  // tokens.
  void count(uint64_t units, bool granted) {
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

  void count_used(uint64_t used) {
    count(used, false);
    if (planned_.data || counts_requests_) return;
    uint32_t model = planned_.service_identifiers.empty() ? 0 : planned_.service_identifiers[0];
    if (used > 0 || out_.usage.tokens_by_model.count(model) == 0) {
      out_.usage.tokens_by_model[model] += used;
    }
  }

  const SessionContext& context_;
  const PlannedSession& planned_;
  const SimSubscriber& subscriber_;
  const std::string& session_id_;
  size_t day_;
  SubscriberMonth& out_;
  uint32_t rating_group_;
  const std::string& service_context_;
  uint64_t request_octets_;
  bool counts_requests_;
  uint32_t number_ = 0;
};

}  // namespace

SessionEnd play_session(const SessionContext& context, const PlannedSession& planned,
                        const SimSubscriber& subscriber, const PopulationGroup& group,
                        const std::string& session_id, int day, SubscriberMonth& out) {
  return GySession(context, planned, subscriber, group, session_id, day, out).play();
}

}  // namespace gyrate::sim
