// AdminApi (see admin_api.hpp): cpp-httplib glue around AdminRoutes, its thread pool, and the
// R8 checks made before anything is bound: loopback unless a token file guards the API.
#include <httplib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "gyrate/ocs/admin_api.hpp"

namespace gyrate::ocs {
namespace {

// The token is the file's first line, without surrounding whitespace.
Expected<std::string> read_token(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::error(ErrorCode::kNotFound, "admin token file '" + path + "' cannot be read");
  }
  if ((st.st_mode & 077) != 0) {
    return Status::error(ErrorCode::kPermissionDenied,
                         "admin token file '" + path +
                             "' is accessible to group or others (chmod 600 it)");
  }
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return Status::error(ErrorCode::kInvalidArgument, "admin token file '" + path + "' is empty");
  }
  size_t first = token.find_first_not_of(" \t\r");
  size_t last = token.find_last_not_of(" \t\r");
  token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  if (token.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "admin token file '" + path + "' is empty");
  }
  return token;
}

AdminRequest to_admin(const httplib::Request& req) {
  AdminRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [key, value] : req.params) r.query.emplace_back(key, value);
  r.authorization = req.get_header_value("Authorization");
  r.body = req.body;
  return r;
}

void to_httplib(const AdminResponse& from, httplib::Response& res) {
  res.status = from.status;
  for (const auto& [name, value] : from.headers) res.set_header(name, value);
  res.set_content(from.body, from.content_type);
}

}  // namespace

bool is_loopback_address(const std::string& address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

struct AdminApi::Server {
  Server(AdminRoutes r, AdminOptions o) : routes(std::move(r)), options(std::move(o)) {}
  AdminRoutes routes;
  AdminOptions options;
  httplib::Server http;
  std::thread thread;
  int port = 0;
  bool started = false;
  std::atomic<bool> listen_returned{false};
};

Expected<std::unique_ptr<AdminApi>> AdminApi::create(engine::Engine& engine, OcsMetrics& metrics,
                                                     AdminHooks hooks, AdminOptions options) {
  std::string token;
  if (!options.token_file.empty()) {
    Expected<std::string> read = read_token(options.token_file);
    if (!read) return read.status();
    token = std::move(*read);
  } else if (!is_loopback_address(options.address)) {
    return Status::error(ErrorCode::kPermissionDenied,
                         "the admin API binds " + options.address +
                             ", not a loopback address: it needs a bearer token file");
  }
  if (options.threads == 0) options.threads = 1;
  auto server = std::make_unique<Server>(
      AdminRoutes(engine, metrics, std::move(hooks), std::move(token)), std::move(options));
  return std::unique_ptr<AdminApi>(new AdminApi(std::move(server)));
}

AdminApi::AdminApi(std::unique_ptr<Server> server) : server_(std::move(server)) {
  Server& s = *server_;
  size_t threads = s.options.threads;
  s.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.http.set_payload_max_length(s.options.max_body_bytes);
  auto handler = [&s](const httplib::Request& req, httplib::Response& res) {
    to_httplib(s.routes.handle(to_admin(req)), res);
  };
  // Every path goes to AdminRoutes, which owns routing, 404 and 405.
  s.http.Get(".*", handler);
  s.http.Post(".*", handler);
  s.http.Put(".*", handler);
  s.http.Delete(".*", handler);
  s.http.Patch(".*", handler);
  // Errors httplib answers by itself (an unreadable request, a body over the limit) get a JSON
  // body too; the routes' own errors already have one and pass through.
  size_t limit = s.options.max_body_bytes;
  httplib::Server::HandlerWithResponse on_error = [limit](const httplib::Request&,
                                                          httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string why = res.status == 413 ? "the body is over the limit of " +
                                              std::to_string(limit) + " bytes"
                      : res.status == 400 ? "malformed HTTP request (a POST or PUT needs a "
                                            "Content-Length: send a body, even an empty one)"
                      : res.status == 414 ? "the URI is too long"
                                          : "HTTP error " + std::to_string(res.status);
    res.set_content("{\"error\":\"" + why + "\"}", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  };
  s.http.set_error_handler(std::move(on_error));
  s.http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("{\"error\":\"internal error\"}", "application/json");
      });
}

AdminApi::~AdminApi() { stop(); }

Status AdminApi::start() {
  Server& s = *server_;
  if (s.started) return Status::error(ErrorCode::kFailedPrecondition, "admin API already started");
  const std::string& host = s.options.address == "localhost" ? "127.0.0.1" : s.options.address;
  if (s.options.port == 0) {
    s.port = s.http.bind_to_any_port(host);
  } else {
    s.port = s.http.bind_to_port(host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0) {
    return Status::error(ErrorCode::kIo, "admin API cannot listen on " + s.options.address + ":" +
                                             std::to_string(s.options.port));
  }
  s.started = true;
  s.listen_returned = false;
  s.thread = std::thread([&s] {
    s.http.listen_after_bind();
    s.listen_returned = true;
  });
  // httplib's stop() does nothing until the listening loop runs, so a stop() right after
  // start() would leave the thread in accept() for ever: return only once it runs.
  while (!s.http.is_running() && !s.listen_returned) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  if (!s.http.is_running()) {
    stop();
    return Status::error(ErrorCode::kIo, "admin API stopped listening as it started");
  }
  return Status::ok();
}

void AdminApi::stop() {
  Server& s = *server_;
  if (!s.started) return;
  s.http.stop();
  if (s.thread.joinable()) s.thread.join();
  s.started = false;
}

uint16_t AdminApi::port() const { return static_cast<uint16_t>(server_->port > 0 ? server_->port : 0); }

const std::string& AdminApi::address() const { return server_->options.address; }

}  // namespace gyrate::ocs
