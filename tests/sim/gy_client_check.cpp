// GyClient's promises against a live server (sim_test_server), checked from one process:
// exchange from many threads at once, each answer matching its own request; a silent server gives
// kUnavailable after the answer timeout; close() answers every request in flight at once, and a
// request after close() is answered kUnavailable without blocking; a Re-Auth-Request is answered
// and reported. Prints `N passed, M failed`.
// Driven by test_gyrate_sim.py.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gyrate/diameter/gy_client.hpp"

namespace gd = gyrate::diameter;
using Clock = std::chrono::steady_clock;

namespace {

int g_passed = 0;
int g_failed = 0;

void check(bool ok, const std::string& what) {
  (ok ? g_passed : g_failed) += 1;
  std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
  std::fflush(stdout);
}

gd::CreditControlRequest request(gd::GyClient& client, const std::string& subscriber, uint32_t number,
                                 gd::CcRequestType type = gd::CcRequestType::kEvent) {
  gd::CreditControlRequest q;
  q.session_id = client.new_session_id();
  q.cc_request_type = type;
  q.cc_request_number = number;
  q.subscription_ids = {gd::SubscriptionId{.type = gd::SubscriptionIdType::kEndUserE164, .data = subscriber}};
  gd::MsccRequest m;
  m.rating_group = 100;
  m.requested = gd::ServiceUnits{.cc_time = std::nullopt, .cc_total_octets = std::nullopt,
                                 .cc_input_octets = std::nullopt, .cc_output_octets = std::nullopt,
                                 .cc_service_specific_units = 1 + number};
  q.mscc = {m};
  return q;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: gy_client_check PORT SERVER-IDENTITY SILENT-SUBSCRIBER\n");
    return 2;
  }
  gd::ClientOptions o;
  o.server_port = static_cast<uint16_t>(std::atoi(argv[1]));
  o.server_identity = argv[2];
  const std::string silent = argv[3];
  o.answer_timeout = std::chrono::milliseconds(3000);
  std::mutex reauth_mutex;
  std::vector<std::string> reauthorized;
  o.on_reauth = [&](const std::string& session_id) {
    std::lock_guard lock(reauth_mutex);
    reauthorized.push_back(session_id);
  };
  auto connected = gd::GyClient::connect(o);
  if (!connected) {
    std::fprintf(stderr, "connect: %s\n", connected.status().to_string().c_str());
    return 2;
  }
  gd::GyClient& client = **connected;

  // Many threads in exchange() at once; each answer echoes its own request's number and amount.
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < 50; ++i) {
        gd::CreditControlRequest q = request(client, "86138000" + std::to_string(t), i);
        gd::AnswerOrStatus a = client.exchange(q);
        bool ok = a && a->result_code == gd::ResultCode::kSuccess && a->session_id == q.session_id &&
                  a->cc_request_number == i && a->mscc.size() == 1 && a->mscc[0].granted &&
                  a->mscc[0].granted->cc_service_specific_units == 1 + i;
        if (!ok) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  check(wrong == 0, "400 exchanges from 8 threads, each answer its own (" + std::to_string(wrong.load()) +
                        " wrong)");

  // A Re-Auth-Request from the server: answered RAA 2001 by the client, and heard of.
  gd::CreditControlRequest asked = request(client, "reauth-1", 0, gd::CcRequestType::kInitial);
  gd::AnswerOrStatus first = client.exchange(asked);
  bool heard = false;
  for (int i = 0; i < 100 && !heard; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard lock(reauth_mutex);
    heard = reauthorized.size() == 1 && reauthorized[0] == asked.session_id;
  }
  check(first && heard, "a Re-Auth-Request for the session reaches on_reauth");

  // A server that does not answer: kUnavailable after the timeout, not a hang.
  auto start = Clock::now();
  gd::AnswerOrStatus none = client.exchange(request(client, silent, 0));
  double waited = std::chrono::duration<double>(Clock::now() - start).count();
  check(!none && none.status().code() == gyrate::ErrorCode::kUnavailable && waited >= 2.5 && waited < 6,
        "an unanswered exchange is kUnavailable after the 3 s timeout (" + std::to_string(waited) + " s)");

  // Requests in flight when the client closes: each callback runs once, at close, kUnavailable.
  std::atomic<int> called{0};
  std::atomic<int> unavailable{0};
  for (uint32_t i = 0; i < 100; ++i) {
    client.send(request(client, silent, i), [&](gd::AnswerOrStatus a) {
      ++called;
      if (!a && a.status().code() == gyrate::ErrorCode::kUnavailable) ++unavailable;
    });
  }
  start = Clock::now();
  client.close();
  double closing = std::chrono::duration<double>(Clock::now() - start).count();
  check(called == 100 && unavailable == 100 && closing < 2.5,
        "close() answers the 100 requests in flight (" + std::to_string(called.load()) + " called, " +
            std::to_string(unavailable.load()) + " unavailable, " + std::to_string(closing) + " s)");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  check(called == 100, "no callback runs twice");

  // After close: answered at once, on this thread.
  bool inline_answer = false;
  client.send(request(client, "8613800009", 0), [&](gd::AnswerOrStatus a) {
    inline_answer = !a && a.status().code() == gyrate::ErrorCode::kUnavailable;
  });
  check(inline_answer, "send() after close() is answered kUnavailable at once");
  gd::AnswerOrStatus after = client.exchange(request(client, "8613800009", 0));
  check(!after && after.status().code() == gyrate::ErrorCode::kUnavailable, "exchange() after close()");

  std::printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
