// The gyrate FUNCTION library against a real Redis: a one-node cluster (one master owning every
// slot). gyrate_apply's three verdicts and what each writes, the answer's TTL, the outbox in the
// account's slot, and loading/verifying the library on every master.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "gyrate/redis/store_functions.hpp"
#include "gyrate/redis/store_keys.hpp"
#include "store_cluster_support.hpp"

namespace gyrate::redis {
namespace {


TEST(StoreKeys, EveryOutboxSharesItsSlot) {
  for (uint32_t slot = 0; slot < kSlots; ++slot) {
    std::string_view tag = slot_tag(static_cast<uint16_t>(slot));
    ASSERT_LE(tag.size(), 3u) << slot;
    ASSERT_EQ(key_slot(outbox_key(static_cast<uint16_t>(slot))), slot);
  }
  for (const char* id : {"alice", "t1", "a}b", "{x}", "8613800000001"}) {
    EXPECT_EQ(key_slot(outbox_key_of(id)), key_slot(account_key(id))) << id;
  }
}

class Functions : public test::ClusterTest<1, 0> {
 protected:
  void SetUp() override {
    test::ClusterTest<1, 0>::SetUp();
    if (IsSkipped()) return;
    port_ = cluster_->master_ports()[0];
    cmd({"FUNCTION", "FLUSH"});
    client_ = test::connect(*cluster_);
    ASSERT_TRUE(client_);
    ASSERT_TRUE(ensure_functions(*client_));
  }

  std::string cmd(const std::vector<std::string>& argv) { return test::text(*cluster_, port_, argv); }

  // gyrate_apply on account `id` (the outbox named only with CDRs, as RedisStore does); the
  // verdict and its value as "verdict:value".
  std::string apply(const std::string& id, const std::string& request, const std::string& expected,
                    const std::string& next, const std::string& state, int64_t ttl_ms,
                    const std::string& answer, const std::vector<std::string>& cdrs = {},
                    const std::string& session = "") {
    std::string key = account_key(id);
    std::vector<std::string> argv = {"FCALL", "gyrate_apply", cdrs.empty() ? "1" : "2", key};
    if (!cdrs.empty()) argv.push_back(outbox_key_of(id));
    for (const std::string& a : {expected, next, state, "ids-" + state, std::to_string(ttl_ms),
                                 request, session, answer}) {
      argv.push_back(a);
    }
    argv.insert(argv.end(), cdrs.begin(), cdrs.end());
    Expected<Reply> r = client_->run(Command{key, argv});
    if (!r) return r.status().to_string();
    if (r->type == Reply::Type::kError) return "error:" + r->str;
    return r->elements.at(0).str + ":" + r->elements.at(1).str;
  }

  // The stored answer of `request`: "<expiry ms>:<answer>", or "" when none.
  std::string stored(const std::string& id, const std::string& request) {
    return cmd({"HGET", account_key(id), "r:" + request});
  }

  bool answered(const std::string& id, const std::string& session) {
    return cmd({"FCALL_RO", "gyrate_answered", "1", account_key(id), session}) == "1";
  }

  int port_ = 0;
  std::shared_ptr<ClusterClient> client_;
};

TEST_F(Functions, AppliesThenAnswersTheRepeatAndRefusesAStaleRevision) {
  // Provisioning (no request): creates the account and its index lines.
  EXPECT_EQ(apply("a1", "", "0", "1", "S1", 0, ""), "applied:");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "ids"}), "ids-S1");
  // A request: state, revision, answer and CDRs in one step.
  EXPECT_EQ(apply("a1", "r1", "1", "3", "S2", 60'000, "ANSWER", {"cdr-1", "cdr-2"}), "applied:");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "rev"}), "3");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "state"}), "S2");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "ids"}), "ids-S1");  // only provisioning writes it
  EXPECT_EQ(cmd({"XLEN", outbox_key_of("a1")}), "2");
  std::string r1 = stored("a1", "r1");
  ASSERT_NE(r1.find(':'), std::string::npos) << r1;
  EXPECT_EQ(r1.substr(r1.find(':') + 1), "ANSWER");
  int64_t ttl = std::stoll(r1) - std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(ttl, 50'000);
  EXPECT_LE(ttl, 60'000);

  // The repeat: the stored answer, whatever it carries now, and no second write.
  EXPECT_EQ(apply("a1", "r1", "3", "4", "S3", 60'000, "OTHER", {"cdr-3"}), "duplicate:ANSWER");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "rev"}), "3");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "state"}), "S2");
  EXPECT_EQ(cmd({"XLEN", outbox_key_of("a1")}), "2");

  // Another request decided on revision 1: refused with the revision to reload.
  EXPECT_EQ(apply("a1", "r2", "1", "4", "S3", 60'000, "A2", {"cdr-3"}), "conflict:3");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "state"}), "S2");
  EXPECT_EQ(stored("a1", "r2"), "");
  EXPECT_EQ(cmd({"XLEN", outbox_key_of("a1")}), "2");
  // An account that does not exist is at revision 0.
  EXPECT_EQ(apply("a2", "r1", "5", "6", "S", 60'000, "A"), "conflict:0");
  EXPECT_EQ(cmd({"EXISTS", account_key("a2")}), "0");
}

TEST_F(Functions, ProvisioningAgainWithTheStoredStateCountsAsApplied) {
  EXPECT_EQ(apply("a1", "", "0", "1", "S1", 0, ""), "applied:");
  // The same batch run again by a node that never installed it: expected 0, same state.
  EXPECT_EQ(apply("a1", "", "0", "1", "S1", 0, ""), "applied:ids-S1");
  // A different state on the stale revision is a conflict.
  EXPECT_EQ(apply("a1", "", "0", "1", "S9", 0, ""), "conflict:1");
  // So is a request whose state happens to match: only provisioning may repeat this way.
  EXPECT_EQ(apply("a1", "r", "0", "1", "S1", 1000, "A"), "conflict:1");
}

TEST_F(Functions, LoadGivesRevisionAndStateOrNothing) {
  EXPECT_EQ(apply("a1", "", "0", "7", "STATE", 0, ""), "applied:");
  Expected<Reply> r = client_->run(Command{"", {"FCALL_RO", "gyrate_load", "1", account_key("a1")}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->elements.size(), 2u);
  EXPECT_EQ(r->elements[0].str, "7");
  EXPECT_EQ(r->elements[1].str, "STATE");
  r = client_->run(Command{"", {"FCALL_RO", "gyrate_load", "1", account_key("nobody")}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, Reply::Type::kArray);
  EXPECT_TRUE(r->elements.empty());
}

TEST_F(Functions, CdrsCannotGoToAnotherSlotsOutbox) {
  // The cluster itself refuses keys of two slots in one call: the outbox must be the account's.
  std::string key = account_key("a1");
  uint16_t other = static_cast<uint16_t>((key_slot(key) + 1) % kSlots);
  Expected<Reply> r = client_->run(Command{
      key, {"FCALL", "gyrate_apply", "2", key, outbox_key(other), "0", "1", "S", "", "1000", "x",
            "", "A", "cdr"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, Reply::Type::kError);
  EXPECT_NE(r->str.find("CROSSSLOT"), std::string::npos) << r->str;
}

TEST_F(Functions, CdrsNeedTheirOutboxKey) {
  EXPECT_EQ(apply("a1", "", "0", "1", "S1", 0, ""), "applied:");
  std::string key = account_key("a1");
  Expected<Reply> r = client_->run(Command{
      key, {"FCALL", "gyrate_apply", "1", key, "1", "2", "S", "", "1000", "x", "", "A", "cdr"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, Reply::Type::kError);
  EXPECT_EQ(cmd({"HGET", key, "rev"}), "1");  // refused before anything was written
}

TEST_F(Functions, SessionMarkersAndAnswersExpire) {
  EXPECT_EQ(apply("a1", "", "0", "1", "S1", 0, ""), "applied:");
  EXPECT_EQ(apply("a1", "r1", "1", "2", "S2", 150, "A1", {}, "sess"), "applied:");
  EXPECT_TRUE(answered("a1", "sess"));
  EXPECT_FALSE(answered("a1", "other"));
  EXPECT_FALSE(answered("nobody", "sess"));
  // A repeat renews both: still there after the first TTL has passed.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(apply("a1", "r1", "2", "3", "S3", 150, "A9", {}, "sess"), "duplicate:A1");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(answered("a1", "sess"));
  EXPECT_EQ(apply("a1", "r1", "2", "3", "S3", 150, "A9", {}, "sess"), "duplicate:A1");
  // Past its TTL the request is a new one (decided on the current revision) and the session unknown.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(answered("a1", "sess"));
  EXPECT_EQ(apply("a1", "r1", "2", "3", "S3", 150, "A3"), "applied:");
  EXPECT_EQ(cmd({"HGET", account_key("a1"), "state"}), "S3");
}

TEST_F(Functions, ExpiredAnswersArePrunedAsChangesGoOn) {
  // A state over 64 bytes, as every real one: the hash is a hash table, scanned a few fields at a time.
  const std::string state(200, 's');
  const std::string key = account_key("a1");
  EXPECT_EQ(apply("a1", "", "0", "1", state, 0, ""), "applied:");
  int rev = 1;
  auto burst = [&](int n, const std::string& tag, int64_t ttl_ms) {
    for (int i = 0; i < n; ++i, ++rev) {
      ASSERT_EQ(apply("a1", tag + std::to_string(i), std::to_string(rev), std::to_string(rev + 1),
                      state, ttl_ms, "A", {}, tag + std::to_string(i / 4)),
                "applied:");
    }
  };
  // Answers kept 1 ms: each change adds an answer (and a marker every 4th) and scans 8 fields
  // on, deleting the expired ones, so the hash stays small instead of holding 500 fields.
  burst(400, "old", 1);
  EXPECT_LT(std::stoll(cmd({"HLEN", key})), 150) << "expired answers were not pruned";
  // Live answers are never pruned: 100 kept a minute are all there, and answer their repeats.
  burst(100, "new", 60'000);
  EXPECT_GE(std::stoll(cmd({"HLEN", key})), 100 + 25 + 4);
  for (int i = 0; i < 100; ++i) EXPECT_NE(stored("a1", "new" + std::to_string(i)), "") << i;
  EXPECT_EQ(apply("a1", "new0", std::to_string(rev), "9999", state, 60'000, "B"), "duplicate:A");
}

TEST_F(Functions, UnindexRemovesOnlyAnEntryStillPointingToTheAccount) {
  cmd({"SET", identity_index_key("imsi:1"), "a1"});
  cmd({"SET", identity_index_key("imsi:2"), "b"});
  for (const char* id : {"imsi:1", "imsi:2"}) {
    std::string key = identity_index_key(id);
    ASSERT_TRUE(client_->run(Command{key, {"FCALL", "gyrate_unindex", "1", key, "a1"}}));
  }
  EXPECT_EQ(cmd({"EXISTS", identity_index_key("imsi:1")}), "0");
  EXPECT_EQ(cmd({"GET", identity_index_key("imsi:2")}), "b");
}

TEST_F(Functions, EveryMasterGetsThisVersionButNoneIsDowngraded) {
  const int64_t ours = functions_version(functions_source());
  ASSERT_GT(ours, 0);
  EXPECT_EQ(cmd({"FCALL_RO", "gyrate_version", "0"}), std::to_string(ours));
  std::string source(functions_source());
  auto with_version = [&](int64_t v) {
    std::string s = source;
    std::string marker = "local VERSION = " + std::to_string(ours);
    s.replace(s.find(marker), marker.size(), "local VERSION = " + std::to_string(v));
    return s;
  };
  // An older library (a node of an older gyrate loaded it): replaced.
  cmd({"FUNCTION", "LOAD", "REPLACE", with_version(ours - 1)});
  EXPECT_EQ(cmd({"FCALL_RO", "gyrate_version", "0"}), std::to_string(ours - 1));
  ASSERT_TRUE(ensure_functions(*client_));
  EXPECT_EQ(cmd({"FCALL_RO", "gyrate_version", "0"}), std::to_string(ours));
  // Missing (a master that never had it): loaded.
  cmd({"FUNCTION", "DELETE", "gyrate"});
  ASSERT_TRUE(ensure_functions(*client_));
  EXPECT_EQ(cmd({"FCALL_RO", "gyrate_version", "0"}), std::to_string(ours));
  // A newer one: left alone, and this node refuses to run on it.
  cmd({"FUNCTION", "LOAD", "REPLACE", with_version(ours + 1)});
  Status s = ensure_functions(*client_);
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition) << s.to_string();
  EXPECT_EQ(cmd({"FCALL_RO", "gyrate_version", "0"}), std::to_string(ours + 1));
}

}  // namespace
}  // namespace gyrate::redis
