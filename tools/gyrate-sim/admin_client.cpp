// The admin API's answers as gyrate_sim's structs: see admin_client.hpp.
#include "admin_client.hpp"

#include <httplib.h>

#include <cctype>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "gyrate/ruleslang/calendar.hpp"

namespace gyrate::sim_tool {
namespace {

using nlohmann::json;

std::string percent_encoded(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

int64_t integer(const json& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::optional<int64_t> optional_integer(const json& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

std::string text(const json& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "2026-10-31T16:00:00Z" -> unix seconds; 0 when it is not that shape.
int64_t utc_seconds(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se) != 6) return 0;
  int64_t days = lang::calendar::days_from_civil({y, mo, d});
  return days * 86'400 + h * 3600 + mi * 60 + se;
}

}  // namespace

AdminClient::AdminClient(const std::string& url, std::string token)
    : client_(std::make_unique<httplib::Client>(url)), token_(std::move(token)) {
  client_->set_connection_timeout(5);
  client_->set_read_timeout(10);
}

AdminClient::~AdminClient() = default;

std::string AdminClient::call(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& what) {
  std::lock_guard lock(mutex_);
  httplib::Headers headers;
  if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
  httplib::Result response = method == "POST"
                                 ? client_->Post(path.c_str(), headers, body, "application/json")
                                 : client_->Get(path.c_str(), headers);
  std::string why;
  if (!response) {
    why = "no answer (" + httplib::to_string(response.error()) + ")";
  } else if (response->status != 200) {
    why = "HTTP " + std::to_string(response->status);
  } else {
    return response->body;
  }
  if (!complained_) {
    std::fprintf(stderr,
                 "gyrate-sim month: %s from the admin API: %s (further failures are not shown)\n",
                 what.c_str(), why.c_str());
    complained_ = true;
  }
  return "";
}

std::optional<sim::AccountState> AdminClient::account(const std::string& id) {
  std::string body = call("GET", "/v1/subscribers/" + percent_encoded(id), "", "no bill for " + id);
  json o = json::parse(body, nullptr, false);
  if (o.is_discarded() || !o.is_object() || !o.contains("spend") ||
      !o["spend"].is_number_integer() || !o.contains("fees_charged") ||
      !o["fees_charged"].is_number_integer()) {
    return std::nullopt;
  }
  sim::AccountState a;
  a.currency = text(o, "currency");
  a.spend = integer(o, "spend");
  a.fees_charged = integer(o, "fees_charged");
  a.last_fee = integer(o, "last_fee");
  if (o.contains("period") && o["period"].is_object()) {
    a.period_start = utc_seconds(text(o["period"], "start"));
  }
  a.open_reservations = integer(o, "open_reservations");
  if (o.contains("services") && o["services"].is_array()) {
    for (const json& s : o["services"]) a.reserved += integer(s, "reserved");
  }
  if (o.contains("buckets") && o["buckets"].is_array()) {
    for (const json& b : o["buckets"]) a.overrun -= std::min<int64_t>(integer(b, "amount"), 0);
  }
  return a;
}

std::optional<sim::RefusalView> AdminClient::refusal(const std::string& id) {
  std::string body = call("GET", "/v1/subscribers/" + percent_encoded(id) + "/explain?format=json",
                          "", "no explanation for " + id);
  json o = json::parse(body, nullptr, false);
  if (o.is_discarded() || !o.is_object() || !o.contains("answer") || !o["answer"].is_object() ||
      !o.contains("context") || !o["context"].is_object()) {
    return std::nullopt;
  }
  const json& answer = o["answer"];
  const json& context = o["context"];
  sim::RefusalView v;
  v.service = text(o, "service");
  v.granted = text(answer, "outcome") == "granted" && integer(answer, "grant") > 0;
  v.limiter = text(answer, "limiter");
  v.time = integer(o, "time");
  v.weight = integer(o, "weight");
  v.remaining = integer(context, "remaining");
  v.used = integer(context, "used");
  v.member_used = integer(context, "member_used");
  v.spend = integer(context, "spend");
  v.usage_cap = optional_integer(o, "usage_cap");
  v.member_cap = optional_integer(o, "member_cap");
  v.spend_cap = optional_integer(o, "spend_cap");
  if (o.contains("overage") && o["overage"].is_object()) {
    const json& overage = o["overage"];
    if (overage.value("priced", false)) {
      v.overage_price = integer(overage, "price");
      v.overage_block = integer(overage, "block");
    }
  }
  if (context.contains("windows") && context["windows"].is_array()) {
    for (const json& w : context["windows"]) {
      std::optional<int64_t> limit = optional_integer(w, "limit");
      if (limit && integer(w, "counted") >= *limit) v.window_full = true;
    }
  }
  return v;
}

std::optional<int64_t> AdminClient::buy_pack(const std::string& id, const std::string& pack,
                                             const std::string& order) {
  json request = {{"pack", pack}, {"order", order}};
  std::string body = call("POST", "/v1/subscribers/" + percent_encoded(id) + "/packs",
                          request.dump(), "no pack " + pack + " for " + id);
  json o = json::parse(body, nullptr, false);
  if (o.is_discarded() || !o.is_object() || !o.contains("charged")) return std::nullopt;
  return integer(o, "charged");
}

}  // namespace gyrate::sim_tool
