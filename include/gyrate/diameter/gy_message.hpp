// A plain C++ model of Gy (RFC 4006, 3GPP TS 32.299) Credit-Control requests and answers, free of
// freeDiameter types, so the mapping to the engine is a pure function that tests build by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/diameter/result_code.hpp"

namespace gyrate::diameter {

inline constexpr uint32_t kCreditControlApplicationId = 4;  // RFC 4006 Auth-Application-Id
inline constexpr uint32_t kVendor3gpp = 10415;

// Enumerated AVP values. The codec refuses values outside these lists with 5004, so a value that
// reaches the model is always one of them.
enum class CcRequestType : int32_t { kInitial = 1, kUpdate = 2, kTermination = 3, kEvent = 4 };
enum class RequestedAction : int32_t {
  kDirectDebiting = 0, kRefundAccount = 1, kCheckBalance = 2, kPriceEnquiry = 3 };
enum class SubscriptionIdType : int32_t {
  kEndUserE164 = 0, kEndUserImsi = 1, kEndUserSipUri = 2, kEndUserNai = 3, kEndUserPrivate = 4 };
enum class MultipleServicesIndicator : int32_t { kNotSupported = 0, kSupported = 1 };
enum class TerminationCause : int32_t {
  kLogout = 1, kServiceNotProvided = 2, kBadAnswer = 3, kAdministrative = 4, kLinkBroken = 5,
  kAuthExpired = 6, kUserMoved = 7, kSessionTimeout = 8 };
// 3GPP TS 32.299 7.2.175.
enum class ReportingReason : int32_t {
  kThreshold = 0, kQht = 1, kFinal = 2, kQuotaExhausted = 3, kValidityTime = 4, kOtherQuotaType = 5,
  kRatingConditionChange = 6, kForcedReauthorisation = 7, kPoolExhausted = 8, kUnusedQuotaTimer = 9 };
enum class FinalUnitAction : int32_t { kTerminate = 0, kRedirect = 1, kRestrictAccess = 2 };
enum class RedirectAddressType : int32_t { kIpv4 = 0, kIpv6 = 1, kUrl = 2, kSipUri = 3 };
enum class CcSessionFailover : int32_t { kNotSupported = 0, kSupported = 1 };
enum class CreditControlFailureHandling : int32_t {
  kTerminate = 0, kContinue = 1, kRetryAndTerminate = 2 };
enum class CheckBalanceResult : int32_t { kEnoughCredit = 0, kNoCredit = 1 };

// The unit kinds shared by Requested-, Used- and Granted-Service-Unit. An RSU with no unit set is
// meaningful ("grant what you decide"), so the AVPs that carry one are optional<ServiceUnits>.
struct ServiceUnits {
  std::optional<uint32_t> cc_time;  // seconds
  std::optional<uint64_t> cc_total_octets;
  std::optional<uint64_t> cc_input_octets;
  std::optional<uint64_t> cc_output_octets;
  std::optional<uint64_t> cc_service_specific_units;  // tokens, requests, events
  bool operator==(const ServiceUnits&) const = default;
};

struct UsedServiceUnit {
  ServiceUnits units;
  std::optional<ReportingReason> reporting_reason;  // 3GPP puts it in USU or in the MSCC
  bool operator==(const UsedServiceUnit&) const = default;
};

struct SubscriptionId {
  SubscriptionIdType type = SubscriptionIdType::kEndUserE164;
  std::string data;
  bool operator==(const SubscriptionId&) const = default;
};

struct MsccRequest {
  std::optional<uint32_t> rating_group;
  std::vector<uint32_t> service_identifiers;
  std::optional<ServiceUnits> requested;
  std::vector<UsedServiceUnit> used;
  std::optional<ReportingReason> reporting_reason;
  bool operator==(const MsccRequest&) const = default;
};

struct CreditControlRequest {
  std::string session_id;
  std::string origin_host;
  std::string origin_realm;
  std::string destination_realm;
  std::optional<std::string> destination_host;
  uint32_t auth_application_id = kCreditControlApplicationId;
  std::string service_context_id;  // e.g. "32251@3gpp.org"
  CcRequestType cc_request_type = CcRequestType::kInitial;
  uint32_t cc_request_number = 0;
  std::optional<RequestedAction> requested_action;
  std::optional<uint32_t> event_timestamp;  // NTP seconds (since 1900), as on the wire
  std::vector<SubscriptionId> subscription_ids;
  std::optional<MultipleServicesIndicator> multiple_services_indicator;
  std::vector<MsccRequest> mscc;
  std::optional<TerminationCause> termination_cause;
  std::optional<std::string> user_name;
  bool operator==(const CreditControlRequest&) const = default;
};

struct RedirectServer {
  RedirectAddressType address_type = RedirectAddressType::kUrl;
  std::string address;
  bool operator==(const RedirectServer&) const = default;
};

struct FinalUnitIndication {
  FinalUnitAction action = FinalUnitAction::kTerminate;
  std::vector<std::string> filter_ids;            // RESTRICT_ACCESS
  std::optional<RedirectServer> redirect_server;  // REDIRECT
  bool operator==(const FinalUnitIndication&) const = default;
};

struct MsccAnswer {
  std::optional<uint32_t> rating_group;
  std::vector<uint32_t> service_identifiers;
  std::optional<ResultCode> result_code;
  std::optional<ServiceUnits> granted;
  std::optional<uint32_t> validity_time;  // seconds
  std::optional<FinalUnitIndication> final_unit;
  std::optional<uint32_t> volume_quota_threshold;  // octets
  std::optional<uint32_t> time_quota_threshold;    // seconds
  std::optional<uint32_t> unit_quota_threshold;    // service-specific units
  bool operator==(const MsccAnswer&) const = default;
};

// The AVP a Failed-AVP names: for a missing AVP the codec sends it with an empty (zero) value, for a
// bad one with the offending value, as RFC 6733 7.5 asks.
struct FailedAvp {
  uint32_t code = 0;
  uint32_t vendor_id = 0;
  std::optional<int64_t> value;  // the offending integer value (5004 on an enumerated AVP)
  bool operator==(const FailedAvp&) const = default;
};

// RFC 4006 8.7: a price (PRICE_ENQUIRY's answer) as Value-Digits x 10^Exponent in the ISO 4217
// currency with this numeric code.
struct CostInformation {
  int64_t value_digits = 0;
  int32_t exponent = 0;
  uint32_t currency_code = 0;
  std::optional<std::string> cost_unit;
  bool operator==(const CostInformation&) const = default;
};

struct CreditControlAnswer {
  std::string session_id;  // filled from the request when built as its answer
  ResultCode result_code = ResultCode::kSuccess;
  std::string origin_host;   // empty: the local identity of the running core
  std::string origin_realm;  // empty: the local realm
  uint32_t auth_application_id = kCreditControlApplicationId;
  CcRequestType cc_request_type = CcRequestType::kInitial;
  uint32_t cc_request_number = 0;
  std::vector<MsccAnswer> mscc;
  std::optional<FailedAvp> failed_avp;
  std::optional<CcSessionFailover> cc_session_failover;
  std::optional<CreditControlFailureHandling> credit_control_failure_handling;
  std::optional<CheckBalanceResult> check_balance_result;  // CHECK_BALANCE's answer
  std::optional<CostInformation> cost_information;         // PRICE_ENQUIRY's answer
  bool operator==(const CreditControlAnswer&) const = default;
};

}  // namespace gyrate::diameter
