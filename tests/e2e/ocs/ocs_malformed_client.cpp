// A Gy client that sends malformed CCRs to a running gyrate-ocs and checks each answer's
// Result-Code and Failed-AVP, then a valid CCR-I and CCR-T: every bad request gets an answer and
// the server keeps serving. Driven by test_ocs_malformed.py, which starts gyrate-ocs.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <functional>
#include <string>

#include "fd_core.hpp"
#include "fd_gy_codec.hpp"
#include "fd_msg_edit.hpp"
#include "fd_rar.hpp"
#include "gy_exchange.hpp"

namespace gd = gyrate::diameter;
namespace fd = gyrate::diameter::fd;

namespace {

struct Args {
  fd::CoreOptions core;
  std::string server_identity = "ocs.gyrate.test";
  uint16_t server_port = 0;
  std::string subscriber;  // an E.164 number gyrate-ocs knows
  std::string rar_subscriber;  // if set: a session of theirs in final-unit state waits for a RAR
};

// The Session-Ids of the RARs received (on a core thread).
std::mutex g_rar_mutex;
std::condition_variable g_rar_cv;
std::vector<std::string> g_rars;

int failed = 0;
int passed = 0;

void check(bool ok, const std::string& step, const std::string& why) {
  ok ? ++passed : ++failed;
  std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", step.c_str(), ok ? "" : ": ", ok ? "" : why.c_str());
  std::fflush(stdout);
}

using fd::testing::exchange;

std::string describe(const gd::Decoded<gd::CreditControlAnswer>& a) {
  if (!a) return "no CCA: " + a.error().message;
  std::string s = "Result-Code " + std::to_string(gd::code_value(a->result_code));
  if (a->failed_avp) {
    s += ", Failed-AVP " + std::to_string(a->failed_avp->code);
    if (a->failed_avp->value) s += " = " + std::to_string(*a->failed_avp->value);
  }
  s += ", CC-Request-Number " + std::to_string(a->cc_request_number);
  for (const gd::MsccAnswer& m : a->mscc) {
    if (m.granted && m.granted->cc_service_specific_units) {
      s += ", granted " + std::to_string(*m.granted->cc_service_specific_units);
    }
  }
  return s;
}

// Result-Code, Failed-AVP (code, and the value when given) and the request number echoed.
void expect(const std::string& step, const gd::Decoded<gd::CreditControlAnswer>& a, gd::ResultCode code,
            std::optional<uint32_t> failed_avp, std::optional<uint64_t> value, uint32_t number) {
  bool ok = a && a->result_code == code && a->cc_request_number == number &&
            (failed_avp ? a->failed_avp && a->failed_avp->code == *failed_avp &&
                              (!value || a->failed_avp->value == value)
                        : !a->failed_avp);
  check(ok, step, describe(a));
}

gd::CreditControlRequest ccr(const Args& args, gd::CcRequestType type, uint32_t number,
                             const std::string& session) {
  gd::CreditControlRequest q;
  q.session_id = args.core.identity + ";" + session + ";" + std::to_string(getpid());
  q.origin_host = args.core.identity;
  q.origin_realm = args.core.realm;
  q.destination_realm = "gyrate.test";
  q.service_context_id = "32251@3gpp.org";
  q.cc_request_type = type;
  q.cc_request_number = number;
  q.subscription_ids = {gd::SubscriptionId{.type = gd::SubscriptionIdType::kEndUserE164, .data = args.subscriber}};
  gd::MsccRequest m;
  m.rating_group = 100;
  m.requested = gd::ServiceUnits{};
  m.requested->cc_service_specific_units = 1000;
  if (type != gd::CcRequestType::kInitial && type != gd::CcRequestType::kEvent) {
    gd::UsedServiceUnit u;
    u.units.cc_service_specific_units = 1000;
    m.used.push_back(u);
  }
  q.mscc = {m};
  return q;
}

// A session that got the subscriber's last units (Final-Unit-Indication) waits; the test buys a
// pack through the admin API; the server's RAR names this session, and the CCR-U that answers it
// (FORCED_REAUTHORISATION) is answered.
void reauthorised_after_a_purchase(Args args) {
  args.subscriber = args.rar_subscriber;
  auto initial = ccr(args, gd::CcRequestType::kInitial, 0, "final-units");
  initial.mscc[0].requested->cc_service_specific_units = 2'000'000'000;
  auto a = exchange(initial);
  check(a && a->result_code == gd::ResultCode::kSuccess && a->mscc.size() == 1 && a->mscc[0].final_unit,
        "CCR-I granted the last units, with Final-Unit-Indication", describe(a));
  std::printf("holding a session in final-unit state\n");
  std::fflush(stdout);
  std::unique_lock lock(g_rar_mutex);
  bool got = g_rar_cv.wait_for(lock, std::chrono::seconds(20), [] { return !g_rars.empty(); });
  check(got && g_rars.front() == initial.session_id, "a RAR for that session after the purchase",
        got ? "RAR for " + g_rars.front() : "no RAR within 20 s");
  lock.unlock();
  auto update = ccr(args, gd::CcRequestType::kUpdate, 1, "final-units");
  update.mscc[0].used[0].units.cc_service_specific_units = 0;
  update.mscc[0].reporting_reason = gd::ReportingReason::kForcedReauthorisation;
  auto u = exchange(update);
  check(u && u->result_code == gd::ResultCode::kSuccess && u->mscc.size() == 1 && u->mscc[0].granted &&
            u->mscc[0].granted->cc_service_specific_units == 1000u,
        "the CCR-U answering the RAR (FORCED_REAUTHORISATION) -> 2001, 1000 granted", describe(u));
  expect("its CCR-T -> 2001", exchange(ccr(args, gd::CcRequestType::kTermination, 2, "final-units")),
         gd::ResultCode::kSuccess, std::nullopt, std::nullopt, 2);
}

int run(const Args& args) {
  if (gyrate::Status s = fd::wait_peer_open(args.server_identity, std::chrono::seconds(10)); !s) {
    check(false, "connect", s.to_string());
    return 1;
  }
  using RC = gd::ResultCode;
  // Application level: values the stack does not check, answered by the server's codec.
  auto bad_type = ccr(args, gd::CcRequestType::kInitial, 0, "bad-type");
  bad_type.cc_request_type = static_cast<gd::CcRequestType>(99);
  expect("CC-Request-Type 99 -> 5004, Failed-AVP 416 = 99", exchange(bad_type), RC::kInvalidAvpValue, 416,
         99, 0);
  auto bad_action = ccr(args, gd::CcRequestType::kEvent, 0, "bad-action");
  bad_action.requested_action = static_cast<gd::RequestedAction>(7);
  expect("Requested-Action 7 -> 5004, Failed-AVP 436 = 7", exchange(bad_action), RC::kInvalidAvpValue, 436,
         7, 0);
  // Stack level: a required AVP missing, answered before any handler (completed to a CCA).
  expect("no Service-Context-Id -> 5005, Failed-AVP 461",
         exchange(ccr(args, gd::CcRequestType::kInitial, 0, "no-context"),
                  [](struct msg* m) { fd::testing::remove_child(m, 461); }),
         RC::kMissingAvp, 461, std::nullopt, 0);
  expect("no CC-Request-Number -> 5005, Failed-AVP 415",
         exchange(ccr(args, gd::CcRequestType::kInitial, 3, "no-number"),
                  [](struct msg* m) { fd::testing::remove_child(m, 415); }),
         RC::kMissingAvp, 415, std::nullopt, 0);
  // The server's own rules: no Subscription-Id at all, an unknown subscriber, an unknown session.
  auto anonymous = ccr(args, gd::CcRequestType::kInitial, 0, "anonymous");
  anonymous.subscription_ids.clear();
  expect("no Subscription-Id -> 5005, Failed-AVP 443", exchange(anonymous), RC::kMissingAvp, 443,
         std::nullopt, 0);
  auto stranger = ccr(args, gd::CcRequestType::kInitial, 0, "stranger");
  stranger.subscription_ids[0].data = "8613899999999";
  expect("unknown subscriber -> 5030", exchange(stranger), RC::kUserUnknown, std::nullopt, std::nullopt, 0);
  expect("CCR-U of an unknown Session-Id -> 5002",
         exchange(ccr(args, gd::CcRequestType::kUpdate, 1, "never-opened")), RC::kUnknownSessionId,
         std::nullopt, std::nullopt, 1);
  // And the server still serves a valid session.
  auto a = exchange(ccr(args, gd::CcRequestType::kInitial, 0, "valid"));
  check(a && a->result_code == RC::kSuccess && a->mscc.size() == 1 && a->mscc[0].granted &&
            a->mscc[0].granted->cc_service_specific_units == 1000u,
        "a valid CCR-I after them -> 2001, 1000 granted", describe(a));
  expect("its CCR-T -> 2001", exchange(ccr(args, gd::CcRequestType::kTermination, 1, "valid")), RC::kSuccess,
         std::nullopt, std::nullopt, 1);
  if (!args.rar_subscriber.empty()) reauthorised_after_a_purchase(args);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  args.core.identity = "malformed.gyrate.test";
  args.core.realm = "gyrate.test";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port") args.core.port = static_cast<uint16_t>(std::stoi(value));
    else if (flag == "--conf") args.core.conf_path = value;
    else if (flag == "--server-port") args.server_port = static_cast<uint16_t>(std::stoi(value));
    else if (flag == "--subscriber") args.subscriber = value;
    else if (flag == "--rar-subscriber") args.rar_subscriber = value;
    else {
      std::fprintf(stderr, "usage: ocs_malformed_client --port N --conf PATH --server-port N --subscriber E164 "
                   "[--rar-subscriber E164]\n");
      return 2;
    }
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  args.core.connect_to = fd::CorePeer{.identity = args.server_identity, .address = "127.0.0.1",
                                      .port = args.server_port};
  if (gyrate::Status s = fd::start_core(args.core, {}); !s) {
    std::fprintf(stderr, "client: %s\n", s.to_string().c_str());
    fd::stop_core();
    return 1;
  }
  if (gyrate::Status s = fd::answer_rars([](const std::string& session) {
        std::lock_guard lock(g_rar_mutex);
        g_rars.push_back(session);
        g_rar_cv.notify_all();
      });
      !s) {
    std::fprintf(stderr, "client: %s\n", s.to_string().c_str());
  }
  int code = run(args);
  std::printf("%d passed, %d failed\n", passed, failed);
  std::fflush(stdout);
  fd::stop_core();
  return code;
}
