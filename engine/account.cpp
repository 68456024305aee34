// Account state helpers: the balance a request sees, the order buckets are drawn in, and the
// bounded set of answered requests.
#include "gyrate/engine/account.hpp"

#include <algorithm>
#include <tuple>

namespace gyrate::engine {
namespace {

// Ties after soonest expiry (rule 4): rollover, allowance, pack, pooled (promos go first anyway).
int default_tie_rank(BucketOrigin o) {
  switch (o) {
    case BucketOrigin::kPromo: return 0;
    case BucketOrigin::kRollover: return 1;
    case BucketOrigin::kAllowance: return 2;
    case BucketOrigin::kPack: return 3;
    case BucketOrigin::kPooled: return 4;
  }
  return 5;
}

}  // namespace

const char* origin_name(BucketOrigin origin) {
  switch (origin) {
    case BucketOrigin::kPromo: return "promo";
    case BucketOrigin::kRollover: return "rollover";
    case BucketOrigin::kAllowance: return "allowance";
    case BucketOrigin::kPack: return "pack";
    case BucketOrigin::kPooled: return "pooled";
  }
  return "?";
}

size_t RequestKeyHash::operator()(const RequestKey& k) const noexcept {
  size_t h = std::hash<std::string>{}(k.session);
  h ^= std::hash<std::string>{}(k.service) * 31;
  h ^= (static_cast<size_t>(k.number) << 8) ^ static_cast<size_t>(k.op);
  return h * 0x9E3779B97F4A7C15ull;
}

const Answer* AnsweredRequests::find(const RequestKey& key) const {
  if (!table_) return nullptr;
  auto it = table_->answers.find(key);
  return it == table_->answers.end() ? nullptr : &it->second;
}

void AnsweredRequests::add(RequestKey key, Answer answer) {
  if (!table_) table_ = std::make_unique<Table>();
  if (table_->answers.contains(key)) return;  // a stored answer never changes
  if (table_->order.size() >= kCapacity) {
    table_->answers.erase(table_->order.front());
    table_->order.pop_front();
  }
  table_->order.push_back(key);
  table_->answers.emplace(std::move(key), std::move(answer));
}

PeriodCalendar AccountState::calendar() const {
  return PeriodCalendar(plan_ir().period, catalog->program().timezone_offset_minutes, activation,
                        billing_day);
}

const WindowCounter* AccountState::window(uint16_t service, uint8_t index) const {
  for (const WindowCounter& w : windows) {
    if (w.service() == service && w.index() == index) return &w;
  }
  return nullptr;
}

WindowCounter& AccountState::window(uint16_t service, uint8_t index, int64_t seconds) {
  for (WindowCounter& w : windows) {
    if (w.service() == service && w.index() == index && w.seconds() == seconds) return w;
  }
  // A window whose length changed (another plan) starts counting afresh.
  erase_if(windows, [&](const WindowCounter& w) {
    return w.service() == service && w.index() == index;
  });
  return windows.emplace_back(service, index, seconds);
}

bool AccountState::promo_granted(std::string_view name) const {
  return std::find(promos_granted.begin(), promos_granted.end(), name) != promos_granted.end();
}

int64_t bucket_total(const AccountState& account, uint16_t service, int64_t t) {
  int64_t total = 0;
  for (const Bucket& b : account.buckets) {
    if (b.service == service && b.valid_at(t)) total += b.amount;
  }
  return total;
}

int64_t remaining(const AccountState& account, uint16_t service, int64_t t) {
  int64_t total = bucket_total(account, service, t);
  for (const Reservation& r : account.reservations) {
    if (r.service == service) total -= r.debit;
  }
  return total;
}

std::vector<size_t> draw_order(const AccountState& account, uint16_t service, int64_t t) {
  const lang::ir::Program& program = account.catalog->program();
  const std::vector<BucketOrigin>* order = nullptr;
  if (std::optional<uint32_t> block = account.catalog->block(account.plan, service)) {
    order = &program.blocks[*block].order;
  }
  auto key = [&](const Bucket& b) {
    size_t listed = order ? static_cast<size_t>(std::find(order->begin(), order->end(), b.origin) -
                                                order->begin())
                          : 0;
    // Origins the order lists come first in its order; the rest follow in the default order.
    int promo_first = b.origin == BucketOrigin::kPromo ? 0 : 1;
    return std::make_tuple(listed, promo_first, b.valid_until, default_tie_rank(b.origin));
  };
  std::vector<size_t> idx;
  for (size_t i = 0; i < account.buckets.size(); ++i) {
    const Bucket& b = account.buckets[i];
    if (b.service == service && b.amount > 0 && b.valid_at(t)) idx.push_back(i);
  }
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    return key(account.buckets[a]) < key(account.buckets[b]);
  });
  return idx;
}

int64_t draw(AccountState& account, uint16_t service, int64_t amount, int64_t t) {
  int64_t taken = 0;
  for (size_t i : draw_order(account, service, t)) {
    if (taken >= amount) break;
    Bucket& b = account.buckets[i];
    int64_t take = std::min(b.amount, amount - taken);
    b.amount -= take;
    taken += take;
  }
  return taken;
}

Bucket& overrun_bucket(AccountState& account, uint16_t service, int64_t t) {
  for (Bucket& b : account.buckets) {
    if (b.service == service && b.offer == kOverrunOffer) return b;
  }
  account.buckets.push_back(Bucket{.service = service,
                                   .origin = BucketOrigin::kAllowance,
                                   .offer = kOverrunOffer,
                                   .amount = 0,
                                   .valid_from = t,
                                   .valid_until = kNeverEnds});
  return account.buckets.back();
}

void settle_overruns(AccountState& account, int64_t t) {
  for (size_t i = 0; i < account.buckets.size(); ++i) {
    if (account.buckets[i].offer != kOverrunOffer || account.buckets[i].amount >= 0) continue;
    // draw() takes only from buckets above zero, so never from this one; indexes stay put.
    int64_t got = draw(account, account.buckets[i].service, -account.buckets[i].amount, t);
    account.buckets[i].amount += got;
  }
  erase_if(account.buckets, [](const Bucket& b) { return b.offer == kOverrunOffer && b.amount == 0; });
}

}  // namespace gyrate::engine
