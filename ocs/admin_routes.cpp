// AdminRoutes (see admin_api.hpp): authentication, routing and each route's work over the
// engine and the daemon's hooks. No sockets here, so every answer is decided in one place.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <string_view>

#include "admin_json.hpp"
#include "gyrate/engine/explain.hpp"
#include "gyrate/ocs/admin_api.hpp"

namespace gyrate::ocs {
namespace {

// Ordered: answers list their fields in the order written here (id first), not sorted.
using json = nlohmann::ordered_json;

constexpr std::string_view kBearer = "Bearer ";

AdminResponse json_response(int status, const json& body) {
  AdminResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

AdminResponse error(int status, const std::string& message) {
  return json_response(status, {{"error", message}});
}

// The HTTP status for an engine or hook failure. kNotFound is the caller's to place: an unknown
// subscriber is a 404, an unknown plan or pack in a body a 400.
int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound: return 400;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kResourceExhausted: return 409;
    case ErrorCode::kUnavailable:
    case ErrorCode::kIo: return 503;
    default: return 500;
  }
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  for (size_t start = 0; start < path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

const std::string* query_value(const AdminRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.query) {
    if (key == name) return &value;
  }
  return nullptr;
}

// `allowed`: "GET" or "GET, PUT".
bool allows(std::string_view allowed, std::string_view method) {
  for (size_t start = 0; start < allowed.size();) {
    size_t end = allowed.find(", ", start);
    if (end == std::string_view::npos) end = allowed.size();
    if (allowed.substr(start, end - start) == method) return true;
    start = end + 2;
  }
  return false;
}

json row_errors(const std::vector<RowError>& errors, bool batch) {
  json list = json::array();
  for (const RowError& e : errors) list.push_back({{"index", e.index}, {"error", e.reason}});
  const RowError& first = errors.front();
  std::string message =
      batch ? "rows[" + std::to_string(first.index) + "]: " + first.reason : first.reason;
  json out = {{"error", message}};
  if (batch || errors.size() > 1) out["errors"] = std::move(list);
  return out;
}

}  // namespace

bool constant_time_equal(const std::string& given, const std::string& expected) {
  // Every byte of `expected` is compared whatever `given` holds, so the time leaks its length
  // (public anyway) and nothing about where the first difference is.
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

AdminRoutes::AdminRoutes(engine::Engine& engine, OcsMetrics& metrics, AdminHooks hooks,
                         std::string token)
    : engine_(engine), metrics_(metrics), hooks_(std::move(hooks)), token_(std::move(token)) {}

int64_t AdminRoutes::now() const {
  if (hooks_.now) return hooks_.now();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AdminResponse AdminRoutes::handle(const AdminRequest& request) const {
  AdminResponse response;
  if (!token_.empty() && request.path != "/healthz") {
    std::string_view given = request.authorization;
    bool bearer = given.size() >= kBearer.size() &&
                  std::equal(kBearer.begin(), kBearer.end(), given.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) ==
                           std::tolower(static_cast<unsigned char>(b));
                  });  // the scheme is case-insensitive (RFC 7235), the token is not
    if (!bearer || !constant_time_equal(std::string(given.substr(kBearer.size())), token_)) {
      response = error(401, bearer ? "wrong bearer token" : "missing Authorization: Bearer <token>");
      response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"gyrate-ocs\"");
      response.route = "(unauthorized)";
    }
  }
  if (response.route.empty()) response = route(request);
  if (hooks_.log) {
    hooks_.log("admin: " + request.method + " " + response.route + " " +
               std::to_string(response.status));
  }
  return response;
}

AdminResponse AdminRoutes::route(const AdminRequest& request) const {
  std::vector<std::string_view> p = split_path(request.path);
  const std::string& m = request.method;
  // (pattern, methods it allows, the answer when the method is one of them)
  auto on = [&](const char* pattern, std::string_view allowed,
                auto&& answer) -> AdminResponse {
    AdminResponse r;
    if (allows(allowed, m)) {
      r = answer();
    } else {
      r = error(405, "method " + m + " is not allowed here (allowed: " + std::string(allowed) + ")");
      r.headers.emplace_back("Allow", std::string(allowed));
    }
    r.route = pattern;
    return r;
  };
  if (p.size() == 1 && p[0] == "healthz") {
    return on("/healthz", "GET", [&] {
      return json_response(200, {{"status", "ok"}, {"accounts", engine_.account_count()}});
    });
  }
  if (p.size() == 1 && p[0] == "metrics") {
    return on("/metrics", "GET", [&] {
      AdminResponse r;
      r.content_type = "text/plain; version=0.0.4";
      r.body = metrics_.text();
      return r;
    });
  }
  if (p.size() == 3 && p[0] == "v1" && p[1] == "catalog" && p[2] == "reload") {
    return on("/v1/catalog/reload", "POST", [&] { return reload(); });
  }
  if (p.size() >= 2 && p[0] == "v1" && p[1] == "subscribers") {
    if (p.size() == 2) {
      return on("/v1/subscribers", "POST", [&] { return provision(request, ""); });
    }
    std::string id(p[2]);
    if (p.size() == 3) {
      return on("/v1/subscribers/{id}", "GET, PUT", [&] {
        return m == "GET" ? subscriber(id) : provision(request, id);
      });
    }
    if (p.size() == 4 && p[3] == "packs") {
      return on("/v1/subscribers/{id}/packs", "POST", [&] { return buy_pack(request, id); });
    }
    if (p.size() == 4 && p[3] == "explain") {
      return on("/v1/subscribers/{id}/explain", "GET", [&] { return explain(request, id); });
    }
  }
  AdminResponse r = error(404, "no route " + m + " " + request.path +
                                   " (routes: docs/admin-api.md)");
  r.route = "(no route)";
  return r;
}

namespace {

// The plan and currency Balances does not carry: explain of the first service the plan rates
// reports both (on a copy of the account; nothing changes). Without one, the catalog's only
// currency.
AccountHeader account_header(const engine::Engine& engine, const std::string& id,
                             const engine::Balances& b, int64_t time) {
  AccountHeader h;
  h.id = id;
  if (!b.services.empty()) {
    engine::ReserveRequest probe;
    probe.service = b.services.front().service;
    probe.time = time;
    if (Expected<engine::Explanation> e = engine.explain(id, probe)) {
      h.plan = e->plan;
      h.plan_version = e->plan_version;
      h.currency = e->currency;
      return h;
    }
  }
  const auto& currencies = engine.catalog()->program().currencies;
  if (currencies.size() == 1) h.currency = currencies.front().name;
  return h;
}

AdminResponse unknown_subscriber(const std::string& id) {
  return error(404, "unknown subscriber '" + id + "'");
}

}  // namespace

AdminResponse AdminRoutes::subscriber(const std::string& id) const {
  int64_t t = now();
  Expected<engine::Balances> b = engine_.balances(id, t);
  if (!b) {
    if (b.status().code() == ErrorCode::kNotFound) return unknown_subscriber(id);
    return error(http_status(b.status().code()), b.status().message());
  }
  return json_response(200, balances_json(account_header(engine_, id, *b, t), *b));
}

AdminResponse AdminRoutes::provision(const AdminRequest& request, const std::string& id) const {
  bool put = !id.empty();
  ParsedRows rows = parse_rows(request.body, !put, put ? &id : nullptr,
                               engine_.catalog()->program().timezone_offset_minutes);
  if (!rows.errors.empty()) return json_response(400, row_errors(rows.errors, rows.batch));
  int64_t t = now();
  // POST creates and PUT changes: provisioning an existing id starts its subscription again,
  // which a mistyped POST should not do by accident.
  std::vector<RowError> conflicts;
  for (size_t i = 0; i < rows.specs.size(); ++i) {
    Expected<engine::Balances> b = engine_.balances(rows.specs[i].id, t);
    bool exists = b || b.status().code() != ErrorCode::kNotFound;
    if (put && !exists) return unknown_subscriber(id);
    if (!put && exists) {
      conflicts.push_back({i, "subscriber '" + rows.specs[i].id +
                                  "' exists (PUT /v1/subscribers/{id} changes it)"});
    }
  }
  if (!conflicts.empty()) return json_response(409, row_errors(conflicts, rows.batch));
  std::vector<engine::ProvisionFailure> failures;
  if (Status s = engine_.provision_all(rows.specs, &failures); !s) {
    if (failures.empty()) return error(http_status(s.code()), s.message());
    std::vector<RowError> refused;
    int status = 400;
    for (const engine::ProvisionFailure& f : failures) {
      refused.push_back({f.index, f.status.message()});
      status = std::max(status, http_status(f.status.code()));
    }
    return json_response(status, row_errors(refused, rows.batch));
  }
  if (put) return subscriber(id);
  json ids = json::array();
  for (const engine::ProvisionSpec& spec : rows.specs) ids.push_back(spec.id);
  AdminResponse r = json_response(201, {{"provisioned", rows.specs.size()}, {"ids", ids}});
  if (!rows.batch) r.headers.emplace_back("Location", "/v1/subscribers/" + rows.specs[0].id);
  return r;
}

AdminResponse AdminRoutes::buy_pack(const AdminRequest& request, const std::string& id) const {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return error(400, "bad JSON: expected {\"pack\": ..., \"order\": ...}");
  if (!body.is_object()) return error(400, "expected a JSON object {\"pack\": ..., \"order\": ...}");
  std::string fields[2];  // pack, order
  for (const auto& [name, value] : body.items()) {
    int i = name == "pack" ? 0 : name == "order" ? 1 : -1;
    if (i < 0) return error(400, "unknown field '" + name + "' (fields: pack, order)");
    if (!value.is_string() || value.get<std::string>().empty()) {
      return error(400, "'" + name + "' must be a non-empty string");
    }
    fields[i] = value.get<std::string>();
  }
  // The order id is what makes a retried POST buy once; without it a retry would buy twice.
  for (int i = 0; i < 2; ++i) {
    if (fields[i].empty()) return error(400, i == 0 ? "missing 'pack'" : "missing 'order'");
  }
  int64_t t = now();
  if (Expected<engine::Balances> b = engine_.balances(id, t);
      !b && b.status().code() == ErrorCode::kNotFound) {
    return unknown_subscriber(id);
  }
  Expected<engine::Answer> a = engine_.buy_pack(id, fields[1], 0, fields[0], t);
  if (!a) {
    std::string field = a.status().code() == ErrorCode::kNotFound ? "'pack': " : "";
    return error(http_status(a.status().code()), field + a.status().message());
  }
  if (!a->duplicate && hooks_.pack_bought) hooks_.pack_bought(id);
  Expected<engine::Balances> b = engine_.balances(id, t);
  if (!b) return error(http_status(b.status().code()), b.status().message());
  AccountHeader header = account_header(engine_, id, *b, t);
  return json_response(200, {{"pack", fields[0]},
                             {"order", fields[1]},
                             {"charged", a->charged},
                             {"currency", header.currency},
                             {"duplicate", a->duplicate},
                             {"balances", balances_json(header, *b)}});
}

AdminResponse AdminRoutes::explain(const AdminRequest& request, const std::string& id) const {
  const std::string* format = query_value(request, "format");
  if (format && *format != "text" && *format != "json") {
    return error(400, "bad format '" + *format + "': expected text or json");
  }
  if (!hooks_.last_request) return error(503, "explain is not wired to the Gy server");
  std::optional<engine::ReserveRequest> last = hooks_.last_request(id);
  if (!last) {
    if (Expected<engine::Balances> b = engine_.balances(id, now());
        !b && b.status().code() == ErrorCode::kNotFound) {
      return unknown_subscriber(id);
    }
    return error(404, "subscriber '" + id +
                          "' has made no reserve request since the server started: nothing to "
                          "explain");
  }
  // Asked as it is, the request is a repeat and explain shows only the stored answer: under a
  // session of its own it is rated again, on the account as it is now, with every reason.
  engine::ReserveRequest again = *last;
  again.session += "#explain";
  Expected<engine::Explanation> e = engine_.explain(id, again);
  if (!e) {
    if (e.status().code() == ErrorCode::kNotFound) return unknown_subscriber(id);
    return error(http_status(e.status().code()), e.status().message());
  }
  AdminResponse r;
  if (format && *format == "text") {
    r.content_type = "text/plain; charset=utf-8";
    r.body = engine::to_text(*e) + "\n";
  } else {
    r.body = engine::to_json(*e);
  }
  return r;
}

AdminResponse AdminRoutes::reload() const {
  if (!hooks_.reload_catalog) return error(503, "catalog reload is not wired");
  if (Status s = hooks_.reload_catalog(); !s) return error(422, s.message());
  return json_response(200, {{"reloaded", true}, {"catalog_version", engine_.catalog()->id()}});
}

}  // namespace gyrate::ocs
