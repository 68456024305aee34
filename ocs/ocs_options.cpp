#include "gyrate/ocs/ocs_options.hpp"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <type_traits>

namespace gyrate::ocs {
namespace {

Status bad(const std::string& where, const std::string& what) {
  return Status::error(ErrorCode::kInvalidArgument, where + ": " + what);
}

template <typename T>
Status parse_int(const std::string& where, const std::string& text, T lo, T hi, T* out) {
  T v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    return bad(where, "'" + text + "' is not a number from " + std::to_string(lo) + " to " +
                          std::to_string(hi));
  }
  *out = v;
  return Status::ok();
}

Status parse_bool(const std::string& where, const std::string& text, bool* out) {
  if (text == "true" || text == "yes" || text == "1") *out = true;
  else if (text == "false" || text == "no" || text == "0") *out = false;
  else return bad(where, "'" + text + "' is not true or false");
  return Status::ok();
}

using Setter = std::function<Status(const std::string& where, const std::string& value, OcsOptions&)>;

// A setter of one TLS file or string (a list is added to): TLS is on once any of them is given.
template <typename Field>
Setter tls_setting(Field diameter::TlsOptions::*field) {
  return [field](auto&, auto& v, OcsOptions& o) {
    if (!o.gy.tls) o.gy.tls.emplace();
    if constexpr (std::is_same_v<Field, std::string>) (*o.gy.tls).*field = v;
    else ((*o.gy.tls).*field).push_back(v);
    return Status::ok();
  };
}

// Every setting by its name (flag without "--", config key), with what it takes.
const std::map<std::string, std::pair<std::string, Setter>>& settings() {
  static const std::map<std::string, std::pair<std::string, Setter>> table = {
      {"catalog", {"FILE      the .tariff catalog", [](auto&, auto& v, OcsOptions& o) {
                     o.catalog_path = v;
                     return Status::ok();
                   }}},
      {"subscribers", {"FILE  subscribers to provision at start (CSV or JSON lines; repeatable)",
                       [](auto&, auto& v, OcsOptions& o) {
                         o.subscriber_files.push_back(v);
                         return Status::ok();
                       }}},
      {"store", {"DIR|redis://HOST:PORT[,HOST:PORT...]  the embedded store's directory (journal,\n"
                 "                      snapshots, CDRs), or Redis Cluster seeds (docs/operations.md)",
                 [](auto& w, auto& v, OcsOptions& o) {
                   constexpr std::string_view kRedis = "redis://";
                   if (v.rfind(kRedis, 0) != 0) {
                     o.store_dir = v;
                     o.redis_seeds.clear();
                     return Status::ok();
                   }
                   o.store_dir.clear();
                   o.redis_seeds.clear();
                   std::stringstream seeds(v.substr(kRedis.size()));
                   for (std::string seed; std::getline(seeds, seed, ',');) {
                     size_t colon = seed.rfind(':');
                     uint16_t port = 0;
                     if (colon == std::string::npos || colon == 0 ||
                         !parse_int<uint16_t>(w, seed.substr(colon + 1), 1, 65535, &port)) {
                       return bad(w, "'" + seed + "' is not HOST:PORT");
                     }
                     o.redis_seeds.push_back(seed);
                   }
                   if (o.redis_seeds.empty()) return bad(w, "redis:// needs at least one HOST:PORT");
                   return Status::ok();
                 }}},
      {"redis-wait-replicas", {"N replicas a change must reach before its answer goes out (default 1)",
                               [](auto& w, auto& v, OcsOptions& o) {
                                 return parse_int<int>(w, v, 0, 16, &o.redis_wait_replicas);
                               }}},
      {"redis-wait-ms", {"MS    how long WAIT waits for them (default 100)",
                         [](auto& w, auto& v, OcsOptions& o) {
                           return parse_int<int64_t>(w, v, 1, 60'000, &o.redis_wait_ms);
                         }}},
      {"redis-deadline-ms", {"MS a shard's deadline per command, redirects included (default 250)",
                             [](auto& w, auto& v, OcsOptions& o) {
                               return parse_int<int64_t>(w, v, 1, 60'000, &o.redis_deadline_ms);
                             }}},
      {"cache-accounts", {"N  with a redis:// store: accounts kept in memory, least recently used\n"
                          "                      dropped first (default 1000000; 0: no limit)",
                          [](auto& w, auto& v, OcsOptions& o) {
                            return parse_int<size_t>(w, v, 0, size_t{1} << 40, &o.cache_accounts);
                          }}},
      {"cdr-export", {"DIR     with a redis:// store: export the cluster's CDRs into DIR (one node per\n"
                      "                      cluster; cdrs-N.jsonl and .pb, as the embedded store's)",
                      [](auto&, auto& v, OcsOptions& o) {
                        o.cdr_export_dir = v;
                        return Status::ok();
                      }}},
      {"cdr-export-seconds", {"SECONDS how often (default 10)",
                              [](auto& w, auto& v, OcsOptions& o) {
                                return parse_int<int64_t>(w, v, 1, 86'400, &o.cdr_export_seconds);
                              }}},
      {"session-failover", {"BOOL answers carry CC-Session-Failover FAILOVER_SUPPORTED (default: yes\n"
                            "                      with a redis:// store, else the AVP is not sent)",
                            [](auto& w, auto& v, OcsOptions& o) {
                              bool on = false;
                              if (Status s = parse_bool(w, v, &on); !s) return s;
                              o.session_failover = on;
                              return Status::ok();
                            }}},
      {"failure-handling", {"terminate|continue|retry-and-terminate  Credit-Control-Failure-Handling\n"
                            "                      in answers (default retry-and-terminate with a redis:// store)",
                            [](auto& w, auto& v, OcsOptions& o) {
                              using F = diameter::CreditControlFailureHandling;
                              if (v == "terminate") o.failure_handling = F::kTerminate;
                              else if (v == "continue") o.failure_handling = F::kContinue;
                              else if (v == "retry-and-terminate") o.failure_handling = F::kRetryAndTerminate;
                              else return bad(w, "'" + v + "' is not terminate, continue or retry-and-terminate");
                              return Status::ok();
                            }}},
      {"fsync", {"always|batched|off  when a change is durable (default always)",
                 [](auto& w, auto& v, OcsOptions& o) {
                   if (v == "always") o.fsync = engine::FsyncPolicy::kAlways;
                   else if (v == "batched") o.fsync = engine::FsyncPolicy::kBatched;
                   else if (v == "off") o.fsync = engine::FsyncPolicy::kOff;
                   else return bad(w, "'" + v + "' is not always, batched or off");
                   return Status::ok();
                 }}},
      {"salvage", {"BOOL      start despite a corrupt journal record (skipped and reported)",
                   [](auto& w, auto& v, OcsOptions& o) { return parse_bool(w, v, &o.salvage); }}},
      {"identity", {"FQDN     Diameter identity (default ocs.gyrate.test)",
                    [](auto&, auto& v, OcsOptions& o) {
                      o.gy.identity = v;
                      return Status::ok();
                    }}},
      {"realm", {"REALM       Diameter realm (default gyrate.test)", [](auto&, auto& v, OcsOptions& o) {
                   o.gy.realm = v;
                   return Status::ok();
                 }}},
      {"port", {"N             Diameter TCP port; 0 picks a free one (default 3868)",
                [](auto& w, auto& v, OcsOptions& o) {
                  return parse_int<uint16_t>(w, v, 0, 65535, &o.gy.port);
                }}},
      {"loopback-only", {"BOOL listen on 127.0.0.1 only (default true)",
                         [](auto& w, auto& v, OcsOptions& o) {
                           return parse_bool(w, v, &o.gy.loopback_only);
                         }}},
      {"allow-peer", {"FQDN   a Diameter peer admitted (repeatable)", [](auto&, auto& v, OcsOptions& o) {
                        o.gy.allowed_peers.push_back(v);
                        return Status::ok();
                      }}},
      {"tls-cert", {"FILE     TLS with every peer: this server's PEM certificate (must name --identity)",
                    tls_setting(&diameter::TlsOptions::cert_file)}},
      {"tls-key", {"FILE      the PEM private key of --tls-cert (with TLS)", tls_setting(&diameter::TlsOptions::key_file)}},
      {"tls-ca", {"FILE       a PEM CA peers' certificates must chain to (with TLS; repeatable: one CA or\n"
                  "                      chain per file)",
                  tls_setting(&diameter::TlsOptions::ca_files)}},
      {"tls-crl", {"FILE      a PEM revocation list of that CA (optional)", tls_setting(&diameter::TlsOptions::crl_file)}},
      {"tls-priority", {"S    GnuTLS priority string (optional; default NORMAL)",
                        tls_setting(&diameter::TlsOptions::priority)}},
      {"tls-plain-port", {"N  with TLS, also admit allowed peers over plain TCP on port N (default 0: never)",
                          [](auto& w, auto& v, OcsOptions& o) {
                            return parse_int<uint16_t>(w, v, 0, 65535, &o.gy.plain_port);
                          }}},
      {"threads", {"N          CCRs handled at once (default 2)", [](auto& w, auto& v, OcsOptions& o) {
                     return parse_int<unsigned>(w, v, 1, 256, &o.gy.threads);
                   }}},
      {"clock", {"real|request  request: the CCR's Event-Timestamp is the time (simulations)",
                 [](auto& w, auto& v, OcsOptions& o) {
                   if (v == "real") o.clock = diameter::GyClock::kReal;
                   else if (v == "request") o.clock = diameter::GyClock::kRequest;
                   else return bad(w, "'" + v + "' is not real or request");
                   return Status::ok();
                 }}},
      {"tcc", {"SECONDS        supervision: a session silent this long is released (default 600)",
               [](auto& w, auto& v, OcsOptions& o) {
                 return parse_int<int64_t>(w, v, 1, 86'400 * 7, &o.tcc_seconds);
               }}},
      {"checkpoint", {"SECONDS snapshot and CDR export interval; 0: at stop only (default 300)",
                      [](auto& w, auto& v, OcsOptions& o) {
                        return parse_int<int64_t>(w, v, 0, 86'400, &o.checkpoint_seconds);
                      }}},
      {"admin", {"BOOL        serve the admin HTTP API and /metrics (default true)",
                 [](auto& w, auto& v, OcsOptions& o) { return parse_bool(w, v, &o.admin); }}},
      {"admin-address", {"ADDR the admin API's address (default 127.0.0.1)",
                         [](auto&, auto& v, OcsOptions& o) {
                           o.admin_address = v;
                           return Status::ok();
                         }}},
      {"admin-port", {"N      the admin API's port; 0 picks a free one (default 0)",
                      [](auto& w, auto& v, OcsOptions& o) {
                        return parse_int<uint16_t>(w, v, 0, 65535, &o.admin_port);
                      }}},
      {"admin-token-file", {"FILE a bearer token the admin API requires (needed off loopback)",
                            [](auto&, auto& v, OcsOptions& o) {
                              o.admin_token_file = v;
                              return Status::ok();
                            }}},
      {"interpreter", {"BOOL  rate with the reference interpreter instead of the JIT",
                       [](auto& w, auto& v, OcsOptions& o) { return parse_bool(w, v, &o.interpreter); }}},
      {"log-values", {"BOOL   AVP values (subscriber data) in the stack's logs (default false)",
                      [](auto& w, auto& v, OcsOptions& o) { return parse_bool(w, v, &o.gy.log_values); }}},
  };
  return table;
}

Status set(const std::string& name, const std::string& where, const std::string& value, OcsOptions& o) {
  auto it = settings().find(name);
  if (it == settings().end()) return bad(where, "unknown setting '" + name + "' (see --help)");
  return it->second.second(where, value, o);
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

Status read_config(const std::string& path, OcsOptions& o) {
  std::ifstream in(path);
  if (!in) return Status::error(ErrorCode::kNotFound, path + ": cannot read the configuration file");
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    std::string text = trim(line.substr(0, line.find('#')));
    if (text.empty()) continue;
    std::string where = path + ":" + std::to_string(n);
    size_t eq = text.find('=');
    if (eq == std::string::npos) return bad(where, "expected 'key = value'");
    std::string value = trim(text.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (Status s = set(trim(text.substr(0, eq)), where, value, o); !s) return s;
  }
  return Status::ok();
}

}  // namespace

std::string ocs_usage() {
  std::ostringstream out;
  out << "usage: gyrate-ocs --catalog FILE --store DIR|redis://HOST:PORT,... [--subscribers FILE]... "
         "[--config FILE] [options]\n\nThe online charging system: Gy (RFC 4006) on freeDiameter over "
         "the engine and its embedded store (or Redis Cluster).\nEvery option is also a `key = value` line of --config (flags "
         "win).\n\n";
  for (const auto& [name, entry] : settings()) out << "  --" << name << " " << entry.first << "\n";
  out << "  --config FILE     read settings from FILE first\n  --help\n";
  return out.str();
}

Expected<ParsedOcsArgs> parse_ocs_args(const std::vector<std::string>& args) {
  ParsedOcsArgs parsed;
  // The file first, so flags override it wherever they stand.
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) return bad("--config", "needs a file");
      if (Status s = read_config(args[i + 1], parsed.options); !s) return s;
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      parsed.help = true;
      return parsed;
    }
    if (a.rfind("--", 0) != 0) return bad(a, "unexpected argument (options start with --)");
    std::string name = a.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) return bad(a, "needs a value");
      value = args[++i];
    }
    if (name == "config") continue;
    if (Status s = set(name, "--" + name, value, parsed.options); !s) return s;
  }
  OcsOptions& o = parsed.options;
  if (o.catalog_path.empty()) return bad("gyrate-ocs", "--catalog FILE is required");
  if (o.store_dir.empty() && o.redis_seeds.empty()) {
    return bad("gyrate-ocs", "--store DIR (or --store redis://HOST:PORT,...) is required");
  }
  if (!o.cdr_export_dir.empty() && o.redis_seeds.empty()) {
    return bad("--cdr-export", "needs a redis:// store (the embedded store exports at each checkpoint)");
  }
  if (o.gy.tls && (o.gy.tls->cert_file.empty() || o.gy.tls->key_file.empty() || o.gy.tls->ca_files.empty())) {
    return bad("--tls-cert", "TLS needs --tls-cert, --tls-key and --tls-ca together");
  }
  if (!o.gy.tls && o.gy.plain_port != 0) return bad("--tls-plain-port", "needs TLS (--tls-cert ...)");
  if (o.admin && o.admin_address != "127.0.0.1" && o.admin_address != "localhost" &&
      o.admin_address != "::1" && o.admin_token_file.empty()) {
    return bad("--admin-address", "an admin API off loopback needs --admin-token-file");
  }
  return parsed;
}

}  // namespace gyrate::ocs
