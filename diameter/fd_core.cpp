// One freeDiameter core per process: configuration, loopback endpoint, peer admission, the CCR
// handler, and blocking sends for clients.
#include "fd_core.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "fd_avp.hpp"
#include "fd_gy_codec.hpp"

// libfdcore's first step of stopping routing (fd_core_shutdown runs it too): exported by the
// library, though only its internal header declares it.
extern "C" int fd_rtdisp_cleanstop(void);

namespace gyrate::diameter::fd {
namespace {

std::vector<std::string> g_allowed_peers;  // written before fd_core_start, read-only after
std::unique_ptr<CcrHandler> g_handler;
struct disp_hdl* g_handler_registration = nullptr;
struct fd_hook_hdl* g_parsing_error_hook = nullptr;
std::atomic<int> g_log_level{FD_LOG_ERROR};  // set_log_level may change it while the core runs
bool g_initialized = false;
bool g_started = false;

bool g_log_values = false;
bool g_plain_peers_admitted = true;  // false once a core with TLS and no plain port starts

// freeDiameter dumps a message it cannot parse at ERROR level, one AVP a line with its value
// ("AVP: 'Subscription-Id-Data'(444) l=21 f=-M val=\"8613800138000\""): subscriber data. Unless
// values are asked for, a line keeps the AVP's name and code and loses its value.
void log_to_stderr(int level, const char* format, va_list args) {
  if (level < g_log_level) return;
  char line[2048];
  std::vsnprintf(line, sizeof line, format, args);
  if (!g_log_values) {
    if (char* value = std::strstr(line, " val=")) std::strcpy(value, " val=<redacted>");
  }
  std::fprintf(stderr, "freeDiameter: %s\n", line);
}

// A peer that connects to us is admitted when its identity is allowed and, over TLS, its
// certificate names that identity (the handshake already checked that it chains to the CA).
// Over plain TCP it is admitted only while plain peers are (no TLS, or TLS with a plain port);
// anything else keeps the stack's default (refused with 3010) or is refused outright.
int validate_peer(struct peer_info* info, int* auth, int (**cb2)(struct peer_info*)) {
  *cb2 = nullptr;
  *auth = 0;
  if (std::none_of(g_allowed_peers.begin(), g_allowed_peers.end(),
                   [&](const std::string& id) { return strcasecmp(id.c_str(), info->pi_diamid) == 0; })) {
    return 0;
  }
  if (info->runtime.pir_cert_list != nullptr && info->runtime.pir_cert_list_size > 0) {
    if (!certificate_names(info->runtime.pir_cert_list[0], info->pi_diamid)) {
      std::fprintf(stderr, "gyrate: peer %s refused: its TLS certificate names another identity\n", info->pi_diamid);
      *auth = -1;
      return 0;
    }
    *auth = 1;
    return 0;
  }
  if (!g_plain_peers_admitted) {
    std::fprintf(stderr, "gyrate: peer %s refused: TLS is required\n", info->pi_diamid);
    *auth = -1;
    return 0;
  }
  *auth = 1;
  info->config.pic_flags.sec = PI_SEC_NONE;
  return 0;
}

// freeDiameter writes to its sockets with writev() and handles EPIPE, but never asks for it instead
// of SIGPIPE, whose default kills the process: a peer that closes while a TLS close_notify or an
// answer is on its way would take the server (or a client at its exit) down. A handler the program
// installed itself is left alone.
void ignore_sigpipe() {
  struct sigaction current{};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore{};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
  }
}

int ccr_callback(struct msg** msg, struct avp*, struct session*, void* opaque, enum disp_action* act) {
  (*static_cast<CcrHandler*>(opaque))(msg);
  *act = *msg != nullptr ? DISP_ACT_SEND : DISP_ACT_CONT;
  return 0;
}

Status write_conf(const CoreOptions& o) {
  std::ofstream conf(o.conf_path);
  conf << "Identity = \"" << o.identity << "\";\n"
       << "Realm = \"" << o.realm << "\";\n"
       // TLS on connect (RFC 6733): the TLS listener is SecPort; Port = 0 opens no plain one.
       << "Port = " << (o.tls ? o.plain_port : o.port) << ";\n"
       << "SecPort = " << (o.tls ? o.port : 0) << ";\n"
       << "No_SCTP;\n"
       << "NoRelay;\n"
       << "AppServThreads = " << o.app_threads << ";\n";
  if (o.loopback_only) conf << "No_IPv6;\n";
  if (o.tls) write_tls_conf(conf, *o.tls);
  for (const std::string& ext : o.extensions) conf << "LoadExtension = \"" << ext << "\";\n";
  if (o.connect_to) {
    // Without No_TLS (and without TLS_old_method) the peer is reached with TLS on connect.
    conf << "ConnectPeer = \"" << o.connect_to->identity << "\" { ConnectTo = \""
         << o.connect_to->address << "\"; Port = " << o.connect_to->port << ";"
         << (o.tls ? "" : " No_TLS;") << " };\n";
  }
  conf.close();
  if (!conf) return Status::error(ErrorCode::kIo, "cannot write " + o.conf_path);
  return Status::ok();
}

// ListenOn = "127.0.0.1" is dropped by 1.2.1's address filter; EP_ACCEPTALL gets past it.
Status listen_on_loopback_only(uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int e = fd_ep_add_merge(&fd_g_config->cnf_endpoints, reinterpret_cast<sSA*>(&sin), sizeof sin,
                          EP_FL_CONF | EP_ACCEPTALL);
  return e == 0 ? Status::ok() : fd_call_failed("fd_ep_add_merge", e);
}

Status register_ccr_handler(CcrHandler handler) {
  const GyDictionary& g = gy_dictionary();
  if (handler) {
    g_handler = std::make_unique<CcrHandler>(std::move(handler));
    struct disp_when when{};
    when.app = g.application;
    when.command = g.ccr;
    if (int e = fd_disp_register(ccr_callback, DISP_HOW_CC, &when, g_handler.get(),
                                 &g_handler_registration);
        e != 0) {
      return fd_call_failed("fd_disp_register", e);
    }
  }
  // Without this, application 4 is missing from CER/CEA and peers reject us.
  if (int e = fd_disp_app_support(g.application, nullptr, 1, 0); e != 0) {
    return fd_call_failed("fd_disp_app_support", e);
  }
  return Status::ok();
}

void on_parsing_error_answer(enum fd_hook_type, struct msg* answer, struct peer_hdr*, void*,
                             struct fd_hook_permsgdata*, void*) {
  if (Status s = complete_stack_error_answer(answer); !s) {
    std::fprintf(stderr, "gyrate: %s\n", s.to_string().c_str());
  }
}

// The core calls exactly one of these per sent request; each frees the handler it was given.
void on_answer(void* data, struct msg** answer) {
  std::unique_ptr<AnswerHandler> done(static_cast<AnswerHandler*>(data));
  struct msg* a = *answer;
  *answer = nullptr;
  (*done)(a);
}

void on_expired(void* data, DiamId_t, size_t, struct msg** request) {
  std::unique_ptr<AnswerHandler> done(static_cast<AnswerHandler*>(data));
  // Disposed of here, or the core frees it itself and logs the whole request at ERROR level.
  if (*request != nullptr) {
    fd_msg_free(*request);
    *request = nullptr;
  }
  (*done)(nullptr);
}

// Whether a TCP socket listens on `port` (any local address). fd_core_start returns before its
// server threads call listen(), and a client that connects too early retries only after TcTimer
// (30 s), so start_core waits for this. Linux: read from /proc/net/tcp and tcp6.
bool listening_on(uint16_t port) {
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      char local[64] = {};
      unsigned state = 0;
      // "  0: 0100007F:D1A9 00000000:0000 0A ..." : slot, local address:port, remote, state
      if (std::sscanf(line.c_str(), " %*d: %63s %*s %x", local, &state) != 2 || state != 0x0A) continue;
      const char* colon = std::strrchr(local, ':');
      if (colon != nullptr && std::strtoul(colon + 1, nullptr, 16) == port) return true;
    }
  }
  return false;
}

Status wait_listening(uint16_t port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!listening_on(port)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::error(ErrorCode::kUnavailable, "nothing listens on port " + std::to_string(port));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::ok();
}

// The threads of this process, from /proc/self/status (Linux); 0 when unreadable.
int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return 0;
}

// fd_core_shutdown orders the routing and dispatch threads to stop, closes the peers (often in
// ~100 ms) and then destroys the queues those threads wait on. A waiting thread sees the order
// only when its 1 s timed wait ends, so it is usually still waiting; fd_fifo_del wakes one waiter
// a millisecond and asserts when any is left after 20, which a loaded machine's scheduler misses
// (the process aborts, 134). So the order goes out first and the shutdown starts once those
// threads have left; the bound only guards against a handler that hangs.
void let_routing_threads_leave() {
  const int leaving = 2 + static_cast<int>(fd_g_config->cnf_dispthr);  // routing in and out, dispatch
  const int before = thread_count();
  fd_rtdisp_cleanstop();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(2500);
  while (thread_count() > before - leaving && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Status configure_core(const CoreOptions& options) {
  g_log_level = options.log_level;
  g_log_values = options.log_values;
  fd_g_debug_lvl = options.log_level;
  if (int e = fd_log_handler_register(log_to_stderr); e != 0) {
    return fd_call_failed("fd_log_handler_register", e);
  }
  if (Status s = write_conf(options); !s) return s;
  if (int e = fd_core_initialize(); e != 0) return fd_call_failed("fd_core_initialize", e);
  g_initialized = true;
  if (int e = fd_core_parseconf(options.conf_path.c_str()); e != 0) {
    return fd_call_failed("fd_core_parseconf", e);
  }
  return setup_gy_dictionary();
}

// Peer admission, the CCR handler and the completion of the stack's error answers: what a core
// needs to serve Gy, whether this process started it or a daemon did.
Status serve_gy(const std::vector<std::string>& allowed_peers, CcrHandler handler) {
  ignore_sigpipe();  // every core goes through here: a client's, a server's, a daemon's
  g_allowed_peers = allowed_peers;
  if (int e = fd_peer_validate_register(validate_peer); e != 0) {
    return fd_call_failed("fd_peer_validate_register", e);
  }
  if (Status s = register_ccr_handler(std::move(handler)); !s) return s;
  if (int e = fd_hook_register(HOOK_MASK(HOOK_MESSAGE_PARSING_ERROR2), on_parsing_error_answer, nullptr,
                               nullptr, &g_parsing_error_hook);
      e != 0) {
    return fd_call_failed("fd_hook_register", e);
  }
  return Status::ok();
}

Status start_core(const CoreOptions& options, CcrHandler handler) {
  if (options.tls) {
    // Here rather than in freeDiameter, which reports a bad file as a parse error or a fatal log.
    if (Status s = check_tls_options(*options.tls, options.identity); !s) return s;
    if (options.plain_port == options.port) {
      return Status::error(ErrorCode::kInvalidArgument, "the plain TCP port must differ from the TLS port");
    }
    g_plain_peers_admitted = options.plain_port != 0;
  }
  if (Status s = configure_core(options); !s) return s;
  if (options.loopback_only) {
    if (Status s = listen_on_loopback_only(options.port); !s) return s;
  }
  std::vector<std::string> allowed = options.allowed_peers;
  if (options.connect_to) allowed.push_back(options.connect_to->identity);
  if (Status s = serve_gy(allowed, std::move(handler)); !s) return s;
  if (int e = fd_core_start(); e != 0) return fd_call_failed("fd_core_start", e);
  g_started = true;
  if (int e = fd_core_waitstartcomplete(); e != 0) return fd_call_failed("fd_core_waitstartcomplete", e);
  if (options.tls && options.plain_port != 0) {
    if (Status s = wait_listening(options.plain_port, std::chrono::seconds(10)); !s) return s;
  }
  return wait_listening(options.port, std::chrono::seconds(10));
}

Status attach_to_running_core(const std::vector<std::string>& allowed_peers, CcrHandler handler) {
  if (Status s = setup_gy_dictionary(); !s) return s;
  return serve_gy(allowed_peers, std::move(handler));
}

void detach_from_running_core() {
  if (g_handler_registration != nullptr) {
    fd_disp_unregister(&g_handler_registration, nullptr);
    g_handler_registration = nullptr;
  }
  if (g_parsing_error_hook != nullptr) {
    fd_hook_unregister(g_parsing_error_hook);
    g_parsing_error_hook = nullptr;
  }
}

void stop_core() {
  if (!g_initialized) return;  // fd_core_shutdown would tear down what was never set up
  if (g_started) let_routing_threads_leave();
  fd_core_shutdown();
  if (g_started) fd_core_wait_shutdown_complete();
  g_started = false;
}

void set_log_level(int level) { g_log_level = level; }

Status wait_peer_open(const std::string& identity, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    struct peer_hdr* peer = nullptr;
    if (fd_peer_getbyid(const_cast<char*>(identity.c_str()), identity.size(), 1, &peer) == 0 &&
        peer != nullptr && fd_peer_get_state(peer) == STATE_OPEN) {
      return Status::ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status::error(ErrorCode::kUnavailable, "peer " + identity + " did not open in time");
}

Expected<std::string> peer_realm(const std::string& identity) {
  struct peer_hdr* peer = nullptr;
  if (fd_peer_getbyid(const_cast<char*>(identity.c_str()), identity.size(), 1, &peer) != 0 ||
      peer == nullptr || peer->info.runtime.pir_realm == nullptr) {
    return Status::error(ErrorCode::kNotFound, "no realm known for peer " + identity);
  }
  return std::string(peer->info.runtime.pir_realm);
}

Status send_async(struct msg* request, std::chrono::milliseconds timeout, AnswerHandler done) {
  timespec expire{};
  clock_gettime(CLOCK_REALTIME, &expire);
  auto ms = timeout.count();
  expire.tv_sec += ms / 1000;
  expire.tv_nsec += (ms % 1000) * 1'000'000;
  if (expire.tv_nsec >= 1'000'000'000) {
    expire.tv_sec += 1;
    expire.tv_nsec -= 1'000'000'000;
  }
  auto* handler = new AnswerHandler(std::move(done));
  if (int e = fd_msg_send_timeout(&request, on_answer, handler, on_expired, &expire); e != 0) {
    delete handler;  // not queued: no callback will run
    fd_msg_free(request);
    return fd_call_failed("fd_msg_send_timeout", e);
  }
  return Status::ok();
}

Expected<struct msg*> send_and_wait(struct msg* request, std::chrono::milliseconds timeout) {
  struct Waiter {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    struct msg* answer = nullptr;
  };
  auto waiter = std::make_shared<Waiter>();
  Status sent = send_async(request, timeout, [waiter](struct msg* answer) {
    {
      std::lock_guard lock(waiter->mutex);
      waiter->answer = answer;
      waiter->done = true;
    }
    waiter->done_cv.notify_all();
  });
  if (!sent) return sent;
  std::unique_lock lock(waiter->mutex);
  // The core's own expiry fires first; the extra second only guards against a core that stopped.
  if (!waiter->done_cv.wait_for(lock, timeout + std::chrono::seconds(1), [&] { return waiter->done; })) {
    return Status::error(ErrorCode::kUnavailable, "no answer and no expiry from the core");
  }
  if (waiter->answer == nullptr) return Status::error(ErrorCode::kUnavailable, "no answer in time");
  return waiter->answer;
}

}  // namespace gyrate::diameter::fd
