// Engine: the in-memory owner of every account. It provisions subscribers, fills each request's
// context from their balances, decides through the catalog and applies the decision: reserve,
// commit, release, packs, balances. Thread-safe: each account has its own mutex, so requests of
// different accounts never wait for each other; the account map takes a shared lock for lookups
// and an exclusive one only to insert. There is no global lock on the request path.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/account.hpp"
#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/identity.hpp"
#include "gyrate/engine/slot_mutex.hpp"
#include "gyrate/engine/store.hpp"

namespace gyrate::engine {

struct ProvisionSpec {
  std::string id;
  std::string plan;         // joins the newest version in effect at activation (rule 20)
  int64_t activation = 0;   // unix seconds
  int billing_day = 0;      // 1..31; 0: the activation's local day of month
  std::vector<std::pair<std::string, std::string>> attributes;  // (name, text), typed by the catalog
  // How requests find the account (Subscription-Id). Each identity belongs to one account at a
  // time; provisioning an id again replaces its identities.
  std::vector<Identity> identities;
  // Non-empty: `id` joins this team account as a member (pooled plans) instead of being a
  // subscriber with buckets of its own; `plan` must then be empty or the team's plan.
  std::string team;
};

// A spec provision_all refused: its index in the batch and why.
struct ProvisionFailure {
  size_t index = 0;
  Status status;
};

struct Explanation;  // gyrate/engine/explain.hpp

struct ReserveRequest {
  std::string session;
  uint32_t number = 0;
  std::string service;
  std::string model;        // empty: no model (weight 1, rule 1)
  int64_t requested = 0;    // raw units; 0: the service's quota
  int64_t time = 0;         // unix seconds
};

struct CommitRequest {
  std::string session;
  uint32_t number = 0;
  std::string service;
  int64_t used = 0;         // raw units (USU)
  int64_t time = 0;
};

// Units given back (Gy REFUND_ACCOUNT): raw units of `service` at the model's weight.
struct RefundRequest {
  std::string session;
  uint32_t number = 0;
  std::string service;
  std::string model;
  int64_t units = 0;  // raw units
  int64_t time = 0;
};

struct ServiceBalance {
  std::string service;
  int64_t remaining = 0;    // valid buckets minus open reservations (rule 3)
  int64_t reserved = 0;
  int64_t used = 0;         // allowance units this period
  int64_t period_allowance = 0;
};

// One team member's share of a pooled plan, per service the plan rates (allowance units).
struct MemberServiceBalance {
  std::string service;
  int64_t used = 0;       // committed this period
  int64_t reserved = 0;   // held by the member's open reservations
  int64_t cap_room = -1;  // per-member cap minus used and reserved (at least 0); -1: no cap
};

struct MemberBalance {
  std::string id;
  std::vector<MemberServiceBalance> services;
};

struct Balances {
  std::vector<Bucket> buckets;
  // The name of each bucket's service (Bucket::service indexes the account's catalog version,
  // which need not be the one the engine now publishes).
  std::vector<std::string> bucket_services;
  std::vector<ServiceBalance> services;  // one per service the plan rates
  int64_t spend = 0;
  int64_t fees_charged = 0;
  int64_t last_fee = 0;
  PeriodSpan period;
  std::vector<std::string> promos_granted;
  size_t open_reservations = 0;
  size_t pending_notifications = 0;
  uint64_t revision = 0;
  uint64_t late_requests = 0;
  // A team: the account whose pool the buckets are (the team's id, also when asked by a
  // member), and its members: every member when asked by the team's id, only the asking member
  // when asked by a member's id. Empty for a subscriber.
  std::string team;
  std::vector<MemberBalance> members;
};

// What the engine's store did since the engine opened, for metrics: on a shared store (Redis) how
// often nodes meet each other's changes; on the embedded store only `unavailable` moves.
struct StoreStats {
  uint64_t loads = 0;             // accounts read from the store (first use, refresh, conflict)
  uint64_t conflicts = 0;         // changes another node made first: read again, decided again
  uint64_t duplicates = 0;        // repeats answered from the store, not from this node's memory
  uint64_t adopted_sessions = 0;  // sessions recognised by the store's marker (served elsewhere)
  uint64_t unavailable = 0;       // changes the store could not take (Diameter 3004)
};

class Engine {
 public:
  // An engine whose accounts live only in memory (tests, what-if tools).
  explicit Engine(std::shared_ptr<const Catalog> catalog);
  // An engine on a store: it holds the accounts the store preloads (the embedded store: every
  // account it recovered) and no call returns before the store has the change (durable, for
  // the embedded store's journal). A store failure changes nothing and is the call's error.
  static Expected<std::unique_ptr<Engine>> open(std::shared_ptr<const Catalog> catalog,
                                                std::unique_ptr<AccountStore> store);
  ~Engine();

  // The catalog new accounts join. An account moves to a newly published catalog on its next
  // call when that catalog has its plan version (a reload), and to a newer version of its plan
  // at the first period boundary the version's `grandfather` allows (rule 20). A reservation
  // keeps the version it was granted on (rule 21). Publishing is one atomic pointer swap.
  std::shared_ptr<const Catalog> catalog() const;
  void publish(std::shared_ptr<const Catalog> catalog);

  // Opens period 0 at activation: its fee, allowances and the promos that hold. Provisioning an
  // existing id starts it again on the plan (fresh buckets and counters) but keeps the promos it
  // was granted, so they are never granted twice (rule 11).
  Status provision(const ProvisionSpec& spec);
  // All or nothing: every spec is checked (duplicate ids in the batch, plans, attributes,
  // identities owned by an account outside the batch or given twice) before any is applied.
  // On refusal nothing changes and `failures` (if given) lists every bad spec. Lookups wait
  // while a batch is applied; requests of accounts outside the batch do not.
  Status provision_all(const std::vector<ProvisionSpec>& specs,
                       std::vector<ProvisionFailure>* failures = nullptr);

  Expected<Answer> reserve(std::string_view account, const ReserveRequest& request);
  // Debits ceil(used x weight) from the buckets the session's oldest open reservation of the
  // service drew on, and releases the rest of it (rule 17).
  Expected<Answer> commit(std::string_view account, const CommitRequest& request);
  // Releases every open reservation of the session (CCR-TERMINATE without usage, or an abort).
  Expected<Answer> release(std::string_view account, std::string_view session, uint32_t number,
                           int64_t time);
  // Buys a pack of the account's plan; (order, number) makes the purchase idempotent.
  // Gives units back (docs/engine.md, "Refunds"): a bucket "refund" to the period's end, the
  // period's `used` lowered by as much, a CDR with the negative debit. Idempotent per
  // (session, number) like every keyed call.
  Expected<Answer> refund(std::string_view account, const RefundRequest& request);
  Expected<Answer> buy_pack(std::string_view account, std::string_view order, uint32_t number,
                            std::string_view pack, int64_t time);
  // What reserve() would answer and why (rules fired, weight, buckets in draw order, price,
  // limiter), on a copy of the account: nothing changes and nothing is journaled
  // (engine/explain.cpp).
  Expected<Explanation> explain(std::string_view account, const ReserveRequest& request) const;

  // Renews lazily to `time` first, so an idle account shows what it holds now.
  Expected<Balances> balances(std::string_view account, int64_t time);

  // The threshold notifications the account's commits crossed since the last call, oldest
  // first; each is returned once. At most 64 wait per account (the oldest go first).
  Expected<std::vector<Notification>> take_notifications(std::string_view account);

  // Asks the store to make what it holds cheap to recover (the embedded store: a snapshot, and
  // the CDRs it covers exported). Requests keep running meanwhile. No-op without a store.
  Status checkpoint();
  AccountStore* store() const { return store_.get(); }
  // Deferred durability (store.hpp, DeferDurability): a point covering every change made so
  // far, and `done` once all of them are durable (or with the error that means they never will
  // be). Without a store, or on one that never defers, durable at once.
  uint64_t durability_point() const { return store_ ? store_->durability_point() : 0; }
  void when_durable(uint64_t point, std::function<void(const Status&)> done) {
    if (store_) {
      store_->when_durable(point, std::move(done));
    } else {
      done(Status::ok());
    }
  }

  // Whether `session` holds a reservation of the account or was answered by it (its stored
  // answers): how a Gy server that restarted recognises a session it served before. On a
  // shared store also a session another node served; an error when the store cannot say.
  Expected<bool> holds_session(std::string_view account, std::string_view session) const;

  // Whether `id` is an account or a team member, here or (a shared store) in the store.
  Expected<bool> exists(std::string_view id) const;
  // Accounts (subscribers and teams); team members are not accounts of their own. On a shared
  // store: those held here.
  size_t account_count() const;
  // Counted with relaxed atomics, off the request path's locks.
  StoreStats store_stats() const;
  // On a shared store the accounts held here are a cache: at most `accounts` of them (0: no
  // limit), the least recently used of a random sample going first when one more is loaded or
  // provisioned. An account in use (its lock held) is never dropped; a dropped one loads again on
  // its next use. No effect on a store that holds the only copy (the embedded store).
  void set_cache_limit(size_t accounts);
  // The account an identity belongs to (make_identity gives the canonical form looked up here).
  // On a shared store an identity this engine does not hold is asked of the store; a store
  // failure reads as no account here and as the error in lookup_identity.
  std::optional<std::string> find_by_identity(const Identity& identity) const;
  Expected<std::optional<std::string>> lookup_identity(const Identity& identity) const;

 private:
  struct Slot {
    SlotMutex mutex;  // 4 bytes: one per account (P5)
    std::atomic<uint32_t> used{0};  // shared store: seconds since start of the last use (in the padding)
    AccountState state;
  };
  // `account` may be a team member's id: it resolves to its team's slot. On a shared store an
  // account not held yet is loaded (load_slot). nullptr: no such account; an error: the store
  // could not say.
  Expected<std::shared_ptr<Slot>> find(std::string_view account) const;
  std::shared_ptr<Slot> held(std::string_view account) const;
  // find() for a call on an account that must exist: kNotFound ("unknown account") when none.
  Expected<std::shared_ptr<Slot>> existing(std::string_view account) const;
  Expected<std::shared_ptr<Slot>> load_slot(std::string_view account) const;
  // A shared store's account may have moved on elsewhere: read it again before answering from
  // it alone (balances, explain, holds_session). Under the slot's mutex; no-op otherwise.
  Status refresh(Slot& slot) const;
  // One keyed call: a repeat of `key` gets its stored answer; otherwise `fn` changes a copy of
  // the account (the account itself without a store), the store takes the copy and its CDRs,
  // and only then does the copy become the account.
  using Mutation = std::function<Expected<Answer>(AccountState&, std::vector<Cdr>&)>;
  Expected<Answer> change(std::string_view account, RequestKey key, const Mutation& fn);
  // Puts a state from the store in its slot (new or existing) with its members' ids and
  // identities; under accounts_mutex_.
  void install(AccountState state) const;
  // Shared store: drops idle accounts while more than cache_limit_ are held (set_cache_limit);
  // under accounts_mutex_ (unique). `keep`: the slot just loaded, which its caller returns.
  void evict_over_limit(const Slot* keep = nullptr) const;
  bool evict_one(const Slot* keep) const;
  void touch(Slot& slot) const;
  // One try of provision_all; `conflicted`: the store refused it as stale (the batch's slots are
  // read again) and it may be tried again.
  Status provision_batch(const std::vector<ProvisionSpec>& specs,
                         std::vector<ProvisionFailure>* failures, bool& conflicted);
  // Part of provision_all (engine/team_provision.cpp): applies the batch's member specs to
  // working copies of their teams (appended to `slots` and `next` when the team itself is not
  // re-provisioned in the batch), moving members between teams, then checks every team's seats
  // and plan. `lock` locks a slot once for the rest of the batch.
  void provision_members(const std::vector<ProvisionSpec>& specs,
                         std::vector<std::shared_ptr<Slot>>& slots,
                         std::vector<AccountState>& next, std::vector<ProvisionFailure>& refused,
                         const std::function<void(Slot&)>& lock);

  std::atomic<std::shared_ptr<const Catalog>> catalog_;
  std::unique_ptr<AccountStore> store_;  // null: memory only
  bool shared_store_ = false;  // store_->shared(): accounts_ is a cache of what the store holds
  // Mutable: on a shared store the const lookups fill them as a cache.
  mutable std::shared_mutex accounts_mutex_;
  mutable StringMap<std::shared_ptr<Slot>> accounts_;
  std::mutex batch_mutex_;  // one provision_all at a time: it locks many slots
  mutable StringMap<std::string> identities_;  // identity_key -> account id, under accounts_mutex_
  mutable size_t member_ids_ = 0;  // entries of accounts_ that are team members, under accounts_mutex_
  struct StoreCounters {
    std::atomic<uint64_t> loads{0}, conflicts{0}, duplicates{0}, adopted_sessions{0}, unavailable{0};
  };
  mutable StoreCounters counters_;
  std::atomic<size_t> cache_limit_{0};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  mutable uint64_t evict_seed_ = 0x9e3779b97f4a7c15;  // under accounts_mutex_ (unique)
};

}  // namespace gyrate::engine
