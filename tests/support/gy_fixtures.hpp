// Test fixtures: a CCR and a CCA of the Gy model with every field set, shared by the codec's unit
// tests and the loopback harness, so "every field survives" has one definition.
#pragma once

#include <string>

#include "gyrate/diameter/gy_message.hpp"

namespace gyrate::diameter::fixtures {

// Every field set, whatever the type: the codec carries fields; which ones a type should carry is
// the server's business. The MSCCs differ by type as a gateway's would (RSU first, USU later).
inline CreditControlRequest sample_ccr(CcRequestType type, uint32_t number, std::string session_id,
                                       std::string origin_host, std::string origin_realm) {
  CreditControlRequest q;
  q.session_id = std::move(session_id);
  q.origin_host = std::move(origin_host);
  q.origin_realm = std::move(origin_realm);
  q.destination_realm = "ocs.gyrate.test";
  q.destination_host = "ocs.e2e.gyrate.test";
  q.service_context_id = "32251@3gpp.org";
  q.cc_request_type = type;
  q.cc_request_number = number;
  q.requested_action = type == CcRequestType::kEvent ? RequestedAction::kPriceEnquiry
                                                     : RequestedAction::kDirectDebiting;
  q.event_timestamp = 3'976'000'000u + number;  // NTP seconds, 2026
  q.subscription_ids = {
      SubscriptionId{.type = SubscriptionIdType::kEndUserE164, .data = "8613800138000"},
      SubscriptionId{.type = SubscriptionIdType::kEndUserImsi, .data = "460001234567890"},
      SubscriptionId{.type = SubscriptionIdType::kEndUserNai, .data = "alice@llm.example"}};
  q.multiple_services_indicator = MultipleServicesIndicator::kSupported;
  q.user_name = "alice";
  q.termination_cause = TerminationCause::kLogout;

  MsccRequest tokens;
  tokens.rating_group = 100;
  tokens.service_identifiers = {7001, 7002};
  tokens.requested = ServiceUnits{.cc_time = std::nullopt, .cc_total_octets = std::nullopt,
                                  .cc_input_octets = std::nullopt, .cc_output_octets = std::nullopt,
                                  .cc_service_specific_units = 400'000};
  tokens.reporting_reason = ReportingReason::kQuotaExhausted;
  MsccRequest data;
  data.rating_group = 200;
  data.requested = ServiceUnits{};  // "grant what you decide"
  if (type != CcRequestType::kInitial) {
    tokens.used.push_back(UsedServiceUnit{
        .units = {.cc_time = 12, .cc_total_octets = std::nullopt, .cc_input_octets = std::nullopt,
                  .cc_output_octets = std::nullopt, .cc_service_specific_units = 123'456},
        .reporting_reason = ReportingReason::kThreshold});
    data.used.push_back(UsedServiceUnit{
        .units = {.cc_time = 60, .cc_total_octets = 5'000'000'000ull,
                  .cc_input_octets = 1'000'000'000ull, .cc_output_octets = 4'000'000'000ull,
                  .cc_service_specific_units = std::nullopt},
        .reporting_reason = std::nullopt});
    data.used.push_back(UsedServiceUnit{
        .units = {.cc_time = 1, .cc_total_octets = 1, .cc_input_octets = std::nullopt,
                  .cc_output_octets = std::nullopt, .cc_service_specific_units = std::nullopt},
        .reporting_reason = ReportingReason::kValidityTime});
  }
  q.mscc = {tokens, data};
  return q;
}

// The answer a test server gives to `q`: three MSCCs covering GSU in every unit, the thresholds,
// and Final-Unit-Indication with TERMINATE, REDIRECT and RESTRICT_ACCESS.
inline CreditControlAnswer sample_cca(const CreditControlRequest& q, std::string origin_host,
                                      std::string origin_realm) {
  CreditControlAnswer a;
  a.session_id = q.session_id;
  a.result_code = ResultCode::kSuccess;
  a.origin_host = std::move(origin_host);
  a.origin_realm = std::move(origin_realm);
  a.cc_request_type = q.cc_request_type;
  a.cc_request_number = q.cc_request_number;
  a.cc_session_failover = CcSessionFailover::kSupported;
  a.credit_control_failure_handling = CreditControlFailureHandling::kRetryAndTerminate;
  a.failed_avp = FailedAvp{.code = 872, .vendor_id = kVendor3gpp, .value = 42};

  MsccAnswer tokens;
  tokens.rating_group = 100;
  tokens.service_identifiers = {7001, 7002};
  tokens.result_code = ResultCode::kSuccess;
  tokens.granted = ServiceUnits{.cc_time = 3600, .cc_total_octets = 10'000'000'000ull,
                                .cc_input_octets = 2'000'000'000ull,
                                .cc_output_octets = 8'000'000'000ull,
                                .cc_service_specific_units = 400'000};
  tokens.validity_time = 900;
  tokens.volume_quota_threshold = 1'000'000;
  tokens.time_quota_threshold = 60;
  tokens.unit_quota_threshold = 40'000;
  tokens.final_unit = FinalUnitIndication{.action = FinalUnitAction::kTerminate, .filter_ids = {},
                                          .redirect_server = std::nullopt};
  MsccAnswer redirect;
  redirect.rating_group = 200;
  redirect.result_code = ResultCode::kSuccess;
  redirect.granted = ServiceUnits{.cc_time = std::nullopt, .cc_total_octets = 1'048'576,
                                  .cc_input_octets = std::nullopt, .cc_output_octets = std::nullopt,
                                  .cc_service_specific_units = std::nullopt};
  redirect.final_unit = FinalUnitIndication{
      .action = FinalUnitAction::kRedirect, .filter_ids = {},
      .redirect_server = RedirectServer{.address_type = RedirectAddressType::kUrl,
                                        .address = "https://topup.gyrate.test/buy"}};
  MsccAnswer restrict;
  restrict.rating_group = 300;
  restrict.service_identifiers = {9};
  restrict.result_code = ResultCode::kCreditLimitReached;
  restrict.final_unit = FinalUnitIndication{.action = FinalUnitAction::kRestrictAccess,
                                            .filter_ids = {"walled-garden", "dns-only"},
                                            .redirect_server = std::nullopt};
  a.mscc = {tokens, redirect, restrict};
  return a;
}

}  // namespace gyrate::diameter::fixtures
