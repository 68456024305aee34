// Internal: running one freeDiameter core in this process (libfdcore is a process-wide singleton):
// configuration written from options, loopback-only listening, peers allowed by identity, the CCR
// handler, and a blocking request/answer for clients. The sequence is freediameter-notes.md's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "fd_dictionary.hpp"
#include "gyrate/base/status.hpp"
#include "gyrate/diameter/fd_core_tls.hpp"

namespace gyrate::diameter::fd {

struct CorePeer {
  std::string identity;
  std::string address = "127.0.0.1";
  uint16_t port = 0;
};

struct CoreOptions {
  std::string identity;  // Diameter identity (FQDN) of this core
  std::string realm;
  uint16_t port = 0;     // the TCP port this core listens on: TLS on connect (SecPort) with `tls`
  bool loopback_only = true;
  unsigned app_threads = 2;
  std::vector<std::string> extensions;     // .fdx paths in load order (e.g. dict_nasreq, dict_dcca)
  std::vector<std::string> allowed_peers;  // identities admitted; empty: none
  std::optional<CorePeer> connect_to;      // a peer this core connects to (also allowed)
  // TLS with every peer (RFC 6733 TLS on connect), checked before the core starts: `port` is then
  // the only listener and speaks TLS; connect_to is reached over TLS; a peer is admitted when its
  // identity is allowed AND its certificate chains to the CA and names that identity.
  std::optional<TlsOptions> tls;
  // With `tls`: also admit allowed peers over plain TCP on this port (a migration window; 0: never,
  // a plain peer gets no answer). Without `tls` it is unused.
  uint16_t plain_port = 0;
  std::string conf_path;                   // where the generated freeDiameter.conf is written
  int log_level = FD_LOG_ERROR;            // freeDiameter messages below this are dropped
  bool log_values = false;                 // AVP values in the stack's message dumps (subscriber data)
};

// Whether the DER certificate names `identity` (CN or dNSName). freeDiameter checks this of the
// server a client connects to, but not of a client that connects to a server: admission does.
bool certificate_names(const gnutls_datum_t& der, const char* identity);
// TLS_Cred, TLS_CA and, when set, TLS_CRL and TLS_Prio for the generated freeDiameter.conf.
void write_tls_conf(std::ostream& conf, const TlsOptions& tls);

// The handler of received CCRs: *msg is the request on entry; on return it is the answer to send
// (or nullptr when the handler consumed it). It runs on AppServThreads threads concurrently.
using CcrHandler = std::function<void(struct msg** msg)>;

// Initializes and configures the core (extensions loaded) and sets up the Gy dictionary, without
// starting it: no sockets, no peers, enough to build and parse messages (unit tests, benchmarks).
// Once per process.
Status configure_core(const CoreOptions& options);

// configure_core, then starts the core with `handler` (may be empty for a client) bound to
// application 4's CCR and application 4 advertised in CER/CEA; returns once the core listens on
// options.port. Once per process.
Status start_core(const CoreOptions& options, CcrHandler handler);
// Stops the core and waits for its threads; safe to call when start_core failed half-way.
void stop_core();
// Drops the stack's messages below `level` from now on (a client that stops on purpose silences
// the dumps of the requests it abandons, which it reports to their callers itself).
void set_log_level(int level);

// Inside a freeDiameter daemon that runs the core (an extension's fd_ext_init, after the
// dictionaries it loads): sets up the Gy dictionary, admits `allowed_peers` without TLS (none:
// the daemon's own rules, e.g. acl_wl.fdx, decide) and registers `handler` for CCRs.
Status attach_to_running_core(const std::vector<std::string>& allowed_peers, CcrHandler handler);
// Unregisters the handler (fd_ext_fini); the daemon stops its core itself.
void detach_from_running_core();

// Waits until the peer with this identity is in STATE_OPEN.
Status wait_peer_open(const std::string& identity, std::chrono::milliseconds timeout);

// The realm an open peer announced in its CER/CEA (where requests to it are routed).
Expected<std::string> peer_realm(const std::string& identity);

// Sends `request` (consumed) and waits for its answer, which the caller then owns. The core gives
// up after `timeout` (fd_msg_send_timeout) and this returns kUnavailable.
Expected<struct msg*> send_and_wait(struct msg* request, std::chrono::milliseconds timeout);

// Called once per request sent with send_async: the answer (the callee owns it), or nullptr when
// the core gave up waiting. Runs on one of the core's threads.
using AnswerHandler = std::function<void(struct msg* answer)>;
// Sends `request` (consumed) and returns at once; `done` runs when the answer arrives or `timeout`
// passes. On an error here (nothing queued) `done` does not run.
Status send_async(struct msg* request, std::chrono::milliseconds timeout, AnswerHandler done);

}  // namespace gyrate::diameter::fd
