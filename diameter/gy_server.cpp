#include "gyrate/diameter/gy_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>

#include "fd_answer.hpp"
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

using Options = std::shared_ptr<const GyServerOptions>;
using Clock = std::chrono::steady_clock;

}  // namespace

// Answers handed to the journal's commit and not sent yet: stop() waits for them.
struct GyServer::InFlight {
  std::mutex mutex;
  std::condition_variable drained;
  size_t count = 0;
  void add() {
    std::lock_guard lock(mutex);
    ++count;
  }
  void done() {
    std::lock_guard lock(mutex);
    if (--count == 0) drained.notify_all();
  }
};

namespace {

void report(const GyServerOptions& options, CcRequestType type, ResultCode code,
            Clock::time_point received) {
  if (options.on_answer) options.on_answer(type, code, Clock::now() - received);
}

// The changes an answer reports never became durable: it must not go out as built.
void refuse_undurable(struct msg** answer, const Status& why) {
  std::fprintf(stderr, "gyrate-ocs: answering 3004, the journal did not take the change: %s\n",
               why.to_string().c_str());
  if (Status s = fd::replace_with_error_cca(answer, ResultCode::kTooBusy); !s) {
    std::fprintf(stderr, "gyrate-ocs: cannot answer: %s\n", s.to_string().c_str());
  }
}

// The answer leaves once every change it reports is durable: at once when they already are
// (the core sends *msg), else from the journal's committing thread, so no core thread waits on
// an fdatasync and one commit covers every CCR in flight.
void answer_when_durable(const Options& options, const std::shared_ptr<GyServer::InFlight>& in_flight,
                         engine::Engine& engine, struct msg** msg, CcRequestType type,
                         ResultCode code, Clock::time_point received) {
  struct Handover {
    std::mutex mutex;
    bool taken = false;    // serve() returned and left the answer here
    bool durable = false;  // the callback ran before that
    Status status;
    struct msg* answer = nullptr;
  };
  auto handover = std::make_shared<Handover>();
  engine.when_durable(engine.durability_point(), [=](const Status& status) {
    std::unique_lock lock(handover->mutex);
    if (!handover->taken) {
      handover->durable = true;
      handover->status = status;
      return;
    }
    lock.unlock();
    ResultCode sent = code;
    if (!status) {
      refuse_undurable(&handover->answer, status);
      sent = ResultCode::kTooBusy;
    }
    if (Status s = fd::send_answer(&handover->answer); !s) {
      std::fprintf(stderr, "gyrate-ocs: cannot send a CCA: %s\n", s.to_string().c_str());
    }
    report(*options, type, sent, received);
    in_flight->done();
  });
  std::unique_lock lock(handover->mutex);
  if (handover->durable) {
    lock.unlock();
    if (!handover->status) {
      refuse_undurable(msg, handover->status);
      code = ResultCode::kTooBusy;
    }
    report(*options, type, code, received);
    return;
  }
  in_flight->add();
  handover->answer = *msg;
  *msg = nullptr;
  handover->taken = true;
}

// One CCR: decode, handle, encode. Never throws into the core; every request gets an answer.
void serve(const Options& options, const std::shared_ptr<GyServer::InFlight>& in_flight,
           GyHandler& handler, struct msg** msg) {
  auto received = Clock::now();
  CcRequestType type = CcRequestType::kInitial;
  ResultCode code = ResultCode::kUnableToComply;
  {
    // The engine's changes may still wait in the journal's queue when handle() returns.
    engine::DeferDurability defer;
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
        a.cc_session_failover = options->session_failover;
        a.credit_control_failure_handling = options->failure_handling;
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
  }
  if (*msg == nullptr) return;
  // A duplicate's stored answer, or an error, may also rest on changes still queued.
  answer_when_durable(options, in_flight, handler.engine(), msg, type, code, received);
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
  auto shared = std::make_shared<const GyServerOptions>(std::move(options));
  Status s = fd::start_core(core, [shared, in_flight = server->in_flight_, &handler](struct msg** msg) {
    serve(shared, in_flight, handler, msg);
  });
  server->running_ = true;  // stop_core is safe after a half-way start too
  if (!s) {
    server->stop();
    return s;
  }
  return server;
}

Expected<std::unique_ptr<GyServer>> GyServer::attach(GyServerOptions options, GyHandler& handler) {
  std::unique_ptr<GyServer> server(new GyServer());
  auto shared = std::make_shared<const GyServerOptions>(std::move(options));
  Status s = fd::attach_to_running_core(
      shared->allowed_peers, [shared, in_flight = server->in_flight_, &handler](struct msg** msg) {
        serve(shared, in_flight, handler, msg);
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

GyServer::GyServer() : in_flight_(std::make_shared<InFlight>()) {}

GyServer::~GyServer() { stop(); }

void GyServer::stop() {
  if (!running_) return;
  running_ = false;
  {
    // Answers waiting for the journal's commit go out before the core stops (a commit takes
    // milliseconds; the bound is for a disk that hangs).
    std::unique_lock lock(in_flight_->mutex);
    in_flight_->drained.wait_for(lock, std::chrono::seconds(10), [&] { return in_flight_->count == 0; });
  }
  if (attached_) {
    fd::detach_from_running_core();
  } else {
    fd::stop_core();
  }
}

}  // namespace gyrate::diameter
