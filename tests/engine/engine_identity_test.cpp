// Identities: canonical forms, refusals by reason, and the engine's index from identity to account.
#include <gtest/gtest.h>

#include "engine_test_support.hpp"
#include "gyrate/engine/identity.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kTariff = "examples/tariffs/t08_all_modality.tariff";

ProvisionSpec spec(const std::string& id) {
  ProvisionSpec s;
  s.id = id;
  s.plan = "all_modality";
  s.activation = local(2026, 3, 10, 12, 0, kCst);
  return s;
}

TEST(Identity, CanonicalForms) {
  EXPECT_EQ(make_identity(IdentityType::kE164, "+447700900123")->value, "447700900123");
  EXPECT_EQ(make_identity(IdentityType::kImsi, "001010123456789")->value, "001010123456789");
  EXPECT_EQ(make_identity(IdentityType::kNai, "Alice@Example.ORG")->value, "Alice@example.org");
  EXPECT_EQ(make_identity(IdentityType::kNai, "alice")->value, "alice");
  Expected<Identity> parsed = parse_identity("e164:+8613800138000");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(identity_key(*parsed), "e164:8613800138000");
  EXPECT_EQ(parse_identity(identity_key(*parsed))->value, parsed->value);
}

TEST(Identity, RefusedWithReason) {
  struct Case {
    IdentityType type;
    const char* text;
    const char* reason;
  };
  for (const Case& c : {Case{IdentityType::kE164, "", "1 to 15 digits"},
                        Case{IdentityType::kE164, "0447700900123", "never starts with 0"},
                        Case{IdentityType::kE164, "1234567890123456", "1 to 15 digits"},
                        Case{IdentityType::kE164, "44-7700", "1 to 15 digits"},
                        Case{IdentityType::kImsi, "12345", "6 to 15 digits"},
                        Case{IdentityType::kImsi, "00101012345678x", "6 to 15 digits"},
                        Case{IdentityType::kNai, "a b@x", "spaces"},
                        Case{IdentityType::kNai, "a@b@c", "more than one"},
                        Case{IdentityType::kNai, "alice@", "realm"},
                        Case{IdentityType::kNai, "", "1 to 253"}}) {
    Expected<Identity> id = make_identity(c.type, c.text);
    ASSERT_FALSE(id) << c.text;
    EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(id.status().message().find(c.reason), std::string::npos) << id.status().message();
  }
  EXPECT_FALSE(parse_identity("msisdn:447700900123"));
  EXPECT_FALSE(parse_identity("447700900123"));
}

TEST(EngineIdentity, FindsTheAccountAndRefusesASecondOwner) {
  Engine engine(catalog(kTariff));
  ProvisionSpec alice = spec("alice");
  alice.identities = {{IdentityType::kE164, "+447700900123"}, {IdentityType::kNai, "alice@EXAMPLE.org"}};
  ASSERT_TRUE(engine.provision(alice));
  EXPECT_EQ(engine.find_by_identity({IdentityType::kE164, "447700900123"}), "alice");
  EXPECT_EQ(engine.find_by_identity({IdentityType::kNai, "alice@example.org"}), "alice");
  EXPECT_EQ(engine.find_by_identity({IdentityType::kImsi, "001010123456789"}), std::nullopt);

  ProvisionSpec bob = spec("bob");
  bob.identities = {{IdentityType::kE164, "447700900123"}};
  Status taken = engine.provision(bob);
  EXPECT_EQ(taken.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(taken.message().find("alice"), std::string::npos);
  EXPECT_EQ(engine.account_count(), 1u);  // bob was not created

  // Provisioning alice again replaces her identities: the old number is free for bob.
  alice.identities = {{IdentityType::kImsi, "001010123456789"}};
  ASSERT_TRUE(engine.provision(alice));
  EXPECT_EQ(engine.find_by_identity({IdentityType::kE164, "447700900123"}), std::nullopt);
  EXPECT_EQ(engine.find_by_identity({IdentityType::kImsi, "001010123456789"}), "alice");
  ASSERT_TRUE(engine.provision(bob));
  EXPECT_EQ(engine.find_by_identity({IdentityType::kE164, "447700900123"}), "bob");
}

TEST(EngineIdentity, BadOrRepeatedIdentityRefusesTheProvision) {
  Engine engine(catalog(kTariff));
  ProvisionSpec a = spec("a");
  a.identities = {{IdentityType::kImsi, "123"}};
  Status bad = engine.provision(a);
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("account 'a'"), std::string::npos);
  a.identities = {{IdentityType::kE164, "+15550100"}, {IdentityType::kE164, "15550100"}};
  EXPECT_NE(engine.provision(a).message().find("given twice"), std::string::npos);
  EXPECT_EQ(engine.account_count(), 0u);
}

}  // namespace
}  // namespace gyrate::engine

namespace gyrate::engine {
namespace {

using namespace testing;

ProvisionSpec with_identity(ProvisionSpec s, const char* e164) {
  s.identities = {{IdentityType::kE164, e164}};
  return s;
}

// A batch applies whole or not at all, and every bad spec is reported with its index.
TEST(EngineProvisionAll, RefusesTheWholeBatchAndListsEveryBadSpec) {
  Engine engine(catalog("examples/tariffs/t08_all_modality.tariff"));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(with_identity(subscriber("owner", "all_modality", t), "4415550001")));
  std::vector<ProvisionSpec> batch = {
      subscriber("a", "all_modality", t),
      subscriber("b", "no_such_plan", t),                                            // 1: plan
      with_identity(subscriber("c", "all_modality", t), "4415550001"),              // 2: owned
      subscriber("a", "all_modality", t),                                            // 3: twice
      with_identity(subscriber("d", "all_modality", t), "4415550002"),
      with_identity(subscriber("e", "all_modality", t), "+4415550002"),             // 5: twice
  };
  std::vector<ProvisionFailure> failures;
  Status s = engine.provision_all(batch, &failures);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("4 of 6 refused, nothing applied"), std::string::npos) << s.message();
  std::vector<size_t> indexes;
  for (const ProvisionFailure& f : failures) indexes.push_back(f.index);
  EXPECT_EQ(indexes, (std::vector<size_t>{1, 2, 3, 5}));
  EXPECT_EQ(engine.account_count(), 1u);
  EXPECT_EQ(engine.find_by_identity({IdentityType::kE164, "4415550002"}), std::nullopt);

  batch.erase(batch.begin() + 1, batch.begin() + 4);
  batch.pop_back();
  ASSERT_TRUE(engine.provision_all(batch, &failures));
  EXPECT_EQ(engine.account_count(), 3u);
  EXPECT_EQ(engine.find_by_identity({IdentityType::kE164, "4415550002"}), "d");
}

// An identity may move between two accounts of one batch: the batch is checked as a whole.
TEST(EngineProvisionAll, IdentityMovesWithinABatch) {
  Engine engine(catalog("examples/tariffs/t08_all_modality.tariff"));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(with_identity(subscriber("old", "all_modality", t), "4415550009")));
  ASSERT_TRUE(engine.provision_all({subscriber("old", "all_modality", t),
                                    with_identity(subscriber("new", "all_modality", t), "4415550009")}));
  EXPECT_EQ(engine.find_by_identity({IdentityType::kE164, "4415550009"}), "new");
}

}  // namespace
}  // namespace gyrate::engine
