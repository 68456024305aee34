// One side of the Gy loopback harness, each side a freeDiameter core in its own process:
//   server: answers every CCR with the fixture CCA when the CCR equals the fixture CCR (every field
//           checked), 5012 when it does not, and the codec's error answer when it is malformed;
//   client: connects, round-trips CCR-I/U/T and EVENT and checks every field of each answer, then
//           sends malformed CCRs and checks their Result-Code and Failed-AVP, then a valid one again.
// Driven by test_gy_loopback.py, which picks the ports and bounds the time.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "fd_avp.hpp"
#include "fd_core.hpp"
#include "fd_gy_codec.hpp"
#include "fd_msg_edit.hpp"
#include "gy_exchange.hpp"
#include "gy_fixtures.hpp"

namespace gd = gyrate::diameter;
namespace fd = gyrate::diameter::fd;

namespace {

struct Args {
  std::string mode;
  fd::CoreOptions core;
  std::string server_identity;
  std::string server_realm;
  uint16_t server_port = 0;
  std::chrono::milliseconds open_timeout{10000};
};

bool parse_args(int argc, char** argv, Args* a) {
  if (argc < 2) return false;
  a->mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--identity") a->core.identity = value;
    else if (flag == "--realm") a->core.realm = value;
    else if (flag == "--port") a->core.port = static_cast<uint16_t>(std::stoi(value));
    else if (flag == "--conf") a->core.conf_path = value;
    else if (flag == "--ext") a->core.extensions.push_back(value);
    else if (flag == "--allow") a->core.allowed_peers.push_back(value);
    else if (flag == "--server") a->server_identity = value;
    else if (flag == "--server-realm") a->server_realm = value;
    else if (flag == "--server-port") a->server_port = static_cast<uint16_t>(std::stoi(value));
    else if (flag == "--open-timeout-ms") a->open_timeout = std::chrono::milliseconds(std::stoi(value));
    else return false;
  }
  return (a->mode == "server" || a->mode == "client") && !a->core.identity.empty() &&
         !a->core.conf_path.empty();
}

// ---- server --------------------------------------------------------------------------------

void answer_ccr(struct msg** msg) {
  auto parsed = fd::parse_ccr(*msg);
  if (!parsed) {
    std::fprintf(stderr, "server: refused a CCR: %s\n", parsed.error().message.c_str());
    if (!fd::build_error_cca(msg, parsed.error()).is_ok()) std::fprintf(stderr, "server: cannot answer\n");
    return;
  }
  const gd::CreditControlRequest& q = *parsed;
  gd::CreditControlRequest expected = gd::fixtures::sample_ccr(
      q.cc_request_type, q.cc_request_number, q.session_id, q.origin_host, q.origin_realm);
  gd::CreditControlAnswer a = gd::fixtures::sample_cca(q, "", "");  // origin: this core
  if (!(q == expected)) {
    std::fprintf(stderr, "server: CCR %u differs from the fixture\n", q.cc_request_number);
    a = gd::CreditControlAnswer{};
    a.result_code = gd::ResultCode::kUnableToComply;
    a.cc_request_type = q.cc_request_type;
    a.cc_request_number = q.cc_request_number;
  }
  if (!fd::build_cca(msg, a).is_ok()) std::fprintf(stderr, "server: cannot build the CCA\n");
}

int run_server(const Args& args) {
  if (gyrate::Status s = fd::start_core(args.core, answer_ccr); !s) {
    std::fprintf(stderr, "server: %s\n", s.to_string().c_str());
    fd::stop_core();
    return 1;
  }
  std::printf("gy_loopback_peer listening on 127.0.0.1:%u\n", args.core.port);
  std::fflush(stdout);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  int sig = 0;
  sigwait(&stop, &sig);
  fd::stop_core();
  std::printf("gy_loopback_peer stopped\n");
  return 0;
}

// ---- client --------------------------------------------------------------------------------

struct Report {
  int passed = 0;
  int failed = 0;
  void check(bool ok, const std::string& step, const std::string& why = "") {
    ok ? ++passed : ++failed;
    std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", step.c_str(), ok ? "" : ": ", ok ? "" : why.c_str());
    std::fflush(stdout);
  }
};

using fd::testing::exchange;

// Names the answer fields that differ, so a failure says where to look.
std::string differences(const gd::CreditControlAnswer& got, const gd::CreditControlAnswer& want) {
  std::string out;
  auto note = [&](bool same, const char* field) {
    if (!same) out += std::string(out.empty() ? "" : ", ") + field;
  };
  note(got.session_id == want.session_id, "Session-Id");
  note(got.result_code == want.result_code, "Result-Code");
  note(got.origin_host == want.origin_host, "Origin-Host");
  note(got.origin_realm == want.origin_realm, "Origin-Realm");
  note(got.auth_application_id == want.auth_application_id, "Auth-Application-Id");
  note(got.cc_request_type == want.cc_request_type, "CC-Request-Type");
  note(got.cc_request_number == want.cc_request_number, "CC-Request-Number");
  note(got.failed_avp == want.failed_avp, "Failed-AVP");
  note(got.cc_session_failover == want.cc_session_failover, "CC-Session-Failover");
  note(got.credit_control_failure_handling == want.credit_control_failure_handling,
       "Credit-Control-Failure-Handling");
  note(got.mscc.size() == want.mscc.size(), "MSCC count");
  for (size_t i = 0; i < got.mscc.size() && i < want.mscc.size(); ++i) {
    const auto& g = got.mscc[i];
    const auto& w = want.mscc[i];
    std::string at = "MSCC[" + std::to_string(i) + "].";
    note(g.rating_group == w.rating_group, (at + "Rating-Group").c_str());
    note(g.service_identifiers == w.service_identifiers, (at + "Service-Identifier").c_str());
    note(g.result_code == w.result_code, (at + "Result-Code").c_str());
    note(g.granted == w.granted, (at + "GSU").c_str());
    note(g.validity_time == w.validity_time, (at + "Validity-Time").c_str());
    note(g.final_unit == w.final_unit, (at + "Final-Unit-Indication").c_str());
    note(g.volume_quota_threshold == w.volume_quota_threshold, (at + "Volume-Quota-Threshold").c_str());
    note(g.time_quota_threshold == w.time_quota_threshold, (at + "Time-Quota-Threshold").c_str());
    note(g.unit_quota_threshold == w.unit_quota_threshold, (at + "Unit-Quota-Threshold").c_str());
  }
  return out;
}

void round_trip(const Args& args, Report& report, const std::string& step, gd::CcRequestType type,
                uint32_t number, const std::string& session) {
  gd::CreditControlRequest q =
      gd::fixtures::sample_ccr(type, number, session, args.core.identity, args.core.realm);
  auto a = exchange(q);
  if (!a) return report.check(false, step, a.error().message);
  gd::CreditControlAnswer want = gd::fixtures::sample_cca(q, args.server_identity, args.server_realm);
  report.check(*a == want, step, differences(*a, want));
}

// Several requests in flight at once: the handler runs on every AppServThreads thread.
void concurrent_round_trips(const Args& args, Report& report, const std::string& session) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::atomic<int> wrong{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto q = gd::fixtures::sample_ccr(gd::CcRequestType::kUpdate, static_cast<uint32_t>(i),
                                          session + ";t" + std::to_string(t), args.core.identity,
                                          args.core.realm);
        auto a = exchange(q);
        if (!a || !(*a == gd::fixtures::sample_cca(q, args.server_identity, args.server_realm))) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d CCR-U from %d threads in %.3f s (%.0f CCR/s)\n", kThreads * kPerThread, kThreads,
              seconds, kThreads * kPerThread / seconds);
  report.check(wrong == 0, "concurrent CCR-U", std::to_string(wrong.load()) + " answers differ");
}

// An error answer in the CCA format: the code, the Failed-AVP, and the request's number echoed.
void expect_refusal(Report& report, const std::string& step,
                    const gd::Decoded<gd::CreditControlAnswer>& a, gd::ResultCode code,
                    const gd::FailedAvp& failed, uint32_t request_number) {
  if (!a) return report.check(false, step, a.error().message);
  report.check(a->result_code == code && a->failed_avp == failed &&
                   a->cc_request_number == request_number,
               step,
               "Result-Code " + std::to_string(gd::code_value(a->result_code)) +
                   (a->failed_avp ? ", Failed-AVP " + std::to_string(a->failed_avp->code) : "") +
                   ", CC-Request-Number " + std::to_string(a->cc_request_number));
}

int run_client(Args args) {
  args.core.connect_to = fd::CorePeer{.identity = args.server_identity, .address = "127.0.0.1",
                                      .port = args.server_port};
  if (gyrate::Status s = fd::start_core(args.core, {}); !s) {
    std::fprintf(stderr, "client: %s\n", s.to_string().c_str());
    fd::stop_core();
    return 1;
  }
  Report report;
  if (gyrate::Status s = fd::wait_peer_open(args.server_identity, args.open_timeout); !s) {
    report.check(false, "connect", s.to_string());
  } else {
    const std::string session = args.core.identity + ";1;" + std::to_string(getpid());
    round_trip(args, report, "CCR-I", gd::CcRequestType::kInitial, 0, session);
    round_trip(args, report, "CCR-U", gd::CcRequestType::kUpdate, 1, session);
    round_trip(args, report, "CCR-T", gd::CcRequestType::kTermination, 2, session);
    round_trip(args, report, "CCR-EVENT", gd::CcRequestType::kEvent, 0, session + ";event");

    // Malformed at application level: the handler answers 5004 with the offending value.
    auto bad = gd::fixtures::sample_ccr(gd::CcRequestType::kUpdate, 3, session + ";bad",
                                        args.core.identity, args.core.realm);
    bad.cc_request_type = static_cast<gd::CcRequestType>(99);
    expect_refusal(report, "CC-Request-Type 99 -> 5004", exchange(bad),
                   gd::ResultCode::kInvalidAvpValue, {.code = 416, .vendor_id = 0, .value = 99}, 3);
    // Malformed at stack level: the server's stack answers 5005 before any handler runs, and
    // fd_core completes that answer to the CCA format (CC-Request-Number echoed).
    auto missing = gd::fixtures::sample_ccr(gd::CcRequestType::kUpdate, 4, session + ";missing",
                                            args.core.identity, args.core.realm);
    expect_refusal(report, "no Service-Context-Id -> 5005",
                   exchange(missing, [](struct msg* m) { fd::testing::remove_child(m, 461); }),
                   gd::ResultCode::kMissingAvp, {.code = 461, .vendor_id = 0, .value = std::nullopt}, 4);
    // And the server still serves.
    round_trip(args, report, "CCR-U after malformed ones", gd::CcRequestType::kUpdate, 5, session);
    concurrent_round_trips(args, report, session);
  }
  std::printf("%d passed, %d failed\n", report.passed, report.failed);
  std::fflush(stdout);
  fd::stop_core();
  return report.failed == 0 && report.passed > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: gy_loopback_peer server|client --identity ID --realm R --port N --conf PATH\n"
                 "         [--ext FDX]... [--allow PEER-ID]... [--server ID --server-realm R "
                 "--server-port N] [--open-timeout-ms MS]\n");
    return 2;
  }
  // Before any core thread exists, so that only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return args.mode == "server" ? run_server(args) : run_client(std::move(args));
}
