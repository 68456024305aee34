// Service-unit AVPs (RFC 4006 8.17-8.21) in both directions.
#include "fd_units.hpp"

namespace gyrate::diameter::fd {

void write_units(AvpWriter w, const ServiceUnits& units) {
  w.opt_u32(Avp::kCcTime, units.cc_time);
  w.opt_u64(Avp::kCcTotalOctets, units.cc_total_octets);
  w.opt_u64(Avp::kCcInputOctets, units.cc_input_octets);
  w.opt_u64(Avp::kCcOutputOctets, units.cc_output_octets);
  w.opt_u64(Avp::kCcServiceSpecificUnits, units.cc_service_specific_units);
}

ServiceUnits read_units(const AvpReader& outer, const Child& group,
                        std::optional<ReportingReason>* reason) {
  ServiceUnits u;
  AvpReader r = outer.nested();
  r.for_each(group.avp, {}, [&](const Child& c) {
    switch (c.id) {
      case Avp::kCcTime: u.cc_time = AvpReader::u32(c); break;
      case Avp::kCcTotalOctets: u.cc_total_octets = AvpReader::u64(c); break;
      case Avp::kCcInputOctets: u.cc_input_octets = AvpReader::u64(c); break;
      case Avp::kCcOutputOctets: u.cc_output_octets = AvpReader::u64(c); break;
      case Avp::kCcServiceSpecificUnits: u.cc_service_specific_units = AvpReader::u64(c); break;
      case Avp::kReportingReason:
        if (reason != nullptr) *reason = r.enumerated<ReportingReason>(c, 0, kReportingReasonMax);
        break;
      default: break;
    }
  });
  return u;
}

}  // namespace gyrate::diameter::fd
