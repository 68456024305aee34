// The engine on its embedded store: every change durable before the answer, restart = snapshot +
// replay giving back the same balances and stored answers, CDRs exported exactly once, and a
// failed write that changes nothing.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <sstream>

#include "engine_test_support.hpp"
#include "gyrate/engine/cdr_files.hpp"
#include "gyrate/engine/embedded_store.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kCatalog = "examples/catalog.tariff";
constexpr int64_t kK = 1000;

int64_t t0() { return local(2026, 3, 10, 12, 0, kCst); }

std::unique_ptr<Engine> open_engine(const std::filesystem::path& dir,
                                    const JournalOptions& options = {}) {
  auto store = EmbeddedStore::open(dir, options);
  EXPECT_TRUE(store) << store.status().to_string();
  if (!store) return nullptr;
  auto engine = Engine::open(catalog(kCatalog), std::move(*store));
  EXPECT_TRUE(engine) << engine.status().to_string();
  return engine ? std::move(*engine) : nullptr;
}

EmbeddedStore& store_of(Engine& engine) { return dynamic_cast<EmbeddedStore&>(*engine.store()); }

// Everything balances() shows, as text, so two engines can be compared field by field.
std::string describe(Engine& engine, const std::string& id, int64_t t) {
  auto b = engine.balances(id, t);
  if (!b) return b.status().to_string();
  std::ostringstream out;
  out << "spend " << b->spend << " fees " << b->fees_charged << " last_fee " << b->last_fee
      << " period " << b->period.start << ".." << b->period.end << " #" << b->period.index
      << " open " << b->open_reservations << " notes " << b->pending_notifications << " revision "
      << b->revision << " late " << b->late_requests << " team " << b->team << "\n";
  EXPECT_EQ(b->bucket_services.size(), b->buckets.size());
  for (size_t i = 0; i < b->buckets.size(); ++i) {
    const Bucket& x = b->buckets[i];
    out << "  bucket " << b->bucket_services[i] << " " << origin_name(x.origin) << " " << x.offer.str() << " "
        << x.amount << " [" << x.valid_from << "," << x.valid_until << ")\n";
  }
  for (const ServiceBalance& s : b->services) {
    out << "  " << s.service << " remaining " << s.remaining << " reserved " << s.reserved
        << " used " << s.used << " allowance " << s.period_allowance << "\n";
  }
  for (const std::string& p : b->promos_granted) out << "  promo " << p << "\n";
  for (const MemberBalance& m : b->members) {
    for (const MemberServiceBalance& s : m.services) {
      out << "  member " << m.id << " " << s.service << " used " << s.used << " reserved "
          << s.reserved << " room " << s.cap_room << "\n";
    }
  }
  return out.str();
}

ProvisionSpec member(const std::string& id, const std::string& team) {
  ProvisionSpec spec;
  spec.id = id;
  spec.team = team;
  spec.identities = {Identity{IdentityType::kImsi, "4600000000000" + id.substr(1)}};
  return spec;
}

// A population and a few hours of traffic: reservations left open, commits, a pack, a team's
// members using pooled tokens and a windowed service.
void play(Engine& engine) {
  ProvisionSpec alice = subscriber("alice", "token_starter", t0());
  alice.identities = {Identity{IdentityType::kE164, "8613800000001"}};
  ASSERT_TRUE(engine.provision_all({alice, subscriber("t1", "team_pro", t0(), 0, {{"seats", "3"}}),
                                    member("m1", "t1"), member("m2", "t1")}));
  int64_t t = t0() + 60;
  for (uint32_t i = 1; i <= 5; ++i) {
    std::string session = "a" + std::to_string(i);
    ASSERT_TRUE(engine.reserve("alice", {session, 1, "llm", "qwen_turbo", 40 * kK, t}));
    ASSERT_TRUE(engine.commit("alice", {session, 2, "llm", 33 * kK + i, t + 30}));
    t += 600;
  }
  ASSERT_TRUE(engine.reserve("alice", {"open", 1, "llm", "qwen_turbo", 10 * kK, t}));
  ASSERT_TRUE(engine.buy_pack("alice", "order-1", 1, "yuan_400k", t));
  for (const char* who : {"m1", "m2"}) {
    std::string s = std::string(who) + "-s";
    ASSERT_TRUE(engine.reserve(who, {s, 1, "llm", "qwen_max", 100 * kK, t}));
    ASSERT_TRUE(engine.commit(who, {s, 2, "llm", 77 * kK, t + 5}));
    ASSERT_TRUE(engine.reserve(who, {s, 3, "code", "", 1, t + 6}));
    ASSERT_TRUE(engine.commit(who, {s, 4, "code", 1, t + 7}));
  }
}

TEST(EngineStore, RestartGivesBackEveryBalanceAndStoredAnswer) {
  TempDir dir;
  const int64_t later = t0() + 3 * kDay;
  std::string alice, team, m1;
  Answer first;
  {
    auto engine = open_engine(dir.path());
    ASSERT_TRUE(engine);
    play(*engine);
    auto c = engine->commit("alice", {"last", 1, "llm", 1234, t0() + 7200});
    ASSERT_TRUE(c);
    first = *c;
    alice = describe(*engine, "alice", later);
    team = describe(*engine, "t1", later);
    m1 = describe(*engine, "m1", later);
  }
  auto engine = open_engine(dir.path());
  ASSERT_TRUE(engine);
  EXPECT_EQ(engine->account_count(), 2u);
  EXPECT_EQ(describe(*engine, "alice", later), alice);
  EXPECT_EQ(describe(*engine, "t1", later), team);
  EXPECT_EQ(describe(*engine, "m1", later), m1);
  EXPECT_EQ(engine->find_by_identity(Identity{IdentityType::kE164, "8613800000001"}), "alice");
  EXPECT_EQ(engine->find_by_identity(Identity{IdentityType::kImsi, "46000000000001"}), "m1");
  // A repeat after the restart gets the stored answer and debits nothing.
  auto again = engine->commit("alice", {"last", 1, "llm", 1234, t0() + 7200});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->committed, first.committed);
  EXPECT_EQ(describe(*engine, "alice", later), alice);
  // The open reservation survived: its commit draws from what it held.
  auto open = engine->commit("alice", {"open", 2, "llm", 10 * kK, later});
  ASSERT_TRUE(open);
  EXPECT_EQ(open->committed, 10 * kK);
  EXPECT_FALSE(open->duplicate);
}

TEST(EngineStore, EveryChangeIsOneRecordAndABatchIsOne) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  ASSERT_TRUE(engine);
  ASSERT_TRUE(engine->provision_all({subscriber("a", "token_starter", t0()),
                                     subscriber("b", "token_starter", t0()),
                                     subscriber("c", "token_starter", t0())}));
  EXPECT_EQ(store_of(*engine).journal_stats().records, 1u);
  ASSERT_TRUE(engine->reserve("a", {"s", 1, "llm", "", 100, t0()}));
  ASSERT_TRUE(engine->commit("a", {"s", 2, "llm", 100, t0()}));
  EXPECT_EQ(store_of(*engine).journal_stats().records, 3u);
  // A repeat and a refused call write nothing.
  ASSERT_TRUE(engine->commit("a", {"s", 2, "llm", 100, t0()}));
  EXPECT_FALSE(engine->commit("a", {"s", 3, "nosuch", 100, t0()}));
  EXPECT_FALSE(engine->provision_all({subscriber("d", "token_starter", t0()),
                                      subscriber("e", "no_such_plan", t0())}));
  EXPECT_EQ(store_of(*engine).journal_stats().records, 3u);
}

int64_t sum_debits(const std::vector<Cdr>& cdrs) {
  int64_t total = 0;
  for (const Cdr& c : cdrs) total += c.debit;
  return total;
}

std::vector<Cdr> exported_cdrs(EmbeddedStore& store) {
  std::vector<Cdr> all;
  for (const auto& file : store.cdr_files()) {
    auto cdrs = read_cdr_file(file);
    EXPECT_TRUE(cdrs) << cdrs.status().to_string();
    if (cdrs) all.insert(all.end(), cdrs->begin(), cdrs->end());
  }
  return all;
}

TEST(EngineStore, CheckpointExportsEachCdrOnceAndRecoveryStartsFromTheSnapshot) {
  TempDir dir;
  const int64_t t = t0() + 100;
  int64_t pack_and_fees = 0;
  {
    auto engine = open_engine(dir.path());
    ASSERT_TRUE(engine);
    ASSERT_TRUE(engine->provision(subscriber("a", "token_starter", t0())));
    for (uint32_t i = 0; i < 10; ++i) {
      ASSERT_TRUE(engine->commit("a", {"s" + std::to_string(i), 1, "llm", 1000 + i, t}));
    }
    ASSERT_TRUE(engine->checkpoint());
    EXPECT_EQ(exported_cdrs(store_of(*engine)).size(), 10u);
    EXPECT_TRUE(store_of(*engine).pending_cdrs().empty());
    for (uint32_t i = 10; i < 15; ++i) {
      ASSERT_TRUE(engine->commit("a", {"s" + std::to_string(i), 1, "llm", 1000 + i, t}));
    }
    ASSERT_TRUE(engine->buy_pack("a", "o1", 1, "yuan_400k", t));
    pack_and_fees = engine->balances("a", t)->spend;
  }
  auto engine = open_engine(dir.path());
  ASSERT_TRUE(engine);
  EmbeddedStore& store = store_of(*engine);
  EXPECT_GT(store.recovery().snapshot_sequence, 0u);
  EXPECT_EQ(store.recovery().records_replayed, 6u);
  std::vector<Cdr> exported = exported_cdrs(store);
  std::vector<Cdr> pending = store.pending_cdrs();
  ASSERT_EQ(exported.size(), 10u);
  ASSERT_EQ(pending.size(), 6u);  // 5 commits and the pack
  EXPECT_EQ(pending.back().pack, "yuan_400k");
  EXPECT_EQ(pending.back().charged, 1 * kCny);
  int64_t used = service(*engine->balances("a", t), "llm").used;
  EXPECT_EQ(sum_debits(exported) + sum_debits(pending), used);
  EXPECT_EQ(used, 15 * 1000 + (0 + 14) * 15 / 2);
  EXPECT_EQ(engine->balances("a", t)->spend, pack_and_fees);
  // A second checkpoint exports only what is new; the files never repeat a sequence.
  ASSERT_TRUE(engine->checkpoint());
  std::vector<Cdr> all = exported_cdrs(store);
  ASSERT_EQ(all.size(), 16u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].sequence, all[i].sequence);
  // The JSON lines say the same.
  auto files = store.cdr_files();
  auto jsonl = testing::read_bytes(std::filesystem::path(files.back()).replace_extension(".jsonl"));
  EXPECT_NE(jsonl.find("\"pack\":\"yuan_400k\""), std::string::npos) << jsonl;
  EXPECT_NE(jsonl.find("\"charged_millionths\":1000000"), std::string::npos) << jsonl;
}


TEST(EngineStore, ACheckpointCutShortAfterItsCdrExportDoesNotExportThemTwice) {
  TempDir dir;
  {
    auto engine = open_engine(dir.path());
    ASSERT_TRUE(engine);
    ASSERT_TRUE(engine->provision(subscriber("a", "token_starter", t0())));
    for (uint32_t i = 0; i < 3; ++i) {
      ASSERT_TRUE(engine->commit("a", {"s" + std::to_string(i), 1, "llm", 100, t0()}));
    }
    // The snapshot of sequence 4 cannot be written (a directory sits where its temporary file
    // goes): the CDRs are exported, the journal keeps its records, as after a crash right there.
    std::filesystem::create_directory(dir.path() / "snapshot-00000000000000000004.snap.tmp");
    EXPECT_FALSE(engine->checkpoint());
    EXPECT_EQ(exported_cdrs(store_of(*engine)).size(), 3u);
  }
  auto engine = open_engine(dir.path());
  ASSERT_TRUE(engine);
  EXPECT_EQ(store_of(*engine).recovery().records_replayed, 4u);
  EXPECT_TRUE(store_of(*engine).pending_cdrs().empty());
  EXPECT_EQ(exported_cdrs(store_of(*engine)).size(), 3u);
  EXPECT_EQ(service(*engine->balances("a", t0()), "llm").used, 300);
}

TEST(EngineStore, AFailedWriteChangesNothingAndTheNextOneLands) {
  TempDir dir;
  catalog(kCatalog);  // compiled before the fork
  const int code = run_in_child([&] {
    std::signal(SIGXFSZ, SIG_IGN);  // write(2) fails with EFBIG instead of the kernel killing us
    auto engine = open_engine(dir.path());
    if (!engine || !engine->provision(subscriber("a", "token_starter", t0()))) return 2;
    const std::string before = describe(*engine, "a", t0());
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    rlimit tiny = limit;
    tiny.rlim_cur = 1;
    if (::setrlimit(RLIMIT_FSIZE, &tiny) != 0) return 3;
    auto refused = engine->commit("a", {"s", 1, "llm", 5000, t0()});
    if (refused || refused.status().code() != ErrorCode::kResourceExhausted) return 4;
    if (describe(*engine, "a", t0()) != before) return 5;  // nothing changed in memory
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 6;
    auto landed = engine->commit("a", {"s", 1, "llm", 5000, t0()});
    if (!landed || landed->duplicate || landed->committed != 5000) return 7;
    const std::string after = describe(*engine, "a", t0());
    engine.reset();
    auto reopened = open_engine(dir.path());
    if (!reopened || describe(*reopened, "a", t0()) != after) return 8;
    return 0;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace gyrate::engine
