// Ocs: the online charging system gyrate-ocs runs, assembled: the catalog, the engine on its
// embedded store, subscribers provisioned from files, the Gy server, the supervision timer (Tcc)
// and periodic checkpoints. The daemon only parses flags, handles signals and prints.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "gyrate/base/status.hpp"
#include "gyrate/diameter/gy_handler.hpp"
#include "gyrate/diameter/gy_server.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/ocs/admin_api.hpp"
#include "gyrate/ocs/metrics.hpp"
#include "gyrate/ocs/ocs_options.hpp"
#include "gyrate/redis/cdr_export.hpp"

namespace gyrate::ocs {

class Ocs {
 public:
  // Loads and starts everything; returns once Diameter listens. `log` gets one line per event an
  // operator should see (never subscriber data).
  static Expected<std::unique_ptr<Ocs>> start(OcsOptions options,
                                              std::function<void(const std::string&)> log);
  ~Ocs();
  Ocs(const Ocs&) = delete;
  Ocs& operator=(const Ocs&) = delete;

  uint16_t gy_port() const { return server_ ? server_->port() : 0; }
  uint16_t admin_port() const { return admin_ ? admin_->port() : 0; }  // 0: no admin API

  // Loads the catalog file again and publishes it atomically (SIGHUP): requests keep running,
  // reservations finish on the version they started on (rule 21). A catalog that does not check
  // leaves the running one in place and says why.
  Status reload_catalog();
  // Stops serving, releases nothing (sessions resume after a restart), checkpoints. Idempotent.
  void stop();

  // A pack was bought for `account`: its sessions in final-unit state get a Re-Auth-Request.
  void pack_bought(const std::string& account);

  engine::Engine& engine() { return *engine_; }
  OcsMetrics& metrics() { return metrics_; }
  diameter::GyHandler& handler() { return *handler_; }
  const OcsOptions& options() const { return options_; }

 private:
  explicit Ocs(OcsOptions options) : options_(std::move(options)) {}
  void supervise_loop();
  void report_gauges();
  // One round of the Redis store's CDR export (--cdr-export): passes until the outboxes are empty
  // or a pass fails (the CDRs then stay in Redis for the next round).
  void export_cdrs();

  OcsOptions options_;
  std::function<void(const std::string&)> log_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<diameter::GyHandler> handler_;
  std::unique_ptr<diameter::GyServer> server_;
  OcsMetrics metrics_;
  std::unique_ptr<AdminApi> admin_;
  std::unique_ptr<redis::CdrExporter> exporter_;  // the Redis store's, on the one exporting node
  std::mutex reload_mutex_;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread supervisor_;
};

}  // namespace gyrate::ocs
