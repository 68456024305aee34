// The Re-Auth-Request path end to end: a Gy client uses alice's tokens up to the final grant, a
// pack is bought through gyrate-ocs's admin API, the server sends a RAR for the session, and the
// client's CCR-U with FORCED_REAUTHORISATION is granted again. Driven by test_rar.py.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "gyrate/diameter/gy_client.hpp"
#include "gyrate/diameter/gy_time.hpp"

namespace gd = gyrate::diameter;

namespace {

int fail(const std::string& why) {
  std::fprintf(stderr, "rar_client: %s\n", why.c_str());
  return 1;
}

gd::MsccRequest tokens(uint64_t requested, std::optional<uint64_t> used,
                       std::optional<gd::ReportingReason> reason = std::nullopt) {
  gd::MsccRequest m;
  m.rating_group = 100;
  m.service_identifiers.push_back(1001);  // qwen_max, weight 4
  m.requested = gd::ServiceUnits{};
  m.requested->cc_service_specific_units = requested;
  if (used) {
    gd::UsedServiceUnit u;
    u.units.cc_service_specific_units = *used;
    m.used.push_back(u);
  }
  m.reporting_reason = reason;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return fail("usage: rar_client GY_PORT ADMIN_PORT SERVER_IDENTITY");
  std::mutex mutex;
  std::condition_variable cv;
  std::string rar_session;
  gd::ClientOptions options;
  options.server_port = static_cast<uint16_t>(std::atoi(argv[1]));
  options.server_identity = argv[3];
  options.on_reauth = [&](const std::string& session) {
    std::lock_guard lock(mutex);
    rar_session = session;
    cv.notify_all();
  };
  auto client = gd::GyClient::connect(options);
  if (!client) return fail("connect: " + client.status().to_string());

  const int64_t day = 1793548800 + 86'400;  // 2026-11-02, alice's plan started 2026-11-01
  gd::CreditControlRequest q;
  q.session_id = (*client)->new_session_id("rar");
  q.subscription_ids.push_back({gd::SubscriptionIdType::kEndUserE164, "8613800000001"});
  q.event_timestamp = *gd::ntp_from_unix(day);
  q.cc_request_type = gd::CcRequestType::kInitial;
  q.mscc.push_back(tokens(35'000, std::nullopt));
  auto a = (*client)->exchange(q);
  uint32_t number = 0;
  // 35k qwen_max tokens weigh 140k: the 22nd grant is cut by alice's 3M and is the final one.
  while (a && a->result_code == gd::ResultCode::kSuccess && !a->mscc.at(0).final_unit && number < 40) {
    uint64_t granted = *a->mscc[0].granted->cc_service_specific_units;
    q.cc_request_type = gd::CcRequestType::kUpdate;
    q.cc_request_number = ++number;
    q.mscc = {tokens(35'000, granted)};
    a = (*client)->exchange(q);
  }
  if (!a) return fail("no answer: " + a.status().to_string());
  if (!a->mscc.at(0).final_unit) return fail("never reached a final grant");
  std::printf("final grant after %u updates\n", number);

  httplib::Client admin("127.0.0.1", std::atoi(argv[2]));
  auto r = admin.Post("/v1/subscribers/alice/packs", R"({"pack": "yuan_400k", "order": "rar-1"})",
                      "application/json");
  if (!r || r->status != 200) return fail("buying the pack failed: " + (r ? r->body : std::string("no answer")));

  {
    std::unique_lock lock(mutex);
    if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return !rar_session.empty(); })) {
      return fail("no Re-Auth-Request within 10 s");
    }
  }
  if (rar_session != q.session_id) return fail("the RAR named another session: " + rar_session);
  std::printf("RAR received for the session\n");

  uint64_t granted = *a->mscc[0].granted->cc_service_specific_units;
  q.cc_request_number = ++number;
  q.mscc = {tokens(35'000, granted, gd::ReportingReason::kForcedReauthorisation)};
  a = (*client)->exchange(q);
  if (!a || a->result_code != gd::ResultCode::kSuccess || !a->mscc.at(0).granted ||
      a->mscc[0].granted->cc_service_specific_units.value_or(0) == 0) {
    return fail("the re-authorised update was not granted");
  }
  std::printf("granted %llu tokens again after the pack\n",
              static_cast<unsigned long long>(*a->mscc[0].granted->cc_service_specific_units));
  q.cc_request_type = gd::CcRequestType::kTermination;
  q.cc_request_number = ++number;
  q.mscc = {};
  a = (*client)->exchange(q);
  if (!a || a->result_code != gd::ResultCode::kSuccess) return fail("termination failed");
  std::printf("ok\n");
  return 0;
}
