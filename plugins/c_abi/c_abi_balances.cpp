// The C ABI's read side: balance snapshots and taken notifications as handles whose strings
// live until they are freed, read entry by entry into the caller's structs.
#include "c_abi.hpp"

using namespace gyrate::c_abi;

extern "C" {

int gyrate_balances_read(gyrate_engine* engine, const char* account, int64_t time,
                         gyrate_balances** out) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (account == nullptr) return null_argument("account");
    if (out == nullptr) return null_argument("out");
    *out = nullptr;
    gyrate::Expected<gyrate::engine::Balances> b = engine->engine->balances(account, time);
    if (!b) return fail(b.status());
    auto snapshot = std::make_unique<gyrate_balances>();
    snapshot->balances = std::move(*b);
    *out = snapshot.release();
    return GYRATE_OK;
  });
}

int gyrate_balances_summary(const gyrate_balances* balances, gyrate_balance_summary* out) {
  return guarded([&] {
    if (balances == nullptr) return null_argument("balances");
    const gyrate::engine::Balances& b = balances->balances;
    gyrate_balance_summary s{};
    s.spend = b.spend;
    s.fees_charged = b.fees_charged;
    s.last_fee = b.last_fee;
    s.period_start = b.period.start;
    s.period_end = b.period.end;
    s.period_index = b.period.index;
    s.revision = b.revision;
    s.open_reservations = b.open_reservations;
    s.pending_notifications = b.pending_notifications;
    s.bucket_count = b.buckets.size();
    s.service_count = b.services.size();
    return write_struct(out, s, "out");
  });
}

int gyrate_balances_bucket(const gyrate_balances* balances, size_t index, gyrate_bucket* out) {
  return guarded([&] {
    if (balances == nullptr) return null_argument("balances");
    const auto& buckets = balances->balances.buckets;
    if (index >= buckets.size()) {
      return fail(GYRATE_INVALID_ARGUMENT, "bucket " + std::to_string(index) + " of " +
                                               std::to_string(buckets.size()));
    }
    const gyrate::engine::Bucket& x = buckets[index];
    gyrate_bucket c{};
    c.service = balances->balances.bucket_services[index].c_str();
    c.origin = gyrate::engine::origin_name(x.origin);
    c.offer = x.offer.c_str();
    c.amount = x.amount;
    c.valid_from = x.valid_from;
    c.valid_until = x.valid_until;
    return write_struct(out, c, "out");
  });
}

int gyrate_balances_service(const gyrate_balances* balances, size_t index,
                            gyrate_service_balance* out) {
  return guarded([&] {
    if (balances == nullptr) return null_argument("balances");
    const auto& services = balances->balances.services;
    if (index >= services.size()) {
      return fail(GYRATE_INVALID_ARGUMENT, "service " + std::to_string(index) + " of " +
                                               std::to_string(services.size()));
    }
    const gyrate::engine::ServiceBalance& x = services[index];
    gyrate_service_balance c{};
    c.service = x.service.c_str();
    c.remaining = x.remaining;
    c.reserved = x.reserved;
    c.used = x.used;
    c.period_allowance = x.period_allowance;
    return write_struct(out, c, "out");
  });
}

void gyrate_balances_free(gyrate_balances* balances) { delete balances; }

int gyrate_notifications_take(gyrate_engine* engine, const char* account,
                              gyrate_notifications** out) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (account == nullptr) return null_argument("account");
    if (out == nullptr) return null_argument("out");
    *out = nullptr;
    // Allocated first: once taken, the notifications must not be lost to a failed allocation.
    auto taken = std::make_unique<gyrate_notifications>();
    gyrate::Expected<std::vector<gyrate::engine::Notification>> n =
        engine->engine->take_notifications(account);
    if (!n) return fail(n.status());
    taken->list = std::move(*n);
    *out = taken.release();
    return GYRATE_OK;
  });
}

size_t gyrate_notifications_count(const gyrate_notifications* notifications) {
  return notifications != nullptr ? notifications->list.size() : 0;
}

int gyrate_notifications_get(const gyrate_notifications* notifications, size_t index,
                             gyrate_notification* out) {
  return guarded([&] {
    if (notifications == nullptr) return null_argument("notifications");
    if (index >= notifications->list.size()) {
      return fail(GYRATE_INVALID_ARGUMENT, "notification " + std::to_string(index) + " of " +
                                               std::to_string(notifications->list.size()));
    }
    const gyrate::engine::Notification& x = notifications->list[index];
    gyrate_notification c{};
    c.service = x.service.c_str();
    c.level = x.level;
    c.ratio = x.ratio;
    c.used = x.used;
    c.period_index = x.period_index;
    c.time = x.time;
    return write_struct(out, c, "out");
  });
}

void gyrate_notifications_free(gyrate_notifications* notifications) { delete notifications; }

}  // extern "C"
