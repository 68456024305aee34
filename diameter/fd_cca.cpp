// Credit-Control-Answer: model -> freeDiameter answer to a request (server) and back (client), plus
// the answer to a request the codec refused.
#include <string>

#include "fd_gy_codec.hpp"
#include "fd_units.hpp"

namespace gyrate::diameter::fd {
namespace {

constexpr int32_t kFinalUnitActionMax = 2;       // RESTRICT_ACCESS
constexpr int32_t kRedirectAddressTypeMax = 3;   // SIP_URI
constexpr int32_t kFailureHandlingMax = 2;       // RETRY_AND_TERMINATE

bool is_protocol_error(ResultCode code) {
  uint32_t v = code_value(code);
  return v >= 3000 && v < 4000;
}

// Any AVP of the running dictionary by code and vendor (Failed-AVP may name one the codec does
// not model, such as Origin-State-Id).
struct dict_object* find_model(uint32_t code, uint32_t vendor) {
  struct dict_object* model = nullptr;
  if (vendor == 0) {
    avp_code_t c = code;
    fd_dict_search(gy_dictionary().dict, DICT_AVP, AVP_BY_CODE, &c, &model, ENOENT);
  } else {
    struct dict_avp_request req{};
    req.avp_vendor = vendor;
    req.avp_code = code;
    fd_dict_search(gy_dictionary().dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &model, ENOENT);
  }
  return model;
}

// The first AVP with this code and vendor in `parent` or any group below it.
struct avp* find_in_tree(msg_or_avp* parent, uint32_t code, uint32_t vendor) {
  msg_or_avp* child = nullptr;
  fd_msg_browse_internal(parent, MSG_BRW_FIRST_CHILD, &child, nullptr);
  while (child != nullptr) {
    struct avp_hdr* h = nullptr;
    if (fd_msg_avp_hdr(static_cast<struct avp*>(child), &h) == 0) {
      uint32_t v = (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0;
      if (h->avp_code == code && v == vendor) return static_cast<struct avp*>(child);
    }
    if (struct avp* below = find_in_tree(child, code, vendor)) return below;
    if (fd_msg_browse_internal(child, MSG_BRW_NEXT, &child, nullptr) != 0) break;
  }
  return nullptr;
}

// An AVP of the dictionary is rebuilt from its model; one the dictionary does not know (5001) is
// copied from the request with a zeroed payload, as the stack's own answers do.
void write_failed_avp(AvpWriter w, const FailedAvp& f, struct msg* request) {
  if (struct dict_object* model = find_model(f.code, f.vendor_id)) {
    w.group(Avp::kFailedAvp).any(model, f.value);
  } else if (struct avp* original = request ? find_in_tree(request, f.code, f.vendor_id) : nullptr) {
    w.group(Avp::kFailedAvp).blank_copy(original);
  }
}

void write_origin(AvpWriter& w, struct msg* m, const std::string& host, const std::string& realm,
                  int* err) {
  if (host.empty()) {
    if (*err == 0) *err = fd_msg_add_origin(m, 0);  // the running core's identity and realm
    return;
  }
  w.str(Avp::kOriginHost, host);
  w.str(Avp::kOriginRealm, realm);
}

void write_final_unit(AvpWriter w, const FinalUnitIndication& fui) {
  w.enumerated(Avp::kFinalUnitAction, fui.action);
  for (const std::string& id : fui.filter_ids) w.str(Avp::kFilterId, id);
  if (fui.redirect_server) {
    AvpWriter rs = w.group(Avp::kRedirectServer);
    rs.enumerated(Avp::kRedirectAddressType, fui.redirect_server->address_type);
    rs.str(Avp::kRedirectServerAddress, fui.redirect_server->address);
  }
}

void write_mscc(AvpWriter w, const MsccAnswer& m) {
  if (m.granted) write_units(w.group(Avp::kGrantedServiceUnit), *m.granted);
  for (uint32_t id : m.service_identifiers) w.u32(Avp::kServiceIdentifier, id);
  w.opt_u32(Avp::kRatingGroup, m.rating_group);
  w.opt_u32(Avp::kValidityTime, m.validity_time);
  if (m.result_code) w.u32(Avp::kResultCode, code_value(*m.result_code));
  if (m.final_unit) write_final_unit(w.group(Avp::kFinalUnitIndication), *m.final_unit);
  w.opt_u32(Avp::kTimeQuotaThreshold, m.time_quota_threshold);
  w.opt_u32(Avp::kVolumeQuotaThreshold, m.volume_quota_threshold);
  w.opt_u32(Avp::kUnitQuotaThreshold, m.unit_quota_threshold);
}

RedirectServer read_redirect_server(const AvpReader& outer, const Child& group) {
  auto [type, address] = read_typed_string<RedirectAddressType>(
      outer, group, Avp::kRedirectAddressType, kRedirectAddressTypeMax, Avp::kRedirectServerAddress);
  return RedirectServer{.address_type = type, .address = std::move(address)};
}

FinalUnitIndication read_final_unit(const AvpReader& outer, const Child& group) {
  FinalUnitIndication fui;
  AvpReader r = outer.nested();
  r.for_each(group.avp, {Avp::kFilterId}, [&](const Child& c) {
    switch (c.id) {
      case Avp::kFinalUnitAction:
        fui.action = r.enumerated<FinalUnitAction>(c, 0, kFinalUnitActionMax);
        break;
      case Avp::kFilterId: fui.filter_ids.push_back(AvpReader::str(c)); break;
      case Avp::kRedirectServer: fui.redirect_server = read_redirect_server(r, c); break;
      default: break;
    }
  });
  r.require(Avp::kFinalUnitAction);
  return fui;
}

MsccAnswer read_mscc(const AvpReader& outer, const Child& group) {
  MsccAnswer m;
  AvpReader r = outer.nested();
  r.for_each(group.avp, {Avp::kServiceIdentifier}, [&](const Child& c) {
    switch (c.id) {
      case Avp::kServiceIdentifier: m.service_identifiers.push_back(AvpReader::u32(c)); break;
      case Avp::kRatingGroup: m.rating_group = AvpReader::u32(c); break;
      case Avp::kResultCode: m.result_code = static_cast<ResultCode>(AvpReader::u32(c)); break;
      case Avp::kGrantedServiceUnit: m.granted = read_units(r, c, nullptr); break;
      case Avp::kValidityTime: m.validity_time = AvpReader::u32(c); break;
      case Avp::kFinalUnitIndication: m.final_unit = read_final_unit(r, c); break;
      case Avp::kTimeQuotaThreshold: m.time_quota_threshold = AvpReader::u32(c); break;
      case Avp::kVolumeQuotaThreshold: m.volume_quota_threshold = AvpReader::u32(c); break;
      case Avp::kUnitQuotaThreshold: m.unit_quota_threshold = AvpReader::u32(c); break;
      default: break;
    }
  });
  return m;
}

// RFC 4006 8.7: Cost-Information ::= { Unit-Value } { Currency-Code } [ Cost-Unit ],
// Unit-Value ::= { Value-Digits } [ Exponent ].
void write_cost_information(AvpWriter w, const CostInformation& c) {
  AvpWriter value = w.group(Avp::kUnitValue);
  value.i64(Avp::kValueDigits, c.value_digits);
  if (c.exponent != 0) value.i32(Avp::kExponent, c.exponent);
  w.u32(Avp::kCurrencyCode, c.currency_code);
  w.opt_str(Avp::kCostUnit, c.cost_unit);
}

CostInformation read_cost_information(const AvpReader& outer, const Child& group) {
  CostInformation c;
  AvpReader r = outer.nested();
  r.for_each(group.avp, {}, [&](const Child& child) {
    switch (child.id) {
      case Avp::kUnitValue: {
        AvpReader v = r.nested();
        v.for_each(child.avp, {}, [&](const Child& d) {
          if (d.id == Avp::kValueDigits) c.value_digits = AvpReader::i64(d);
          if (d.id == Avp::kExponent) c.exponent = AvpReader::i32(d);
        });
        v.require(Avp::kValueDigits);
        break;
      }
      case Avp::kCurrencyCode: c.currency_code = AvpReader::u32(child); break;
      case Avp::kCostUnit: c.cost_unit = AvpReader::str(child); break;
      default: break;
    }
  });
  r.require(Avp::kUnitValue);
  r.require(Avp::kCurrencyCode);
  return c;
}

// The first AVP inside a Failed-AVP, whatever it is, and its value when it is an integer.
FailedAvp read_failed_avp(const Child& group) {
  FailedAvp f;
  msg_or_avp* inner = nullptr;
  struct avp_hdr* h = nullptr;
  if (fd_msg_browse_internal(group.avp, MSG_BRW_FIRST_CHILD, &inner, nullptr) != 0 || inner == nullptr ||
      fd_msg_avp_hdr(static_cast<struct avp*>(inner), &h) != 0) {
    return f;
  }
  f.code = h->avp_code;
  f.vendor_id = (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0;
  struct dict_object* model = nullptr;
  struct dict_avp_data data{};
  if (h->avp_value == nullptr || fd_msg_model(inner, &model) != 0 || model == nullptr ||
      fd_dict_getval(model, &data) != 0) {
    return f;
  }
  switch (data.avp_basetype) {
    case AVP_TYPE_INTEGER32: f.value = h->avp_value->i32; break;
    case AVP_TYPE_INTEGER64: f.value = h->avp_value->i64; break;
    case AVP_TYPE_UNSIGNED32: f.value = h->avp_value->u32; break;
    case AVP_TYPE_UNSIGNED64: f.value = static_cast<int64_t>(h->avp_value->u64); break;
    default: break;
  }
  return f;
}

// Auth-Application-Id, and CC-Request-Type and -Number as the request had them (an invalid type
// too): the CCA's ABNF requires all three even in an error answer, and a peer's stack checks it.
void echo_request_ids(AvpWriter& w, struct msg* request) {
  std::optional<int32_t> type;
  std::optional<uint32_t> number;
  msg_or_avp* child = nullptr;
  fd_msg_browse_internal(request, MSG_BRW_FIRST_CHILD, &child, nullptr);
  while (child != nullptr) {
    struct avp_hdr* h = nullptr;
    if (fd_msg_avp_hdr(static_cast<struct avp*>(child), &h) == 0 && h->avp_value != nullptr &&
        (h->avp_flags & AVP_FLAG_VENDOR) == 0) {
      if (h->avp_code == avp_spec(Avp::kCcRequestType).code && !type) type = h->avp_value->i32;
      if (h->avp_code == avp_spec(Avp::kCcRequestNumber).code && !number) number = h->avp_value->u32;
    }
    if (fd_msg_browse_internal(child, MSG_BRW_NEXT, &child, nullptr) != 0) break;
  }
  w.u32(Avp::kAuthApplicationId, kCreditControlApplicationId);
  if (type) w.i32(Avp::kCcRequestType, *type);
  if (number) w.u32(Avp::kCcRequestNumber, *number);
}

Status new_answer(struct msg** msg, ResultCode code) {
  const GyDictionary& g = gy_dictionary();
  if (g.cca == nullptr) {
    return Status::error(ErrorCode::kFailedPrecondition, "setup_gy_dictionary has not run");
  }
  // RFC 6733 7.2: protocol errors (3xxx) use the generic answer format with the E bit.
  int flags = is_protocol_error(code) ? MSGFL_ANSW_ERROR : 0;
  if (int e = fd_msg_new_answer_from_req(g.dict, msg, flags); e != 0) {
    return fd_call_failed("fd_msg_new_answer_from_req", e);
  }
  return Status::ok();
}

}  // namespace

Status build_cca(struct msg** msg, const CreditControlAnswer& a) {
  struct msg* request = *msg;
  if (Status s = new_answer(msg, a.result_code); !s) return s;
  int err = 0;
  AvpWriter w(*msg, &err);
  w.u32(Avp::kResultCode, code_value(a.result_code));
  write_origin(w, *msg, a.origin_host, a.origin_realm, &err);
  w.u32(Avp::kAuthApplicationId, a.auth_application_id);
  w.enumerated(Avp::kCcRequestType, a.cc_request_type);
  w.u32(Avp::kCcRequestNumber, a.cc_request_number);
  w.opt_enumerated(Avp::kCcSessionFailover, a.cc_session_failover);
  w.opt_enumerated(Avp::kCreditControlFailureHandling, a.credit_control_failure_handling);
  for (const MsccAnswer& m : a.mscc) write_mscc(w.group(Avp::kMultipleServicesCreditControl), m);
  if (a.cost_information) write_cost_information(w.group(Avp::kCostInformation), *a.cost_information);
  w.opt_enumerated(Avp::kCheckBalanceResult, a.check_balance_result);
  if (a.failed_avp) write_failed_avp(w, *a.failed_avp, request);
  return err == 0 ? Status::ok() : fd_call_failed("building a CCA", err);
}

Status build_error_cca(struct msg** msg, const DecodeError& error) {
  struct msg* request = *msg;
  if (Status s = new_answer(msg, error.result_code); !s) return s;
  int err = 0;
  AvpWriter w(*msg, &err);
  w.u32(Avp::kResultCode, code_value(error.result_code));
  write_origin(w, *msg, std::string(), std::string(), &err);
  if (!is_protocol_error(error.result_code)) echo_request_ids(w, request);
  if (error.failed_avp) write_failed_avp(w, *error.failed_avp, request);
  return err == 0 ? Status::ok() : fd_call_failed("building an error CCA", err);
}

Status complete_stack_error_answer(struct msg* answer) {
  struct msg_hdr* hdr = nullptr;
  struct msg* request = nullptr;
  if (fd_msg_hdr(answer, &hdr) != 0 || (hdr->msg_flags & (CMD_FLAG_REQUEST | CMD_FLAG_ERROR)) != 0 ||
      hdr->msg_code != kCreditControlCommand || hdr->msg_appl != kCreditControlApplicationId ||
      fd_msg_answ_getq(answer, &request) != 0 || request == nullptr) {
    return Status::ok();  // not a CCA in the CCA format: nothing to add
  }
  int err = 0;
  AvpWriter w(answer, &err);
  echo_request_ids(w, request);
  return err == 0 ? Status::ok() : fd_call_failed("completing the stack's error CCA", err);
}

Decoded<CreditControlAnswer> parse_cca(struct msg* m) {
  std::optional<DecodeError> error;
  AvpReader r(&error);
  struct msg_hdr* hdr = nullptr;
  if (fd_msg_hdr(m, &hdr) != 0) {
    r.fail(ResultCode::kUnableToComply, "cannot read the message header");
    return *error;
  }
  if ((hdr->msg_flags & CMD_FLAG_REQUEST) != 0 || hdr->msg_code != kCreditControlCommand) {
    r.fail(ResultCode::kCommandUnsupported, "not a Credit-Control-Answer");
    return *error;
  }
  if (hdr->msg_appl != kCreditControlApplicationId) {
    r.fail(ResultCode::kApplicationUnsupported, "the header's application is not 4");
    return *error;
  }

  CreditControlAnswer a;
  const struct avp_hdr* request_type = nullptr;
  r.for_each(m, {Avp::kMultipleServicesCreditControl, Avp::kFailedAvp}, [&](const Child& c) {
    switch (c.id) {
      case Avp::kSessionId: a.session_id = AvpReader::str(c); break;
      case Avp::kResultCode: a.result_code = static_cast<ResultCode>(AvpReader::u32(c)); break;
      case Avp::kOriginHost: a.origin_host = AvpReader::str(c); break;
      case Avp::kOriginRealm: a.origin_realm = AvpReader::str(c); break;
      case Avp::kAuthApplicationId: a.auth_application_id = AvpReader::u32(c); break;
      case Avp::kCcRequestType:
        request_type = c.h;  // checked below, once the Result-Code is known
        break;
      case Avp::kCcRequestNumber: a.cc_request_number = AvpReader::u32(c); break;
      case Avp::kCcSessionFailover:
        a.cc_session_failover = r.enumerated<CcSessionFailover>(c, 0, 1);
        break;
      case Avp::kCreditControlFailureHandling:
        a.credit_control_failure_handling =
            r.enumerated<CreditControlFailureHandling>(c, 0, kFailureHandlingMax);
        break;
      case Avp::kMultipleServicesCreditControl: a.mscc.push_back(read_mscc(r, c)); break;
      case Avp::kCostInformation: a.cost_information = read_cost_information(r, c); break;
      case Avp::kCheckBalanceResult:
        a.check_balance_result = r.enumerated<CheckBalanceResult>(c, 0, 1);
        break;
      case Avp::kFailedAvp:
        if (!a.failed_avp) a.failed_avp = read_failed_avp(c);
        break;
      default: break;
    }
  });
  for (Avp required : {Avp::kSessionId, Avp::kResultCode, Avp::kOriginHost, Avp::kOriginRealm}) {
    r.require(required);
  }
  uint32_t result = code_value(a.result_code);
  const bool success = result >= 2000 && result < 3000;
  if (success) {
    r.require(Avp::kCcRequestType);
    r.require(Avp::kCcRequestNumber);
  }
  if (request_type != nullptr) {
    // An error answer echoes the request's type even when that was the invalid value.
    a.cc_request_type = static_cast<CcRequestType>(request_type->avp_value->i32);
    int32_t t = request_type->avp_value->i32;
    if (success && (t < 1 || t > 4)) {
      r.fail(ResultCode::kInvalidAvpValue, request_type, "value outside the enumeration", true);
    }
  }
  if (error) return *error;
  // A missing AVP is reported zero-filled (RFC 6733 7.5): that zero is no value.
  if (a.failed_avp && a.result_code == ResultCode::kMissingAvp) a.failed_avp->value.reset();
  return a;
}

}  // namespace gyrate::diameter::fd
