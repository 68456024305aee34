// gyrate-ocs's configuration: command-line flags and an optional `key = value` file with the same
// names (a flag wins over the file). Parsed here, in the library, so the daemon and its tests read
// configuration the same way and every mistake names the flag or the file's line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/diameter/gy_handler.hpp"
#include "gyrate/diameter/gy_server.hpp"
#include "gyrate/engine/journal.hpp"

namespace gyrate::ocs {

struct OcsOptions {
  std::string catalog_path;
  std::vector<std::string> subscriber_files;  // provisioned at start (one batch)
  std::string store_dir;                  // the embedded store (--store DIR)
  // The Redis Cluster store (--store redis://HOST:PORT[,HOST:PORT...]): its seeds, host:port.
  std::vector<std::string> redis_seeds;
  int redis_wait_replicas = 1;              // WAIT behind every change (redis_store.hpp)
  int64_t redis_wait_ms = 100;
  int64_t redis_deadline_ms = 250;          // per shard and command (cluster_client.hpp)
  // Accounts a node on the Redis store keeps in memory (Engine::set_cache_limit; 0: no limit).
  size_t cache_accounts = 1'000'000;
  // With the Redis store: this node exports the cluster's CDRs into this directory every
  // cdr_export_seconds and at stop (cdr_export.hpp). One node per cluster.
  std::string cdr_export_dir;
  int64_t cdr_export_seconds = 10;
  // RFC 4006 failover AVPs in every answer: sent when set, and with the Redis store (any node
  // serves any session) by default as FAILOVER_SUPPORTED and RETRY_AND_TERMINATE.
  std::optional<bool> session_failover;
  std::optional<diameter::CreditControlFailureHandling> failure_handling;
  engine::FsyncPolicy fsync = engine::FsyncPolicy::kAlways;
  bool salvage = false;

  diameter::GyServerOptions gy;
  diameter::GyClock clock = diameter::GyClock::kReal;
  int64_t tcc_seconds = 600;
  int64_t checkpoint_seconds = 300;  // real seconds between checkpoints; 0: only at stop

  bool admin = true;
  std::string admin_address = "127.0.0.1";
  uint16_t admin_port = 0;        // 0: a free port (printed when ready)
  std::string admin_token_file;   // required when admin_address is not loopback

  bool interpreter = false;  // evaluate with the reference interpreter instead of the JIT
  // Serve Gy on the core of the freeDiameter daemon this runs in (gyrate_gy.fdx) instead of
  // starting one; the daemon's configuration then decides identity, ports and TLS.
  bool in_daemon = false;
};

// What parse_ocs_args found: options, or the `--help` text to print (exit 0).
struct ParsedOcsArgs {
  OcsOptions options;
  bool help = false;
};

Expected<ParsedOcsArgs> parse_ocs_args(const std::vector<std::string>& args);
std::string ocs_usage();

}  // namespace gyrate::ocs
