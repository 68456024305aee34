// Internal: the unit AVPs shared by Requested-, Used- and Granted-Service-Unit.
#pragma once

#include <optional>

#include "fd_avp.hpp"

namespace gyrate::diameter::fd {

void write_units(AvpWriter w, const ServiceUnits& units);
// The units inside `group`; a Reporting-Reason there (3GPP allows it in USU) goes to *reason when
// reason is not null and is skipped otherwise.
ServiceUnits read_units(const AvpReader& outer, const Child& group,
                        std::optional<ReportingReason>* reason);

// Reporting-Reason 0..9 (3GPP TS 32.299 7.2.175).
inline constexpr int32_t kReportingReasonMax = 9;

}  // namespace gyrate::diameter::fd
