// The Gy client on this process's freeDiameter core: fills what the model leaves to the connection,
// encodes, sends (blocking or not), decodes, and answers every request exactly once, even when the
// core stops with requests in flight.
#include "gyrate/diameter/gy_client.hpp"
#include "gyrate/diameter/gy_server.hpp"  // pick_free_port

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "fd_core.hpp"
#include "fd_gy_codec.hpp"
#include "fd_rar.hpp"

namespace gyrate::diameter {
namespace {

std::atomic<bool> g_core_taken{false};  // libfdcore starts once per process

// A request in flight: whoever fires first (the core's answer or expiry, or close()) answers.
struct Pending {
  std::atomic<bool> fired{false};
  AnswerCallback done;
  void fire(AnswerOrStatus result) {
    if (!fired.exchange(true)) done(std::move(result));
  }
};

AnswerOrStatus decode_answer(struct msg* answer) {
  if (answer == nullptr) return Status::error(ErrorCode::kUnavailable, "no answer in time");
  Decoded<CreditControlAnswer> parsed = fd::parse_cca(answer);
  fd_msg_free(answer);
  if (!parsed) {
    return Status::error(ErrorCode::kCorrupt,
                         "the answer is not a valid CCA (" +
                             std::to_string(code_value(parsed.error().result_code)) + "): " +
                             parsed.error().message);
  }
  return std::move(*parsed);
}

}  // namespace

struct GyClient::State {
  std::mutex mutex;
  std::unordered_set<std::shared_ptr<Pending>> in_flight;
  bool closed = false;
  std::atomic<uint32_t> sessions{0};
  uint32_t session_high = 0;  // the start time, so that a new run makes new Session-Ids

  // Registers a request; once closed, answers it kUnavailable at once and returns nullptr.
  std::shared_ptr<Pending> track(AnswerCallback done) {
    auto p = std::make_shared<Pending>();
    p->done = std::move(done);
    {
      std::lock_guard lock(mutex);
      if (!closed) {
        in_flight.insert(p);
        return p;
      }
    }
    p->fire(Status::error(ErrorCode::kUnavailable, "the client is closed"));
    return nullptr;
  }
  void finish(const std::shared_ptr<Pending>& p, AnswerOrStatus result) {
    {
      std::lock_guard lock(mutex);
      in_flight.erase(p);
    }
    p->fire(std::move(result));
  }
  // Sends an encoded request for `p`; a failure to encode or send answers it.
  static void dispatch(const std::shared_ptr<State>& self, Expected<struct msg*> request,
                       std::chrono::milliseconds timeout, const std::shared_ptr<Pending>& p) {
    if (!request) return self->finish(p, request.status());
    Status sent = fd::send_async(*request, timeout, [self, p](struct msg* answer) {
      self->finish(p, decode_answer(answer));
    });
    if (!sent) self->finish(p, Status::error(ErrorCode::kUnavailable, sent.message()));
  }
};

GyClient::GyClient(ClientOptions options, std::shared_ptr<State> state)
    : options_(std::move(options)), state_(std::move(state)) {}

GyClient::~GyClient() { close(); }

Expected<std::unique_ptr<GyClient>> GyClient::connect(const ClientOptions& options) {
  if (options.server_identity.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "the server's Diameter identity is required");
  }
  if (options.identity.empty() || options.realm.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "this client's identity and realm are required");
  }
  if (g_core_taken.exchange(true)) {
    return Status::error(ErrorCode::kFailedPrecondition,
                         "a freeDiameter core already ran in this process");
  }
  fd::CoreOptions core;
  core.identity = options.identity;
  core.realm = options.realm;
  core.port = options.local_port;
  if (core.port == 0) {
    Expected<uint16_t> port = pick_free_port();  // freeDiameter has no "any port"
    if (!port) return port.status();
    core.port = *port;
  }
  core.app_threads = options.threads == 0 ? 1 : options.threads;
  core.extensions = options.extensions;
  core.tls = options.tls;
  core.connect_to = fd::CorePeer{.identity = options.server_identity,
                                 .address = options.server_host,
                                 .port = options.server_port};
  core.conf_path = options.conf_path;
  std::optional<std::filesystem::path> temporary_conf;
  if (core.conf_path.empty()) {
    temporary_conf = std::filesystem::temp_directory_path() /
                     ("gyrate-client." + std::to_string(::getpid()) + ".conf");
    core.conf_path = temporary_conf->string();
  }
  Status started = fd::start_core(core, {});
  if (temporary_conf) {
    std::error_code ignored;
    std::filesystem::remove(*temporary_conf, ignored);  // parsed by now (or never will be)
  }
  // Registered before the peer opens: a server's RAR must never meet a client without a handler.
  if (started) {
    started = fd::answer_rars([on_reauth = options.on_reauth](const std::string& session_id) {
      if (on_reauth) on_reauth(session_id);
    });
  }
  if (started) started = fd::wait_peer_open(options.server_identity, options.connect_timeout);
  if (!started) {
    fd::stop_core();
    return started;
  }
  ClientOptions effective = options;
  if (effective.destination_realm.empty()) {
    // Requests are routed by Destination-Realm: the server's own realm, as its CEA said.
    Expected<std::string> realm = fd::peer_realm(options.server_identity);
    effective.destination_realm = realm ? *realm : options.realm;
  }
  auto state = std::make_shared<State>();
  state->session_high = static_cast<uint32_t>(std::time(nullptr));
  return std::unique_ptr<GyClient>(new GyClient(std::move(effective), std::move(state)));
}

void GyClient::close() {
  std::unordered_set<std::shared_ptr<Pending>> left;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->closed) return;
    state_->closed = true;
  }
  // The stack would dump each abandoned request and its shutdown at ERROR/FATAL level; the callers
  // hear of them through their callbacks.
  fd::set_log_level(FD_LOG_FATAL + 1);
  fd::stop_core();
  {
    std::lock_guard lock(state_->mutex);
    left.swap(state_->in_flight);
  }
  for (const auto& p : left) p->fire(Status::error(ErrorCode::kUnavailable, "the client closed"));
}

std::string GyClient::new_session_id(std::string_view tag) {
  std::string id = options_.identity + ";" + std::to_string(state_->session_high) + ";" +
                   std::to_string(state_->sessions.fetch_add(1) + 1);
  if (!tag.empty()) id.append(";").append(tag);
  return id;
}

namespace {

CreditControlRequest completed(const CreditControlRequest& ccr, const ClientOptions& o) {
  CreditControlRequest q = ccr;
  if (q.origin_host.empty()) q.origin_host = o.identity;
  if (q.origin_realm.empty()) q.origin_realm = o.realm;
  if (q.destination_realm.empty()) q.destination_realm = o.destination_realm.empty() ? o.realm : o.destination_realm;
  if (q.service_context_id.empty()) q.service_context_id = o.service_context_id;
  return q;
}

// The wire form of `ccr` with the frame's end-to-end identifier and T flag.
Expected<struct msg*> encode(const CreditControlRequest& ccr, RequestFrame* frame) {
  Expected<struct msg*> built = fd::build_ccr(ccr);
  if (!built) return Status::error(ErrorCode::kInvalidArgument, built.status().message());
  if (frame != nullptr) {
    struct msg_hdr* header = nullptr;
    if (fd_msg_hdr(*built, &header) != 0) {
      fd_msg_free(*built);
      return Status::error(ErrorCode::kInternal, "fd_msg_hdr failed");
    }
    if (frame->end_to_end_id != 0) header->msg_eteid = frame->end_to_end_id;
    frame->end_to_end_id = header->msg_eteid;
    if (frame->retransmission) header->msg_flags |= CMD_FLAG_RETRANSMIT;
  }
  return built;
}

}  // namespace

void GyClient::send(const CreditControlRequest& ccr, AnswerCallback done) {
  std::shared_ptr<Pending> pending = state_->track(std::move(done));
  if (!pending) return;
  State::dispatch(state_, encode(completed(ccr, options_), nullptr), options_.answer_timeout, pending);
}

AnswerOrStatus GyClient::exchange(const CreditControlRequest& ccr) { return exchange(ccr, nullptr); }

AnswerOrStatus GyClient::exchange(const CreditControlRequest& ccr, RequestFrame* frame) {
  struct Slot {
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<AnswerOrStatus> result;
  };
  auto slot = std::make_shared<Slot>();
  std::shared_ptr<Pending> pending = state_->track([slot](AnswerOrStatus r) {
    {
      std::lock_guard lock(slot->mutex);
      slot->result.emplace(std::move(r));
    }
    slot->cv.notify_all();
  });
  if (pending) {
    State::dispatch(state_, encode(completed(ccr, options_), frame), options_.answer_timeout, pending);
  }
  std::unique_lock lock(slot->mutex);
  // The core's expiry answers first; the extra second guards against a core that stopped.
  if (!slot->cv.wait_for(lock, options_.answer_timeout + std::chrono::seconds(1),
                         [&] { return slot->result.has_value(); })) {
    lock.unlock();
    state_->finish(pending, Status::error(ErrorCode::kUnavailable, "no answer in time"));
    lock.lock();
  }
  return std::move(*slot->result);
}

}  // namespace gyrate::diameter
