// gyrate-sim's connection flags and the client they make.
#include "connection.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace gyrate::sim_tool {
namespace {

bool parse_port(std::string_view text, uint16_t* port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  if (v == 0 || v > 65535) return false;
  *port = static_cast<uint16_t>(v);
  return true;
}

// HOST:PORT, [V6]:PORT, or HOST alone (port 3868).
bool parse_server(std::string_view text, ConnectionOptions* o) {
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    host = text.substr(1, close - 1);
    std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
    }
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return false;
  o->server_host = std::string(host);
  return port.empty() || parse_port(port, &o->server_port);
}

}  // namespace

const char* const kConnectionHelp =
    "connection (any mode):\n"
    "  --server HOST:PORT       the Gy server (default 127.0.0.1:3868; [IPv6]:PORT)\n"
    "  --server-identity ID     the server's Diameter identity (Origin-Host of its CEA); required\n"
    "  --identity ID            this client's Diameter identity (default sim.gyrate.test);\n"
    "                           the server must allow it\n"
    "  --realm REALM            this client's realm (default gyrate.test); requests go to the\n"
    "                           realm the server announces\n"
    "  --timeout-ms N           how long to wait for each answer (default 5000)\n"
    "  --tls-cert FILE          TLS on connect: this client's PEM certificate (naming --identity)\n"
    "  --tls-key FILE           its PEM private key\n"
    "  --tls-ca FILE            a PEM CA the server's certificate must chain to (and this\n"
    "                           client's too); repeatable, one CA or chain per file;\n"
    "                           the three go together\n";

bool take_connection_flags(std::span<char*> args, ConnectionOptions* o, std::vector<char*>* rest,
                           std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    bool known = flag == "--server" || flag == "--server-identity" || flag == "--identity" ||
                 flag == "--realm" || flag == "--timeout-ms" || flag == "--tls-cert" ||
                 flag == "--tls-key" || flag == "--tls-ca";
    if (!known) {
      rest->push_back(args[i]);
      continue;
    }
    if (i + 1 >= args.size()) {
      *error = std::string(flag) + " needs a value";
      return false;
    }
    std::string_view value = args[++i];
    if (flag == "--server") {
      if (!parse_server(value, o)) {
        *error = "--server wants HOST:PORT (port 1-65535), got `" + std::string(value) + "`";
        return false;
      }
    } else if (flag == "--server-identity") {
      o->server_identity = std::string(value);
    } else if (flag == "--identity") {
      o->identity = std::string(value);
    } else if (flag == "--realm") {
      o->realm = std::string(value);
    } else if (flag == "--tls-cert") {
      o->tls_cert = std::string(value);
    } else if (flag == "--tls-key") {
      o->tls_key = std::string(value);
    } else if (flag == "--tls-ca") {
      o->tls_ca.emplace_back(value);
    } else {
      char* end = nullptr;
      unsigned long ms = std::strtoul(std::string(value).c_str(), &end, 10);
      if (value.empty() || *end != '\0' || ms == 0 || ms > 3'600'000) {
        *error = "--timeout-ms wants milliseconds between 1 and 3600000, got `" + std::string(value) + "`";
        return false;
      }
      o->timeout_ms = static_cast<uint32_t>(ms);
    }
  }
  bool any_tls = !o->tls_cert.empty() || !o->tls_key.empty() || !o->tls_ca.empty();
  if (any_tls && (o->tls_cert.empty() || o->tls_key.empty() || o->tls_ca.empty())) {
    *error = "--tls-cert, --tls-key and --tls-ca go together";
    return false;
  }
  return true;
}

std::unique_ptr<diameter::GyClient> connect_or_complain(const ConnectionOptions& c) {
  if (c.server_identity.empty()) {
    std::fprintf(stderr, "gyrate-sim: --server-identity is required (the server's Diameter identity)\n");
    return nullptr;
  }
  diameter::ClientOptions o;
  o.identity = c.identity;
  o.realm = c.realm;
  o.server_host = c.server_host;
  o.server_port = c.server_port;
  o.server_identity = c.server_identity;
  o.answer_timeout = std::chrono::milliseconds(c.timeout_ms);
  if (!c.tls_cert.empty()) {
    o.tls = diameter::TlsOptions{};
    o.tls->cert_file = c.tls_cert;
    o.tls->key_file = c.tls_key;
    o.tls->ca_files = c.tls_ca;
  }
  auto client = diameter::GyClient::connect(o);
  if (!client) {
    std::fprintf(stderr, "gyrate-sim: cannot connect to %s (%s:%u): %s\n", c.server_identity.c_str(),
                 c.server_host.c_str(), c.server_port, client.status().to_string().c_str());
    return nullptr;
  }
  return std::move(*client);
}

}  // namespace gyrate::sim_tool
