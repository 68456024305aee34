// OcsMetrics: what gyrate-ocs exposes to Prometheus. The Gy server records every CCR (type,
// Result-Code, latency); the daemon sets the gauges (sessions, reservations, journal, catalog,
// RARs); text() renders the text exposition format for GET /metrics. Names: docs/admin-api.md.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "gyrate/diameter/gy_message.hpp"
#include "gyrate/diameter/result_code.hpp"
#include "gyrate/engine/journal.hpp"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
}  // namespace prometheus

namespace gyrate::engine {
struct StoreStats;
}  // namespace gyrate::engine

namespace gyrate::ocs {

class OcsMetrics {
 public:
  // Every Result-Code of result_code.hpp has its own label; any other is counted as "other".
  static constexpr size_t kResultCodes = 19;  // 18 named + other
  static constexpr size_t kRequestTypes = 5;  // initial, update, termination, event + other
  // Latency histogram bucket bounds, seconds: 50 us .. 1 s.
  static constexpr std::array<double, 14> kLatencyBuckets = {
      50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 0.5, 1.0};

  OcsMetrics();
  ~OcsMetrics();
  OcsMetrics(const OcsMetrics&) = delete;
  OcsMetrics& operator=(const OcsMetrics&) = delete;

  // One answered CCR. Thread-safe; no lookup by label and no allocation: every (type,
  // Result-Code) counter exists from construction (an out-of-range type counts as "other").
  void record_ccr(diameter::CcRequestType type, diameter::ResultCode result,
                  std::chrono::nanoseconds latency);

  // Gauges the daemon sets (any thread).
  void set_open_sessions(int64_t sessions);
  void set_open_reservations(int64_t reservations);
  // The embedded store's journal (EmbeddedStore::journal_stats()) at `now` (unix seconds).
  // append() returns only once a record is durable per the fsync policy, so "written but not
  // durable" is zero by construction; what grows unseen is the tail no checkpoint covers yet
  // (replayed at every restart): records and seconds since the last checkpoint are the lag.
  void set_journal(const engine::JournalStats& stats, int64_t now);
  // A checkpoint finished at `now` with the journal at `stats`.
  void journal_checkpointed(const engine::JournalStats& stats, int64_t now);
  // The catalog in service: whoever loads one (start-up, SIGHUP, POST /v1/catalog/reload)
  // reports the outcome. `version` is Catalog::id() of the catalog now published; every call
  // after the first counts as a reload.
  void catalog_loaded(uint64_t version);
  void catalog_reload_failed();
  // The engine's store counters (Engine::store_stats()): the counters grow by the difference.
  void set_store(const engine::StoreStats& stats);
  void rar_sent();

  // Prometheus text exposition format 0.0.4.
  std::string text() const;

 private:
  std::unique_ptr<prometheus::Registry> registry_;
  // [type][result]: fixed at construction, so record_ccr only indexes.
  std::array<std::array<prometheus::Counter*, kResultCodes>, kRequestTypes> ccr_{};
  std::array<prometheus::Histogram*, kRequestTypes> latency_{};
  prometheus::Gauge* sessions_ = nullptr;
  prometheus::Gauge* reservations_ = nullptr;
  prometheus::Counter* journal_records_ = nullptr;
  prometheus::Counter* journal_commits_ = nullptr;
  prometheus::Counter* journal_bytes_ = nullptr;
  prometheus::Gauge* journal_lag_records_ = nullptr;
  prometheus::Gauge* journal_lag_seconds_ = nullptr;
  prometheus::Gauge* catalog_version_ = nullptr;
  prometheus::Counter* catalog_reloads_ = nullptr;
  prometheus::Counter* catalog_failures_ = nullptr;
  prometheus::Counter* rars_ = nullptr;
  prometheus::Counter* store_loads_ = nullptr;
  prometheus::Counter* store_conflicts_ = nullptr;
  prometheus::Counter* store_duplicates_ = nullptr;
  prometheus::Counter* store_adopted_ = nullptr;
  prometheus::Counter* store_unavailable_ = nullptr;
  // The journal as last reported (the counters grow by the difference) and at the last
  // checkpoint (the lag is measured from it). Rare calls: a mutex is fine.
  std::mutex journal_mutex_;
  engine::JournalStats journal_seen_;
  engine::JournalStats journal_checkpoint_;
  int64_t checkpoint_time_ = -1;  // unix seconds; -1: none since start-up
  std::atomic<bool> catalog_seen_{false};
  std::mutex store_mutex_;
  std::unique_ptr<engine::StoreStats> store_seen_;  // as last reported
};

}  // namespace gyrate::ocs
