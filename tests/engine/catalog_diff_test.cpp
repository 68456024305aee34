// Catalog diff: every kind of change found with its old and new value, no change on an equal or
// merely reformatted catalog, and T11's subscribers affected from the dates rule 20 gives (checked
// against the engine itself).
#include "gyrate/engine/catalog_diff.hpp"

#include <gtest/gtest.h>

#include "engine_test_support.hpp"
#include "gyrate/ruleslang/checker.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

std::shared_ptr<const Catalog> compile(const std::string& text) {
  lang::SourceFile source("test.tariff", text);
  lang::Diagnostics diags;
  std::optional<lang::ir::Program> program = lang::compile_source(source, diags);
  EXPECT_TRUE(program) << lang::render_all(diags, source);
  if (!program) return nullptr;
  CatalogOptions options;
  options.evaluator = jit::EvaluatorKind::kInterp;
  auto catalog = Catalog::create(std::move(*program), options);
  EXPECT_TRUE(catalog);
  return catalog ? *catalog : nullptr;
}

CatalogDiff diff(const std::string& old_text, const std::string& new_text) {
  auto a = compile(old_text);
  auto b = compile(new_text);
  if (!a || !b) return {};
  return diff_catalogs(a->program(), b->program());
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string dump(const CatalogDiff& d) {
  std::string s;
  for (const CatalogChange& c : d.changes) {
    s += c.plan + " v" + std::to_string(c.version) + " [" + c.what + "] " + c.old_value + " -> " +
         c.new_value + "\n";
  }
  return s;
}

// A plan using every item the diff compares.
const std::string kBase = R"(currency CNY minor 2;
timezone +08:00;
service llm  { unit token; rating_group 100; quota 20k token; }
service data { unit byte; rating_group 200; quota 20 MiB; }
model qwen_plus { service llm; id 1002; weight 2; modality text; }
model qwen_max  { service llm; id 1001; weight 4; modality text; }
attribute region: string = "unknown";

plan bundle {
  period monthly anchor billing_day;
  fee 9.9 CNY when first_period;
  fee 19.9 CNY;
  allowance llm 3M token;
  allowance data 30 GiB rollover 5 GiB for 1 periods;
  weight llm = 3 when model == qwen_max and hour in 0..7;
  grant llm = min(requested, 50k token);
  validity data = 15 min;
  limit llm 300k token per 5 h;
  on_exhaust llm redirect "https://topup.example.cn";
  on_exhaust data charge;
  overage data 1 CNY per 1 GiB when time in 23:00..06:59;
  overage data 2 CNY per 1 GiB;
  cap spend 50 CNY then restrict "throttle";
  notify data at 80%, 100%;
  pack day_pass { price 3 CNY; grant data 5 GiB; valid 1 days; }
  promo welcome { grant llm 1M token; valid 30 days; when region == "shanghai"; }
}
)";

struct Case {
  const char* from;
  const char* to;
  const char* what;
  const char* old_value;
  const char* new_value;
};

TEST(CatalogDiff, EqualCatalogsHaveNoChange) {
  EXPECT_TRUE(diff(kBase, kBase).empty()) << dump(diff(kBase, kBase));
}

// Layout, comments and the order of independent items are not changes: the checked program's
// canonical dump is what is compared.
TEST(CatalogDiff, ReformattedCatalogHasNoChange) {
  std::string moved = replaced(kBase, "  validity data = 15 min;\n", "");
  moved = replaced(moved, "  fee 9.9 CNY when first_period;",
                   "  validity   data =   15 min;   # moved here\n  fee 9.9 CNY when first_period;");
  CatalogDiff d = diff(kBase, moved);
  EXPECT_TRUE(d.empty()) << dump(d);
}

TEST(CatalogDiff, FindsEachKindOfChange) {
  const Case cases[] = {
      {"fee 19.9 CNY;", "fee 24.9 CNY;", "fee", "19.90 CNY", "24.90 CNY"},
      {"fee 9.9 CNY when first_period;", "fee 4.9 CNY when first_period;",
       "fee when first_period", "9.90 CNY", "4.90 CNY"},
      {"allowance llm 3M token;", "allowance llm 4M token;", "allowance llm", "3M tokens",
       "4M tokens"},
      {"rollover 5 GiB for 1 periods", "rollover 8 GiB for 2 periods", "rollover data",
       "5 GiB for 1 periods", "8 GiB for 2 periods"},
      {"weight 4;", "weight 5;", "model qwen_max weight", "4", "5"},
      {"weight 4;", "weight 5;", "weight llm when model == qwen_max", "4", "5"},
      {"qwen_max and hour in 0..7;", "qwen_max and hour in 0..7 and weekday in [sat, sun];",
       "weight llm when model == qwen_max and hour in 0..7", "3", ""},
      {"grant llm = min(requested, 50k token);", "grant llm = min(requested, 80k token);",
       "grant llm", "min(requested, 50k tokens)", "min(requested, 80k tokens)"},
      {"validity data = 15 min;", "validity data = 30 min;", "validity data", "15 min", "30 min"},
      {"limit llm 300k token per 5 h;", "limit llm 200k token per 5 h;", "limit llm per 5 h",
       "300k tokens", "200k tokens"},
      {"on_exhaust llm redirect \"https://topup.example.cn\";", "on_exhaust llm terminate;",
       "on_exhaust llm", "redirect \"https://topup.example.cn\"", "terminate"},
      {"overage data 1 CNY per 1 GiB when", "overage data 0.5 CNY per 1 GiB when",
       "overage data when time in 23:00..06:59", "1.00 CNY per 1 GiB", "0.50 CNY per 1 GiB"},
      {"overage data 2 CNY per 1 GiB;", "overage data 2 CNY per 512 MiB;", "overage data",
       "2.00 CNY per 1 GiB", "2.00 CNY per 512 MiB"},
      {"cap spend 50 CNY then restrict \"throttle\";", "cap spend 50 CNY then terminate;",
       "cap spend", "50.00 CNY then restrict \"throttle\"", "50.00 CNY then terminate"},
      {"notify data at 80%, 100%;", "notify data at 90%;", "notify data", "80%, 100%", "90%"},
      {"price 3 CNY;", "price 3.5 CNY;", "pack day_pass price", "3.00 CNY", "3.50 CNY"},
      {"grant data 5 GiB; valid 1 days;", "grant data 6 GiB; valid 1 days;",
       "pack day_pass grant data", "5 GiB", "6 GiB"},
      {"valid 1 days; }", "valid 2 days; }", "pack day_pass valid", "1 day", "2 days"},
      {"grant llm 1M token; valid 30 days;", "grant llm 2M token; valid 30 days;",
       "promo welcome grant llm", "1M tokens", "2M tokens"},
      {"region == \"shanghai\"", "region == \"beijing\"", "promo welcome when",
       "region == \"shanghai\"", "region == \"beijing\""},
      {"period monthly anchor billing_day;", "period weekly anchor activation;", "period",
       "monthly anchor billing_day", "weekly anchor activation"},
      {"quota 20k token;", "quota 10k token;", "service llm quota", "20k tokens", "10k tokens"},
      {"timezone +08:00;", "timezone +09:00;", "timezone", "+08:00", "+09:00"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    CatalogDiff d = diff(kBase, replaced(kBase, c.from, c.to));
    bool found = false;
    for (const CatalogChange& ch : d.changes) {
      if (ch.what != c.what) continue;
      found = true;
      EXPECT_EQ(ch.old_value, c.old_value);
      EXPECT_EQ(ch.new_value, c.new_value);
      EXPECT_EQ(ch.kind, *c.new_value == 0 ? ChangeKind::kRemoved : ChangeKind::kChanged);
      if (!ch.plan.empty()) {
        EXPECT_EQ(ch.version, 1);
      }
    }
    EXPECT_TRUE(found) << dump(d);
  }
}

TEST(CatalogDiff, PlansVersionsAndServicesAddedAndRemoved) {
  std::string with_more = kBase + R"(
plan extra {
  period monthly anchor activation;
  fee 5 CNY;
  allowance llm 1M token;
  on_exhaust llm block;
}
)";
  with_more = replaced(with_more, "  validity data = 15 min;\n", "");
  CatalogDiff added = diff(kBase, with_more);
  const std::string text = dump(added);
  EXPECT_NE(text.find("extra v0 [plan]  -> version 1"), std::string::npos) << text;
  EXPECT_NE(text.find("extra v1 [version]  -> no effective date, grandfather forever"),
            std::string::npos) << text;
  EXPECT_NE(text.find("extra v1 [fee]  -> 5.00 CNY"), std::string::npos) << text;
  EXPECT_NE(text.find("bundle v1 [validity data] 15 min -> \n"), std::string::npos) << text;

  CatalogDiff removed = diff(with_more, kBase);
  EXPECT_NE(dump(removed).find("extra v0 [plan] version 1 -> \n"), std::string::npos)
      << dump(removed);

  // A service's rules removed: each goes (the block stays: the plan's spend cap still rates it).
  std::string no_data = kBase;
  for (const char* line :
       {"  allowance data 30 GiB rollover 5 GiB for 1 periods;\n", "  validity data = 15 min;\n",
        "  on_exhaust data charge;\n", "  overage data 1 CNY per 1 GiB when time in 23:00..06:59;\n",
        "  overage data 2 CNY per 1 GiB;\n", "  notify data at 80%, 100%;\n"}) {
    no_data = replaced(no_data, line, "");
  }
  std::string gone = dump(diff(kBase, no_data));
  EXPECT_NE(gone.find("bundle v1 [allowance data] 30 GiB -> \n"), std::string::npos) << gone;
}

// T11: version 2 is new, so it is compared with version 1: the fee rises 20 -> 26 CNY.
TEST(CatalogDiff, T11NewVersionAgainstTheVersionBefore) {
  CatalogDiff d = diff_catalogs(catalog("examples/scenarios/t11_before_the_rise.tariff")->program(),
                                catalog("examples/tariffs/t11_price_rise.tariff")->program());
  ASSERT_EQ(d.changes.size(), 2u) << dump(d);
  EXPECT_EQ(d.changes[0].what, "version");
  EXPECT_EQ(d.changes[0].kind, ChangeKind::kAdded);
  EXPECT_EQ(d.changes[0].new_value, "effective 2026-09-01, grandfather until 2027-01-01");
  EXPECT_EQ(d.changes[1].plan, "glm_coding");
  EXPECT_EQ(d.changes[1].version, 2);
  EXPECT_EQ(d.changes[1].against_version, 1);
  EXPECT_EQ(d.changes[1].what, "fee");
  EXPECT_EQ(d.changes[1].old_value, "20.00 CNY");
  EXPECT_EQ(d.changes[1].new_value, "26.00 CNY");
}

// ---- subscribers (rule 20) ----

const std::string kT11Old = R"(currency CNY minor 2;
timezone +08:00;
service code { unit request; rating_group 400; }
plan glm_coding version 1 effective 2026-01-01 {
  period monthly anchor billing_day;
  fee 20 CNY;
  allowance code 12000 requests;
  on_exhaust code block;
}
)";

// kT11Old plus a version 2 at 26 CNY from 2026-09-01 with this grandfather clause.
std::string t11_new(const std::string& grandfather) {
  return kT11Old + R"(plan glm_coding version 2 effective 2026-09-01 {
  period monthly anchor billing_day;
  fee 26 CNY;
  allowance code 12000 requests;
  )" + grandfather + R"(
  on_exhaust code block;
}
)";
}

struct Expected {
  const char* id;
  int64_t activation;
  int billing_day;
  bool affected;
  int64_t from;  // local midnight unless it is the activation
  int64_t new_version;
};

void expect_impacts(const std::string& new_text, int64_t published,
                    const std::vector<Expected>& expected) {
  auto old_c = compile(kT11Old);
  auto new_c = compile(new_text);
  ASSERT_TRUE(old_c && new_c);
  std::vector<ProvisionSpec> specs;
  for (const Expected& e : expected) {
    specs.push_back(subscriber(e.id, "glm_coding", e.activation, e.billing_day));
  }
  std::vector<SubscriberImpact> got = subscriber_impacts(*old_c, *new_c, specs, published);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(expected[i].id);
    EXPECT_EQ(got[i].id, expected[i].id);
    EXPECT_EQ(got[i].affected, expected[i].affected) << got[i].reason;
    if (!expected[i].affected) continue;
    EXPECT_EQ(got[i].from, expected[i].from) << got[i].reason;
    EXPECT_EQ(got[i].new_version, expected[i].new_version) << got[i].reason;
  }
}

int64_t midnight(int64_t y, int m, int d) { return local(y, m, d, 0, 0, kCst); }

// T11 published 2026-08-15 12:00 with `grandfather until 2027-01-01`: each existing subscriber
// moves at its first boundary on or after 2027-01-01; billing day 31 falls on 31 January (and
// was on 30 November, 31 December before). Joining on 2026-09-01 gives version 2 at once;
// joining on 20 August still gives version 1 (version 2 not in effect), moved on 20 January.
TEST(SubscriberImpacts, T11GrandfatheredUntilTheFirstBoundaryOnOrAfterTheDate) {
  int64_t published = local(2026, 8, 15, 12, 0, kCst);
  int64_t bob_joins = local(2026, 9, 1, 10, 0, kCst);
  expect_impacts(t11_new("grandfather until 2027-01-01;"), published,
                 {{"alice", local(2026, 6, 1, 9, 0, kCst), 1, true, midnight(2027, 1, 1), 2},
                  {"carol", local(2026, 8, 20, 10, 0, kCst), 20, true, midnight(2027, 1, 20), 2},
                  {"dan", midnight(2026, 5, 31), 31, true, midnight(2027, 1, 31), 2},
                  {"erin", midnight(2026, 2, 28), 30, true, midnight(2027, 1, 30), 2},
                  {"fay", midnight(2026, 3, 5), 0, true, midnight(2027, 1, 5), 2},
                  {"bob", bob_joins, 1, true, bob_joins, 2}});
}

// `grandfather none`: the first boundary on or after the effective date; a date 3 months after
// it keeps billing-day-1 subscribers on version 1 for 3 more periods (September to November).
TEST(SubscriberImpacts, GrandfatherNoneAndNPeriods) {
  int64_t published = local(2026, 8, 15, 12, 0, kCst);
  expect_impacts(t11_new("grandfather none;"), published,
                 {{"a", midnight(2026, 6, 1), 1, true, midnight(2026, 9, 1), 2},
                  {"b", midnight(2026, 6, 15), 15, true, midnight(2026, 9, 15), 2},
                  {"c", midnight(2026, 1, 31), 31, true, midnight(2026, 9, 30), 2}});
  expect_impacts(t11_new("grandfather until 2026-12-01;"), published,
                 {{"a", midnight(2026, 6, 1), 1, true, midnight(2026, 12, 1), 2},
                  {"b", midnight(2026, 6, 15), 15, true, midnight(2026, 12, 15), 2}});
  // Published after the date: the first boundary after publication.
  expect_impacts(t11_new("grandfather none;"), local(2026, 10, 10, 9, 0, kCst),
                 {{"a", midnight(2026, 6, 1), 1, true, midnight(2026, 11, 1), 2}});
}

TEST(SubscriberImpacts, ForeverAndUnchangedVersionsAffectNobody) {
  int64_t published = local(2026, 8, 15, 12, 0, kCst);
  expect_impacts(t11_new("grandfather forever;"), published,
                 {{"a", midnight(2026, 6, 1), 1, false, 0, 0}});
  expect_impacts(kT11Old, published, {{"a", midnight(2026, 6, 1), 1, false, 0, 0}});
}

// A change to the version a subscriber is on reaches it when the catalog is published (rule 21:
// its next call moves it onto the same version of the new catalog).
TEST(SubscriberImpacts, ChangedVersionAffectsFromPublication) {
  int64_t published = local(2026, 8, 15, 12, 0, kCst);
  auto old_c = compile(kT11Old);
  auto new_c = compile(replaced(kT11Old, "fee 20 CNY;", "fee 22 CNY;"));
  std::vector<SubscriberImpact> got = subscriber_impacts(
      *old_c, *new_c, {subscriber("a", "glm_coding", midnight(2026, 6, 1), 1)}, published);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].affected);
  EXPECT_EQ(got[0].from, published);
  EXPECT_EQ(got[0].new_version, 1);
  EXPECT_EQ(got[0].reason, "version 1 changes: fee");
}

// The dates agree with the engine: a subscriber provisioned on the old catalog, the new one
// published, pays 20 CNY the second before its impact date and 26 CNY from it.
TEST(SubscriberImpacts, T11DatesAgreeWithTheEngine) {
  auto old_c = catalog("examples/scenarios/t11_before_the_rise.tariff");
  auto new_c = catalog("examples/tariffs/t11_price_rise.tariff");
  int64_t published = local(2026, 8, 15, 12, 0, kCst);
  std::vector<ProvisionSpec> specs = {
      subscriber("alice", "glm_coding", local(2026, 6, 1, 9, 0, kCst), 1),
      subscriber("dan", "glm_coding", midnight(2026, 5, 31), 31),
      subscriber("erin", "glm_coding", midnight(2026, 3, 30), 30)};
  std::vector<SubscriberImpact> impacts = subscriber_impacts(*old_c, *new_c, specs, published);
  ASSERT_EQ(impacts.size(), specs.size());
  Engine engine(old_c);
  for (const ProvisionSpec& s : specs) ASSERT_TRUE(engine.provision(s));
  for (const ProvisionSpec& s : specs) ASSERT_TRUE(engine.balances(s.id, published - 1));
  engine.publish(new_c);
  for (const SubscriberImpact& i : impacts) {
    SCOPED_TRACE(i.id);
    ASSERT_TRUE(i.affected);
    // Monthly touches, as live subscribers make: renewal then sees each boundary in order.
    for (int64_t t = published; t < i.from - 1; t += 20 * kDay) ASSERT_TRUE(engine.balances(i.id, t));
    auto before = engine.balances(i.id, i.from - 1);
    auto after = engine.balances(i.id, i.from);
    ASSERT_TRUE(before && after);
    EXPECT_EQ(before->last_fee, 20 * kCny);
    EXPECT_EQ(after->last_fee, 26 * kCny);
    EXPECT_EQ(after->period.start, i.from);
  }
}

// Team members follow their team's answer.
TEST(SubscriberImpacts, MembersFollowTheirTeam) {
  auto old_c = compile(kT11Old);
  auto new_c = compile(t11_new("grandfather none;"));
  ProvisionSpec member;
  member.id = "m1";
  member.team = "acme";
  std::vector<SubscriberImpact> got = subscriber_impacts(
      *old_c, *new_c, {member, subscriber("acme", "glm_coding", midnight(2026, 6, 1), 1)},
      local(2026, 8, 15, 12, 0, kCst));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].id, "m1");
  EXPECT_EQ(got[1].team, "acme");
  EXPECT_TRUE(got[1].affected);
  EXPECT_EQ(got[1].from, midnight(2026, 9, 1));
}

TEST(CatalogDiffFormat, TableAndJson) {
  CatalogDiff d = diff_catalogs(catalog("examples/scenarios/t11_before_the_rise.tariff")->program(),
                                catalog("examples/tariffs/t11_price_rise.tariff")->program());
  SubscriberImpact i;
  i.id = "alice";
  i.plan = "glm_coding";
  i.version = 1;
  i.affected = true;
  i.from = midnight(2027, 1, 1);
  i.new_version = 2;
  i.reason = "why";
  std::vector<SubscriberImpact> impacts{i};
  std::string text = diff_to_text(d, &impacts, kCst);
  EXPECT_NE(text.find("  glm_coding  2 vs 1   fee      20.00 CNY  26.00 CNY\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  alice       glm_coding  1        2027-01-01     2            why\n"),
            std::string::npos) << text;
  std::string json = diff_to_json(d, &impacts, kCst);
  EXPECT_NE(json.find(R"({"plan":"glm_coding","version":2,"against_version":1,"kind":"changed",)"
                      R"("what":"fee","old":"20.00 CNY","new":"26.00 CNY"})"),
            std::string::npos) << json;
  EXPECT_NE(json.find(R"("affected":true,"from":1798732800,"from_local":"2027-01-01")"),
            std::string::npos) << json;
  EXPECT_EQ(diff_to_text(CatalogDiff{}, nullptr, kCst), "no changes\n");
}

}  // namespace
}  // namespace gyrate::engine
