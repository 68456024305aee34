// A Gy client: this process's freeDiameter core connected to one Credit-Control server, sending
// CCRs of the plain model and handing back CCAs. freeDiameter's types stay in diameter/.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/diameter/fd_core_tls.hpp"
#include "gyrate/diameter/gy_message.hpp"

namespace gyrate::diameter {

struct ClientOptions {
  std::string identity = "sim.gyrate.test";  // this client's Diameter identity (Origin-Host)
  std::string realm = "gyrate.test";         // Origin-Realm
  std::string server_host = "127.0.0.1";     // an IPv4 or IPv6 address
  uint16_t server_port = 3868;  // with tls: the server's TLS port
  // TLS on connect: the server's certificate must chain to tls->ca_file and name server_identity;
  // this client's certificate must name `identity`. Unset: plain TCP.
  std::optional<TlsOptions> tls;
  std::string server_identity;    // the server's Diameter identity (Origin-Host of its CEA)
  std::string destination_realm;  // for requests that leave it empty; empty: the server's realm (CEA)
  std::string service_context_id = "32251@3gpp.org";  // for requests that leave it empty
  std::chrono::milliseconds connect_timeout{10'000};  // until the peer is open
  std::chrono::milliseconds answer_timeout{5'000};    // per request; then kUnavailable
  uint16_t local_port = 0;  // where this core listens (freeDiameter always does); 0: a free port
  unsigned threads = 2;     // the core's application threads (they run send()'s callbacks)
  std::vector<std::string> extensions;  // .fdx to load, e.g. dict_nasreq, dict_dcca; none is fine
  std::string conf_path;                // the generated freeDiameter.conf; empty: a temporary file
  // A Re-Auth-Request (RFC 4006 5.5) is always answered RAA 2001; this then hears of it (on one of
  // the core's threads) with the session's id, so the caller can send the CCR-U it asks for.
  std::function<void(const std::string& session_id)> on_reauth;
};

// How a request goes on the wire. A retransmission (RFC 6733 T flag) reuses the end-to-end
// identifier of the first sending, so a server sees a byte-identical duplicate (hop-by-hop aside).
struct RequestFrame {
  uint32_t end_to_end_id = 0;  // 0: a fresh one
  bool retransmission = false;
};

// What a request came back with: the answer, or kUnavailable (no answer in time, peer gone),
// kInvalidArgument (the model cannot be encoded) or kCorrupt (the answer does not parse as a CCA).
using AnswerOrStatus = Expected<CreditControlAnswer>;
using AnswerCallback = std::function<void(AnswerOrStatus)>;

// libfdcore is a process-wide singleton: at most one GyClient per process, and once closed the
// core cannot start again in the same process.
class GyClient {
 public:
  // Starts the core, connects to the server and waits until the peer is open.
  static Expected<std::unique_ptr<GyClient>> connect(const ClientOptions& options);
  ~GyClient();  // close()
  GyClient(const GyClient&) = delete;
  GyClient& operator=(const GyClient&) = delete;

  // Sends one CCR and waits for its answer (at most answer_timeout). Thread-safe; any number of
  // threads may wait at once. Empty Origin-Host/Realm, Destination-Realm and Service-Context-Id
  // are filled from the options.
  AnswerOrStatus exchange(const CreditControlRequest& ccr);
  // The same with a given frame; `frame->end_to_end_id` is set to the identifier used, so a
  // second call with retransmission = true repeats the request as a duplicate.
  AnswerOrStatus exchange(const CreditControlRequest& ccr, RequestFrame* frame);
  // Sends one CCR and returns at once; `done` runs exactly once, on one of the core's threads
  // (or on this one when the request cannot be sent). Lets one thread keep many in flight.
  void send(const CreditControlRequest& ccr, AnswerCallback done);

  // A new Session-Id, unique for this identity: "<identity>;<high>;<low>[;<tag>]" (RFC 6733 8.8).
  std::string new_session_id(std::string_view tag = {});
  const ClientOptions& options() const { return options_; }

  // Stops the core; requests in flight get kUnavailable. Idempotent.
  void close();

 private:
  struct State;  // requests in flight and Session-Id counters, shared with the core's callbacks
  GyClient(ClientOptions options, std::shared_ptr<State> state);
  ClientOptions options_;
  std::shared_ptr<State> state_;
};

}  // namespace gyrate::diameter
