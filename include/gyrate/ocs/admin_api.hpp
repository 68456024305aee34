// AdminApi: gyrate-ocs's HTTP+JSON admin API over an Engine: provision and change subscribers,
// read balances, buy packs, explain the last decision, reload the catalog, and GET /metrics.
// Loopback-only unless a bearer token (read from a file) guards it (R8). Routes, bodies and
// errors: docs/admin-api.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/ocs/metrics.hpp"

namespace gyrate::ocs {

// What the daemon lends the API. Each may be empty: the route that needs it then answers 503
// (reload, explain) or skips it (pack_bought); `now` defaults to the system clock.
struct AdminHooks {
  std::function<Status()> reload_catalog;  // an error's message is the diagnostics text
  // After a pack was bought (not after a repeated order): the daemon sends its RARs.
  std::function<void(const std::string& account)> pack_bought;
  // The last reserve request the Gy server rated for the account, for explain.
  std::function<std::optional<engine::ReserveRequest>(const std::string& account)> last_request;
  std::function<int64_t()> now;  // unix seconds: the real or the simulated clock
  // One line per request: method, route pattern ("/v1/subscribers/{id}") and status; never a
  // subscriber's id or a body.
  std::function<void(const std::string& line)> log;
};

struct AdminOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (port() tells which)
  // A file holding the bearer token. Required to bind anything but a loopback address; when
  // set, every route but /healthz needs `Authorization: Bearer <token>`. The file must not be
  // readable or writable by group or others.
  std::string token_file;
  size_t threads = 4;
  size_t max_body_bytes = size_t{64} << 20;  // a bulk provisioning batch
};

// One request as the routes see it (the HTTP server's types stay in admin_server.cpp).
struct AdminRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query
  std::vector<std::pair<std::string, std::string>> query;
  std::string authorization;  // the Authorization header, "" when absent
  std::string body;
};

struct AdminResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, Allow, WWW-Authenticate
  std::string route;  // the matched pattern, for the log
};

// The routes without sockets: authentication, routing, JSON in and out. Thread-safe (the
// engine is; the hooks must be).
class AdminRoutes {
 public:
  // `token` empty: no authentication (loopback only; AdminApi enforces that).
  AdminRoutes(engine::Engine& engine, OcsMetrics& metrics, AdminHooks hooks, std::string token);
  AdminResponse handle(const AdminRequest& request) const;

 private:
  AdminResponse route(const AdminRequest& request) const;
  int64_t now() const;
  AdminResponse provision(const AdminRequest& request, const std::string& id) const;
  AdminResponse subscriber(const std::string& id) const;
  AdminResponse buy_pack(const AdminRequest& request, const std::string& id) const;
  AdminResponse explain(const AdminRequest& request, const std::string& id) const;
  AdminResponse reload() const;

  engine::Engine& engine_;
  OcsMetrics& metrics_;
  AdminHooks hooks_;
  std::string token_;
};

class AdminApi {
 public:
  // Reads the token file and checks the address: binding a non-loopback address without a
  // token, an unreadable, empty or group/other-accessible token file are refused here.
  static Expected<std::unique_ptr<AdminApi>> create(engine::Engine& engine, OcsMetrics& metrics,
                                                    AdminHooks hooks, AdminOptions options);
  ~AdminApi();  // stops
  AdminApi(const AdminApi&) = delete;
  AdminApi& operator=(const AdminApi&) = delete;

  // Binds (so port() is known when it returns) and serves on its own thread pool.
  Status start();
  // Stops accepting, finishes the requests in flight, joins. Idempotent.
  void stop();
  uint16_t port() const;
  const std::string& address() const;

 private:
  struct Server;
  explicit AdminApi(std::unique_ptr<Server> server);
  std::unique_ptr<Server> server_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_address(const std::string& address);
// Equal in time that depends only on `expected`'s length, not on where they differ.
bool constant_time_equal(const std::string& given, const std::string& expected);

}  // namespace gyrate::ocs
