// Internal: the Gy objects of freeDiameter's dictionary (application 4, CCR/CCA, the AVPs the model
// carries). Only diameter/fd_*.cpp and the codec's tests include this; no public header does.
#pragma once

#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

#include <array>
#include <cstdint>

#include "gyrate/base/status.hpp"
#include "gyrate/diameter/gy_message.hpp"

namespace gyrate::diameter::fd {

inline constexpr uint32_t kCreditControlCommand = 272;  // CCR and CCA
inline constexpr uint32_t kReAuthCommand = 258;         // RAR and RAA (RFC 6733 8.3)

// Every AVP the codec reads or writes. The table in fd_dictionary.cpp gives code, vendor and type.
enum class Avp : uint8_t {
  kUserName, kEventTimestamp, kFilterId, kSessionId, kOriginHost, kOriginRealm, kDestinationRealm,
  kDestinationHost, kAuthApplicationId, kResultCode, kFailedAvp, kTerminationCause,
  kCcInputOctets, kCcOutputOctets, kCcRequestNumber, kCcRequestType, kCcServiceSpecificUnits,
  kCcSessionFailover, kCcTime, kCcTotalOctets, kCreditControlFailureHandling, kFinalUnitIndication,
  kGrantedServiceUnit, kRatingGroup, kRedirectAddressType, kRedirectServer, kRedirectServerAddress,
  kRequestedAction, kRequestedServiceUnit, kServiceIdentifier, kSubscriptionId,
  kSubscriptionIdData, kUsedServiceUnit, kValidityTime, kFinalUnitAction, kSubscriptionIdType,
  kMultipleServicesIndicator, kMultipleServicesCreditControl, kServiceContextId,
  kTimeQuotaThreshold, kVolumeQuotaThreshold, kReportingReason, kUnitQuotaThreshold,
  kCheckBalanceResult, kCostInformation, kUnitValue, kValueDigits, kExponent, kCurrencyCode,
  kCostUnit, kReAuthRequestType,
  kCount
};
inline constexpr size_t kAvpCount = static_cast<size_t>(Avp::kCount);

struct AvpSpec {
  Avp id;
  uint32_t code;
  uint32_t vendor;
  const char* name;  // as dict_dcca / dict_dcca_3gpp name it
  enum dict_avp_basetype type;
};
const AvpSpec& avp_spec(Avp id);
// The spec with this code and vendor, or nullptr when the codec does not know the AVP.
const AvpSpec* find_avp_spec(uint32_t code, uint32_t vendor);

struct GyDictionary {
  struct dictionary* dict = nullptr;
  struct dict_object* application = nullptr;
  struct dict_object* ccr = nullptr;
  struct dict_object* cca = nullptr;
  struct dict_object* rar = nullptr;  // the base protocol's, sent with application 4 (Gy RAR)
  struct dict_object* raa = nullptr;
  std::array<struct dict_object*, kAvpCount> avps{};
  struct dict_object* avp(Avp id) const { return avps[static_cast<size_t>(id)]; }
};

// Finds the Gy objects in the running core's dictionary and defines those missing, so the codec
// works with dict_dcca(.fdx) and dict_dcca_3gpp loaded (their definitions are used as they are) and
// without them (unit tests, a core with no extension). Call after fd_core_initialize and after
// fd_core_parseconf has loaded extensions; calling again returns the same objects.
Status setup_gy_dictionary();
// The objects found by setup_gy_dictionary; nullptr members before it succeeded.
const GyDictionary& gy_dictionary();

}  // namespace gyrate::diameter::fd
