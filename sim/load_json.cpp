// LoadReport as one JSON object, for benchmarks that parse gyrate-sim's output.
#include <cstdio>
#include <string>

#include "gyrate/sim/load.hpp"

namespace gyrate::sim {
namespace {

// The keys are gyrate's own words; escaping keeps the object valid whatever they become.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string to_json(const LoadReport& r) {
  std::string j = "{";
  j += "\"seconds\":" + fixed(r.seconds, 3);
  j += ",\"concurrency\":" + std::to_string(r.concurrency);
  j += ",\"rate\":" + fixed(r.rate, 1);
  j += ",\"sent\":" + std::to_string(r.sent);
  j += ",\"answered\":" + std::to_string(r.answered);
  j += ",\"ccr_per_second\":" + fixed(r.ccr_per_second, 1);
  j += ",\"sessions_completed\":" + std::to_string(r.sessions_completed);
  j += ",\"latency_us\":{\"p50\":" + std::to_string(r.latency_p50_us) + ",\"p90\":" +
       std::to_string(r.latency_p90_us) + ",\"p99\":" + std::to_string(r.latency_p99_us) +
       ",\"max\":" + std::to_string(r.latency_max_us) + "}";
  j += ",\"result_codes\":{";
  bool first = true;
  for (const auto& [code, n] : r.by_result_code) {
    j += (first ? "" : ",") + quoted(std::to_string(code)) + ":" + std::to_string(n);
    first = false;
  }
  j += "},\"errors\":{";
  first = true;
  for (const auto& [kind, n] : r.errors) {
    j += (first ? "" : ",") + quoted(kind) + ":" + std::to_string(n);
    first = false;
  }
  return j + "}}";
}

}  // namespace gyrate::sim
