// Unit tests of ContextBuilder: slot sizing, attribute defaults, local time fields, and parsing of
// attribute and builtin values from text in every type, with error messages for bad input.
#include "gyrate/ruleslang/context_builder.hpp"

#include <gtest/gtest.h>

#include "gyrate/ruleslang/calendar.hpp"

namespace gyrate::lang {
namespace {

ir::Program make_program() {
  ir::Program p;
  p.timezone_offset_minutes = 8 * 60;
  p.currencies = {{"CNY", 2}, {"USD", 2}};
  p.strings = {"", "retail", "shanghai_opc"};
  ir::Model m;
  m.name = "qwen_max";
  p.models.push_back(m);
  m.name = "qwen_turbo";
  p.models.push_back(m);
  uint16_t slot = kSlotBuiltinCount;
  auto attr = [&](const char* name, Type t, int64_t def) {
    ir::Attribute a;
    a.name = name;
    a.type = t;
    a.slot = slot++;
    a.default_value = def;
    p.attributes.push_back(a);
  };
  attr("seats", Type::of(TypeKind::kInt), 1);
  attr("opc", Type::of(TypeKind::kBool), 0);
  attr("segment", Type::of(TypeKind::kString), 1);
  attr("discount", Type::of(TypeKind::kRatio), 0);
  attr("budget", Type::money(0), 100'000'000);
  attr("quota", Type::quantity(Dim::kByte), 0);
  attr("tokens", Type::quantity(Dim::kToken), 0);
  attr("joined", Type::of(TypeKind::kDate), 0);
  attr("quiet_from", Type::of(TypeKind::kTimeOfDay), 0);
  attr("rest_day", Type::of(TypeKind::kWeekday), 7);
  attr("favourite", Type::of(TypeKind::kModel), -1);
  p.context_slots = slot;
  return p;
}

class ContextBuilderTest : public ::testing::Test {
 protected:
  int64_t attr(const char* name) {
    return b.context().slots[p.attributes[static_cast<size_t>(p.find_attribute(name))].slot];
  }
  // Sets and returns the value, failing the test on an error.
  int64_t set(const char* name, const char* text) {
    std::string err = b.set_attribute(name, text);
    EXPECT_EQ(err, "") << name << " = " << text;
    return attr(name);
  }
  std::string error(const char* name, const char* text) { return b.set_attribute(name, text); }

  ir::Program p = make_program();  // declared before the builder, which keeps a reference
  ContextBuilder b{p};
};

TEST_F(ContextBuilderTest, DefaultsAndSizing) {
  ContextBuilder fresh(p);
  const Context& c = fresh.context();
  ASSERT_EQ(c.slots.size(), p.context_slots);
  EXPECT_EQ(c.slots[kSlotModel], -1);
  EXPECT_EQ(c.slots[kSlotTimestamp], 0);
  EXPECT_EQ(c.slots[kSlotHour], 8);  // epoch at +08:00
  EXPECT_EQ(c.slots[kSlotWeekday], 4);
  EXPECT_EQ(c.slots[p.attributes[0].slot], 1);
  EXPECT_EQ(c.slots[p.attributes[2].slot], 1);
  EXPECT_EQ(c.slots[p.attributes[4].slot], 100'000'000);
  EXPECT_EQ(c.slots[p.attributes[10].slot], -1);
  EXPECT_EQ(c.data(), c.slots.data());
}

TEST_F(ContextBuilderTest, LocalTimeFields) {
  b.at(1'700'000'000);  // 2023-11-14 22:13:20 UTC = 2023-11-15 06:13 at +08:00, a Wednesday
  const auto& s = b.context().slots;
  EXPECT_EQ(s[kSlotTimestamp], 1'700'000'000);
  EXPECT_EQ(s[kSlotDate], calendar::days_from_civil({2023, 11, 15}));
  EXPECT_EQ(s[kSlotYear], 2023);
  EXPECT_EQ(s[kSlotMonth], 11);
  EXPECT_EQ(s[kSlotDay], 15);
  EXPECT_EQ(s[kSlotHour], 6);
  EXPECT_EQ(s[kSlotMinute], 13);
  EXPECT_EQ(s[kSlotTime], 6 * 60 + 13);
  EXPECT_EQ(s[kSlotWeekday], 3);
}

TEST_F(ContextBuilderTest, ModelAndSet) {
  b.model("qwen_turbo");
  EXPECT_EQ(b.context().slots[kSlotModel], 1);
  b.model("gpt");
  EXPECT_EQ(b.context().slots[kSlotModel], -1);
  b.set(kSlotRemaining, 777).set(kSlotWindowUsed3, 5);
  EXPECT_EQ(b.context().slots[kSlotRemaining], 777);
  EXPECT_EQ(b.context().slots[kSlotWindowUsed3], 5);
}

TEST_F(ContextBuilderTest, AttributesOfEveryType) {
  EXPECT_EQ(set("seats", "42"), 42);
  EXPECT_EQ(set("seats", "400k"), 400'000);
  EXPECT_EQ(set("seats", "1.5M"), 1'500'000);
  EXPECT_EQ(set("seats", "-3"), -3);
  EXPECT_EQ(set("seats", " 1_000 "), 1'000);
  EXPECT_EQ(set("opc", "true"), 1);
  EXPECT_EQ(set("opc", "false"), 0);
  EXPECT_EQ(set("segment", "shanghai_opc"), 2);
  EXPECT_EQ(set("segment", "\"retail\""), 1);
  EXPECT_EQ(set("segment", "beijing"), 0);  // unknown to the catalog
  EXPECT_EQ(set("discount", "1.5"), 1'500'000);
  EXPECT_EQ(set("discount", "80%"), 800'000);
  EXPECT_EQ(set("discount", "0.000125"), 125);
  EXPECT_EQ(set("budget", "9.9"), 9'900'000);
  EXPECT_EQ(set("budget", "9.9 CNY"), 9'900'000);
  EXPECT_EQ(set("quota", "20 GiB"), int64_t{20} << 30);
  EXPECT_EQ(set("quota", "20GiB"), int64_t{20} << 30);
  EXPECT_EQ(set("quota", "1.5 KB"), 1'500);
  EXPECT_EQ(set("quota", "512"), 512);
  EXPECT_EQ(set("tokens", "400k"), 400'000);
  EXPECT_EQ(set("tokens", "400k token"), 400'000);
  EXPECT_EQ(set("tokens", "3 tokens"), 3);
  EXPECT_EQ(set("joined", "2026-02-28"), calendar::days_from_civil({2026, 2, 28}));
  EXPECT_EQ(set("quiet_from", "22:30"), 22 * 60 + 30);
  EXPECT_EQ(set("rest_day", "sat"), 6);
  EXPECT_EQ(set("favourite", "qwen_max"), 0);
  EXPECT_EQ(set("favourite", "none"), -1);
}

TEST_F(ContextBuilderTest, AttributeErrors) {
  EXPECT_NE(error("nope", "1"), "");
  EXPECT_NE(error("nope", "1").find("unknown attribute"), std::string::npos);
  EXPECT_NE(error("seats", "1.5").find("whole"), std::string::npos);
  EXPECT_NE(error("seats", "abc").find("expected a number"), std::string::npos);
  EXPECT_NE(error("seats", "12 token"), "");
  EXPECT_NE(error("seats", "99999999999999999999").find("too large"), std::string::npos);
  EXPECT_NE(error("opc", "yes"), "");
  EXPECT_NE(error("discount", "0.0000001").find("decimal places"), std::string::npos);
  EXPECT_NE(error("budget", "9.9 USD").find("wrong currency"), std::string::npos);
  EXPECT_NE(error("budget", "9.9 EUR").find("unknown currency"), std::string::npos);
  EXPECT_NE(error("quota", "20 GiBs").find("unknown unit"), std::string::npos);
  EXPECT_NE(error("quota", "400k token").find("expected byte"), std::string::npos);
  EXPECT_NE(error("tokens", "0.5 token").find("decimal places"), std::string::npos);
  EXPECT_NE(error("joined", "2026-02-29").find("calendar date"), std::string::npos);
  EXPECT_NE(error("quiet_from", "24:00").find("time of day"), std::string::npos);
  EXPECT_NE(error("rest_day", "monday").find("weekday"), std::string::npos);
  EXPECT_NE(error("favourite", "gpt").find("unknown model"), std::string::npos);
  // A failed set leaves the previous value.
  set("seats", "5");
  error("seats", "x");
  EXPECT_EQ(attr("seats"), 5);
}

TEST_F(ContextBuilderTest, SetByName) {
  const auto& s = b.context().slots;
  EXPECT_EQ(b.set_by_name("requested", "400k"), "");
  EXPECT_EQ(s[kSlotRequested], 400'000);
  EXPECT_EQ(b.set_by_name("remaining", "1 GiB"), "");  // service-relative: any unit
  EXPECT_EQ(s[kSlotRemaining], int64_t{1} << 30);
  EXPECT_EQ(b.set_by_name("used", "90 min"), "");
  EXPECT_EQ(s[kSlotUsed], 5'400);
  EXPECT_EQ(b.set_by_name("spend", "12.5 USD"), "");  // any declared currency
  EXPECT_EQ(s[kSlotSpend], 12'500'000);
  EXPECT_EQ(b.set_by_name("period_index", "3"), "");
  EXPECT_EQ(s[kSlotPeriodIndex], 3);
  EXPECT_EQ(b.set_by_name("model", "qwen_max"), "");
  EXPECT_EQ(s[kSlotModel], 0);
  EXPECT_EQ(b.set_by_name("weekday", "fri"), "");
  EXPECT_EQ(s[kSlotWeekday], 5);
  EXPECT_EQ(b.set_by_name("time", "07:05"), "");
  EXPECT_EQ(s[kSlotTime], 425);
  EXPECT_EQ(b.set_by_name("date", "2024-02-29"), "");
  EXPECT_EQ(s[kSlotDate], 19782);
  EXPECT_EQ(b.set_by_name("seats", "7"), "");
  EXPECT_EQ(attr("seats"), 7);
  EXPECT_EQ(b.set_by_name("timestamp", "1700000000"), "");
  EXPECT_EQ(s[kSlotHour], 6);
  EXPECT_NE(b.set_by_name("bogus", "1").find("unknown name"), std::string::npos);
  EXPECT_NE(b.set_by_name("requested", "1 parsec").find("unknown unit"), std::string::npos);
  EXPECT_NE(b.set_by_name("spend", "1 EUR"), "");
  EXPECT_NE(b.set_by_name("", "1"), "");  // unnamed slots are not settable by name
}

}  // namespace
}  // namespace gyrate::lang

namespace gyrate::lang {
namespace {

TEST(ContextBuilderService, BuiltinQuantitiesTakeOnlyTheServiceUnit) {
  ir::Program p;
  ContextBuilder any(p);
  EXPECT_EQ(any.set_by_name("requested", "2 token"), "");  // no service: any unit
  ContextBuilder bytes(p);
  bytes.for_service(Dim::kByte);
  EXPECT_NE(bytes.set_by_name("requested", "2 token").find("measures token, expected byte"),
            std::string::npos);
  EXPECT_EQ(bytes.set_by_name("requested", "2 KiB"), "");
  EXPECT_EQ(bytes.context().slots[kSlotRequested], 2048);
  EXPECT_EQ(bytes.set_by_name("remaining", "3"), "");  // a bare number is in the base unit
  EXPECT_EQ(bytes.context().slots[kSlotRemaining], 3);
}

TEST(ContextBuilderService, WindowCountersAreSetByIndex) {
  ir::Program p;
  ContextBuilder b(p);
  b.for_service(Dim::kToken);
  EXPECT_EQ(b.set_by_name("window_used0", "60 requests"), "");  // a window counts in its own unit
  EXPECT_EQ(b.set_by_name("window_used3", "5k"), "");
  EXPECT_EQ(b.context().slots[kSlotWindowUsed0], 60);
  EXPECT_EQ(b.context().slots[kSlotWindowUsed3], 5000);
  EXPECT_NE(b.set_by_name("window_used4", "1"), "");
  EXPECT_NE(b.set_by_name("window_used", "1"), "");
}

}  // namespace
}  // namespace gyrate::lang
