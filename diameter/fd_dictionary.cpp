// Finds or defines the Gy dictionary objects (RFC 4006 application 4 and the 3GPP TS 32.299 AVPs the
// model carries) in the running freeDiameter core's dictionary.
#include "fd_dictionary.hpp"

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>

namespace gyrate::diameter::fd {
namespace {

constexpr auto kOs = AVP_TYPE_OCTETSTRING;
constexpr auto kI32 = AVP_TYPE_INTEGER32;
constexpr auto kU32 = AVP_TYPE_UNSIGNED32;
constexpr auto kU64 = AVP_TYPE_UNSIGNED64;
constexpr auto kI64 = AVP_TYPE_INTEGER64;
constexpr auto kGrouped = AVP_TYPE_GROUPED;

// Codes: RFC 6733 (base), RFC 7155 (Filter-Id), RFC 4006 (DCCA), 3GPP TS 32.299 (vendor 10415).
constexpr std::array<AvpSpec, kAvpCount> kSpecs{{
    {Avp::kUserName, 1, 0, "User-Name", kOs},
    {Avp::kEventTimestamp, 55, 0, "Event-Timestamp", kOs},
    {Avp::kFilterId, 11, 0, "Filter-Id", kOs},
    {Avp::kSessionId, 263, 0, "Session-Id", kOs},
    {Avp::kOriginHost, 264, 0, "Origin-Host", kOs},
    {Avp::kOriginRealm, 296, 0, "Origin-Realm", kOs},
    {Avp::kDestinationRealm, 283, 0, "Destination-Realm", kOs},
    {Avp::kDestinationHost, 293, 0, "Destination-Host", kOs},
    {Avp::kAuthApplicationId, 258, 0, "Auth-Application-Id", kU32},
    {Avp::kResultCode, 268, 0, "Result-Code", kU32},
    {Avp::kFailedAvp, 279, 0, "Failed-AVP", kGrouped},
    {Avp::kTerminationCause, 295, 0, "Termination-Cause", kI32},
    {Avp::kCcInputOctets, 412, 0, "CC-Input-Octets", kU64},
    {Avp::kCcOutputOctets, 414, 0, "CC-Output-Octets", kU64},
    {Avp::kCcRequestNumber, 415, 0, "CC-Request-Number", kU32},
    {Avp::kCcRequestType, 416, 0, "CC-Request-Type", kI32},
    {Avp::kCcServiceSpecificUnits, 417, 0, "CC-Service-Specific-Units", kU64},
    {Avp::kCcSessionFailover, 418, 0, "CC-Session-Failover", kI32},
    {Avp::kCcTime, 420, 0, "CC-Time", kU32},
    {Avp::kCcTotalOctets, 421, 0, "CC-Total-Octets", kU64},
    {Avp::kCreditControlFailureHandling, 427, 0, "Credit-Control-Failure-Handling", kI32},
    {Avp::kFinalUnitIndication, 430, 0, "Final-Unit-Indication", kGrouped},
    {Avp::kGrantedServiceUnit, 431, 0, "Granted-Service-Unit", kGrouped},
    {Avp::kRatingGroup, 432, 0, "Rating-Group", kU32},
    {Avp::kRedirectAddressType, 433, 0, "Redirect-Address-Type", kI32},
    {Avp::kRedirectServer, 434, 0, "Redirect-Server", kGrouped},
    {Avp::kRedirectServerAddress, 435, 0, "Redirect-Server-Address", kOs},
    {Avp::kRequestedAction, 436, 0, "Requested-Action", kI32},
    {Avp::kRequestedServiceUnit, 437, 0, "Requested-Service-Unit", kGrouped},
    {Avp::kServiceIdentifier, 439, 0, "Service-Identifier", kU32},
    {Avp::kSubscriptionId, 443, 0, "Subscription-Id", kGrouped},
    {Avp::kSubscriptionIdData, 444, 0, "Subscription-Id-Data", kOs},
    {Avp::kUsedServiceUnit, 446, 0, "Used-Service-Unit", kGrouped},
    {Avp::kValidityTime, 448, 0, "Validity-Time", kU32},
    {Avp::kFinalUnitAction, 449, 0, "Final-Unit-Action", kI32},
    {Avp::kSubscriptionIdType, 450, 0, "Subscription-Id-Type", kI32},
    {Avp::kMultipleServicesIndicator, 455, 0, "Multiple-Services-Indicator", kI32},
    {Avp::kMultipleServicesCreditControl, 456, 0, "Multiple-Services-Credit-Control", kGrouped},
    {Avp::kServiceContextId, 461, 0, "Service-Context-Id", kOs},
    {Avp::kTimeQuotaThreshold, 868, kVendor3gpp, "Time-Quota-Threshold", kU32},
    {Avp::kVolumeQuotaThreshold, 869, kVendor3gpp, "Volume-Quota-Threshold", kU32},
    {Avp::kReportingReason, 872, kVendor3gpp, "Reporting-Reason", kI32},
    {Avp::kUnitQuotaThreshold, 1226, kVendor3gpp, "Unit-Quota-Threshold", kU32},
    {Avp::kCheckBalanceResult, 422, 0, "Check-Balance-Result", kI32},
    {Avp::kCostInformation, 423, 0, "Cost-Information", kGrouped},
    {Avp::kUnitValue, 445, 0, "Unit-Value", kGrouped},
    {Avp::kValueDigits, 447, 0, "Value-Digits", kI64},
    {Avp::kExponent, 429, 0, "Exponent", kI32},
    {Avp::kCurrencyCode, 425, 0, "Currency-Code", kU32},
    {Avp::kCostUnit, 424, 0, "Cost-Unit", kOs},
    {Avp::kReAuthRequestType, 285, 0, "Re-Auth-Request-Type", kI32},
}};

constexpr bool specs_in_order() {
  for (size_t i = 0; i < kSpecs.size(); ++i) {
    if (static_cast<size_t>(kSpecs[i].id) != i) return false;
  }
  return true;
}
static_assert(specs_in_order(), "kSpecs must list the Avp enumerators in order");

Status fd_error(const std::string& what, int err) {
  return Status::error(ErrorCode::kInternal, "freeDiameter dictionary: " + what + ": " + std::strerror(err));
}

// Searches first; defines only on ENOENT, so objects from dict_dcca keep their richer types.
Status find_or_define_avp(struct dictionary* dict, const AvpSpec& spec, struct dict_object** out) {
  int err = 0;
  if (spec.vendor == 0) {
    avp_code_t code = spec.code;
    err = fd_dict_search(dict, DICT_AVP, AVP_BY_CODE, &code, out, ENOENT);
  } else {
    struct dict_avp_request req{};
    req.avp_vendor = spec.vendor;
    req.avp_code = spec.code;
    err = fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, out, ENOENT);
  }
  if (err == 0) {
    struct dict_avp_data found{};
    if (int e = fd_dict_getval(*out, &found); e != 0) return fd_error(spec.name, e);
    if (found.avp_basetype != spec.type) {
      return Status::error(ErrorCode::kFailedPrecondition,
                           std::string("freeDiameter dictionary: ") + spec.name +
                               " is defined with another base type than RFC 4006 / TS 32.299 give");
    }
    return Status::ok();
  }
  if (err != ENOENT) return fd_error(spec.name, err);

  struct dict_avp_data data{};
  data.avp_code = spec.code;
  data.avp_vendor = spec.vendor;
  data.avp_name = const_cast<char*>(spec.name);
  data.avp_flag_mask = AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY;
  data.avp_flag_val = AVP_FLAG_MANDATORY | (spec.vendor != 0 ? AVP_FLAG_VENDOR : 0);
  data.avp_basetype = spec.type;
  // Strings get the UTF8String type so dumps show text; every other AVP needs no derived type.
  struct dict_object* type = nullptr;
  if (spec.type == kOs) {
    fd_dict_search(dict, DICT_TYPE, TYPE_BY_NAME, "UTF8String", &type, ENOENT);
  }
  if (int e = fd_dict_new(dict, DICT_AVP, &data, type, out); e != 0) return fd_error(spec.name, e);
  return Status::ok();
}

Status add_rule(struct dictionary* dict, struct dict_object* parent, struct dict_object* avp,
                enum rule_position position, int max) {
  struct dict_rule_request existing{};
  existing.rule_parent = parent;
  existing.rule_avp = avp;
  struct dict_object* found = nullptr;
  if (fd_dict_search(dict, DICT_RULE, RULE_BY_AVP_AND_PARENT, &existing, &found, ENOENT) == 0) {
    return Status::ok();  // dict_dcca's own rule stands
  }
  struct dict_rule_data rule{};
  rule.rule_avp = avp;
  rule.rule_position = position;
  rule.rule_order = position == RULE_FIXED_HEAD ? 1 : 0;
  rule.rule_min = -1;
  rule.rule_max = max;
  if (int e = fd_dict_new(dict, DICT_RULE, &rule, parent, nullptr); e != 0) {
    return fd_error("rule", e);
  }
  return Status::ok();
}

// The rules that make the stack itself answer 5005 for a missing AVP (RFC 4006 3.1, 3.2, 8.x).
// A rule dict_dcca already has is kept.
Status add_required(struct dictionary* dict, struct dict_object* parent, const GyDictionary& g,
                    std::initializer_list<Avp> required) {
  for (Avp a : required) {
    auto position = a == Avp::kSessionId ? RULE_FIXED_HEAD : RULE_REQUIRED;
    if (Status s = add_rule(dict, parent, g.avp(a), position, 1); !s) return s;
  }
  return Status::ok();
}

Status find_or_define_commands(GyDictionary& g) {
  struct dictionary* dict = g.dict;
  application_id_t app_id = kCreditControlApplicationId;
  int err = fd_dict_search(dict, DICT_APPLICATION, APPLICATION_BY_ID, &app_id, &g.application, ENOENT);
  if (err == ENOENT) {
    struct dict_application_data data{};
    data.application_id = app_id;
    data.application_name = const_cast<char*>("Diameter Credit Control Application");
    err = fd_dict_new(dict, DICT_APPLICATION, &data, nullptr, &g.application);
  }
  if (err != 0) return fd_error("application 4", err);

  command_code_t code = kCreditControlCommand;
  err = fd_dict_search(dict, DICT_COMMAND, CMD_BY_CODE_R, &code, &g.ccr, ENOENT);
  if (err == 0) err = fd_dict_search(dict, DICT_COMMAND, CMD_BY_CODE_A, &code, &g.cca, ENOENT);
  if (err == 0) return Status::ok();
  if (err != ENOENT) return fd_error("Credit-Control command", err);

  struct dict_cmd_data ccr{};
  ccr.cmd_code = code;
  ccr.cmd_name = const_cast<char*>("Credit-Control-Request");
  ccr.cmd_flag_mask = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE;
  ccr.cmd_flag_val = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE;
  if (int e = fd_dict_new(dict, DICT_COMMAND, &ccr, g.application, &g.ccr); e != 0) {
    return fd_error("Credit-Control-Request", e);
  }
  struct dict_cmd_data cca{};
  cca.cmd_code = code;
  cca.cmd_name = const_cast<char*>("Credit-Control-Answer");
  cca.cmd_flag_mask = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE;
  cca.cmd_flag_val = CMD_FLAG_PROXIABLE;
  if (int e = fd_dict_new(dict, DICT_COMMAND, &cca, g.application, &g.cca); e != 0) {
    return fd_error("Credit-Control-Answer", e);
  }
  if (Status s = add_required(dict, g.ccr, g,
                              {Avp::kSessionId, Avp::kOriginHost, Avp::kOriginRealm,
                               Avp::kDestinationRealm, Avp::kAuthApplicationId,
                               Avp::kServiceContextId, Avp::kCcRequestType, Avp::kCcRequestNumber});
      !s) {
    return s;
  }
  return add_required(dict, g.cca, g,
                      {Avp::kSessionId, Avp::kResultCode, Avp::kOriginHost, Avp::kOriginRealm,
                       Avp::kAuthApplicationId, Avp::kCcRequestType, Avp::kCcRequestNumber});
}

Status ensure_vendor_3gpp(struct dictionary* dict) {
  vendor_id_t id = kVendor3gpp;
  struct dict_object* vendor = nullptr;
  int err = fd_dict_search(dict, DICT_VENDOR, VENDOR_BY_ID, &id, &vendor, ENOENT);
  if (err == ENOENT) {
    struct dict_vendor_data data{};
    data.vendor_id = id;
    data.vendor_name = const_cast<char*>("3GPP");
    err = fd_dict_new(dict, DICT_VENDOR, &data, nullptr, &vendor);
  }
  return err == 0 ? Status::ok() : fd_error("vendor 10415", err);
}

GyDictionary g_dictionary;
std::mutex g_mutex;

}  // namespace

const AvpSpec& avp_spec(Avp id) { return kSpecs[static_cast<size_t>(id)]; }

const AvpSpec* find_avp_spec(uint32_t code, uint32_t vendor) {
  for (const AvpSpec& s : kSpecs) {
    if (s.code == code && s.vendor == vendor) return &s;
  }
  return nullptr;
}

Status setup_gy_dictionary() {
  std::lock_guard lock(g_mutex);
  if (g_dictionary.ccr != nullptr) return Status::ok();
  if (fd_g_config == nullptr || fd_g_config->cnf_dict == nullptr) {
    return Status::error(ErrorCode::kFailedPrecondition, "fd_core_initialize has not run");
  }
  GyDictionary g;
  g.dict = fd_g_config->cnf_dict;
  if (Status s = ensure_vendor_3gpp(g.dict); !s) return s;
  for (const AvpSpec& spec : kSpecs) {
    if (Status s = find_or_define_avp(g.dict, spec, &g.avps[static_cast<size_t>(spec.id)]); !s) {
      return s;
    }
  }
  // Grouped AVPs whose children RFC 4006 requires: the stack answers 5005 when one is missing.
  if (Status s = add_required(g.dict, g.avp(Avp::kSubscriptionId), g,
                              {Avp::kSubscriptionIdType, Avp::kSubscriptionIdData});
      !s) {
    return s;
  }
  if (Status s = add_required(g.dict, g.avp(Avp::kRedirectServer), g,
                              {Avp::kRedirectAddressType, Avp::kRedirectServerAddress});
      !s) {
    return s;
  }
  if (Status s = add_required(g.dict, g.avp(Avp::kFinalUnitIndication), g, {Avp::kFinalUnitAction});
      !s) {
    return s;
  }
  if (Status s = find_or_define_commands(g); !s) return s;
  // RAR/RAA are in freeDiameter's base dictionary (fd_dict_base_protocol), always loaded.
  command_code_t reauth = kReAuthCommand;
  if (int e = fd_dict_search(g.dict, DICT_COMMAND, CMD_BY_CODE_R, &reauth, &g.rar, ENOENT); e != 0) {
    return fd_error("Re-Auth-Request", e);
  }
  if (int e = fd_dict_search(g.dict, DICT_COMMAND, CMD_BY_CODE_A, &reauth, &g.raa, ENOENT); e != 0) {
    return fd_error("Re-Auth-Answer", e);
  }
  g_dictionary = g;
  return Status::ok();
}

const GyDictionary& gy_dictionary() { return g_dictionary; }

}  // namespace gyrate::diameter::fd
