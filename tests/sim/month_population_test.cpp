// The population file: patterns expand to subscribers, the example parses, mistakes come back
// as file:line messages.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "gyrate/sim/population.hpp"

namespace gyrate::sim {
namespace {

using diameter::SubscriptionIdType;

TEST(MonthPopulation, GroupsExpandIdsAndIdentities) {
  auto p = parse_population(
      "# two groups\n"
      "{\"timezone\": \"+08:00\"}\n"
      "{\"plan\": \"token_starter\", \"id\": \"s-{n}\", \"count\": 3, \"identity\": "
      "\"e164:+8613800000998\", \"llm\": {\"models\": {\"1002\": 3, \"1003\": 1}, "
      "\"requests_per_day\": \"2k\", \"tokens_per_request\": [\"1k\", \"20k\"]}}\n"
      "\n"
      "{\"group\": \"g\", \"plan\": \"team_pro\", \"id\": \"m{n}\", \"first\": 7, \"count\": 2, "
      "\"account\": \"team\", \"identity\": \"nai:u{n}@x.example\", \"data\": {\"bytes_per_day\": "
      "\"2 GiB\", \"hours\": [8, 9], \"weekly\": [1, 1, 1, 1, 1, 0, 0]}}\n",
      "pop.jsonl");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->utc_offset_minutes, 480);
  ASSERT_EQ(p->subscribers.size(), 5u);
  EXPECT_EQ(p->subscribers[0].id, "s-1");
  EXPECT_EQ(p->subscribers[0].account, "s-1");
  EXPECT_EQ(p->subscribers[0].group, "token_starter");  // the plan names an unnamed group
  EXPECT_EQ(p->subscribers[0].identity.data, "+8613800000998");
  EXPECT_EQ(p->subscribers[2].identity.data, "+8613800001000");
  EXPECT_EQ(p->subscribers[2].identity.type, SubscriptionIdType::kEndUserE164);
  EXPECT_EQ(p->subscribers[3].id, "m7");
  EXPECT_EQ(p->subscribers[4].identity.data, "u8@x.example");
  EXPECT_EQ(p->subscribers[4].identity.type, SubscriptionIdType::kEndUserNai);
  EXPECT_EQ(p->subscribers[4].account, "team");
  const LlmProfile& llm = p->groups[0].llm;
  EXPECT_TRUE(llm.enabled);
  EXPECT_FALSE(p->groups[0].data.enabled);
  EXPECT_EQ(llm.requests_per_day, 2000u);
  EXPECT_EQ(llm.tokens_min, 1000u);
  EXPECT_EQ(llm.tokens_max, 20000u);
  ASSERT_EQ(llm.models.size(), 2u);
  EXPECT_EQ(llm.models[0].service_identifier, 1002u);
  EXPECT_EQ(llm.models[0].share, 3u);
  const DataProfile& data = p->groups[1].data;
  EXPECT_EQ(data.bytes_per_day, uint64_t{2} << 30);
  EXPECT_EQ(data.shape.hourly[7], 0);
  EXPECT_EQ(data.shape.hourly[8], 1);
  EXPECT_EQ(data.shape.weekly[6], 0);
}

TEST(MonthPopulation, TheExampleMatchesTheExampleSubscribers) {
  auto p = read_population(GYRATE_SOURCE_DIR "/examples/population.jsonl");
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->utc_offset_minutes, 480);
  EXPECT_EQ(p->subscribers.size(), 26u);
  // Every id and identity is one that examples/subscribers.{csv,jsonl} provisions.
  std::string provisioned;
  for (const char* file : {"/examples/subscribers.csv", "/examples/subscribers.jsonl"}) {
    std::ifstream in(std::string(GYRATE_SOURCE_DIR) + file);
    ASSERT_TRUE(in) << file;
    provisioned += std::string(std::istreambuf_iterator<char>(in), {});
  }
  for (const SimSubscriber& s : p->subscribers) {
    EXPECT_NE(provisioned.find(s.identity.data), std::string::npos) << s.id;
    EXPECT_NE(provisioned.find(s.account), std::string::npos) << s.id;
  }
}

TEST(MonthPopulation, MistakesComeBackWithFileAndLine) {
  auto p = parse_population(
      "{\"plan\": \"p\", \"id\": \"a\", \"identity\": \"e164:+861\", \"llm\": {}}\n"
      "{\"plan\": \"p\", \"id\": \"b\", \"identity\": \"e164:+862\", \"llm\": {\"modles\": 1}}\n"
      "{\"plan\": \"p\", \"id\": \"c\", \"identity\": \"e164:+863\" \"llm\": {}}\n"
      "{\"plan\": \"p\", \"id\": \"d\", \"count\": 2, \"identity\": \"e164:+864\", \"llm\": {}}\n"
      "{\"plan\": \"p\", \"id\": \"a\", \"identity\": \"e164:+865\", \"llm\": {}}\n"
      "{\"plan\": \"p\", \"id\": \"f\", \"identity\": \"tel:+866\", \"llm\": {}}\n"
      "{\"plan\": \"p\", \"id\": \"g\", \"identity\": \"e164:+867\"}\n"
      "{\"plan\": \"p\", \"id\": \"h\", \"identity\": \"e164:+868\", \"data\": "
      "{\"bytes_per_day\": \"5 XB\"}}\n"
      "{\"plan\": \"p\", \"id\": \"i\", \"identity\": \"e164:+869\", \"llm\": {\"hours\": [9, 24]}}\n",
      "bad.jsonl");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().message(),
            "bad.jsonl:2: unknown field 'modles' in 'llm' (fields: context, daily, hours, models, "
            "rating_group, requests_per_day, requests_per_session, reserve, tokens_per_request, unit, "
            "use_percent, weekly)\n"
            "bad.jsonl:3: bad JSON at column 54: syntax error while parsing object - unexpected string literal; "
            "expected '}'\n"
            "bad.jsonl:4: 'id' must hold {n} when 'count' is more than 1\n"
            "bad.jsonl:5: id 'a' is given twice\n"
            "bad.jsonl:6: identity 'tel:+866': expected e164:, imsi: or nai: and a value\n"
            "bad.jsonl:7: give 'llm', 'data' or both\n"
            "bad.jsonl:8: 'bytes_per_day' must be a whole number, optionally with k, M, G, KiB, "
            "MiB or GiB\n"
            "bad.jsonl:9: 'hours' must be [low, high] with 0 <= low <= high <= 23");
}

TEST(MonthPopulation, IdentitiesCountUpWithinTheirDigits) {
  auto p = parse_population(
      "{\"plan\": \"p\", \"id\": \"x{n}\", \"count\": 3, \"identity\": \"imsi:98\", "
      "\"llm\": {}}\n",
      "f");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().message(), "f:1: identity 'imsi:98' runs out of digits");
  EXPECT_FALSE(parse_identity("e164:+86a"));
  EXPECT_FALSE(parse_identity("imsi:"));
  EXPECT_TRUE(parse_identity("imsi:460001234567801"));
}

}  // namespace
}  // namespace gyrate::sim
