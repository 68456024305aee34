// OcsMetrics (see metrics.hpp): prometheus-cpp families built once, CCR counters indexed by
// (type, Result-Code) so the request path never looks a label up.
#include "gyrate/ocs/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "gyrate/engine/engine.hpp"

namespace gyrate::ocs {
namespace {

using diameter::CcRequestType;
using diameter::ResultCode;

// The label order of ccr_[.][i]: every code result_code.hpp names, then "other".
constexpr std::array<ResultCode, OcsMetrics::kResultCodes - 1> kCodes = {
    ResultCode::kSuccess,
    ResultCode::kLimitedSuccess,
    ResultCode::kCommandUnsupported,
    ResultCode::kUnableToDeliver,
    ResultCode::kTooBusy,
    ResultCode::kApplicationUnsupported,
    ResultCode::kEndUserServiceDenied,
    ResultCode::kCreditControlNotApplicable,
    ResultCode::kCreditLimitReached,
    ResultCode::kUnknownSessionId,
    ResultCode::kAvpUnsupported,
    ResultCode::kInvalidAvpValue,
    ResultCode::kMissingAvp,
    ResultCode::kAvpOccursTooManyTimes,
    ResultCode::kUnableToComply,
    ResultCode::kInvalidAvpLength,
    ResultCode::kUserUnknown,
    ResultCode::kRatingFailed,
};
constexpr size_t kOtherCode = kCodes.size();

constexpr std::array<const char*, OcsMetrics::kRequestTypes> kTypeNames = {
    "initial", "update", "termination", "event", "other"};

// A switch compiles to a jump table or a few compares: no search at run time.
size_t code_index(ResultCode c) {
  switch (c) {
    case ResultCode::kSuccess: return 0;
    case ResultCode::kLimitedSuccess: return 1;
    case ResultCode::kCommandUnsupported: return 2;
    case ResultCode::kUnableToDeliver: return 3;
    case ResultCode::kTooBusy: return 4;
    case ResultCode::kApplicationUnsupported: return 5;
    case ResultCode::kEndUserServiceDenied: return 6;
    case ResultCode::kCreditControlNotApplicable: return 7;
    case ResultCode::kCreditLimitReached: return 8;
    case ResultCode::kUnknownSessionId: return 9;
    case ResultCode::kAvpUnsupported: return 10;
    case ResultCode::kInvalidAvpValue: return 11;
    case ResultCode::kMissingAvp: return 12;
    case ResultCode::kAvpOccursTooManyTimes: return 13;
    case ResultCode::kUnableToComply: return 14;
    case ResultCode::kInvalidAvpLength: return 15;
    case ResultCode::kUserUnknown: return 16;
    case ResultCode::kRatingFailed: return 17;
  }
  return kOtherCode;  // a value off the enum (a peer's or a future code)
}

size_t type_index(CcRequestType t) {
  auto v = static_cast<int32_t>(t);
  return v >= 1 && v <= 4 ? static_cast<size_t>(v - 1) : kTypeNames.size() - 1;
}

// Counters only grow: a smaller reading (a reopened journal) adds nothing.
void grow(prometheus::Counter& c, uint64_t now, uint64_t before) {
  if (now > before) c.Increment(static_cast<double>(now - before));
}

}  // namespace

OcsMetrics::OcsMetrics() : registry_(std::make_unique<prometheus::Registry>()) {
  static_assert(kCodes.size() + 1 == kResultCodes);
  auto& ccr = prometheus::BuildCounter()
                  .Name("gyrate_ccr_total")
                  .Help("Credit-Control-Requests answered, by CC-Request-Type and Result-Code")
                  .Register(*registry_);
  auto& latency = prometheus::BuildHistogram()
                      .Name("gyrate_ccr_latency_seconds")
                      .Help("Time from a CCR's arrival to its answer, by CC-Request-Type")
                      .Register(*registry_);
  const prometheus::Histogram::BucketBoundaries bounds(kLatencyBuckets.begin(),
                                                       kLatencyBuckets.end());
  for (size_t t = 0; t < kRequestTypes; ++t) {
    for (size_t c = 0; c < kResultCodes; ++c) {
      std::string code = c == kOtherCode ? "other" : std::to_string(code_value(kCodes[c]));
      ccr_[t][c] = &ccr.Add({{"type", kTypeNames[t]}, {"result_code", code}});
    }
    latency_[t] = &latency.Add({{"type", kTypeNames[t]}}, bounds);
  }

  auto gauge = [&](const char* name, const char* help) {
    return &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_).Add({});
  };
  auto counter = [&](const char* name, const char* help) {
    return &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_).Add({});
  };
  sessions_ = gauge("gyrate_gy_sessions", "Open Gy sessions");
  reservations_ = gauge("gyrate_reservations", "Open reservations (granted units not yet reported)");
  journal_records_ = counter("gyrate_journal_records_total", "Journal records made durable");
  journal_commits_ = counter("gyrate_journal_commits_total",
                             "Journal write batches (one fdatasync each when fsync is on)");
  journal_bytes_ = counter("gyrate_journal_bytes_total", "Journal bytes written");
  journal_lag_records_ = gauge("gyrate_journal_lag_records",
                               "Journal records no checkpoint covers yet (replayed at restart)");
  journal_lag_seconds_ = gauge("gyrate_journal_lag_seconds",
                               "Seconds since the last checkpoint (since start-up before the first)");
  catalog_version_ = gauge("gyrate_catalog_version", "Identity of the catalog in service");
  catalog_reloads_ = counter("gyrate_catalog_reloads_total", "Catalog reloads that took effect");
  catalog_failures_ = counter("gyrate_catalog_reload_failures_total",
                              "Catalog reloads refused (the previous catalog stays)");
  rars_ = counter("gyrate_rar_sent_total", "Re-Auth-Requests sent to sessions");
  store_loads_ = counter("gyrate_store_loads_total", "Accounts read from the store");
  store_conflicts_ = counter("gyrate_store_conflicts_total",
                             "Changes another node made first (read again, decided again)");
  store_duplicates_ = counter("gyrate_store_duplicates_total",
                              "Repeated requests answered from the store's stored answer");
  store_adopted_ = counter("gyrate_store_adopted_sessions_total",
                           "Sessions recognised from the store's marker (served by another node)");
  store_unavailable_ = counter("gyrate_store_unavailable_total",
                               "Changes the store could not take (answered 3004)");
  store_seen_ = std::make_unique<engine::StoreStats>();
}

OcsMetrics::~OcsMetrics() = default;

void OcsMetrics::record_ccr(diameter::CcRequestType type, diameter::ResultCode result,
                            std::chrono::nanoseconds latency) {
  size_t t = type_index(type);
  ccr_[t][code_index(result)]->Increment();
  latency_[t]->Observe(static_cast<double>(latency.count()) * 1e-9);
}

void OcsMetrics::set_open_sessions(int64_t sessions) {
  sessions_->Set(static_cast<double>(sessions));
}

void OcsMetrics::set_open_reservations(int64_t reservations) {
  reservations_->Set(static_cast<double>(reservations));
}

void OcsMetrics::set_journal(const engine::JournalStats& stats, int64_t now) {
  std::lock_guard lock(journal_mutex_);
  grow(*journal_records_, stats.records, journal_seen_.records);
  grow(*journal_commits_, stats.commits, journal_seen_.commits);
  grow(*journal_bytes_, stats.bytes, journal_seen_.bytes);
  journal_seen_ = stats;
  if (checkpoint_time_ < 0) checkpoint_time_ = now;  // start-up: the lag counts from here
  uint64_t since = stats.records > journal_checkpoint_.records
                       ? stats.records - journal_checkpoint_.records : 0;
  journal_lag_records_->Set(static_cast<double>(since));
  journal_lag_seconds_->Set(static_cast<double>(now > checkpoint_time_ ? now - checkpoint_time_ : 0));
}

void OcsMetrics::journal_checkpointed(const engine::JournalStats& stats, int64_t now) {
  {
    std::lock_guard lock(journal_mutex_);
    journal_checkpoint_ = stats;
    checkpoint_time_ = now;
  }
  set_journal(stats, now);
}

void OcsMetrics::catalog_loaded(uint64_t version) {
  catalog_version_->Set(static_cast<double>(version));
  if (catalog_seen_.exchange(true)) catalog_reloads_->Increment();
}

void OcsMetrics::catalog_reload_failed() { catalog_failures_->Increment(); }

void OcsMetrics::rar_sent() { rars_->Increment(); }

void OcsMetrics::set_store(const engine::StoreStats& stats) {
  std::lock_guard lock(store_mutex_);
  grow(*store_loads_, stats.loads, store_seen_->loads);
  grow(*store_conflicts_, stats.conflicts, store_seen_->conflicts);
  grow(*store_duplicates_, stats.duplicates, store_seen_->duplicates);
  grow(*store_adopted_, stats.adopted_sessions, store_seen_->adopted_sessions);
  grow(*store_unavailable_, stats.unavailable, store_seen_->unavailable);
  *store_seen_ = stats;
}

std::string OcsMetrics::text() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace gyrate::ocs
