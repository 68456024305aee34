// Service units on the wire per dimension (architecture.md, Gy mapping): tokens, requests and
// events travel as CC-Service-Specific-Units, bytes as octets, seconds as CC-Time. A unit never
// crosses dimensions: tokens reported as CC-Time are not tokens.
#pragma once

#include <cstdint>
#include <optional>

#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/ruleslang/types.hpp"

namespace gyrate::diameter {

// The amount `units` carries in `dim`, or nullopt when it carries none in that dimension. Bytes:
// CC-Total-Octets, else CC-Input-Octets + CC-Output-Octets.
std::optional<int64_t> amount_in(const ServiceUnits& units, lang::Dim dim);
// A Granted-Service-Unit of `amount` in `dim`'s AVP (clamped to what the AVP holds).
ServiceUnits units_in(lang::Dim dim, int64_t amount);
// Puts a quota threshold of `amount` in the AVP for `dim` (Volume-, Time- or Unit-Quota-Threshold).
void set_quota_threshold(MsccAnswer& answer, lang::Dim dim, int64_t amount);

}  // namespace gyrate::diameter
