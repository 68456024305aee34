// key_slot against the cluster spec's examples and against a real node's CLUSTER KEYSLOT.
#include <random>

#include "cluster_test_support.hpp"

namespace gyrate::testing {
namespace {

using redis::key_slot;

TEST(KeySlotTest, SpecExamples) {
  EXPECT_EQ(key_slot("foo"), 12182);  // the spec's example
  EXPECT_EQ(key_slot("123456789") , 0x31C3 & 16383);  // CRC16/XMODEM check value 0x31C3
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
  EXPECT_EQ(key_slot("foo{}{bar}"), key_slot("foo{}{bar}"));
  EXPECT_NE(key_slot("foo{}{bar}"), key_slot("bar"));  // "{}" hashes the whole key
  EXPECT_EQ(key_slot("foo{{bar}}zap"), key_slot("{bar"));
  EXPECT_EQ(key_slot("foo{bar}{zap}"), key_slot("bar"));
  EXPECT_EQ(key_slot("{acct:42}:req"), key_slot("acct:42"));
  EXPECT_EQ(key_slot(""), 0);
}

TEST(KeySlotTest, MatchesClusterKeyslotOnARealNode) {
  LocalClusterOptions options;
  options.masters = 1;
  std::unique_ptr<LocalCluster> cluster = start_cluster(options);
  ASSERT_TRUE(cluster);
  std::unique_ptr<redis::ClusterClient> client = connect_client(cluster->client_options());
  ASSERT_TRUE(client);

  // Random binary keys, braces included, so that every branch of the hash-tag rule is met.
  std::mt19937 random(12);
  const std::string alphabet = std::string("ab{}:x\0\xff", 8);
  std::vector<redis::Command> commands;
  for (int i = 0; i < 2000; ++i) {
    std::string key;
    for (int n = static_cast<int>(random() % 12); n > 0; --n) key += alphabet[random() % alphabet.size()];
    commands.push_back(redis::Command{.key = "", .argv = {"CLUSTER", "KEYSLOT", key}});
  }
  std::vector<Expected<redis::Reply>> replies = client->pipeline(commands);
  ASSERT_EQ(replies.size(), commands.size());
  for (size_t i = 0; i < replies.size(); ++i) {
    ASSERT_TRUE(replies[i]) << replies[i].status().to_string();
    EXPECT_EQ(replies[i]->integer, key_slot(commands[i].argv[2])) << "key " << commands[i].argv[2];
  }
}

}  // namespace
}  // namespace gyrate::testing
