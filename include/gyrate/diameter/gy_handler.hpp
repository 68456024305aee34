// GyHandler: one CCR in, one CCA out, through the engine. Pure over the message model (no
// sockets, no freeDiameter), so every Gy behaviour is tested by building requests by hand; the
// server glue (fd_server) only decodes, calls handle() and encodes.
//
// INITIAL reserves per Multiple-Services-Credit-Control; UPDATE commits each Used-Service-Unit,
// then reserves again unless the report is FINAL; TERMINATION commits and releases the rest;
// EVENT debits directly, refunds, checks the balance or quotes a price (Requested-Action).
// docs/gy.md ("The Gy server") states every rule, including the Result-Codes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/diameter/gy_sessions.hpp"
#include "gyrate/engine/engine.hpp"

namespace gyrate::diameter {

enum class GyClock : uint8_t {
  kReal,     // the host's clock
  kRequest,  // the request's Event-Timestamp (a month plays in seconds); without one, the latest seen
};

struct GyHandlerOptions {
  GyClock clock = GyClock::kReal;
  // Tcc (RFC 4006 section 13): a session silent for longer is released by supervise().
  int64_t tcc_seconds = 600;
  // How long a closed session is kept so a resent TERMINATION or EVENT gets its answer.
  int64_t keep_closed_seconds = 120;
  std::function<int64_t()> real_time;  // unix seconds; empty: the system clock
};

struct ServiceRef;  // the catalog's service and model an MSCC names (gy_handler.cpp)

// The counts an operator watches (the metrics read them).
struct GyCounters {
  std::atomic<uint64_t> duplicates{0};        // answered from a session's stored answers
  std::atomic<uint64_t> adopted_sessions{0};  // unknown Session-Ids the engine still knew
  std::atomic<uint64_t> supervised{0};        // sessions released by the supervision timer
};

class GyHandler {
 public:
  GyHandler(engine::Engine& engine, GyHandlerOptions options);

  // The answer to `ccr`. Thread-safe; CCRs of one session run one at a time.
  CreditControlAnswer handle(const CreditControlRequest& ccr);

  // The supervision timer's tick: releases what sessions silent for longer than Tcc reserved and
  // forgets closed sessions past keeping. Returns how many sessions it released.
  size_t supervise();

  // Open sessions of `account` whose last answer ended the units (a Re-Auth-Request goes to them
  // when the subscriber buys a pack).
  std::vector<GySessionRef> final_unit_sessions(const std::string& account) const {
    return sessions_.in_final_units(account);
  }
  // The last reserve request rated for the account (admin explain).
  std::optional<engine::ReserveRequest> last_request(const std::string& account) const {
    return sessions_.last_reserve(account);
  }
  // Marks a session as re-authorised: it is no longer in final-unit state.
  void reauthorized(const std::string& session_id);

  // Now on this handler's clock (unix seconds).
  int64_t now() const;
  const GySessions& sessions() const { return sessions_; }
  const GyCounters& counters() const { return counters_; }
  engine::Engine& engine() { return engine_; }

 private:
  struct Call;  // one CCR being answered (gy_handler.cpp)
  int64_t time_of(const CreditControlRequest& ccr);
  void answer_new(Call& call, GySession& session);
  MsccAnswer credit(Call& call, const MsccRequest& m);  // INITIAL, UPDATE
  std::optional<ResultCode> commit_usage(Call& call, const MsccRequest& m, const ServiceRef& ref);
  void terminate(Call& call);
  void event(Call& call);
  Status release_all(const std::string& account, const GySession& s, uint32_t number, int64_t time);
  MsccAnswer debit(Call& call, const MsccRequest& m, const ServiceRef& ref, int64_t requested);

  engine::Engine& engine_;
  GyHandlerOptions options_;
  GySessions sessions_;
  GyCounters counters_;
  std::atomic<int64_t> latest_request_time_{0};
};

}  // namespace gyrate::diameter
