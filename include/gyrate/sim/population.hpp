// A population for gyrate-sim's month mode: groups of subscribers who share an identity pattern,
// a usage profile (an LLM gateway's tokens, a packet gateway's octets, or both) and the plan they
// are expected to be on. Read from JSON lines (docs/simulator.md, "Month mode"); every mistake
// comes back as `file:line: message`.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/diameter/gy_message.hpp"

namespace gyrate::sim {

// When in the day and week a profile's traffic happens: relative weights per local hour (0-23)
// and per weekday (Monday first). A day with weekly weight w has w times the profile's mean.
struct TrafficShape {
  std::array<double, 24> hourly{};
  std::array<double, 7> weekly{};
};
TrafficShape default_shape();  // an office day with an evening peak, weekends at 70%

// One model an LLM gateway routes to (a Service-Identifier) and its share of the sessions.
struct ModelShare {
  uint32_t service_identifier = 0;
  uint32_t share = 1;
};

struct LlmProfile {
  bool enabled = false;
  std::string service_context_id = "tokens@gyrate.example";
  uint32_t rating_group = 100;
  bool counts_requests = false;  // "unit": "request": a coding plan counts requests, not tokens
  std::vector<ModelShare> models;  // empty: no Service-Identifier is sent
  uint64_t requests_per_day = 0;    // mean, on a day of weekly weight 1
  uint32_t requests_per_session = 5;
  uint64_t tokens_min = 1000;       // what one request asks for (RSU), uniform in [min, max]
  uint64_t tokens_max = 4000;
  uint32_t use_min_percent = 60;    // what the model then uses, as a share of what it asked for
  uint32_t use_max_percent = 100;
  // The RSU of a gateway that reserves ahead: it serves requests from the grant and asks again
  // (CCR-U) only when a request needs more than is left. 0: every request asks for itself.
  uint64_t reserve = 0;
  TrafficShape shape = default_shape();
};

struct DataProfile {
  bool enabled = false;
  std::string service_context_id = "32251@3gpp.org";
  uint32_t rating_group = 200;
  uint64_t bytes_per_day = 0;      // mean, on a day of weekly weight 1
  uint32_t sessions_per_day = 4;
  uint32_t session_minutes = 30;
  uint64_t request_octets = 0;     // the RSU's CC-Total-Octets; 0: an empty RSU (server decides)
  TrafficShape shape = default_shape();
};

// One subscriber as the simulator sees it: how the server finds it and what it does.
struct SimSubscriber {
  std::string id;       // the server's account id (the admin API's /v1/subscribers/{id})
  std::string account;  // who pays: the team for a team member; otherwise the id
  std::string plan;     // for the report's grouping only
  std::string group;
  diameter::SubscriptionId identity;
  size_t profile = 0;   // index into Population::groups
};

// A user who buys a pack when the server redirects them to the top-up page (T1), at most
// `times` a month; the pack is bought through MonthOptions::buy_pack.
struct TopUp {
  std::string pack;
  uint32_t times = 0;
};

struct PopulationGroup {
  std::string name;
  std::string plan;
  int64_t from_day = INT64_MIN;  // the first local day with traffic (days since 1970-01-01)
  TopUp top_up;
  LlmProfile llm;
  DataProfile data;
  std::string file;     // where it was written, for messages
  size_t line = 0;
};

struct Population {
  int32_t utc_offset_minutes = 0;  // the subscribers' local time, for the traffic shapes
  std::vector<PopulationGroup> groups;
  std::vector<SimSubscriber> subscribers;  // in file order; group g's are contiguous
};

// Parses a population from `text` (`file` names it in messages). Every problem is reported, one
// per line, as `file:line: message`, in an kInvalidArgument status.
Expected<Population> parse_population(const std::string& text, const std::string& file);
Expected<Population> read_population(const std::string& path);

// "e164:+8613800000001" -> a Subscription-Id, or an error message.
Expected<diameter::SubscriptionId> parse_identity(const std::string& text);

}  // namespace gyrate::sim
