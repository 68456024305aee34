// A fixed-behaviour Gy server for gyrate-sim's end-to-end tests (not an OCS): each subscriber has
// `--limit` units in every unit kind; a grant is what the MSCC asks (or `--default-grant`) up to
// what is left, the last one with Final-Unit-Indication TERMINATE, and 4012 once nothing is left.
// A CCR from a subscriber starting `reauth` is followed by a Re-Auth-Request to its session.
// PRICE_ENQUIRY is priced at 0.005 CNY a unit, CHECK_BALANCE says whether service-specific units
// are left. Subscription-Id-Data starting with `--unknown-prefix` is answered 5030, with `--silent-prefix`
// not at all. A repeated Session-Id + CC-Request-Number gets the stored answer (no second grant).
// Prints `sim_test_server listening on 127.0.0.1:PORT` when ready; stops on SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "fd_avp.hpp"
#include "fd_core.hpp"
#include "fd_gy_codec.hpp"
#include "fd_rar.hpp"

namespace gd = gyrate::diameter;
namespace fd = gyrate::diameter::fd;

namespace {

struct Config {
  fd::CoreOptions core;
  uint64_t limit = 1'000'000;
  uint64_t default_grant = 1'000;
  uint32_t validity_time = 3600;
  std::string unknown_prefix = "999";
  std::string silent_prefix = "silent";
  std::string reauth_prefix = "reauth";
};

Config g_config;
std::mutex g_mutex;
std::map<std::string, uint64_t> g_granted;  // subscriber -> units granted so far
std::map<std::pair<std::string, uint32_t>, gd::CreditControlAnswer> g_answers;  // duplicates
unsigned long g_duplicates = 0;
std::atomic<unsigned long> g_raa_success{0};

bool starts_with(const std::string& s, const std::string& prefix) {
  return !prefix.empty() && s.compare(0, prefix.size(), prefix) == 0;
}

// The one unit an RSU asks in (service-specific, octets or time) and how much; the default grant
// in service-specific units when it asks for nothing in particular.
std::pair<int, uint64_t> asked(const std::optional<gd::ServiceUnits>& rsu) {
  if (rsu && rsu->cc_total_octets) return {1, *rsu->cc_total_octets};
  if (rsu && rsu->cc_time) return {2, *rsu->cc_time};
  if (rsu && rsu->cc_service_specific_units) return {0, *rsu->cc_service_specific_units};
  return {0, g_config.default_grant};
}

gd::MsccAnswer answer_mscc(const gd::MsccRequest& m, const std::string& subscriber) {
  gd::MsccAnswer a;
  a.rating_group = m.rating_group;
  a.service_identifiers = m.service_identifiers;
  a.result_code = gd::ResultCode::kSuccess;
  if (!m.requested) return a;  // a report only
  auto [kind, want] = asked(m.requested);
  uint64_t& used = g_granted[subscriber + "/" + std::to_string(kind)];
  uint64_t left = g_config.limit - used;
  if (left == 0) {
    a.result_code = gd::ResultCode::kCreditLimitReached;
    return a;
  }
  uint64_t grant = want < left ? want : left;
  used += grant;
  gd::ServiceUnits units;
  if (kind == 1) units.cc_total_octets = grant;
  else if (kind == 2) units.cc_time = static_cast<uint32_t>(grant);
  else units.cc_service_specific_units = grant;
  a.granted = units;
  a.validity_time = g_config.validity_time;
  if (used == g_config.limit) a.final_unit = gd::FinalUnitIndication{};  // TERMINATE
  else if (kind == 0) a.unit_quota_threshold = static_cast<uint32_t>(grant / 5);
  return a;
}

gd::CreditControlAnswer answer(const gd::CreditControlRequest& q) {
  gd::CreditControlAnswer a;
  a.cc_request_type = q.cc_request_type;
  a.cc_request_number = q.cc_request_number;
  std::string subscriber = q.subscription_ids.empty() ? "" : q.subscription_ids.front().data;
  if (subscriber.empty() || starts_with(subscriber, g_config.unknown_prefix)) {
    a.result_code = gd::ResultCode::kUserUnknown;
    return a;
  }
  // PRICE_ENQUIRY: 0.005 CNY a unit asked, nothing granted; CHECK_BALANCE: whether any is left.
  if (q.requested_action == gd::RequestedAction::kPriceEnquiry) {
    uint64_t units = 0;
    for (const gd::MsccRequest& m : q.mscc) units += asked(m.requested).second;
    a.cost_information = gd::CostInformation{.value_digits = static_cast<int64_t>(units * 5), .exponent = -3,
                                             .currency_code = 156, .cost_unit = std::nullopt};
    return a;
  }
  if (q.requested_action == gd::RequestedAction::kCheckBalance) {
    bool left = g_granted[subscriber + "/0"] < g_config.limit;
    a.check_balance_result = left ? gd::CheckBalanceResult::kEnoughCredit : gd::CheckBalanceResult::kNoCredit;
    return a;
  }
  bool any_granted = q.mscc.empty();
  for (const gd::MsccRequest& m : q.mscc) {
    a.mscc.push_back(answer_mscc(m, subscriber));
    if (a.mscc.back().result_code != gd::ResultCode::kCreditLimitReached) any_granted = true;
  }
  if (!any_granted) a.result_code = gd::ResultCode::kCreditLimitReached;
  return a;
}

// A Re-Auth-Request to the client shortly after its CCR is answered (from another thread: the
// handler must not wait for an answer); the RAA's Result-Code is counted.
void send_reauth(std::string session, std::string host, std::string realm) {
  std::thread([session = std::move(session), host = std::move(host), realm = std::move(realm)] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto rar = fd::build_rar(session, host, realm);
    if (!rar) return;
    auto raa = fd::send_and_wait(*rar, std::chrono::seconds(3));
    if (!raa) return;
    if (fd::raa_result_code(*raa) == gd::ResultCode::kSuccess) ++g_raa_success;
    fd_msg_free(*raa);
  }).detach();
}

void on_ccr(struct msg** msg) {
  auto parsed = fd::parse_ccr(*msg);
  if (!parsed) {
    if (!fd::build_error_cca(msg, parsed.error())) std::fprintf(stderr, "server: cannot answer\n");
    return;
  }
  const gd::CreditControlRequest& q = *parsed;
  for (const gd::SubscriptionId& s : q.subscription_ids) {
    if (starts_with(s.data, g_config.silent_prefix)) {  // never answered: the client must time out
      fd_msg_free(*msg);
      *msg = nullptr;
      return;
    }
  }
  if (starts_with(q.subscription_ids.empty() ? "" : q.subscription_ids.front().data, g_config.reauth_prefix)) {
    send_reauth(q.session_id, q.origin_host, q.origin_realm);
  }
  gd::CreditControlAnswer a;
  {
    std::lock_guard lock(g_mutex);
    auto key = std::make_pair(q.session_id, q.cc_request_number);
    auto found = g_answers.find(key);
    if (found != g_answers.end()) {
      ++g_duplicates;
      a = found->second;
    } else {
      a = answer(q);
      g_answers.emplace(key, a);
    }
  }
  if (!fd::build_cca(msg, a)) std::fprintf(stderr, "server: cannot build the CCA\n");
}

bool parse_args(int argc, char** argv) {
  fd::CoreOptions& c = g_config.core;
  c.app_threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--identity") c.identity = value;
    else if (flag == "--realm") c.realm = value;
    else if (flag == "--port") c.port = static_cast<uint16_t>(std::stoi(value));
    else if (flag == "--conf") c.conf_path = value;
    else if (flag == "--allow") c.allowed_peers.push_back(value);
    else if (flag == "--threads") c.app_threads = static_cast<unsigned>(std::stoi(value));
    else if (flag == "--limit") g_config.limit = std::stoull(value);
    else if (flag == "--default-grant") g_config.default_grant = std::stoull(value);
    else if (flag == "--unknown-prefix") g_config.unknown_prefix = value;
    else if (flag == "--silent-prefix") g_config.silent_prefix = value;
    else return false;
  }
  return !c.identity.empty() && !c.realm.empty() && c.port != 0 && !c.conf_path.empty();
}

}  // namespace

int main(int argc, char** argv) {
  if (!parse_args(argc, argv)) {
    std::fprintf(stderr,
                 "usage: sim_test_server --identity ID --realm R --port N --conf PATH [--allow PEER]...\n"
                 "         [--threads N] [--limit UNITS] [--default-grant UNITS] [--unknown-prefix P]\n"
                 "         [--silent-prefix P]\n");
    return 2;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  if (gyrate::Status s = fd::start_core(g_config.core, on_ccr); !s) {
    std::fprintf(stderr, "sim_test_server: %s\n", s.to_string().c_str());
    fd::stop_core();
    return 1;
  }
  std::printf("sim_test_server listening on 127.0.0.1:%u\n", g_config.core.port);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  fd::stop_core();
  std::printf("sim_test_server stopped (%lu duplicates answered from the store, %lu RAA 2001)\n", g_duplicates,
              g_raa_success.load());
  return 0;
}
