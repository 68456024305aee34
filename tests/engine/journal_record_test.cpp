// The embedded store's hot record and replay against the engine's memory: on a random mix of
// calls (reserves, commits, releases, packs, repeats, late and far-apart times over a team, a
// windowed plan and period ends), every change's hand-encoded record equals what protobuf makes
// of it, and the state replayed from the journal equals the engine's state field by field.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "account_codec.hpp"
#include "engine_test_support.hpp"
#include "gyrate/engine/embedded_store.hpp"
#include "journal_record.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kCatalog = "examples/catalog.tariff";

// What protobuf itself makes of the changes: the record the hand encoding must equal.
std::string protobuf_record(std::span<const AccountChange> changes) {
  store::AccountChanges record;
  for (const AccountChange& c : changes) {
    store::AccountChange* out = record.add_changes();
    codec::encode(*c.state, *out->mutable_state());
    if (c.key != nullptr) codec::encode(*c.key, *out->mutable_key());
    if (c.answer != nullptr) codec::encode(*c.answer, *out->mutable_answer());
    for (const Cdr& cdr : c.cdrs) codec::encode(cdr, *out->add_cdrs());
  }
  return record.SerializeAsString();
}

// An account with the answers it keeps, as a snapshot holds it.
store::StoredAccount stored(const AccountState& a) {
  store::StoredAccount out;
  codec::encode(a, *out.mutable_state());
  a.answered.for_each([&out](const RequestKey& key, const Answer& answer) {
    store::AnsweredRequest* r = out.add_answered();
    codec::encode(key, *r->mutable_key());
    codec::encode(answer, *r->mutable_answer());
  });
  return out;
}

// The embedded store, checking each record's encoding on the way in; its checkpoint() reads the
// engine's accounts into `memory` instead of writing a snapshot, so the journal alone remains.
class CheckingStore final : public AccountStore {
 public:
  explicit CheckingStore(std::unique_ptr<EmbeddedStore> inner) : inner_(std::move(inner)) {}

  Expected<std::vector<AccountState>> preload(const std::shared_ptr<const Catalog>& c) override {
    return inner_->preload(c);
  }
  Expected<AccountState> load(std::string_view id,
                              const std::shared_ptr<const Catalog>& c) override {
    return inner_->load(id, c);
  }
  ApplyResult apply(std::span<const AccountChange> changes) override {
    std::string hand;
    journal_record::encode(changes, hand);
    ++records;
    if (hand != protobuf_record(changes)) ++mismatches;
    for (const AccountChange& c : changes) {
      seen["cdrs"] += c.cdrs.size();
      seen["windows"] += c.state->windows.size();
      seen["notifications"] += c.state->notifications.size();
      seen["members"] += c.state->members.size();
      seen["reservations"] += c.state->reservations.size();
      seen["late requests"] += c.state->late_requests;
      for (const Bucket& b : c.state->buckets) {
        seen["pack buckets"] += b.origin == BucketOrigin::kPack;
        seen["overrun buckets"] += b.amount < 0;
        seen["rollover buckets"] += b.origin == BucketOrigin::kRollover;
      }
    }
    return inner_->apply(changes);
  }
  Status checkpoint(const AccountSource& accounts) override {
    accounts([this](const AccountState& a) { memory[a.id] = stored(a); });
    return Status::ok();
  }

  std::map<std::string, store::StoredAccount> memory;
  uint64_t records = 0;
  uint64_t mismatches = 0;
  std::map<std::string, uint64_t> seen;  // how often each part of an account was in a record

 private:
  std::unique_ptr<EmbeddedStore> inner_;
};

ProvisionSpec member(const std::string& id, const std::string& team) {
  ProvisionSpec spec;
  spec.id = id;
  spec.team = team;
  return spec;
}

// A few thousand calls drawn at random. Calls the engine refuses (a service the plan lacks, a
// commit of nothing reserved) are part of the mix: they must change nothing.
void random_mix(Engine& engine, uint32_t seed) {
  const int64_t t0 = local(2026, 3, 10, 12, 0, kCst);
  ProvisionSpec with_identity = subscriber("alice", "token_starter", t0);
  with_identity.identities = {Identity{IdentityType::kE164, "8613800000001"}};
  ProvisionSpec team = subscriber("t1", "team_pro", t0, 0, {{"seats", "3"}});
  ASSERT_TRUE(engine.provision_all({with_identity, subscriber("bob", "smart_bundle", t0),
                                    subscriber("carol", "coding", t0), team, member("m1", "t1"),
                                    member("m2", "t1"), subscriber("dan", "student_paygo", t0, 0,
                                                                   {{"student", "true"}})}));
  const std::vector<std::string> who = {"alice", "bob", "carol", "t1", "m1", "m2", "dan"};
  const std::vector<std::string> services = {"llm", "code", "data", "sec"};
  const std::vector<std::string> models = {"qwen_turbo", "qwen_max", ""};
  std::mt19937 random(seed);
  auto pick = [&random](size_t n) { return static_cast<size_t>(random() % n); };
  int64_t t = t0;
  uint32_t number = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string& id = who[pick(who.size())];
    const std::string& service = services[pick(services.size())];
    const std::string session = "s" + std::to_string(pick(40));  // sessions come back
    const uint32_t n = pick(8) == 0 ? number : ++number;           // and so do repeats
    const int64_t when = pick(10) == 0 ? t - 600 : t;               // late now and then
    // No take_notifications: it changes the account without a record (engine.cpp), so a restart
    // brings taken notifications back until the account's next change.
    switch (pick(8)) {
      case 0: case 1: case 2:
        (void)engine.reserve(id, {session, n, service, models[pick(models.size())],
                                  static_cast<int64_t>(pick(200'000)), when});
        break;
      case 3: case 4: case 5:
        (void)engine.commit(id, {session, n, service, static_cast<int64_t>(pick(1'000'000)), when});
        break;
      case 6: (void)engine.release(id, session, n, when); break;
      default: (void)engine.buy_pack(id, "order" + std::to_string(n), n, "yuan_400k", when); break;
    }
    // Mostly minutes apart, sometimes days: periods end, rollovers and packs expire.
    t += pick(100) == 0 ? static_cast<int64_t>(pick(10)) * kDay : static_cast<int64_t>(pick(300));
  }
}

TEST(JournalRecord, ReplayGivesBackTheEngineStateFieldByFieldAndEveryRecordIsProtobufs) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    TempDir dir;
    JournalOptions options;
    options.fsync = FsyncPolicy::kOff;
    options.max_segment_bytes = 256 << 10;  // segments rotate under the mix too
    std::map<std::string, store::StoredAccount> memory;
    std::map<std::string, uint64_t> seen;
    {
      auto inner = EmbeddedStore::open(dir.path(), options);
      ASSERT_TRUE(inner) << inner.status().to_string();
      auto owned = std::make_unique<CheckingStore>(std::move(*inner));
      CheckingStore& checking = *owned;
      auto engine = Engine::open(catalog(kCatalog), std::move(owned));
      ASSERT_TRUE(engine) << engine.status().to_string();
      random_mix(**engine, seed);
      ASSERT_TRUE((*engine)->checkpoint());
      EXPECT_GT(checking.records, 1000u) << "the mix barely changed anything";
      EXPECT_EQ(checking.mismatches, 0u) << "of " << checking.records << " records";
      memory = checking.memory;
      seen = checking.seen;
    }
    ASSERT_EQ(memory.size(), 5u);  // the team's members are in the team's account
    // The mix reaches every part of an account that the record carries.
    for (const auto& [part, count] : seen) EXPECT_GT(count, 0u) << part << ", seed " << seed;

    auto store = EmbeddedStore::open(dir.path(), options);
    ASSERT_TRUE(store) << store.status().to_string();
    EXPECT_TRUE((*store)->recovery().warnings.empty());
    auto recovered = (*store)->preload(catalog(kCatalog));
    ASSERT_TRUE(recovered) << recovered.status().to_string();
    ASSERT_EQ(recovered->size(), memory.size());
    for (const AccountState& a : *recovered) {
      std::string differences;
      google::protobuf::util::MessageDifferencer differ;
      differ.ReportDifferencesToString(&differences);
      EXPECT_TRUE(differ.Compare(memory[a.id], stored(a)))
          << "seed " << seed << ", account " << a.id << ":\n" << differences;
    }
  }
}

}  // namespace
}  // namespace gyrate::engine
