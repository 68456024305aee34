// gyrate-ocs's store settings: `--store DIR` is the embedded store, `--store redis://...` the Redis
// Cluster store with its seeds; bad seeds are refused by name; the failover AVPs' settings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gyrate/ocs/ocs_options.hpp"

namespace gyrate::ocs {
namespace {

Expected<ParsedOcsArgs> parse(std::vector<std::string> more) {
  std::vector<std::string> args = {"--catalog", "c.tariff"};
  args.insert(args.end(), more.begin(), more.end());
  return parse_ocs_args(args);
}

TEST(OcsOptionsStoreTest, ADirectoryIsTheEmbeddedStore) {
  auto parsed = parse({"--store", "st"});
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  EXPECT_EQ(parsed->options.store_dir, "st");
  EXPECT_TRUE(parsed->options.redis_seeds.empty());
  EXPECT_FALSE(parsed->options.session_failover.has_value());
  EXPECT_FALSE(parsed->options.failure_handling.has_value());
}

TEST(OcsOptionsStoreTest, ARedisUrlGivesTheSeeds) {
  auto parsed = parse({"--store", "redis://127.0.0.1:7000,redis-b.example:7001", "--redis-wait-replicas", "2",
                       "--redis-wait-ms", "50", "--redis-deadline-ms", "400"});
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  EXPECT_TRUE(parsed->options.store_dir.empty());
  EXPECT_EQ(parsed->options.redis_seeds, (std::vector<std::string>{"127.0.0.1:7000", "redis-b.example:7001"}));
  EXPECT_EQ(parsed->options.redis_wait_replicas, 2);
  EXPECT_EQ(parsed->options.redis_wait_ms, 50);
  EXPECT_EQ(parsed->options.redis_deadline_ms, 400);
}

TEST(OcsOptionsStoreTest, BadSeedsAreRefusedByName) {
  for (const char* url : {"redis://", "redis://hostonly", "redis://h:0", "redis://h:99999", "redis://:7000"}) {
    auto parsed = parse({"--store", url});
    ASSERT_FALSE(parsed) << url;
    EXPECT_NE(parsed.status().message().find("--store"), std::string::npos) << parsed.status().to_string();
  }
  auto none = parse({});
  ASSERT_FALSE(none);
  EXPECT_NE(none.status().message().find("redis://"), std::string::npos) << none.status().to_string();
}

TEST(OcsOptionsStoreTest, FailoverSettings) {
  auto parsed = parse({"--store", "st", "--session-failover", "no", "--failure-handling", "continue"});
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  EXPECT_EQ(parsed->options.session_failover, false);
  EXPECT_EQ(parsed->options.failure_handling, diameter::CreditControlFailureHandling::kContinue);
  auto bad = parse({"--store", "st", "--failure-handling", "retry"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("retry-and-terminate"), std::string::npos);
}

}  // namespace
}  // namespace gyrate::ocs
