// GyServer: this process's freeDiameter core serving Gy through a GyHandler: each CCR is decoded
// (a malformed one gets its RFC 6733 / 4006 error answer), handled and answered on the core's
// AppServThreads. One per process (libfdcore is a process-wide singleton).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/diameter/fd_core_tls.hpp"
#include "gyrate/diameter/gy_handler.hpp"
#include "gyrate/diameter/gy_message.hpp"

namespace gyrate::diameter {

struct GyServerOptions {
  std::string identity = "ocs.gyrate.test";  // Diameter identity (FQDN)
  std::string realm = "gyrate.test";
  uint16_t port = 3868;          // 0: a free port (port() says which)
  bool loopback_only = true;     // listen on 127.0.0.1 only
  unsigned threads = 2;          // AppServThreads: CCRs handled at once
  std::vector<std::string> allowed_peers;  // identities admitted; empty: none
  // TLS on connect on `port`: allowed peers must also present a certificate that chains to the
  // CA and names their identity (docs/gy.md "TLS"). Unset: plain TCP.
  std::optional<TlsOptions> tls;
  uint16_t plain_port = 0;  // with tls: plain TCP for allowed peers here too; 0: TLS only
  std::string conf_path;         // where the generated freeDiameter.conf goes
  std::vector<std::string> extensions;  // .fdx loaded first (dict_nasreq, dict_dcca, ...)
  bool log_values = false;       // AVP values (subscriber data) in the stack's logs
  // Sent in every answer when set (scale-out: RFC 4006 failover to another server).
  std::optional<CcSessionFailover> session_failover;
  std::optional<CreditControlFailureHandling> failure_handling;
  // Called after each answer is built (metrics): the request's type (kInitial for a CCR that did
  // not decode), the Result-Code and the time from receipt to answer.
  std::function<void(CcRequestType, ResultCode, std::chrono::nanoseconds)> on_answer;
};

class GyServer {
 public:
  // Starts the core and returns once it listens. `handler` must outlive the server.
  static Expected<std::unique_ptr<GyServer>> start(GyServerOptions options, GyHandler& handler);
  // Serves Gy on the core of the freeDiameter daemon this code runs in (the .fdx extension): the
  // daemon's configuration decides identity, ports and TLS; only allowed_peers, the failover AVPs
  // and on_answer are taken from `options`.
  static Expected<std::unique_ptr<GyServer>> attach(GyServerOptions options, GyHandler& handler);
  ~GyServer();
  GyServer(const GyServer&) = delete;
  GyServer& operator=(const GyServer&) = delete;

  uint16_t port() const { return port_; }
  struct InFlight;  // answers waiting for the journal's commit (gy_server.cpp)

  // Sends a Re-Auth-Request to each session's client (RFC 4006 5.5): it answers RAA and sends a
  // CCR-U at once. `done`, when set, gets each RAA's Result-Code, or nullopt when none came.
  void reauthorize(const std::vector<GySessionRef>& sessions,
                   std::function<void(const GySessionRef&, std::optional<ResultCode>)> done);
  // Stops the core and waits for its threads (idempotent).
  void stop();

 private:
  GyServer();
  uint16_t port_ = 0;
  bool running_ = false;
  bool attached_ = false;  // to a daemon's core: stop() detaches and leaves the core running
  std::shared_ptr<InFlight> in_flight_;
};

// A TCP port nothing listens on now, on 127.0.0.1 (the kernel's pick).
Expected<uint16_t> pick_free_port();

}  // namespace gyrate::diameter
