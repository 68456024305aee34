// Quantities as scenario files and load flags write them, and the Gy AVP each travels in.
#include <gtest/gtest.h>

#include "gyrate/sim/units.hpp"

namespace gyrate::sim {
namespace {

std::optional<Quantity> q(std::string_view number, std::string_view unit) {
  std::string error;
  return parse_quantity(number, unit, &error);
}

TEST(SimUnits, ServiceSpecificOctetsAndTime) {
  EXPECT_EQ(q("400k", "tokens"), (Quantity{.kind = UnitKind::kServiceSpecific, .value = 400'000}));
  EXPECT_EQ(q("1.5M", "token"), (Quantity{.kind = UnitKind::kServiceSpecific, .value = 1'500'000}));
  EXPECT_EQ(q("3", "events"), (Quantity{.kind = UnitKind::kServiceSpecific, .value = 3}));
  EXPECT_EQ(q("12", "requests"), (Quantity{.kind = UnitKind::kServiceSpecific, .value = 12}));
  EXPECT_EQ(q("7", ""), (Quantity{.kind = UnitKind::kServiceSpecific, .value = 7}));
  EXPECT_EQ(q("7", "units"), (Quantity{.kind = UnitKind::kServiceSpecific, .value = 7}));
  EXPECT_EQ(q("2", "MiB"), (Quantity{.kind = UnitKind::kOctets, .value = 2 * 1024 * 1024}));
  EXPECT_EQ(q("2", "MB"), (Quantity{.kind = UnitKind::kOctets, .value = 2'000'000}));
  EXPECT_EQ(q("100", "octets"), (Quantity{.kind = UnitKind::kOctets, .value = 100}));
  EXPECT_EQ(q("30", "s"), (Quantity{.kind = UnitKind::kTime, .value = 30}));
  EXPECT_EQ(q("2", "min"), (Quantity{.kind = UnitKind::kTime, .value = 120}));
  EXPECT_EQ(q("1", "h"), (Quantity{.kind = UnitKind::kTime, .value = 3600}));
}

TEST(SimUnits, Refusals) {
  std::string error;
  EXPECT_FALSE(parse_quantity("1.5", "tokens", &error));
  EXPECT_EQ(error, "not a whole number of units");
  EXPECT_FALSE(parse_quantity("1", "tokns", &error));
  EXPECT_NE(error.find("unknown unit `tokns`"), std::string::npos);
  EXPECT_FALSE(parse_quantity("x", "", &error));
  EXPECT_FALSE(parse_quantity("80%", "", &error));
  EXPECT_FALSE(parse_quantity("5000000000", "s", &error));  // CC-Time is 32 bits
  EXPECT_TRUE(is_unit_word("GiB"));
  EXPECT_FALSE(is_unit_word("CNY"));
  EXPECT_FALSE(is_unit_word("rg"));
}

TEST(SimUnits, TheAvpEachKindTravelsIn) {
  diameter::ServiceUnits u = to_service_units({.kind = UnitKind::kOctets, .value = 5});
  EXPECT_EQ(u.cc_total_octets, 5u);
  EXPECT_FALSE(u.cc_service_specific_units);
  EXPECT_EQ(units_of_kind(u, UnitKind::kOctets), 5u);
  EXPECT_FALSE(units_of_kind(u, UnitKind::kTime));
  EXPECT_EQ(to_service_units({.kind = UnitKind::kTime, .value = 9}).cc_time, 9u);
  EXPECT_EQ(to_service_units({.kind = UnitKind::kServiceSpecific, .value = 4}).cc_service_specific_units, 4u);
  EXPECT_EQ(to_string(Quantity{.kind = UnitKind::kOctets, .value = 3}), "3 octets");
}

}  // namespace
}  // namespace gyrate::sim
