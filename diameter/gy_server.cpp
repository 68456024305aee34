#include "gyrate/diameter/gy_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <utility>

#include "fd_core.hpp"
#include "fd_gy_codec.hpp"
#include "fd_rar.hpp"

namespace gyrate::diameter {

Expected<uint16_t> pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::error(ErrorCode::kIo, "socket() failed");
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sin;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len) == 0;
  ::close(fd);
  if (!ok) return Status::error(ErrorCode::kIo, "cannot find a free port on 127.0.0.1");
  return static_cast<uint16_t>(ntohs(sin.sin_port));
}

namespace {

// One CCR: decode, handle, encode. Never throws into the core; every request gets an answer.
void serve(const GyServerOptions& options, GyHandler& handler, struct msg** msg) {
  auto received = std::chrono::steady_clock::now();
  CcRequestType type = CcRequestType::kInitial;
  ResultCode code = ResultCode::kUnableToComply;
  try {
    Decoded<CreditControlRequest> q = fd::parse_ccr(*msg);
    if (!q) {
      code = q.error().result_code;
      if (Status s = fd::build_error_cca(msg, q.error()); !s) {
        std::fprintf(stderr, "gyrate-ocs: cannot answer a malformed CCR: %s\n", s.to_string().c_str());
      }
    } else {
      type = q->cc_request_type;
      CreditControlAnswer a = handler.handle(*q);
      a.cc_session_failover = options.session_failover;
      a.credit_control_failure_handling = options.failure_handling;
      code = a.result_code;
      if (Status s = fd::build_cca(msg, a); !s) {
        std::fprintf(stderr, "gyrate-ocs: cannot build a CCA: %s\n", s.to_string().c_str());
      }
    }
  } catch (const std::exception& e) {
    // Out of memory and the like: answer 5012 rather than leave the peer waiting.
    std::fprintf(stderr, "gyrate-ocs: a CCR failed: %s\n", e.what());
    DecodeError error;
    error.result_code = ResultCode::kUnableToComply;
    if (Status s = fd::build_error_cca(msg, error); !s) {
      std::fprintf(stderr, "gyrate-ocs: cannot answer: %s\n", s.to_string().c_str());
    }
    code = ResultCode::kUnableToComply;
  }
  if (options.on_answer) options.on_answer(type, code, std::chrono::steady_clock::now() - received);
}

}  // namespace

Expected<std::unique_ptr<GyServer>> GyServer::start(GyServerOptions options, GyHandler& handler) {
  if (options.port == 0) {
    Expected<uint16_t> port = pick_free_port();
    if (!port) return port.status();
    options.port = *port;
  }
  if (options.conf_path.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "GyServer needs a path for freeDiameter.conf");
  }
  fd::CoreOptions core;
  core.identity = options.identity;
  core.realm = options.realm;
  core.port = options.port;
  core.loopback_only = options.loopback_only;
  core.app_threads = options.threads;
  core.extensions = options.extensions;
  core.allowed_peers = options.allowed_peers;
  core.tls = options.tls;
  core.plain_port = options.plain_port;
  core.conf_path = options.conf_path;
  core.log_values = options.log_values;
  std::unique_ptr<GyServer> server(new GyServer());
  server->port_ = options.port;
  auto shared = std::make_shared<GyServerOptions>(std::move(options));
  Status s = fd::start_core(core, [shared, &handler](struct msg** msg) { serve(*shared, handler, msg); });
  server->running_ = true;  // stop_core is safe after a half-way start too
  if (!s) {
    server->stop();
    return s;
  }
  return server;
}

Expected<std::unique_ptr<GyServer>> GyServer::attach(GyServerOptions options, GyHandler& handler) {
  std::unique_ptr<GyServer> server(new GyServer());
  auto shared = std::make_shared<GyServerOptions>(std::move(options));
  Status s = fd::attach_to_running_core(shared->allowed_peers, [shared, &handler](struct msg** msg) {
    serve(*shared, handler, msg);
  });
  server->running_ = true;
  server->attached_ = true;
  if (!s) {
    server->stop();
    return s;
  }
  return server;
}

void GyServer::reauthorize(const std::vector<GySessionRef>& sessions,
                           std::function<void(const GySessionRef&, std::optional<ResultCode>)> done) {
  constexpr auto kRaaTimeout = std::chrono::seconds(5);
  for (const GySessionRef& ref : sessions) {
    Expected<struct msg*> rar = fd::build_rar(ref.session_id, ref.origin_host, ref.origin_realm);
    if (!rar) {
      std::fprintf(stderr, "gyrate-ocs: cannot build a RAR: %s\n", rar.status().to_string().c_str());
      if (done) done(ref, std::nullopt);
      continue;
    }
    Status sent = fd::send_async(*rar, kRaaTimeout, [ref, done](struct msg* raa) {
      std::optional<ResultCode> code = raa ? fd::raa_result_code(raa) : std::nullopt;
      if (raa) fd_msg_free(raa);
      if (done) done(ref, code);
    });
    if (!sent && done) done(ref, std::nullopt);
  }
}

GyServer::~GyServer() { stop(); }

void GyServer::stop() {
  if (!running_) return;
  running_ = false;
  if (attached_) {
    fd::detach_from_running_core();
  } else {
    fd::stop_core();
  }
}

}  // namespace gyrate::diameter
