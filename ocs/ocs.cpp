#include "gyrate/ocs/ocs.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "gyrate/engine/embedded_store.hpp"
#include "gyrate/engine/provisioning_file.hpp"
#include "gyrate/redis/redis_store.hpp"

namespace gyrate::ocs {
namespace {

constexpr int kProvisioningAttempts = 5;  // start-up provisioning refused only by the store

engine::CatalogOptions catalog_options(const OcsOptions& o) {
  engine::CatalogOptions c;
  if (o.interpreter) c.evaluator = jit::EvaluatorKind::kInterp;
  return c;
}

Expected<std::shared_ptr<const engine::Catalog>> load(const OcsOptions& o) {
  engine::CatalogLoad l = engine::load_catalog(o.catalog_path, catalog_options(o));
  if (!l.status) {
    std::string diagnostics = l.file.rendered_diagnostics();
    return Status::error(l.status.code(), l.status.to_string() +
                                              (diagnostics.empty() ? "" : "\n" + diagnostics));
  }
  return l.catalog;
}

// The embedded store in o.store_dir, or the Redis Cluster store on o.redis_seeds (`client`
// is then its cluster client).
Expected<std::unique_ptr<engine::AccountStore>> open_store(const OcsOptions& o,
                                                           const std::function<void(const std::string&)>& log,
                                                           std::shared_ptr<redis::ClusterClient>& client) {
  if (!o.redis_seeds.empty()) {
    redis::ClusterOptions cluster;
    cluster.seeds = o.redis_seeds;
    cluster.shard_deadline = std::chrono::milliseconds(o.redis_deadline_ms);
    auto connected = redis::ClusterClient::connect(cluster);
    if (!connected) return connected.status();
    client = std::move(*connected);
    redis::RedisStoreOptions options;
    options.wait_replicas = o.redis_wait_replicas;
    options.wait_timeout = std::chrono::milliseconds(o.redis_wait_ms);
    auto store = redis::RedisStore::open(client, options);
    if (!store) return store.status();
    log("store: Redis Cluster, " + std::to_string((*store)->client().masters().size()) +
        " masters; accounts load on first use");
    return std::unique_ptr<engine::AccountStore>(std::move(*store));
  }
  std::error_code ec;
  std::filesystem::create_directories(o.store_dir, ec);
  engine::JournalOptions journal;
  journal.fsync = o.fsync;
  journal.salvage = o.salvage;
  auto store = engine::EmbeddedStore::open(o.store_dir, journal);
  if (!store) return store.status();
  for (const std::string& w : (*store)->recovery().warnings) log("store: " + w);
  for (const std::string& w : (*store)->warnings()) log("store: " + w);
  return std::unique_ptr<engine::AccountStore>(std::move(*store));
}

}  // namespace

Expected<std::unique_ptr<Ocs>> Ocs::start(OcsOptions options,
                                          std::function<void(const std::string&)> log) {
  std::unique_ptr<Ocs> ocs(new Ocs(std::move(options)));
  ocs->log_ = log ? std::move(log) : [](const std::string&) {};
  const OcsOptions& o = ocs->options_;
  // Before the catalog's compilation and the store's recovery: a wrong TLS file fails in an instant.
  if (o.gy.tls) {
    if (Status s = diameter::check_tls_options(*o.gy.tls, o.gy.identity); !s) return s;
  }

  Expected<std::shared_ptr<const engine::Catalog>> catalog = load(o);
  if (!catalog) return catalog.status();
  if (!(*catalog)->warning().empty()) ocs->log_("catalog: " + (*catalog)->warning());

  std::shared_ptr<redis::ClusterClient> cluster;
  Expected<std::unique_ptr<engine::AccountStore>> store = open_store(o, ocs->log_, cluster);
  if (!store) return store.status();
  if (!o.cdr_export_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.cdr_export_dir, ec);
    if (ec) return Status::error(ErrorCode::kIo, o.cdr_export_dir + ": " + ec.message());
    redis::CdrExportOptions exports;
    exports.dir = o.cdr_export_dir;
    ocs->exporter_ = std::make_unique<redis::CdrExporter>(cluster, exports);
  }
  auto engine = engine::Engine::open(*catalog, std::move(*store));
  if (!engine) return engine.status();
  ocs->engine_ = std::move(*engine);
  ocs->engine_->set_cache_limit(o.cache_accounts);  // a cache only on the Redis store
  if (o.redis_seeds.empty()) {
    ocs->log_("store: " + std::to_string(ocs->engine_->account_count()) +
              " accounts recovered from " + o.store_dir);
  }

  if (!o.subscriber_files.empty()) {
    // On a shared store every node may start with the same file: only new ids are provisioned,
    // so a node joining the cluster never starts existing accounts afresh.
    engine::ProvisioningMode mode =
        o.redis_seeds.empty() ? engine::ProvisioningMode::kAll : engine::ProvisioningMode::kNewOnly;
    engine::ProvisioningReport r;
    // A Redis Cluster still settling (a replica not linked yet, a loaded machine past WAIT's
    // timeout) refuses for a moment what it takes a second later: a few tries before giving up.
    for (int attempt = 1;; ++attempt) {
      r = engine::apply_provisioning(*ocs->engine_, o.subscriber_files, engine::ProvisioningFormat::kAuto,
                                     mode);
      if (!r.transient() || attempt == kProvisioningAttempts) break;
      ocs->log_("subscribers: the store could not answer (" + r.errors.front().reason + "); trying again");
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (!r.applied) {
      std::string text = "subscribers: nothing provisioned:";
      for (const engine::ProvisioningError& e : r.errors) text += "\n  " + e.to_string();
      return Status::error(ErrorCode::kInvalidArgument, text);
    }
    ocs->log_("subscribers: " + std::to_string(r.counts.subscribers) + " subscribers, " +
              std::to_string(r.counts.members) + " team members provisioned" +
              (r.kept > 0 ? ", " + std::to_string(r.kept) + " already in the store kept" : ""));
  }

  diameter::GyHandlerOptions h;
  h.clock = o.clock;
  h.tcc_seconds = o.tcc_seconds;
  ocs->handler_ = std::make_unique<diameter::GyHandler>(*ocs->engine_, h);

  ocs->metrics_.catalog_loaded((*catalog)->id());
  diameter::GyServerOptions gy = o.gy;
  gy.on_answer = [m = &ocs->metrics_](diameter::CcRequestType type, diameter::ResultCode code,
                                      std::chrono::nanoseconds latency) {
    m->record_ccr(type, code, latency);
  };
  bool shared = !o.redis_seeds.empty();
  if (o.session_failover || shared) {
    gy.session_failover = o.session_failover.value_or(true) ? diameter::CcSessionFailover::kSupported
                                                            : diameter::CcSessionFailover::kNotSupported;
  }
  if (o.failure_handling || shared) {
    gy.failure_handling =
        o.failure_handling.value_or(diameter::CreditControlFailureHandling::kRetryAndTerminate);
  }
  if (gy.conf_path.empty()) {
    // A Redis node has no directory of its own: its generated stack configuration is temporary.
    std::filesystem::path dir = shared ? std::filesystem::temp_directory_path() : std::filesystem::path(o.store_dir);
    std::string name = shared ? "gyrate-ocs-" + std::to_string(::getpid()) + ".freeDiameter.conf"
                              : "freeDiameter.conf";
    gy.conf_path = (dir / name).string();
  }
  auto server = o.in_daemon ? diameter::GyServer::attach(gy, *ocs->handler_)
                            : diameter::GyServer::start(gy, *ocs->handler_);
  if (!server) return server.status();
  ocs->server_ = std::move(*server);
  if (o.admin) {
    Ocs* raw = ocs.get();
    AdminHooks hooks;
    hooks.reload_catalog = [raw] { return raw->reload_catalog(); };
    hooks.pack_bought = [raw](const std::string& account) { raw->pack_bought(account); };
    hooks.last_request = [raw](const std::string& account) { return raw->handler_->last_request(account); };
    hooks.now = [raw] { return raw->handler_->now(); };
    AdminOptions admin;
    admin.address = o.admin_address;
    admin.port = o.admin_port;
    admin.token_file = o.admin_token_file;
    auto api = AdminApi::create(*ocs->engine_, ocs->metrics_, std::move(hooks), admin);
    if (!api) return api.status();
    if (Status s = (*api)->start(); !s) return s;
    ocs->admin_ = std::move(*api);
  }
  ocs->supervisor_ = std::thread([raw = ocs.get()] { raw->supervise_loop(); });
  return ocs;
}

Ocs::~Ocs() { stop(); }

// Once a second: the supervision timer (Tcc); every checkpoint_seconds: a checkpoint; every
// cdr_export_seconds (the exporting node of a Redis store): a CDR export.
void Ocs::supervise_loop() {
  auto next_checkpoint = std::chrono::steady_clock::now() + std::chrono::seconds(options_.checkpoint_seconds);
  auto next_export = std::chrono::steady_clock::now() + std::chrono::seconds(options_.cdr_export_seconds);
  std::unique_lock lock(stop_mutex_);
  while (!stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    lock.unlock();
    if (size_t n = handler_->supervise(); n > 0) {
      log_("supervision: released " + std::to_string(n) + " silent sessions");
    }
    report_gauges();
    if (options_.checkpoint_seconds > 0 && std::chrono::steady_clock::now() >= next_checkpoint) {
      if (Status s = engine_->checkpoint(); !s) {
        log_("checkpoint failed: " + s.to_string());
      } else if (auto* store = dynamic_cast<engine::EmbeddedStore*>(engine_->store())) {
        metrics_.journal_checkpointed(store->journal_stats(), handler_->now());
      }
      next_checkpoint = std::chrono::steady_clock::now() + std::chrono::seconds(options_.checkpoint_seconds);
    }
    if (exporter_ && std::chrono::steady_clock::now() >= next_export) {
      export_cdrs();
      next_export = std::chrono::steady_clock::now() + std::chrono::seconds(options_.cdr_export_seconds);
    }
    lock.lock();
  }
}

void Ocs::export_cdrs() {
  // Bounded: under a load that refills the outboxes as fast as they drain, the rest waits for
  // the next round rather than holding the supervision timer back.
  for (int pass = 0; pass < 16; ++pass) {
    Expected<redis::CdrExportPass> done = exporter_->export_once();
    if (!done) {
      log_("cdr export failed (the CDRs stay in Redis): " + done.status().to_string());
      return;
    }
    if (done->cdrs > 0) {
      log_("cdr export: " + std::to_string(done->cdrs) + " CDRs from " + std::to_string(done->outboxes) +
           " outboxes to cdrs-" + std::to_string(done->number) + ".jsonl" +
           (done->trim_failures > 0 ? " (" + std::to_string(done->trim_failures) + " outboxes untrimmed)" : ""));
    }
    if (!done->more) return;
  }
}

void Ocs::report_gauges() {
  metrics_.set_open_sessions(static_cast<int64_t>(handler_->sessions().open_count()));
  metrics_.set_store(engine_->store_stats());
  if (auto* store = dynamic_cast<engine::EmbeddedStore*>(engine_->store())) {
    metrics_.set_journal(store->journal_stats(), handler_->now());
  }
}

void Ocs::pack_bought(const std::string& account) {
  std::vector<diameter::GySessionRef> sessions = handler_->final_unit_sessions(account);
  if (sessions.empty() || !server_) return;
  server_->reauthorize(sessions, [this](const diameter::GySessionRef& ref,
                                        std::optional<diameter::ResultCode> code) {
    metrics_.rar_sent();
    if (code == diameter::ResultCode::kSuccess) handler_->reauthorized(ref.session_id);
  });
}

Status Ocs::reload_catalog() {
  std::lock_guard lock(reload_mutex_);
  Expected<std::shared_ptr<const engine::Catalog>> catalog = load(options_);
  if (!catalog) {
    metrics_.catalog_reload_failed();
    log_("reload refused, the running catalog stays: " + catalog.status().to_string());
    return catalog.status();
  }
  engine_->publish(*catalog);
  metrics_.catalog_loaded((*catalog)->id());
  log_("catalog reloaded from " + options_.catalog_path);
  return Status::ok();
}

void Ocs::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  if (admin_) admin_->stop();
  if (server_) server_->stop();
  if (engine_) {
    if (Status s = engine_->checkpoint(); !s) log_("checkpoint at stop failed: " + s.to_string());
  }
  if (exporter_) export_cdrs();  // what this node's last answers wrote (others' too)
}

}  // namespace gyrate::ocs
