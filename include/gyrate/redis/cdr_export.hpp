// CDR export from Redis Cluster without scanning the keyspace. gyrate_apply appends an account's
// CDRs to the outbox stream of the account's slot, cdr:{<tag>} (store_keys.hpp), in the same
// atomic step as the debit. The 16384 outbox names are known in advance, so an export pass reads
// each of them (XRANGE, pipelined: one flight per master, each master asked only for the slots it
// owns), writes what it found durably as one export file pair like the embedded store's
// (cdr_files.hpp), and only then trims each outbox up to the last entry it wrote (XTRIM MINID).
// At least once: a crash between the write and the trim exports those CDRs again; downstream
// deduplicates on (account, revision, service, pack). docs/operations.md, "Redis Cluster store:
// CDR export".
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "gyrate/base/status.hpp"
#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::redis {

struct CdrExportOptions {
  std::filesystem::path dir;     // export files: cdrs-<pass number>.jsonl and .pb
  size_t max_per_outbox = 1000;  // XRANGE COUNT: bounds one pass's memory
  bool sync = true;              // fsync the files before trimming (false only in tests)
};

struct CdrExportPass {
  uint64_t number = 0;       // the file's number; 0 when the pass found nothing
  size_t cdrs = 0;           // written to the file
  size_t outboxes = 0;       // outboxes that held CDRs
  size_t trim_failures = 0;  // outboxes not trimmed: their CDRs come again next pass
  bool more = false;         // an outbox held more than max_per_outbox: run again now
};

class CdrExporter {
 public:
  CdrExporter(std::shared_ptr<ClusterClient> client, CdrExportOptions options);
  // One pass over every outbox. Fails (nothing trimmed) when an outbox could not be read or the
  // file not written; the CDRs stay in Redis for the next pass. One exporter per cluster: two
  // would export the same CDRs twice.
  Expected<CdrExportPass> export_once();

 private:
  std::shared_ptr<ClusterClient> client_;
  CdrExportOptions options_;
};

}  // namespace gyrate::redis
