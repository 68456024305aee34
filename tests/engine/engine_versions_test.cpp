// Versions: an account moves to a newer plan version at the first boundary its grandfather
// clause allows (rule 20), follows a catalog reload of its own version, and a reservation in
// flight keeps the version it was granted on (rule 21).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "engine_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

// Rule 20 on T11: glm_coding v1 (20 CNY) from 2026-01-01, v2 (26 CNY) from 2026-09-01 with
// `grandfather until 2027-01-01`. A v1 subscriber activated 2026-03-15 (billing day 15) stays on
// v1 through the Sept..Dec boundaries and moves at the first boundary on or after Jan 1 2027:
// Jan 15. Periods 0..9 at 20 CNY, period 10 at 26: 226 CNY, and period_index goes on (10).
TEST(EngineVersions, Rule20GrandfatheredUntilTheFirstBoundaryAfterTheDate) {
  Engine engine(catalog("examples/tariffs/t11_price_rise.tariff"));
  ASSERT_TRUE(engine.provision(subscriber("s", "glm_coding", local(2026, 3, 15, 10, 0, kCst))));
  auto dec = engine.balances("s", local(2026, 12, 15, 10, 0, kCst));
  ASSERT_TRUE(dec);
  EXPECT_EQ(dec->period.index, 9);
  EXPECT_EQ(dec->last_fee, 20 * kCny);
  EXPECT_EQ(dec->fees_charged, 200 * kCny);
  auto jan = engine.balances("s", local(2027, 1, 15, 10, 0, kCst));
  EXPECT_EQ(jan->period.index, 10);
  EXPECT_EQ(jan->last_fee, 26 * kCny);
  EXPECT_EQ(jan->fees_charged, 226 * kCny);
  EXPECT_EQ(service(*jan, "code").remaining, 12'000);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rule 21 and reloads: token_starter on a catalog where qwen_plus weighs 2. A reservation of
// 50k (debit 100k) is in flight when a catalog with qwen_plus at weight 3 is published. Its
// commit still debits at weight 2 (100k); the account's next request rates on the new catalog
// (10k at weight 3: 30k).
TEST(EngineVersions, Rule21ReservationKeepsItsVersionAcrossAReload) {
  std::shared_ptr<const Catalog> old_catalog = catalog("examples/catalog.tariff");
  std::string text = read_file(std::string(GYRATE_SOURCE_DIR) + "/examples/catalog.tariff");
  const std::string from = "model qwen_plus   { service llm; id 1002; weight 2;";
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "model qwen_plus   { service llm; id 1002; weight 3;");
  std::string path = (std::filesystem::temp_directory_path() /
                      ("gyrate_reload_" + std::to_string(::getpid()) + ".tariff"))
                         .string();
  { std::ofstream(path) << text; }
  CatalogLoad reloaded = load_catalog(path, CatalogOptions{});
  std::filesystem::remove(path);
  ASSERT_TRUE(reloaded.status) << reloaded.status.to_string();

  Engine engine(old_catalog);
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_starter", t)));
  auto r = engine.reserve("s", {"a", 1, "llm", "qwen_plus", 50'000, t});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->debit, 100'000);
  engine.publish(reloaded.catalog);
  auto c = engine.commit("s", {"a", 2, "llm", 50'000, t + 60});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->committed, 100'000);
  auto next = engine.reserve("s", {"b", 1, "llm", "qwen_plus", 10'000, t + 120});
  EXPECT_EQ(next->debit, 30'000);
  EXPECT_EQ(service(*engine.balances("s", t + 120), "llm").remaining, 3'000'000 - 100'000 - 30'000);
}

}  // namespace
}  // namespace gyrate::engine
