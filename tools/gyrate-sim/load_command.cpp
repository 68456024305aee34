// gyrate-sim load: flags -> LoadOptions, a progress line on stderr, the report on stdout (text or
// one JSON object).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "commands.hpp"
#include "connection.hpp"
#include "gyrate/diameter/result_code.hpp"
#include "gyrate/ruleslang/literal.hpp"
#include "gyrate/sim/load.hpp"

namespace gyrate::sim_tool {
namespace {

void help() {
  std::printf(
      "usage: gyrate-sim load [flags] [connection flags]\n\n"
      "Plays many subscribers' sessions (CCR-I, N x CCR-U, CCR-T) against a Gy server for a\n"
      "duration, then prints CCR/s, answers by Result-Code and latency p50/p90/p99/max.\n"
      "Ctrl-C (or SIGTERM) ends the run early: open sessions get their CCR-T, then the report.\n"
      "Exit status: 0 when every request was answered, 1 when some were not, 2 on bad flags or\n"
      "no connection.\n\n"
      "  --concurrency N          requests in flight at most (default 16)\n"
      "  --rate R                 CCR/s to pace at (default: as fast as --concurrency allows)\n"
      "  --duration D             how long to send: 10s, 500ms, 2min (default 10s)\n"
      "  --subscriber PATTERN     e164:8613800000000 (counts up from it) or nai:user{n}@llm.example\n"
      "                           (also imsi:, sip:, private:); default e164:8613800000000\n"
      "  --subscribers N          how many identities from the pattern (default 1000)\n"
      "  --updates N              CCR-U per session (default 3)\n"
      "  --rating-group N         (default 100)\n"
      "  --service-id N           a Service-Identifier in the MSCC (default none)\n"
      "  --context ID             Service-Context-Id (default 32251@3gpp.org)\n"
      "  --units Q                RSU asked and USU reported per request: 1000, 400k tokens,\n"
      "                           2MiB, 30s (default 1000 service-specific units)\n"
      "  --json                   the report as one JSON object\n"
      "  --no-progress            no progress line on stderr\n\n%s",
      kConnectionHelp);
}

bool parse_u64(std::string_view text, uint64_t max, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

// "10s", "10 s", "500ms", "2min", "1h"; a bare number is seconds.
bool parse_duration(std::string_view text, std::chrono::milliseconds* out) {
  size_t cut = lang::literal::scan_number(text);
  std::string_view number = text.substr(0, cut);
  std::string_view unit = text.substr(cut);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  int64_t scale_ms = 1000;
  if (unit == "ms") scale_ms = 1;
  else if (unit == "min" || unit == "m") scale_ms = 60'000;
  else if (unit == "h") scale_ms = 3'600'000;
  else if (!unit.empty() && unit != "s") return false;
  lang::literal::ParsedNumber n = lang::literal::parse_number(number);
  if (n.error != lang::literal::NumberError::kNone || number.empty()) return false;
  lang::literal::Fixed f = lang::literal::to_fixed(n.number, scale_ms);
  if (f.error != lang::literal::FixedError::kNone || f.value <= 0) return false;
  *out = std::chrono::milliseconds(f.value);
  return true;
}

bool parse_units(std::string_view text, sim::Quantity* out, std::string* error) {
  size_t cut = lang::literal::scan_number(text);
  std::string_view unit = text.substr(cut);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  auto q = sim::parse_quantity(text.substr(0, cut), unit, error);
  if (q) *out = *q;
  return q.has_value();
}

void print_report(const sim::LoadReport& r) {
  std::printf("load: %.2f s, %u in flight at most, rate %s\n", r.seconds, r.concurrency,
              r.rate > 0 ? (std::to_string(static_cast<long long>(r.rate)) + " CCR/s").c_str() : "unlimited");
  std::printf("  sent %llu, answered %llu, sessions completed %llu\n", static_cast<unsigned long long>(r.sent),
              static_cast<unsigned long long>(r.answered), static_cast<unsigned long long>(r.sessions_completed));
  std::printf("  %.1f CCR/s\n", r.ccr_per_second);
  std::printf("  latency p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n", r.latency_p50_us / 1000.0,
              r.latency_p90_us / 1000.0, r.latency_p99_us / 1000.0, r.latency_max_us / 1000.0);
  for (const auto& [code, n] : r.by_result_code) {
    std::printf("  Result-Code %u %s: %llu\n", code,
                diameter::result_code_name(static_cast<diameter::ResultCode>(code)),
                static_cast<unsigned long long>(n));
  }
  for (const auto& [kind, n] : r.errors) {
    std::printf("  no answer (%s): %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
  }
}

}  // namespace

int load_command(const ConnectionOptions& connection, std::span<char*> args) {
  sim::LoadOptions o;
  bool json = false;
  bool progress = true;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") {
      help();
      return 0;
    }
    if (flag == "--json") {
      json = true;
      continue;
    }
    if (flag == "--no-progress") {
      progress = false;
      continue;
    }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "gyrate-sim load: %s needs a value (see --help)\n", args[i]);
      return 2;
    }
    std::string_view value = args[++i];
    uint64_t n = 0;
    std::string error;
    bool ok = true;
    if (flag == "--concurrency") {
      ok = parse_u64(value, 100'000, &n) && n > 0;
      o.concurrency = static_cast<unsigned>(n);
    } else if (flag == "--rate") {
      ok = parse_u64(value, 10'000'000, &n) && n > 0;
      o.rate = static_cast<double>(n);
    } else if (flag == "--duration") {
      ok = parse_duration(value, &o.duration);
    } else if (flag == "--subscriber") {
      o.identity = std::string(value);
    } else if (flag == "--subscribers") {
      ok = parse_u64(value, UINT32_MAX, &n) && n > 0;
      o.subscribers = static_cast<uint32_t>(n);
    } else if (flag == "--updates") {
      ok = parse_u64(value, 1'000'000, &n);
      o.updates_per_session = static_cast<uint32_t>(n);
    } else if (flag == "--rating-group") {
      ok = parse_u64(value, UINT32_MAX, &n);
      o.rating_group = static_cast<uint32_t>(n);
    } else if (flag == "--service-id") {
      ok = parse_u64(value, UINT32_MAX, &n);
      o.service_identifier = static_cast<uint32_t>(n);
    } else if (flag == "--context") {
      o.service_context_id = std::string(value);
      ok = !value.empty();
    } else if (flag == "--units") {
      ok = parse_units(value, &o.units, &error);
    } else {
      std::fprintf(stderr, "gyrate-sim load: unknown flag `%s` (see --help)\n", args[i - 1]);
      return 2;
    }
    if (!ok) {
      std::fprintf(stderr, "gyrate-sim load: bad value `%s` for %s%s%s\n", args[i], args[i - 1],
                   error.empty() ? "" : ": ", error.c_str());
      return 2;
    }
  }
  if (Status s = sim::validate(o); !s) {
    std::fprintf(stderr, "gyrate-sim load: %s\n", s.message().c_str());
    return 2;
  }
  // Ctrl-C or SIGTERM ends the run early with its report: blocked before the core's threads exist
  // (they inherit the mask), taken by one thread that raises the stop flag.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  static std::atomic<bool> stop{false};
  o.stop = &stop;
  std::thread([stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stop.store(true);
  }).detach();
  auto client = connect_or_complain(connection);
  if (!client) return 2;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  auto on_progress = [&](const sim::LoadProgress& p) {
    std::fprintf(stderr, "%s%6.1f s  sent %llu  answered %llu  in flight %llu  %.0f CCR/s%s", tty ? "\r" : "",
                 p.seconds, static_cast<unsigned long long>(p.sent), static_cast<unsigned long long>(p.answered),
                 static_cast<unsigned long long>(p.in_flight), p.recent_per_second, tty ? "   " : "\n");
    std::fflush(stderr);
  };
  Expected<sim::LoadReport> report =
      sim::run_load(*client, o, progress ? std::function<void(const sim::LoadProgress&)>(on_progress) : nullptr);
  if (progress && tty) std::fprintf(stderr, "\n");
  client->close();
  if (!report) {
    std::fprintf(stderr, "gyrate-sim load: %s\n", report.status().to_string().c_str());
    return 2;
  }
  if (json) std::printf("%s\n", sim::to_json(*report).c_str());
  else print_report(*report);
  return report->errors.empty() ? 0 : 1;
}

}  // namespace gyrate::sim_tool
