// The CDR exporter on a real Redis Cluster: every CDR of the engine's commits lands in exactly
// one export file in the normal case, the outboxes are empty afterwards, and a pass that cannot
// write its file trims nothing (the CDRs come in the next pass).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

#include "gyrate/engine/cdr_files.hpp"
#include "gyrate/redis/cdr_export.hpp"
#include "gyrate/redis/store_keys.hpp"
#include "store_cluster_support.hpp"

namespace gyrate::redis {
namespace {

using namespace test;
using engine::testing::subscriber;

class CdrExport : public ClusterTest<1, 0> {
 protected:
  void SetUp() override {
    ClusterTest<1, 0>::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("gyrate-export-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static RedisStoreOptions no_wait() {
    RedisStoreOptions o;
    o.wait_replicas = 0;
    return o;
  }

  // `sessions` reserve + commit pairs on each account: one CDR per commit.
  static void charge(engine::Engine& engine, const std::vector<std::string>& accounts,
                     int sessions) {
    for (const std::string& a : accounts) {
      ASSERT_TRUE(engine.provision(subscriber(a, "token_starter", t0())));
      for (int i = 0; i < sessions; ++i) {
        std::string s = a + "-" + std::to_string(i);
        int64_t t = t0() + 60 + i * 60;
        ASSERT_TRUE(engine.reserve(a, {s, 1, "llm", "qwen_turbo", 10 * kK, t}));
        ASSERT_TRUE(engine.commit(a, {s, 2, "llm", 1 * kK + i, t + 10}));
      }
    }
  }

  std::vector<engine::Cdr> exported() const {
    std::vector<engine::Cdr> all;
    for (const auto& [number, file] : engine::cdr_files(dir_)) {
      auto cdrs = engine::read_cdr_file(file);
      EXPECT_TRUE(cdrs);
      all.insert(all.end(), cdrs->begin(), cdrs->end());
    }
    return all;
  }

  std::filesystem::path dir_;
};

TEST_F(CdrExport, EveryCdrOnceAndTheOutboxesEmptied) {
  auto engine = open_engine(*cluster_, no_wait());
  ASSERT_TRUE(engine);
  std::vector<std::string> accounts = {"x1", "x2", "x3", "x4"};
  charge(*engine, accounts, 5);
  ASSERT_EQ(xlen_sum(*cluster_, accounts), 20);

  CdrExporter exporter(connect(*cluster_), CdrExportOptions{dir_, 1000, false});
  auto pass = exporter.export_once();
  ASSERT_TRUE(pass) << pass.status().to_string();
  EXPECT_EQ(pass->cdrs, 20u);
  EXPECT_EQ(pass->outboxes, std::set<std::string>({outbox_key_of("x1"), outbox_key_of("x2"),
                                                   outbox_key_of("x3"), outbox_key_of("x4")})
                                .size());
  EXPECT_EQ(pass->trim_failures, 0u);
  EXPECT_FALSE(pass->more);
  EXPECT_EQ(xlen_sum(*cluster_, accounts), 0);

  auto again = exporter.export_once();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->cdrs, 0u);
  EXPECT_EQ(engine::cdr_files(dir_).size(), 1u);

  std::vector<engine::Cdr> cdrs = exported();
  ASSERT_EQ(cdrs.size(), 20u);
  std::set<std::pair<std::string, uint64_t>> keys;
  int64_t used = 0;
  for (const engine::Cdr& c : cdrs) {
    keys.emplace(c.account, c.revision);
    used += c.used;
  }
  EXPECT_EQ(keys.size(), 20u);  // (account, revision) names each CDR
  EXPECT_EQ(used, 4 * (5 * 1000 + 0 + 1 + 2 + 3 + 4));
  // The JSON lines file carries the same records.
  std::ifstream jsonl(engine::cdr_files(dir_)[0].second.replace_extension(".jsonl"));
  size_t lines = 0;
  for (std::string line; std::getline(jsonl, line);) ++lines;
  EXPECT_EQ(lines, 20u);

  // CDRs written after a pass go in the next one.
  charge(*engine, {"x5"}, 1);
  auto third = exporter.export_once();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->cdrs, 1u);
  EXPECT_EQ(third->number, 2u);
  EXPECT_EQ(exported().size(), 21u);
}

TEST_F(CdrExport, APassThatCannotWriteTrimsNothing) {
  auto engine = open_engine(*cluster_, no_wait());
  ASSERT_TRUE(engine);
  charge(*engine, {"y1"}, 3);
  // The export directory cannot be made: a regular file stands in its parent's place.
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  CdrExporter broken(connect(*cluster_), CdrExportOptions{dir_ / "file" / "cdr", 1000, false});
  EXPECT_FALSE(broken.export_once());
  EXPECT_EQ(xlen_sum(*cluster_, {"y1"}), 3);

  CdrExporter exporter(connect(*cluster_), CdrExportOptions{dir_ / "cdr", 2, false});
  size_t total = 0;
  for (int i = 0; i < 5; ++i) {
    auto pass = exporter.export_once();
    ASSERT_TRUE(pass);
    total += pass->cdrs;
    if (!pass->more) break;
  }
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(xlen_sum(*cluster_, {"y1"}), 0);
}

TEST_F(CdrExport, APassOverEmptyOutboxesIsOneFlightPerMaster) {
  CdrExporter exporter(connect(*cluster_), CdrExportOptions{dir_, 1000, false});
  ASSERT_TRUE(exporter.export_once());  // connections made
  auto start = std::chrono::steady_clock::now();
  constexpr int kPasses = 5;
  for (int i = 0; i < kPasses; ++i) {
    auto pass = exporter.export_once();
    ASSERT_TRUE(pass);
    EXPECT_EQ(pass->cdrs, 0u);
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start).count() / kPasses;
  std::printf("export pass over 16384 empty outboxes: %lld ms\n", static_cast<long long>(ms));
  EXPECT_LT(ms, 2000);
  EXPECT_TRUE(engine::cdr_files(dir_).empty());
}

}  // namespace
}  // namespace gyrate::redis
