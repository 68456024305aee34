// The admin API end to end over loopback HTTP: a real AdminApi on 127.0.0.1 port 0 over a real
// Engine on examples/catalog.tariff, driven by httplib::Client (docs/admin-api.md).
#include "gyrate/ocs/admin_api.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>

#include "engine_test_support.hpp"
#include "gyrate/engine/engine.hpp"

namespace gyrate::ocs {
namespace {

using engine::testing::kCny;
using engine::testing::kCst;
using engine::testing::local;
using nlohmann::json;

constexpr const char* kAlice =
    R"({"id": "alice", "plan": "token_starter", "activation": "2026-11-01",
        "identities": ["e164:+8613800000001"], "attributes": {"region": "shanghai"}})";

// A token file of its own (mode 0600 unless told), removed with the test.
class TokenFile {
 public:
  explicit TokenFile(const std::string& text, mode_t mode = 0600) {
    static std::atomic<int> n{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("gyrate_admin_token_" + std::to_string(::getpid()) + "_" + std::to_string(n++)))
                .string();
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), mode);
  }
  ~TokenFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  // (Re)starts the API with these options over the same engine and hooks.
  void start(AdminOptions options) {
    api_.reset();
    AdminHooks hooks;
    hooks.now = [this] { return now_.load(); };
    hooks.pack_bought = [this](const std::string& account) {
      std::lock_guard lock(mutex_);
      ++packs_bought_[account];
    };
    hooks.last_request = [this](const std::string& account) -> std::optional<engine::ReserveRequest> {
      std::lock_guard lock(mutex_);
      auto it = last_.find(account);
      if (it == last_.end()) return std::nullopt;
      return it->second;
    };
    hooks.reload_catalog = [this] { return reload_result_; };
    hooks.log = [this](const std::string& line) {
      std::lock_guard lock(mutex_);
      log_ += line + "\n";
    };
    Expected<std::unique_ptr<AdminApi>> api =
        AdminApi::create(engine_, metrics_, std::move(hooks), std::move(options));
    ASSERT_TRUE(api) << api.status().to_string();
    api_ = std::move(*api);
    ASSERT_TRUE(api_->start());
    ASSERT_NE(api_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", api_->port());
  }

  static json body(const httplib::Result& r) {
    EXPECT_TRUE(r) << "no answer";
    if (!r) return json();
    json j = json::parse(r->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r->body;
    return j;
  }

  httplib::Result post(const std::string& path, const std::string& text) {
    return client_->Post(path.c_str(), text, "application/json");
  }

  json balances(const std::string& id) {
    httplib::Result r = client_->Get(("/v1/subscribers/" + id).c_str());
    EXPECT_EQ(r ? r->status : 0, 200) << (r ? r->body : "");
    return body(r);
  }

  engine::Engine engine_{engine::testing::catalog("examples/catalog.tariff")};
  OcsMetrics metrics_;
  std::atomic<int64_t> now_{local(2026, 11, 5, 12, 0, kCst)};
  std::mutex mutex_;
  std::map<std::string, int> packs_bought_;
  std::map<std::string, engine::ReserveRequest> last_;
  Status reload_result_ = Status::ok();
  std::string log_;
  std::unique_ptr<AdminApi> api_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(AdminApiTest, ProvisionThroughPostThenReadBalances) {
  httplib::Result r = post("/v1/subscribers", kAlice);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(r->get_header_value("Location"), "/v1/subscribers/alice");
  EXPECT_EQ(body(r)["ids"], json::array({"alice"}));

  json b = balances("alice");
  EXPECT_EQ(b["id"], "alice");
  EXPECT_EQ(b["plan"], "token_starter");
  EXPECT_EQ(b["currency"], "CNY");
  EXPECT_EQ(b["fees_charged"], 9'900'000);  // 9.9 CNY in the first period, millionths
  EXPECT_EQ(b["spend"], 0);
  EXPECT_EQ(b["period"]["index"], 0);
  EXPECT_EQ(b["period"]["start"], "2026-10-31T16:00:00Z");  // local midnight at +08:00
  ASSERT_EQ(b["services"].size(), 1u);
  EXPECT_EQ(b["services"][0]["service"], "llm");
  EXPECT_EQ(b["services"][0]["period_allowance"], 3'000'000);
  EXPECT_EQ(b["services"][0]["remaining"], 3'000'000);
  ASSERT_EQ(b["buckets"].size(), 1u);
  EXPECT_EQ(b["buckets"][0]["origin"], "allowance");
  EXPECT_EQ(b["buckets"][0]["service"], "llm");
  EXPECT_EQ(b["buckets"][0]["amount"], 3'000'000);
  EXPECT_EQ(b["buckets"][0]["valid_from"], "2026-10-31T16:00:00Z");
  EXPECT_EQ(b["open_reservations"], 0);
  EXPECT_TRUE(b["team"].is_null());
  // The identity came through the same row parser as a file's.
  EXPECT_EQ(engine_.find_by_identity({engine::IdentityType::kE164, "8613800000001"}), "alice");
  // The log names routes, never subscribers.
  std::lock_guard lock(mutex_);
  EXPECT_NE(log_.find("admin: POST /v1/subscribers 201"), std::string::npos) << log_;
  EXPECT_NE(log_.find("admin: GET /v1/subscribers/{id} 200"), std::string::npos) << log_;
  EXPECT_EQ(log_.find("alice"), std::string::npos) << log_;
}

TEST_F(AdminApiTest, ABatchIsAllOrNothing) {
  httplib::Result r = post("/v1/subscribers", R"([
    {"id": "bob", "plan": "smart_bundle", "activation": "2026-11-03T09:30", "billing_day": 3},
    {"id": "carol", "plan": "no_such_plan", "activation": "2026-11-01"}
  ])");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  json e = body(r);
  EXPECT_EQ(e["error"], "rows[1]: unknown plan 'no_such_plan'") << e.dump();
  EXPECT_EQ(client_->Get("/v1/subscribers/bob")->status, 404);  // the good row was not applied

  r = post("/v1/subscribers", R"([
    {"id": "bob", "plan": "smart_bundle", "activation": "2026-11-03T09:30", "billing_day": 3},
    {"id": "carol", "plan": "student_paygo", "activation": "@1793548800",
     "attributes": {"student": true}}])");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(body(r)["provisioned"], 2);
  EXPECT_EQ(balances("bob")["plan"], "smart_bundle");
  EXPECT_EQ(balances("carol")["plan"], "student_paygo");
}

TEST_F(AdminApiTest, BadJsonAndBadFieldsAre400NamingTheField) {
  struct Case {
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {R"({"id": "x", "plan": )", "bad JSON at column"},
      {R"({"id": "x", "plan": "token_starter", "activation": "2026-11-01", "billing_day": 32})",
       "bad billing_day '32'"},
      {R"({"id": "x", "plan": "token_starter", "activation": "2026-11-01", "biling_day": 3})",
       "unknown field 'biling_day'"},
      {R"({"id": "x", "plan": "token_starter", "activation": "next tuesday"})",
       "bad activation 'next tuesday'"},
      {R"({"id": "x", "plan": "token_starter"})", "missing activation"},
      {R"({"id": "x", "plan": 7, "activation": "2026-11-01"})", "'plan' must be a string"},
      {R"({"id": "x", "plan": "token_starter", "activation": "2026-11-01", "identities": ["tel:1"]})",
       "malformed identity"},
      {R"({"id": "x", "plan": "token_starter", "activation": "2026-11-01",
           "attributes": {"regoin": "x"}})", "regoin"},
      {R"({"id": "x", "plan": "nope", "activation": "2026-11-01"})", "unknown plan 'nope'"},
      {R"([{"id": "x", "plan": "token_starter", "activation": "2026-11-01"},])", "bad JSON at byte"},
      {"[]", "an empty batch"},
      {"", "empty body"},
      {"42", "a line must be a JSON object, not a number"},
  };
  for (const Case& c : cases) {
    httplib::Result r = post("/v1/subscribers", c.body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.body << " -> " << r->body;
    json e = body(r);
    ASSERT_TRUE(e.contains("error")) << r->body;
    EXPECT_NE(e["error"].get<std::string>().find(c.says), std::string::npos)
        << c.body << " -> " << r->body;
    // Only a batch's rows are named by index; a body that is no batch at all is not a row.
    EXPECT_EQ(e["error"].get<std::string>().rfind("rows[", 0), std::string::npos) << r->body;
  }
  httplib::Result r = post("/v1/subscribers", R"([{"id": "x", "plan": "token_starter",
      "activation": "2026-11-01"}, {"id": "y", "plan": "token_starter", "activation": "someday"}])");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  json e = body(r);
  EXPECT_EQ(e["error"].get<std::string>().rfind("rows[1]: bad activation 'someday'", 0), 0u)
      << r->body;
  ASSERT_EQ(e["errors"].size(), 1u);
  EXPECT_EQ(e["errors"][0]["index"], 1);
  EXPECT_EQ(engine_.account_count(), 0u);
}

TEST_F(AdminApiTest, UnknownSubscriberRouteAndMethod) {
  httplib::Result r = client_->Get("/v1/subscribers/nobody");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(body(r)["error"], "unknown subscriber 'nobody'");
  EXPECT_EQ(client_->Get("/v1/nothing")->status, 404);
  EXPECT_EQ(client_->Get("/v1/subscribers/nobody/explain")->status, 404);
  EXPECT_EQ(post("/v1/subscribers/nobody/packs", R"({"pack": "p", "order": "o"})")->status, 404);
  r = client_->Delete("/v1/subscribers/nobody");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET, PUT");
  r = client_->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(body(r)["status"], "ok");
}

TEST_F(AdminApiTest, PostOfAnExistingIdConflictsAndPutChangesIt) {
  ASSERT_EQ(post("/v1/subscribers", kAlice)->status, 201);
  httplib::Result r = post("/v1/subscribers", kAlice);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;

  // PUT takes the id from the path; same plan, activation and billing day: attributes and
  // identities change, the subscription does not start again.
  r = client_->Put("/v1/subscribers/alice",
                   R"({"plan": "token_starter", "activation": "2026-11-01",
                       "identities": ["e164:+8613800000009"]})",
                   "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["fees_charged"], 9'900'000);
  EXPECT_EQ(engine_.find_by_identity({engine::IdentityType::kE164, "8613800000009"}), "alice");
  EXPECT_EQ(engine_.find_by_identity({engine::IdentityType::kE164, "8613800000001"}), std::nullopt);

  r = client_->Put("/v1/subscribers/alice", R"({"id": "bob", "plan": "token_starter"})",
                   "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("'id'"), std::string::npos) << r->body;
  r = client_->Put("/v1/subscribers/zed", R"({"plan": "token_starter", "activation": "2026-11-01"})",
                   "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);

  // An identity another account owns is a conflict.
  r = post("/v1/subscribers", R"({"id": "mallory", "plan": "token_starter",
      "activation": "2026-11-01", "identities": ["e164:+8613800000009"]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_NE(body(r)["error"].get<std::string>().find("belongs to account 'alice'"),
            std::string::npos) << r->body;
}

TEST_F(AdminApiTest, BuyingAPackChangesBalancesAndCallsTheHookOncePerOrder) {
  ASSERT_EQ(post("/v1/subscribers", kAlice)->status, 201);
  const std::string order = R"({"pack": "yuan_400k", "order": "order-1"})";
  httplib::Result r = post("/v1/subscribers/alice/packs", order);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json a = body(r);
  EXPECT_EQ(a["charged"], 1 * kCny);
  EXPECT_EQ(a["currency"], "CNY");
  EXPECT_EQ(a["duplicate"], false);
  EXPECT_EQ(a["balances"]["spend"], 1 * kCny);
  EXPECT_EQ(a["balances"]["services"][0]["remaining"], 3'400'000);
  EXPECT_EQ(a["balances"]["buckets"].size(), 2u);
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(packs_bought_["alice"], 1);
  }

  r = post("/v1/subscribers/alice/packs", order);  // a retried order buys nothing more
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["duplicate"], true);
  EXPECT_EQ(balances("alice")["spend"], 1 * kCny);
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(packs_bought_["alice"], 1);
  }

  r = post("/v1/subscribers/alice/packs", R"({"pack": "gold", "order": "order-2"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("'pack': plan 'token_starter' sells no pack 'gold'"), std::string::npos)
      << r->body;
  r = post("/v1/subscribers/alice/packs", R"({"pack": "yuan_400k"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("missing 'order'"), std::string::npos) << r->body;
  r = post("/v1/subscribers/alice/packs", R"({"pack": "yuan_400k", "order": "o", "qty": 2})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("unknown field 'qty'"), std::string::npos) << r->body;
  EXPECT_EQ(balances("alice")["spend"], 1 * kCny);
}

TEST_F(AdminApiTest, ExplainsTheLastReserveRequest) {
  ASSERT_EQ(post("/v1/subscribers", kAlice)->status, 201);
  httplib::Result r = client_->Get("/v1/subscribers/alice/explain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("no reserve request"), std::string::npos) << r->body;

  engine::ReserveRequest request;
  request.session = "gy-1";
  request.service = "llm";
  request.model = "qwen_plus";
  request.requested = 10'000;
  request.time = now_;
  ASSERT_TRUE(engine_.reserve("alice", request));
  {
    std::lock_guard lock(mutex_);
    last_["alice"] = request;
  }
  r = client_->Get("/v1/subscribers/alice/explain");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json e = body(r);
  EXPECT_EQ(e["plan"], "token_starter");
  EXPECT_EQ(e["model"], "qwen_plus");
  EXPECT_EQ(e["requested"], 10'000);
  // Rated again, not the stored answer of a repeat: the rules, weight and buckets show.
  EXPECT_EQ(e["duplicate"], false);
  EXPECT_EQ(e["rated"], true);
  EXPECT_EQ(e["weight"], 2'000'000);  // qwen_plus weighs 2
  EXPECT_EQ(e["answer"]["outcome"], "granted");
  EXPECT_FALSE(e["buckets"].empty());

  r = client_->Get("/v1/subscribers/alice/explain?format=text");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(r->body.find("token_starter"), std::string::npos) << r->body;
  EXPECT_EQ(client_->Get("/v1/subscribers/alice/explain?format=xml")->status, 400);
}

TEST_F(AdminApiTest, ReloadCallsTheHook) {
  httplib::Result r = post("/v1/catalog/reload", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["reloaded"], true);
  reload_result_ = Status::error(ErrorCode::kInvalidArgument,
                                 "catalog.tariff:3:1: error[E0101]: unknown keyword 'curency'");
  r = post("/v1/catalog/reload", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(body(r)["error"], "catalog.tariff:3:1: error[E0101]: unknown keyword 'curency'");
}

TEST_F(AdminApiTest, ATokenGuardsEveryRouteButHealthz) {
  TokenFile token("s3cret-token\n");
  AdminOptions options;
  options.token_file = token.path();
  start(options);
  ASSERT_EQ(post("/v1/subscribers", kAlice)->status, 401);
  EXPECT_EQ(client_->Get("/v1/subscribers/alice")->status, 401);
  EXPECT_EQ(client_->Get("/metrics")->status, 401);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);

  client_->set_bearer_token_auth("s3cret-tokeN");
  EXPECT_EQ(client_->Get("/v1/subscribers/alice")->status, 401);
  httplib::Result r = client_->Get("/metrics", {{"Authorization", "s3cret-token"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(body(r)["error"], "missing Authorization: Bearer <token>");
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer realm=\"gyrate-ocs\"");
  EXPECT_EQ(client_->Get("/metrics", {{"Authorization", "bearer s3cret-token"}})->status, 200);
  client_->set_bearer_token_auth("s3cret-token");
  EXPECT_EQ(post("/v1/subscribers", kAlice)->status, 201);
  EXPECT_EQ(client_->Get("/v1/subscribers/alice")->status, 200);
  EXPECT_EQ(client_->Get("/metrics")->status, 200);
}

TEST_F(AdminApiTest, RefusesToStartUnguardedOrWithAnExposedToken) {
  AdminOptions open;
  open.address = "0.0.0.0";
  Expected<std::unique_ptr<AdminApi>> api = AdminApi::create(engine_, metrics_, {}, open);
  ASSERT_FALSE(api);
  EXPECT_NE(api.status().message().find("needs a bearer token file"), std::string::npos);

  TokenFile exposed("t", 0644);
  open.token_file = exposed.path();
  api = AdminApi::create(engine_, metrics_, {}, open);
  ASSERT_FALSE(api);
  EXPECT_NE(api.status().message().find("chmod 600"), std::string::npos);

  TokenFile empty("\n");
  open.token_file = empty.path();
  api = AdminApi::create(engine_, metrics_, {}, open);
  ASSERT_FALSE(api);
  EXPECT_NE(api.status().message().find("is empty"), std::string::npos);

  EXPECT_TRUE(is_loopback_address("127.0.0.1"));
  EXPECT_TRUE(is_loopback_address("::1"));
  EXPECT_FALSE(is_loopback_address("10.0.0.1"));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abd", "abc"));
  EXPECT_FALSE(constant_time_equal("abcd", "abc"));
  EXPECT_FALSE(constant_time_equal("", "abc"));
}

// Untrusted input is answered, never asserted on: no body or path, however odd, gets a 500,
// every error is JSON, and the server keeps serving.
TEST_F(AdminApiTest, NoInputAnswers500) {
  ASSERT_EQ(post("/v1/subscribers", kAlice)->status, 201);
  std::vector<std::string> bodies = {
      "", "null", "true", "0", "-1e999", "\"x\"", "{}", "[]", "[[]]", "[{}]", "[null]", "{\"id\":{}}",
      std::string(5000, '[') + std::string(5000, ']'), std::string(5000, '{'),
      R"({"id": "a\u0000b", "plan": "token_starter", "activation": "2026-11-01"})",
      R"({"id": "x", "plan": "token_starter", "activation": 99999999999999999999999})",
      R"({"id": "x", "plan": "token_starter", "activation": -5})",
      R"({"id": "x", "plan": "token_starter", "activation": "2026-11-01", "billing_day": -0})",
      R"({"id": "x", "team": "alice"})", R"({"id": "alice", "team": "alice"})",
      R"({"pack": null, "order": 5})", R"({"pack": "yuan_400k", "order": ""})",
      "\xff\xfe{\"id\": \"\xc3\x28\"}", R"([{"id": "y", "plan": "token_starter", "activation": "2026-11-01"}] x)",
  };
  std::mt19937 random(7);
  for (int i = 0; i < 40; ++i) {
    std::string noise(static_cast<size_t>(random() % 64), ' ');
    static constexpr std::string_view kAlphabet = "{}[]\",:0123456789abcdefnulltrue \\\n";
    for (char& c : noise) c = kAlphabet[random() % kAlphabet.size()];
    bodies.push_back(noise);
  }
  const char* paths[] = {"/v1/subscribers", "/v1/subscribers/alice", "/v1/subscribers/alice/packs",
                         "/v1/catalog/reload", "/v1/subscribers/%00", "//v1//subscribers//alice"};
  for (const std::string& text : bodies) {
    for (const char* path : paths) {
      for (int method = 0; method < 2; ++method) {
        httplib::Result r = method == 0 ? post(path, text)
                                         : client_->Put(path, text, "application/json");
        ASSERT_TRUE(r) << path << " " << text;
        EXPECT_LT(r->status, 500) << path << " " << text << " -> " << r->body;
        EXPECT_FALSE(json::parse(r->body, nullptr, false).is_discarded()) << r->body;
      }
    }
  }
  std::string long_id(20'000, 'z');
  httplib::Result r = client_->Get(("/v1/subscribers/" + long_id).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);  // httplib's limit, answered in JSON like every error
  EXPECT_EQ(body(r)["error"], "the URI is too long");
  EXPECT_EQ(balances("alice")["id"], "alice");  // still serving, alice untouched
  EXPECT_EQ(balances("alice")["fees_charged"], 9'900'000);
}

TEST_F(AdminApiTest, ABodyOverTheLimitIs413WithAJsonError) {
  AdminOptions options;
  options.max_body_bytes = 1000;
  start(options);
  httplib::Result r = post("/v1/subscribers", "[" + std::string(2000, ' ') + "]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(body(r)["error"].get<std::string>().find("limit of 1000 bytes"), std::string::npos)
      << r->body;
}

TEST_F(AdminApiTest, MetricsAreServedAsPrometheusText) {
  metrics_.record_ccr(diameter::CcRequestType::kInitial, diameter::ResultCode::kSuccess,
                      std::chrono::microseconds(300));
  metrics_.record_ccr(diameter::CcRequestType::kInitial, diameter::ResultCode::kSuccess,
                      std::chrono::microseconds(700));
  httplib::Result r = client_->Get("/metrics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4");
  EXPECT_NE(r->body.find("gyrate_ccr_total{result_code=\"2001\",type=\"initial\"} 2"),
            std::string::npos) << r->body;
  EXPECT_NE(r->body.find("gyrate_ccr_latency_seconds_count{type=\"initial\"} 2"),
            std::string::npos);
}

}  // namespace
}  // namespace gyrate::ocs
