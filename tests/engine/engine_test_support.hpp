// Shared by the engine tests: real catalogs from examples/ (loaded and JIT-compiled once per
// process), local times in a catalog's zone, and units written as the tariffs write them.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/ruleslang/calendar.hpp"

namespace gyrate::engine::testing {

inline constexpr int64_t kCny = 1'000'000;  // money millionths
inline constexpr int64_t kEur = 1'000'000;
inline constexpr int64_t kGiB = int64_t{1} << 30;
inline constexpr int64_t kMinute = 60;
inline constexpr int64_t kDay = 86'400;

inline std::shared_ptr<const Catalog> catalog(const std::string& relative) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Catalog>> loaded;
  std::lock_guard lock(mutex);
  auto it = loaded.find(relative);
  if (it != loaded.end()) return it->second;
  CatalogLoad l = load_catalog(std::string(GYRATE_SOURCE_DIR) + "/" + relative, CatalogOptions{});
  EXPECT_TRUE(l.status) << l.status.to_string() << "\n" << l.file.rendered_diagnostics();
  loaded[relative] = l.catalog;
  return l.catalog;
}

// Unix seconds of a local date and time at UTC offset `tz_minutes`.
inline int64_t local(int64_t year, int month, int day, int hour, int minute, int tz_minutes) {
  int64_t days = lang::calendar::days_from_civil({year, month, day});
  return days * kDay + hour * 3600 + minute * 60 - int64_t{tz_minutes} * 60;
}
inline constexpr int kCst = 8 * 60;  // +08:00, the Chinese tariffs
inline constexpr int kCet = 60;      // +01:00, T14

// A subscriber's provisioning spec (ProvisionSpec grows; tests name only what they use).
inline ProvisionSpec subscriber(std::string id, std::string plan, int64_t activation,
                                int billing_day = 0,
                                std::vector<std::pair<std::string, std::string>> attributes = {}) {
  ProvisionSpec spec;
  spec.id = std::move(id);
  spec.plan = std::move(plan);
  spec.activation = activation;
  spec.billing_day = billing_day;
  spec.attributes = std::move(attributes);
  return spec;
}

inline const Bucket* find_bucket(const Balances& b, BucketOrigin origin, int64_t valid_until) {
  for (const Bucket& x : b.buckets) {
    if (x.origin == origin && x.valid_until == valid_until) return &x;
  }
  return nullptr;
}

inline const ServiceBalance& service(const Balances& b, const std::string& name) {
  for (const ServiceBalance& s : b.services) {
    if (s.service == name) return s;
  }
  static const ServiceBalance none;
  ADD_FAILURE() << "no service " << name;
  return none;
}

inline size_t count_origin(const Balances& b, BucketOrigin origin) {
  size_t n = 0;
  for (const Bucket& x : b.buckets) n += x.origin == origin ? 1 : 0;
  return n;
}

}  // namespace gyrate::engine::testing
