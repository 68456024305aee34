// Credit-Control-Request: model -> freeDiameter message (client) and back (server), with the checks
// RFC 4006 and RFC 6733 leave to the application.
#include <string>

#include "fd_gy_codec.hpp"
#include "fd_units.hpp"

namespace gyrate::diameter::fd {
namespace {

constexpr int32_t kSubscriptionIdTypeMax = 4;   // END_USER_PRIVATE
constexpr int32_t kTerminationCauseMax = 8;     // DIAMETER_SESSION_TIMEOUT
constexpr int32_t kRequestedActionMax = 3;      // PRICE_ENQUIRY

void write_mscc(AvpWriter w, const MsccRequest& m) {
  for (uint32_t id : m.service_identifiers) w.u32(Avp::kServiceIdentifier, id);
  w.opt_u32(Avp::kRatingGroup, m.rating_group);
  if (m.requested) write_units(w.group(Avp::kRequestedServiceUnit), *m.requested);
  for (const UsedServiceUnit& used : m.used) {
    AvpWriter u = w.group(Avp::kUsedServiceUnit);
    write_units(u, used.units);
    u.opt_enumerated(Avp::kReportingReason, used.reporting_reason);
  }
  w.opt_enumerated(Avp::kReportingReason, m.reporting_reason);
}

SubscriptionId read_subscription_id(const AvpReader& outer, const Child& group) {
  auto [type, data] = read_typed_string<SubscriptionIdType>(
      outer, group, Avp::kSubscriptionIdType, kSubscriptionIdTypeMax, Avp::kSubscriptionIdData);
  return SubscriptionId{.type = type, .data = std::move(data)};
}

MsccRequest read_mscc(const AvpReader& outer, const Child& group) {
  MsccRequest m;
  AvpReader r = outer.nested();
  r.for_each(group.avp, {Avp::kServiceIdentifier, Avp::kUsedServiceUnit}, [&](const Child& c) {
    switch (c.id) {
      case Avp::kServiceIdentifier: m.service_identifiers.push_back(AvpReader::u32(c)); break;
      case Avp::kRatingGroup: m.rating_group = AvpReader::u32(c); break;
      case Avp::kRequestedServiceUnit: m.requested = read_units(r, c, nullptr); break;
      case Avp::kUsedServiceUnit: {
        UsedServiceUnit used;
        used.units = read_units(r, c, &used.reporting_reason);
        m.used.push_back(std::move(used));
        break;
      }
      case Avp::kReportingReason:
        m.reporting_reason = r.enumerated<ReportingReason>(c, 0, kReportingReasonMax);
        break;
      default: break;
    }
  });
  return m;
}

}  // namespace

Expected<struct msg*> build_ccr(const CreditControlRequest& q) {
  const GyDictionary& g = gy_dictionary();
  if (g.ccr == nullptr) {
    return Status::error(ErrorCode::kFailedPrecondition, "setup_gy_dictionary has not run");
  }
  struct msg* m = nullptr;
  if (int e = fd_msg_new(g.ccr, MSGFL_ALLOC_ETEID, &m); e != 0) return fd_call_failed("fd_msg_new", e);
  struct msg_hdr* hdr = nullptr;
  int err = fd_msg_hdr(m, &hdr);
  if (err == 0) hdr->msg_appl = kCreditControlApplicationId;

  AvpWriter w(m, &err);
  if (q.session_id.empty()) {
    if (err == 0) err = fd_msg_new_session(m, reinterpret_cast<os0_t>(const_cast<char*>("gyrate")), 6);
  } else {
    w.str(Avp::kSessionId, q.session_id);
  }
  if (q.origin_host.empty()) {
    if (err == 0) err = fd_msg_add_origin(m, 0);  // the local identity and realm
  } else {
    w.str(Avp::kOriginHost, q.origin_host);
    w.str(Avp::kOriginRealm, q.origin_realm);
  }
  w.str(Avp::kDestinationRealm, q.destination_realm);
  w.opt_str(Avp::kDestinationHost, q.destination_host);
  w.u32(Avp::kAuthApplicationId, q.auth_application_id);
  w.str(Avp::kServiceContextId, q.service_context_id);
  w.enumerated(Avp::kCcRequestType, q.cc_request_type);
  w.u32(Avp::kCcRequestNumber, q.cc_request_number);
  w.opt_str(Avp::kUserName, q.user_name);
  if (q.event_timestamp) w.time(Avp::kEventTimestamp, *q.event_timestamp);
  for (const SubscriptionId& s : q.subscription_ids) {
    AvpWriter sub = w.group(Avp::kSubscriptionId);
    sub.enumerated(Avp::kSubscriptionIdType, s.type);
    sub.str(Avp::kSubscriptionIdData, s.data);
  }
  w.opt_enumerated(Avp::kRequestedAction, q.requested_action);
  w.opt_enumerated(Avp::kMultipleServicesIndicator, q.multiple_services_indicator);
  for (const MsccRequest& mscc : q.mscc) write_mscc(w.group(Avp::kMultipleServicesCreditControl), mscc);
  w.opt_enumerated(Avp::kTerminationCause, q.termination_cause);
  if (err != 0) {
    fd_msg_free(m);
    return fd_call_failed("building a CCR", err);
  }
  return m;
}

Decoded<CreditControlRequest> parse_ccr(struct msg* m) {
  std::optional<DecodeError> error;
  AvpReader r(&error);
  struct msg_hdr* hdr = nullptr;
  if (fd_msg_hdr(m, &hdr) != 0) {
    r.fail(ResultCode::kUnableToComply, "cannot read the message header");
    return *error;
  }
  if ((hdr->msg_flags & CMD_FLAG_REQUEST) == 0 || hdr->msg_code != kCreditControlCommand) {
    r.fail(ResultCode::kCommandUnsupported, "not a Credit-Control-Request");
    return *error;
  }
  if (hdr->msg_appl != kCreditControlApplicationId) {
    r.fail(ResultCode::kApplicationUnsupported, "the header's application is not 4");
    return *error;
  }

  CreditControlRequest q;
  r.for_each(m, {Avp::kSubscriptionId, Avp::kMultipleServicesCreditControl}, [&](const Child& c) {
    switch (c.id) {
      case Avp::kSessionId: q.session_id = AvpReader::str(c); break;
      case Avp::kOriginHost: q.origin_host = AvpReader::str(c); break;
      case Avp::kOriginRealm: q.origin_realm = AvpReader::str(c); break;
      case Avp::kDestinationRealm: q.destination_realm = AvpReader::str(c); break;
      case Avp::kDestinationHost: q.destination_host = AvpReader::str(c); break;
      case Avp::kAuthApplicationId:
        q.auth_application_id = AvpReader::u32(c);
        if (q.auth_application_id != kCreditControlApplicationId) {
          r.fail(ResultCode::kInvalidAvpValue, c.h, "must be 4 (RFC 4006 3.1)", true);
        }
        break;
      case Avp::kServiceContextId: q.service_context_id = AvpReader::str(c); break;
      case Avp::kCcRequestType:
        q.cc_request_type = r.enumerated<CcRequestType>(c, 1, 4);
        break;
      case Avp::kCcRequestNumber: q.cc_request_number = AvpReader::u32(c); break;
      case Avp::kRequestedAction:
        q.requested_action = r.enumerated<RequestedAction>(c, 0, kRequestedActionMax);
        break;
      case Avp::kEventTimestamp: q.event_timestamp = r.time(c); break;
      case Avp::kSubscriptionId: q.subscription_ids.push_back(read_subscription_id(r, c)); break;
      case Avp::kMultipleServicesIndicator:
        q.multiple_services_indicator = r.enumerated<MultipleServicesIndicator>(c, 0, 1);
        break;
      case Avp::kMultipleServicesCreditControl: q.mscc.push_back(read_mscc(r, c)); break;
      case Avp::kTerminationCause:
        q.termination_cause = r.enumerated<TerminationCause>(c, 1, kTerminationCauseMax);
        break;
      case Avp::kUserName: q.user_name = AvpReader::str(c); break;
      default: break;
    }
  });
  for (Avp required : {Avp::kSessionId, Avp::kOriginHost, Avp::kOriginRealm, Avp::kDestinationRealm,
                       Avp::kAuthApplicationId, Avp::kServiceContextId, Avp::kCcRequestType,
                       Avp::kCcRequestNumber}) {
    r.require(required);
  }
  if (error) return *error;
  return q;
}

}  // namespace gyrate::diameter::fd
