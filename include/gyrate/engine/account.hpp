// Account: one subscriber's whole state (one unit of state in the store, scale-out.md section 4):
// plan, attributes, buckets, period counters, open reservations and the answers it already gave.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/compact_vector.hpp"
#include "gyrate/engine/identity.hpp"
#include "gyrate/engine/offer_name.hpp"
#include "gyrate/engine/period_calendar.hpp"
#include "gyrate/engine/small_vector.hpp"
#include "gyrate/engine/window.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::engine {

using lang::ir::BucketOrigin;

const char* origin_name(BucketOrigin origin);

// A balance of one service in allowance units (rule 1), valid in [valid_from, valid_until).
// A negative amount is an overrun (rule 17): usage reported beyond what the buckets held.
// 32 bytes (P5): the offer is an interned name.
struct Bucket {
  uint16_t service = 0;
  BucketOrigin origin = BucketOrigin::kAllowance;
  OfferName offer;  // "allowance", "rollover", the pack's or the promo's name, "overrun", "refund"
  int64_t amount = 0;
  int64_t valid_from = 0;
  int64_t valid_until = kNeverEnds;
  bool valid_at(int64_t t) const { return valid_from <= t && t < valid_until; }
};
static_assert(sizeof(Bucket) == 32);

// Which call a request key belongs to. One CCR may carry a commit (USU) and a reserve (RSU) for
// several services under one (session, request number), so the idempotency key names both.
enum class Operation : uint8_t { kReserve, kCommit, kRelease, kBuyPack, kRefund };

struct RequestKey {
  std::string session;
  uint32_t number = 0;
  Operation op = Operation::kReserve;
  std::string service;  // by name (indexes differ between catalogs); empty for release, buy_pack
  friend bool operator==(const RequestKey&, const RequestKey&) = default;
};

// What a call answered. Stored per request key: a repeat gets this back unchanged (rule 18).
struct Answer {
  lang::Outcome outcome = lang::Outcome::kNoRule;
  lang::Limiter limiter = lang::Limiter::kNone;
  int64_t grant = 0;             // raw units
  int64_t debit = 0;             // allowance units reserved
  int64_t weight = lang::kFixedScale;
  int64_t validity_seconds = -1;
  int64_t threshold = -1;
  bool final_units = false;
  bool has_final_action = false;  // the action of the Final-Unit-Indication (or of a 4012)
  lang::ast::ActionKind final_action = lang::ast::ActionKind::kBlock;
  std::string final_action_argument;
  int64_t committed = 0;  // commit: allowance units drawn from buckets
  int64_t overrun = 0;    // commit: allowance units beyond every bucket (a bucket went below zero)
  int64_t charged = 0;    // commit: overage money; buy_pack: the pack's price (millionths)
  int64_t released = 0;   // commit and release: allowance units given back
  bool duplicate = false;  // set on the copy returned for a repeated request
};

// A quota threshold a commit crossed (`notify SVC at 80%, 1 GiB`): a record for the operator to
// send on (SMS, webhook); the engine only keeps it until taken.
struct Notification {
  std::string service;
  int64_t level = 0;       // allowance units: the ratio of the period's allowance, or the amount
  int64_t ratio = -1;      // millionths when the threshold is a ratio; -1 for an amount
  int64_t used = 0;        // `used` after the commit that crossed it
  int64_t period_index = 0;
  int64_t time = 0;
};

// An open reservation (rule 17), carrying its own expiry as data. It keeps the catalog version it
// was granted on (rule 21): its commit debits with that version's weight and prices.
struct Reservation {
  std::string session;
  uint32_t number = 0;
  uint16_t service = 0;
  int64_t debit = 0;   // allowance units held back from `remaining`
  int64_t grant = 0;   // raw units granted
  int64_t weight = lang::kFixedScale;
  bool charge = false;  // the exhaust action is `charge`: usage beyond the buckets is priced
  bool has_overage_price = false;
  int64_t overage_price = 0;
  int64_t overage_block = 0;
  std::shared_ptr<const Catalog> catalog;
  int64_t expires_at = kNeverEnds;
  std::string member;  // the team member holding it (a team account); empty on a subscriber's
};

// The last answers of an account, keyed by request: a set, not a high-water mark (RFC 4006 allows
// out-of-order UPDATEs). Bounded: the oldest answer goes when kCapacity are kept.
struct RequestKeyHash {
  size_t operator()(const RequestKey& k) const noexcept;
};

class AnsweredRequests {
 public:
  static constexpr size_t kCapacity = 256;
  AnsweredRequests() = default;
  AnsweredRequests(const AnsweredRequests& other)
      : table_(other.table_ ? std::make_unique<Table>(*other.table_) : nullptr) {}
  AnsweredRequests& operator=(const AnsweredRequests& other) {
    table_ = other.table_ ? std::make_unique<Table>(*other.table_) : nullptr;
    return *this;
  }
  AnsweredRequests(AnsweredRequests&&) noexcept = default;
  AnsweredRequests& operator=(AnsweredRequests&&) noexcept = default;

  const Answer* find(const RequestKey& key) const;
  void add(RequestKey key, Answer answer);
  size_t size() const { return table_ ? table_->answers.size() : 0; }
  // Oldest first (the store's snapshot keeps them in this order, so eviction order survives).
  template <typename Fn>
  void for_each(Fn&& fn) const {
    if (!table_) return;
    for (const RequestKey& key : table_->order) fn(key, table_->answers.at(key));
  }

 private:
  // Made on the first answer: an account that never answered costs one pointer (a std::deque
  // allocates on construction, hundreds of bytes per idle subscriber).
  struct Table {
    std::unordered_map<RequestKey, Answer, RequestKeyHash> answers;
    std::deque<RequestKey> order;  // oldest first, for eviction
  };
  std::unique_ptr<Table> table_;
};

// A member of a team account (pooled plans, T6): found by its own id and identities, drawing on the
// team's pool; its own usage is counted against the per-member cap (rule 12).
struct TeamMember {
  std::string id;
  CompactVector<Identity> identities;  // canonical (identity.hpp)
  CompactVector<int64_t> used;  // per service index: allowance units this period (member_used)
};

// Laid out for bytes per subscriber (P5, docs/benchmarks.md): every list is a CompactVector (one
// pointer, nothing allocated while empty), the counters are inline for a few services and the
// plan's name comes from the catalog.
struct AccountState {
  std::string id;
  std::shared_ptr<const Catalog> catalog;  // the version the account rates on
  uint32_t plan = 0;                       // index in catalog->program().plans
  int billing_day = 1;
  int64_t plan_version = 0;
  int64_t activation = 0;                  // unix seconds
  CompactVector<std::pair<std::string, std::string>> attributes;  // (name, text) as provisioned
  CompactVector<Identity> identities;     // canonical (identity.hpp)
  // The attributes resolved for `catalog` as (context slot, value): string ids differ between
  // catalog versions, so they are resolved again when the catalog changes.
  CompactVector<std::pair<uint16_t, int64_t>> resolved;
  CompactVector<Bucket> buckets;
  // Per service index of the catalog; a catalog of up to kInlineServices services allocates none.
  static constexpr uint32_t kInlineServices = 4;
  SmallVector<int64_t, kInlineServices> used;              // allowance units this period
  SmallVector<int64_t, kInlineServices> period_allowance;  // this period's allowance
  int64_t spend = 0;                      // money millionths this period (overage and packs)
  int64_t fees_charged = 0;               // every fee charged since provisioning (millionths)
  int64_t last_fee = 0;                   // the fee of the current period
  PeriodSpan period;
  CompactVector<std::string> promos_granted;  // names, across plan versions (rule 11)
  int64_t last_time = 0;                  // rule 19: time never runs backwards
  CompactVector<Reservation> reservations;
  CompactVector<WindowCounter> windows;   // committed usage per rolling-window limit (rule 13)
  CompactVector<Notification> notifications;  // crossed thresholds not yet taken (at most 64)
  AnsweredRequests answered;
  uint64_t revision = 0;
  uint64_t late_requests = 0;             // rule 19's metric: requests timed before last_time
  CompactVector<TeamMember> members;      // a team account's members; empty for a subscriber

  // The plan's name (the same for all its versions).
  const std::string& plan_name() const { return plan_ir().name; }
  const lang::ir::Plan& plan_ir() const { return catalog->program().plans[plan]; }
  PeriodCalendar calendar() const;
  // The counter of rolling-window limit `index` of `service`; null when nothing was counted.
  const WindowCounter* window(uint16_t service, uint8_t index) const;
  WindowCounter& window(uint16_t service, uint8_t index, int64_t seconds);
  bool promo_granted(std::string_view name) const;
};

// Sum of the valid buckets of `service` at t minus its open reservations (rule 3).
int64_t remaining(const AccountState& account, uint16_t service, int64_t t);
// Sum of the valid buckets of `service` at t (reservations not taken off).
int64_t bucket_total(const AccountState& account, uint16_t service, int64_t t);

// The indexes of the buckets of `service` valid at t and above zero, in draw order (rule 4): the
// block's `order` first, then the default: promo, soonest expiry, ties rollover, allowance, pack,
// pooled.
std::vector<size_t> draw_order(const AccountState& account, uint16_t service, int64_t t);

// Takes up to `amount` allowance units from the buckets of `service` in draw order; returns
// what it took (less than `amount` only when the buckets ran dry).
int64_t draw(AccountState& account, uint16_t service, int64_t amount, int64_t t);

// The bucket where usage beyond every bucket is recorded as a negative amount (rule 17): origin
// allowance, offer "overrun", never expiring. Created empty when the service has none.
Bucket& overrun_bucket(AccountState& account, uint16_t service, int64_t t);
// Pays debts off: each overrun bucket draws what it lacks from the service's other buckets (a
// pack bought, a renewed allowance), so units are not left to expire while a debt stays. An
// overrun bucket that reaches zero goes.
void settle_overruns(AccountState& account, int64_t t);

}  // namespace gyrate::engine
