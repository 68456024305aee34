// A small in-process OCS for the month runner's tests: each subscriber has a daily quota of
// tokens and of octets; a grant is what was asked (or a default chunk), capped by what is left,
// with a Final-Unit-Indication on the grant that takes the last unit and 4012 once nothing is
// left. It also checks the client: no session uses more than it was granted, none goes on after
// a refusal or a final grant, and it tallies every Used-Service-Unit it receives.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/diameter/gy_time.hpp"
#include "gyrate/sim/month.hpp"
#include "gyrate/sim/population.hpp"

namespace gyrate::sim::test {

class ToyOcs {
 public:
  struct Quota {
    uint64_t tokens_per_day = 0;
    uint64_t bytes_per_day = 0;
    // The grant that takes the last unit carries a Final-Unit-Indication; without it that grant
    // is plain and the next request gets 4012 (as the engine does before `block`).
    bool final_unit = true;
  };

  uint32_t token_rating_group = 100;
  uint64_t default_bytes_grant = 5'000'000;  // for an empty RSU
  diameter::FinalUnitAction final_action = diameter::FinalUnitAction::kTerminate;

  void add(const std::string& identity, Quota q) { quotas_[identity] = q; }

  Exchange exchange() {
    return [this](const diameter::CreditControlRequest& r) { return answer(r); };
  }

  // What the client did, as the server saw it.
  struct Tally {
    uint64_t ccrs = 0;
    uint64_t tokens_used = 0, bytes_used = 0, tokens_granted = 0, bytes_granted = 0;
    uint64_t refusals_4012 = 0, final_units = 0, unknown = 0;
    uint64_t overuse = 0;             // a USU above the grant it reports on
    uint64_t after_end = 0;           // a CCR-U after a refusal or a final grant
    uint64_t retried_same_day = 0;    // a CCR-I for a service refused earlier that day
    std::map<std::string, uint64_t> tokens_by_identity;
    std::set<int64_t> days;           // local days seen in Event-Timestamps (UTC here)
  };
  Tally tally() {
    std::lock_guard lock(mutex_);
    return tally_;
  }
  // The Event-Timestamp (unix seconds) of the identity's last request; 0: none yet.
  int64_t last_time(const std::string& identity) {
    std::lock_guard lock(mutex_);
    auto it = last_time_.find(identity);
    return it == last_time_.end() ? 0 : it->second;
  }

 private:
  struct Session {
    uint64_t granted = 0;  // the outstanding grant
    bool ended = false;    // refused or final: only CCR-T may follow
  };
  struct State {
    int64_t day = -1;
    uint64_t tokens_used = 0, bytes_used = 0, tokens_reserved = 0, bytes_reserved = 0;
    std::set<uint32_t> refused_today;  // rating groups
  };

  Expected<diameter::CreditControlAnswer> answer(const diameter::CreditControlRequest& r) {
    std::lock_guard lock(mutex_);
    ++tally_.ccrs;
    diameter::CreditControlAnswer a;
    a.session_id = r.session_id;
    a.cc_request_type = r.cc_request_type;
    a.cc_request_number = r.cc_request_number;
    const std::string& who = r.subscription_ids.at(0).data;
    auto quota = quotas_.find(who);
    if (quota == quotas_.end()) {
      ++tally_.unknown;
      a.result_code = diameter::ResultCode::kUserUnknown;
      return a;
    }
    last_time_[who] = diameter::unix_from_ntp(r.event_timestamp.value());
    int64_t day = diameter::unix_from_ntp(r.event_timestamp.value()) / 86'400;
    tally_.days.insert(day);
    State& st = states_[who];
    if (st.day != day) {  // a new day: the quota is whole again
      st.day = day;
      st.tokens_used = st.bytes_used = 0;
      st.refused_today.clear();
    }
    Session& session = sessions_[r.session_id];
    using diameter::CcRequestType;
    if (r.cc_request_type == CcRequestType::kUpdate && session.ended) ++tally_.after_end;
    for (const diameter::MsccRequest& m : r.mscc) {
      bool tokens = m.rating_group.value_or(0) == token_rating_group;
      if (r.cc_request_type == CcRequestType::kInitial &&
          st.refused_today.count(*m.rating_group) != 0) {
        ++tally_.retried_same_day;
      }
      for (const diameter::UsedServiceUnit& u : m.used) {  // debit, release the rest
        uint64_t used = tokens ? u.units.cc_service_specific_units.value_or(0)
                               : u.units.cc_total_octets.value_or(0);
        if (used > session.granted) ++tally_.overuse;
        (tokens ? st.tokens_used : st.bytes_used) += used;
        (tokens ? tally_.tokens_used : tally_.bytes_used) += used;
        if (tokens) tally_.tokens_by_identity[who] += used;
        (tokens ? st.tokens_reserved : st.bytes_reserved) -= session.granted;
        session.granted = 0;
      }
      if (r.cc_request_type == CcRequestType::kTermination || !m.requested) continue;
      uint64_t quota_left = tokens ? quota->second.tokens_per_day : quota->second.bytes_per_day;
      uint64_t taken = tokens ? st.tokens_used + st.tokens_reserved
                              : st.bytes_used + st.bytes_reserved;
      uint64_t left = quota_left > taken ? quota_left - taken : 0;
      diameter::MsccAnswer out;
      out.rating_group = m.rating_group;
      if (left == 0) {
        out.result_code = diameter::ResultCode::kCreditLimitReached;
        ++tally_.refusals_4012;
        session.ended = true;
        st.refused_today.insert(*m.rating_group);
        a.mscc.push_back(out);
        continue;
      }
      uint64_t ask = tokens ? m.requested->cc_service_specific_units.value_or(1000)
                            : m.requested->cc_total_octets.value_or(default_bytes_grant);
      uint64_t grant = std::min(ask, left);
      out.result_code = diameter::ResultCode::kSuccess;
      diameter::ServiceUnits g;
      (tokens ? g.cc_service_specific_units : g.cc_total_octets) = grant;
      out.granted = g;
      session.granted = grant;
      (tokens ? st.tokens_reserved : st.bytes_reserved) += grant;
      (tokens ? tally_.tokens_granted : tally_.bytes_granted) += grant;
      if (grant == left && quota->second.final_unit) {
        diameter::FinalUnitIndication fui;
        fui.action = final_action;
        out.final_unit = fui;
        ++tally_.final_units;
        session.ended = true;
        st.refused_today.insert(*m.rating_group);
      }
      a.mscc.push_back(out);
    }
    if (r.cc_request_type == CcRequestType::kTermination) {
      // An outstanding grant nobody reported on is released with the session.
      for (const diameter::MsccRequest& m : r.mscc) {
        bool tokens = m.rating_group.value_or(0) == token_rating_group;
        (tokens ? st.tokens_reserved : st.bytes_reserved) -= session.granted;
        session.granted = 0;
      }
      sessions_.erase(r.session_id);
    }
    return a;
  }

  std::mutex mutex_;
  std::map<std::string, Quota> quotas_;
  std::map<std::string, State> states_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, int64_t> last_time_;
  Tally tally_;
};

}  // namespace gyrate::sim::test

namespace gyrate::sim::test {

// A population for the tests: token users who run out every day, token users who never do (and
// reserve 5k tokens ahead, serving several requests from one grant), data
// users, a team of two on one account, and one subscriber the server does not know.
inline Population test_population() {
  auto p = parse_population(
      "{\"group\": \"tight\", \"plan\": \"tight\", \"id\": \"t{n}\", \"count\": 5, "
      "\"identity\": \"e164:+8610000000001\", \"llm\": {\"models\": {\"1002\": 3, \"1003\": 1}, "
      "\"requests_per_day\": 12, \"requests_per_session\": 4, \"tokens_per_request\": "
      "[1000, 9000]}}\n"
      "{\"group\": \"roomy\", \"plan\": \"roomy\", \"id\": \"r{n}\", \"count\": 4, "
      "\"identity\": \"e164:+8620000000001\", \"llm\": {\"requests_per_day\": 6, "
      "\"tokens_per_request\": [100, 2000], \"use_percent\": [10, 90], \"reserve\": \"5k\"}}\n"
      "{\"group\": \"surf\", \"plan\": \"surf\", \"id\": \"d{n}\", \"count\": 3, "
      "\"identity\": \"imsi:460000000000001\", \"data\": {\"bytes_per_day\": \"300MiB\", "
      "\"sessions_per_day\": 3, \"session_minutes\": 600}}\n"
      "{\"group\": \"team\", \"plan\": \"roomy\", \"id\": \"m{n}\", \"count\": 2, "
      "\"account\": \"team\", \"identity\": \"nai:m{n}@team.example\", \"llm\": "
      "{\"requests_per_day\": 5}, \"data\": {\"bytes_per_day\": \"10MiB\"}}\n"
      "{\"group\": \"ghost\", \"plan\": \"ghost\", \"id\": \"nobody\", "
      "\"identity\": \"e164:+8699999999999\", \"llm\": {\"requests_per_day\": 3}}\n",
      "test.jsonl");
  return std::move(*p);
}

// The server side of test_population(): tight users have 30k tokens a day, roomy ones plenty,
// surfers 200 MiB a day (less than they want, then 4012), the team plenty; `nobody` is unknown.
inline void provision(ToyOcs& ocs, const Population& p) {
  for (const SimSubscriber& s : p.subscribers) {
    if (s.plan == "tight") ocs.add(s.identity.data, {30'000, 0});
    if (s.plan == "roomy") ocs.add(s.identity.data, {100'000'000, 1'000'000'000});
    if (s.plan == "surf") ocs.add(s.identity.data, {0, 200u << 20, false});
  }
}

inline MonthOptions test_options(uint64_t seed, int threads) {
  MonthOptions o;
  o.start_year = 2026;
  o.start_month = 11;
  o.start_day = 1;
  o.seed = seed;
  o.threads = threads;
  return o;
}

}  // namespace gyrate::sim::test
