// Engine: provisioning, reserve, commit, release, packs and balances on in-memory accounts, each
// under its own mutex; every keyed call answers a repeat with its stored answer (rule 18).
#include "gyrate/engine/engine.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <random>
#include <thread>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/int128.hpp"
#include "rating.hpp"
#include "renewal.hpp"
#include "team.hpp"

namespace gyrate::engine {
namespace {

using lang::Int128;

// A reservation whose grant carries no Validity-Time lapses after this long without a report
// (the supervision timer of rule 17).
constexpr int64_t kDefaultReservationSeconds = 3600;
constexpr int64_t kSecondsPerDay = 86'400;
constexpr int64_t kLastActivation = 253'402'300'799;  // 9999-12-31T23:59:59Z

int64_t add_saturated(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? kNeverEnds : r;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Renewal is linear in the boundaries passed, so a timestamp absurdly far ahead (a daily plan
// asked about the year 300000) is refused rather than replayed.
constexpr int64_t kMaxCatchUpSeconds = int64_t{100} * 366 * kSecondsPerDay;

Status check_time(const AccountState& account, int64_t t) {
  if (t < 0 || t - account.last_time > kMaxCatchUpSeconds) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "time " + std::to_string(t) + " is before 1970 or more than 100 years "
                         "after the account's last request");
  }
  return Status::ok();
}

// Rule 19: an earlier timestamp is rated at the last time. Then every boundary passed is applied.
int64_t advance(AccountState& account, int64_t t, const std::shared_ptr<const Catalog>& latest) {
  if (t < account.last_time) {
    ++account.late_requests;
    t = account.last_time;
  }
  if (t != account.last_time || latest != account.catalog) {
    // Renewal, expiry and the clock itself are state: the store's revision moves with them.
    ++account.revision;
  }
  renew(account, t, latest);
  account.last_time = t;
  return t;
}

Answer repeated(const Answer& stored) {
  Answer a = stored;
  a.duplicate = true;
  return a;
}

// The `notify` thresholds of the service that `used` crossed going from `before` to `after`:
// a ratio of the period's allowance (rounded up) or an absolute amount, each once per period.
constexpr size_t kMaxPendingNotifications = 64;

void notify_crossed(AccountState& account, const lang::ir::Block& block, uint16_t service,
                    int64_t before, int64_t after, int64_t t) {
  auto crossed = [&](int64_t level, int64_t ratio) {
    if (level <= 0 || before >= level || after < level) return;
    if (account.notifications.size() >= kMaxPendingNotifications) {
      account.notifications.erase(account.notifications.begin());
    }
    account.notifications.push_back(
        Notification{account.catalog->program().services[service].name, level, ratio, after,
                     account.period.index, t});
  };
  int64_t allowance = service < account.period_allowance.size()
                          ? account.period_allowance[service]
                          : 0;
  for (int64_t ratio : block.notify_ratios) crossed(weighted(allowance, ratio), ratio);
  for (int64_t amount : block.notify_amounts) crossed(amount, -1);
}

// A CDR of the account's change at t, its amounts for the caller to fill.
Cdr usage_cdr(const AccountState& a, std::string session, uint32_t number, int64_t t) {
  Cdr c;
  c.account = a.id;
  c.session = std::move(session);
  c.number = number;
  c.time = t;
  c.plan = a.plan_name();
  c.plan_version = a.plan_version;
  return c;
}

}  // namespace

Engine::Engine(std::shared_ptr<const Catalog> catalog) : catalog_(std::move(catalog)) {}

Engine::~Engine() = default;

Expected<std::unique_ptr<Engine>> Engine::open(std::shared_ptr<const Catalog> catalog,
                                               std::unique_ptr<AccountStore> store) {
  auto engine = std::make_unique<Engine>(catalog);
  Expected<std::vector<AccountState>> accounts = store->preload(catalog);
  if (!accounts) return accounts.status();
  {
    std::unique_lock lock(engine->accounts_mutex_);
    for (AccountState& a : *accounts) engine->install(std::move(a));
  }
  engine->shared_store_ = store->shared();
  engine->store_ = std::move(store);
  return engine;
}

void Engine::install(AccountState state) const {
  for (auto& [key, id] : owned_identities(state)) identities_[key] = std::move(id);
  auto [entry, fresh] = accounts_.try_emplace(state.id, nullptr);
  if (fresh) entry->second = std::make_shared<Slot>();
  std::shared_ptr<Slot> slot = entry->second;
  touch(*slot);
  for (const TeamMember& m : state.members) {
    auto [member, new_member] = accounts_.try_emplace(m.id, slot);
    if (new_member) ++member_ids_;
    member->second = slot;
  }
  slot->state = std::move(state);
}

Status Engine::checkpoint() {
  if (!store_) return Status::ok();
  return store_->checkpoint([this](const AccountVisitor& visit) {
    std::vector<std::shared_ptr<Slot>> slots;
    {
      // A batch being applied has its records acknowledged but its new slots not yet in the
      // map: wait for it, so every account a covered record made is visited.
      std::lock_guard batch(batch_mutex_);
      std::shared_lock lock(accounts_mutex_);
      slots.reserve(accounts_.size() - member_ids_);
      for (const auto& [id, slot] : accounts_) slots.push_back(slot);
    }
    std::sort(slots.begin(), slots.end());
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());  // members share a slot
    for (const std::shared_ptr<Slot>& slot : slots) {
      std::lock_guard lock(slot->mutex);
      visit(slot->state);
    }
  });
}

std::shared_ptr<const Catalog> Engine::catalog() const { return catalog_.load(); }

void Engine::publish(std::shared_ptr<const Catalog> catalog) { catalog_.store(std::move(catalog)); }

std::shared_ptr<Engine::Slot> Engine::held(std::string_view account) const {
  std::shared_ptr<Slot> slot;
  {
    std::shared_lock lock(accounts_mutex_);
    auto it = accounts_.find(account);
    if (it == accounts_.end()) return nullptr;
    slot = it->second;
  }
  if (shared_store_) touch(*slot);
  return slot;
}

void Engine::touch(Slot& slot) const {
  auto since = std::chrono::steady_clock::now() - started_;
  slot.used.store(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(since).count()),
                  std::memory_order_relaxed);
}

void Engine::set_cache_limit(size_t accounts) { cache_limit_.store(accounts); }

void Engine::evict_over_limit(const Slot* keep) const {
  size_t limit = cache_limit_.load();
  if (!shared_store_ || limit == 0) return;
  // A few tries per call: a sample whose least recently used account is busy drops nothing.
  for (int tries = 0; accounts_.size() - member_ids_ > limit && tries < 8; ++tries) {
    if (evict_one(keep)) tries = 0;
  }
}

bool Engine::evict_one(const Slot* keep) const {
  // Sampled LRU (as Redis does it): the least recently used of the accounts in a few random
  // buckets, so no list has to be kept in order on the request path.
  constexpr int kSample = 8;
  std::shared_ptr<Slot> victim;
  size_t buckets = accounts_.bucket_count();
  for (int i = 0; i < kSample * 4 && buckets > 0; ++i) {
    evict_seed_ ^= evict_seed_ << 13;
    evict_seed_ ^= evict_seed_ >> 7;
    evict_seed_ ^= evict_seed_ << 17;
    size_t b = evict_seed_ % buckets;
    for (auto it = accounts_.begin(b); it != accounts_.end(b); ++it) {
      const std::shared_ptr<Slot>& slot = it->second;
      if (slot.get() == keep) continue;
      if (!victim || slot->used.load(std::memory_order_relaxed) < victim->used.load(std::memory_order_relaxed)) {
        victim = slot;
      }
    }
  }
  if (!victim || !victim->mutex.try_lock()) return false;  // in use: not idle
  std::lock_guard lock(victim->mutex, std::adopt_lock);
  const AccountState& a = victim->state;
  auto drop = [&](const std::string& id) {
    auto it = accounts_.find(id);
    if (it == accounts_.end() || it->second != victim) return false;
    accounts_.erase(it);
    return true;
  };
  for (const auto& [key, id] : owned_identities(a)) {
    auto it = identities_.find(key);
    if (it != identities_.end() && it->second == id) identities_.erase(it);
  }
  for (const TeamMember& m : a.members) {
    if (drop(m.id)) --member_ids_;
  }
  return drop(a.id);
}

Expected<std::shared_ptr<Engine::Slot>> Engine::find(std::string_view account) const {
  if (std::shared_ptr<Slot> slot = held(account)) return slot;
  if (!shared_store_) return std::shared_ptr<Slot>();
  return load_slot(account);
}

Expected<std::shared_ptr<Engine::Slot>> Engine::load_slot(std::string_view account) const {
  Expected<std::optional<std::string>> owner = store_->account_of(account);
  if (!owner) return owner.status();
  if (!*owner) return std::shared_ptr<Slot>();
  // Loaded without any lock held: two threads missing the same account both load it, and the
  // second keeps the first one's slot.
  Expected<AccountState> state = store_->load(**owner, catalog());
  counters_.loads.fetch_add(1, std::memory_order_relaxed);
  if (!state) {
    if (state.status().code() == ErrorCode::kNotFound) return std::shared_ptr<Slot>();
    return state.status();
  }
  std::unique_lock lock(accounts_mutex_);
  auto it = accounts_.find(state->id);
  if (it == accounts_.end()) {
    install(std::move(*state));
    auto loaded = accounts_.find(account);
    evict_over_limit(loaded == accounts_.end() ? nullptr : loaded->second.get());
  } else {
    // Held already: another thread loaded it meanwhile, or it is a team held here that another
    // node gave a new member. Only the member ids are mapped: the held state is not replaced
    // here (this thread may hold the slot's mutex already, provisioning); a stale one is read
    // again by change() when a request finds it wanting.
    for (const TeamMember& m : state->members) {
      auto [member, fresh] = accounts_.try_emplace(m.id, it->second);
      if (fresh) ++member_ids_;
    }
  }
  auto mine = accounts_.find(account);  // none: a member id the stored team no longer has
  return mine == accounts_.end() ? nullptr : mine->second;
}

Status Engine::refresh(Slot& slot) const {
  if (!shared_store_) return Status::ok();
  Expected<AccountState> fresh = store_->load(slot.state.id, catalog());
  counters_.loads.fetch_add(1, std::memory_order_relaxed);
  if (!fresh) return fresh.status();
  if (fresh->revision != slot.state.revision) {
    fresh->answered = std::move(slot.state.answered);
    slot.state = std::move(*fresh);
  }
  return Status::ok();
}

Expected<std::shared_ptr<Engine::Slot>> Engine::existing(std::string_view account) const {
  Expected<std::shared_ptr<Slot>> slot = find(account);
  if (slot && !*slot) {
    return Status::error(ErrorCode::kNotFound, "unknown account '" + std::string(account) + "'");
  }
  return slot;
}

Expected<std::vector<Notification>> Engine::take_notifications(std::string_view account) {
  Expected<std::shared_ptr<Slot>> found = existing(account);
  if (!found) return found.status();
  std::shared_ptr<Slot> slot = *found;
  std::lock_guard lock(slot->mutex);
  std::vector<Notification> taken = std::move(slot->state.notifications);
  slot->state.notifications.clear();
  return taken;
}

Expected<bool> Engine::exists(std::string_view id) const {
  Expected<std::shared_ptr<Slot>> slot = find(id);
  if (!slot) return slot.status();
  return *slot != nullptr;
}

size_t Engine::account_count() const {
  std::shared_lock lock(accounts_mutex_);
  return accounts_.size() - member_ids_;
}

StoreStats Engine::store_stats() const {
  constexpr auto r = std::memory_order_relaxed;
  return StoreStats{counters_.loads.load(r), counters_.conflicts.load(r),
                    counters_.duplicates.load(r), counters_.adopted_sessions.load(r),
                    counters_.unavailable.load(r)};
}

namespace {

// A fresh account on the plan version in effect at activation (rule 20), period 0 opened. `old`
// is the account being provisioned again: its promos stay granted (rule 11).
Expected<AccountState> new_account(const ProvisionSpec& spec,
                                   const std::shared_ptr<const Catalog>& catalog,
                                   const AccountState* old) {
  if (spec.id.empty()) return Status::error(ErrorCode::kInvalidArgument, "empty account id");
  if (spec.activation < 0 || spec.activation > kLastActivation) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "activation " + std::to_string(spec.activation) + " is not in 1970..9999");
  }
  if (spec.billing_day < 0 || spec.billing_day > 31) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "billing day " + std::to_string(spec.billing_day) + " is not in 1..31");
  }
  int32_t tz = catalog->program().timezone_offset_minutes;
  int64_t local_day = floor_div(add_saturated(spec.activation, int64_t{tz} * 60), kSecondsPerDay);
  std::optional<uint32_t> plan = catalog->plan_in_effect(spec.plan, local_day);
  if (!plan) {
    if (!catalog->plan(spec.plan)) {
      return Status::error(ErrorCode::kNotFound, "unknown plan '" + spec.plan + "'");
    }
    return Status::error(ErrorCode::kNotFound,
                         "no version of plan '" + spec.plan + "' is in effect at activation");
  }
  AccountState a;
  a.id = spec.id;
  a.catalog = catalog;
  a.plan = *plan;
  a.plan_version = catalog->program().plans[*plan].version;
  a.activation = spec.activation;
  a.billing_day = spec.billing_day != 0
                      ? spec.billing_day
                      : lang::calendar::local_time(spec.activation, tz).day;
  a.attributes = spec.attributes;
  for (const Identity& given : spec.identities) {
    Expected<Identity> identity = make_identity(given.type, given.value);
    if (!identity) return Status::error(identity.status().code(), "account '" + spec.id + "': " + identity.status().message());
    if (std::find(a.identities.begin(), a.identities.end(), *identity) != a.identities.end()) {
      return Status::error(ErrorCode::kInvalidArgument, "account '" + spec.id + "': " + identity_key(*identity) + " is given twice");
    }
    a.identities.push_back(std::move(*identity));
  }
  if (Status s = resolve_attributes(a); !s) {
    return Status::error(s.code(), "account '" + spec.id + "': " + s.message());
  }
  if (old != nullptr && old->plan_name() == spec.plan && old->activation == spec.activation &&
      old->billing_day == a.billing_day) {
    // The same subscription provisioned again: only its attributes change. Nothing is charged or
    // granted; a promo they now make eligible comes at the next period start (rule 11).
    AccountState updated = *old;
    updated.attributes = std::move(a.attributes);
    updated.identities = std::move(a.identities);
    updated.resolved = std::move(a.resolved);
    ++updated.revision;
    return updated;
  }
  if (old != nullptr) {
    // A new subscription for the id: period 0 of the new plan, but what the subscriber bought or
    // was given stays, and so does every promo name it had (never granted twice) and any debt.
    a.promos_granted = old->promos_granted;
    for (const Bucket& b : old->buckets) {
      if (b.origin != BucketOrigin::kPack && b.origin != BucketOrigin::kPromo &&
          b.offer != kOverrunOffer) {
        continue;
      }
      // Service indexes belong to a catalog version: carry the bucket by its service's name.
      std::optional<uint16_t> service =
          catalog->service(old->catalog->program().services[b.service].name);
      if (!service) continue;
      a.buckets.push_back(b);
      a.buckets.back().service = *service;
    }
    a.answered = old->answered;
    a.members = old->members;  // a team keeps its members; open_period resets their usage
    a.revision = old->revision;
    a.late_requests = old->late_requests;
  }
  a.last_time = spec.activation;
  open_period(a, a.calendar().at(spec.activation), spec.activation);
  ++a.revision;
  return a;
}

}  // namespace

Status Engine::provision(const ProvisionSpec& spec) { return provision_all({spec}, nullptr); }

Status Engine::provision_all(const std::vector<ProvisionSpec>& specs,
                             std::vector<ProvisionFailure>* failures) {
  // On a shared store another node may change an account of the batch between its load and the
  // apply: the batch is then checked and applied again on what the store holds.
  for (int attempt = 0;; ++attempt) {
    bool conflicted = false;
    Status s = provision_batch(specs, failures, conflicted);
    if (shared_store_ && cache_limit_.load() > 0) {
      std::unique_lock lock(accounts_mutex_);
      evict_over_limit();
    }
    if (!conflicted || attempt == 2) return s;
  }
}

Status Engine::provision_batch(const std::vector<ProvisionSpec>& specs,
                               std::vector<ProvisionFailure>* failures, bool& conflicted) {
  // Batches run one at a time and requests lock one slot at a time, so locking every slot of the
  // batch in turn cannot deadlock; no request creates an account, so the new ids stay new.
  std::lock_guard batch(batch_mutex_);
  std::shared_ptr<const Catalog> current = catalog();
  std::vector<ProvisionFailure> refused;
  StringMap<size_t> first;  // id -> index of its first spec
  std::vector<std::shared_ptr<Slot>> slots(specs.size());
  std::vector<std::unique_lock<SlotMutex>> locks;
  auto lock_once = [&locks](Slot& slot) {  // a member's id resolves to its team's slot
    for (const auto& l : locks) {
      if (l.mutex() == &slot.mutex) return;
    }
    locks.emplace_back(slot.mutex);
  };
  std::vector<AccountState> next(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    auto [at, fresh] = first.try_emplace(specs[i].id, i);
    if (!fresh) {
      refused.push_back({i, Status::error(ErrorCode::kInvalidArgument,
                                          "account '" + specs[i].id + "' is given twice (first at " +
                                              std::to_string(at->second + 1) + ")")});
      continue;
    }
    if (!specs[i].team.empty()) continue;  // a team member: provision_members
    Expected<std::shared_ptr<Slot>> found = find(specs[i].id);
    if (!found) {
      refused.push_back({i, found.status()});
      continue;
    }
    slots[i] = *found;
    if (slots[i]) lock_once(*slots[i]);
    if (slots[i] && slots[i]->state.id != specs[i].id) {
      refused.push_back({i, Status::error(ErrorCode::kAlreadyExists,
                                          "account '" + specs[i].id + "': a member of team '" +
                                              slots[i]->state.id + "' has this id")});
      slots[i] = nullptr;
      continue;
    }
    Expected<AccountState> a = new_account(specs[i], current, slots[i] ? &slots[i]->state : nullptr);
    if (!a) {
      refused.push_back({i, a.status()});
      continue;
    }
    next[i] = std::move(*a);
  }
  provision_members(specs, slots, next, refused, lock_once);
  std::unique_lock lock(accounts_mutex_);
  StringMap<std::string> claimed;  // identity key -> the batch account or member it goes to
  for (size_t i = 0; i < next.size(); ++i) {
    // A team's members own identities too; a team copied in for its members (i past the specs)
    // is blamed on the spec of the member that claims the identity.
    for (const auto& [key, id] : owned_identities(next[i])) {
      auto [other, fresh] = claimed.try_emplace(key, id);
      auto owner = identities_.find(key);
      auto spec = first.find(id);
      if (spec == first.end()) continue;  // a member the batch does not change keeps its own
      if (!fresh && other->second != id) {
        refused.push_back({spec->second, Status::error(ErrorCode::kAlreadyExists,
                                                       "account '" + id + "': " + key +
                                                           " is also given to account '" +
                                                           other->second + "'")});
      } else if (owner != identities_.end() && owner->second != id &&
                 !first.contains(owner->second)) {
        refused.push_back({spec->second, Status::error(ErrorCode::kAlreadyExists,
                                                       "account '" + id + "': " + key +
                                                           " belongs to account '" +
                                                           owner->second + "'")});
      }
    }
  }
  if (!refused.empty()) {
    std::sort(refused.begin(), refused.end(),
              [](const ProvisionFailure& a, const ProvisionFailure& b) { return a.index < b.index; });
    Status first_refusal = refused.front().status;
    size_t count = refused.size();
    if (failures != nullptr) *failures = std::move(refused);
    if (specs.size() == 1) return first_refusal;
    return Status::error(first_refusal.code(),
                         std::to_string(count) + " of " + std::to_string(specs.size()) +
                             " refused, nothing applied; first: " + first_refusal.message());
  }
  if (store_) {
    // The whole batch is one change of the store: applied all or not at all.
    std::vector<AccountChange> changes;
    for (size_t i = 0; i < next.size(); ++i) {
      if (next[i].id.empty()) continue;
      uint64_t before = slots[i] ? slots[i]->state.revision : 0;
      next[i].revision = std::max(next[i].revision, before + 1);
      changes.push_back(AccountChange{&next[i], before, nullptr, nullptr, {}});
    }
    ApplyResult applied = store_->apply(changes);
    if (applied.outcome == ApplyOutcome::kConflict && shared_store_) {
      counters_.conflicts.fetch_add(1, std::memory_order_relaxed);
      conflicted = true;
      for (const std::shared_ptr<Slot>& slot : slots) {
        if (!slot) continue;
        if (Status s = refresh(*slot); !s) return s;  // locked: each was lock_once'd
      }
    }
    if (applied.outcome != ApplyOutcome::kApplied) {
      return applied.outcome == ApplyOutcome::kUnavailable
                 ? applied.error
                 : Status::error(ErrorCode::kUnavailable,
                                 "an account of the batch changed elsewhere; nothing applied");
    }
  }
  for (size_t i = 0; i < next.size(); ++i) {
    if (!slots[i]) continue;
    for (const auto& owned : owned_identities(slots[i]->state)) identities_.erase(owned.first);
  }
  for (size_t i = 0; i < next.size(); ++i) {
    if (next[i].id.empty()) continue;  // a member spec: applied to its team's state
    for (auto& [key, id] : owned_identities(next[i])) identities_[key] = std::move(id);
    std::shared_ptr<Slot> slot = slots[i];
    if (!slot) {
      slot = std::make_shared<Slot>();
      accounts_.emplace(next[i].id, slot);
    }
    // Each member id resolves to its team's slot (a moved member to its new team's).
    for (const TeamMember& m : next[i].members) {
      auto [entry, fresh] = accounts_.try_emplace(m.id, slot);
      if (fresh) ++member_ids_;
      entry->second = slot;
    }
    slot->state = std::move(next[i]);
  }
  return Status::ok();
}

std::optional<std::string> Engine::find_by_identity(const Identity& identity) const {
  Expected<std::optional<std::string>> owner = lookup_identity(identity);
  return owner ? *owner : std::nullopt;
}

Expected<std::optional<std::string>> Engine::lookup_identity(const Identity& identity) const {
  std::string key = identity_key(identity);
  {
    std::shared_lock lock(accounts_mutex_);
    auto it = identities_.find(key);
    if (it != identities_.end()) return std::optional<std::string>(it->second);
  }
  if (!shared_store_) return std::optional<std::string>();
  // Not cached: the owner is loaded with it, so the session's next requests find both here.
  Expected<std::optional<std::string>> owner = store_->identity_owner(key);
  if (!owner || !*owner) return owner;
  Expected<std::shared_ptr<Slot>> slot = find(**owner);
  if (!slot) return slot.status();
  return owner;
}

Expected<bool> Engine::holds_session(std::string_view account, std::string_view session) const {
  Expected<std::shared_ptr<Slot>> found = find(account);
  if (!found) return found.status();
  if (!*found) return false;
  Slot& slot = **found;
  std::lock_guard lock(slot.mutex);
  if (Status s = refresh(slot); !s) return s;
  const AccountState& a = slot.state;
  auto same = [&](std::string_view s) { return session_base(s) == session; };
  if (std::any_of(a.reservations.begin(), a.reservations.end(),
                  [&](const Reservation& r) { return same(r.session); })) {
    return true;
  }
  bool answered = false;
  a.answered.for_each([&](const RequestKey& key, const Answer&) {
    answered = answered || same(key.session);
  });
  if (answered || !shared_store_) return answered;
  // Served by another node: its answers are in the store, not here.
  Expected<bool> elsewhere = store_->answered_session(a.id, session);
  if (elsewhere && *elsewhere) counters_.adopted_sessions.fetch_add(1, std::memory_order_relaxed);
  return elsewhere;
}

namespace {

constexpr int kConflictAttempts = 8;

void conflict_pause(int attempt) {
  thread_local std::minstd_rand random(static_cast<uint32_t>(
      std::hash<std::thread::id>{}(std::this_thread::get_id())));
  std::uniform_int_distribution<int> micros(0, 250 * (attempt + 1));
  std::this_thread::sleep_for(std::chrono::microseconds(micros(random)));
}

}  // namespace

Expected<Answer> Engine::change(std::string_view account, RequestKey key, const Mutation& fn) {
  Expected<std::shared_ptr<Slot>> found = existing(account);
  if (!found) return found.status();
  std::shared_ptr<Slot> slot = *found;
  std::lock_guard lock(slot->mutex);
  std::vector<Cdr> cdrs;
  for (int attempt = 0;; ++attempt) {
    if (const Answer* stored = slot->state.answered.find(key)) return repeated(*stored);
    if (!store_) {
      Expected<Answer> answer = fn(slot->state, cdrs);
      if (answer) slot->state.answered.add(std::move(key), *answer);
      return answer;
    }
    // Copy-on-write: the account stays as it was unless the store takes the change. The stored
    // answers stay behind (the copy needs none, and they are the bulk of an account).
    AnsweredRequests answered = std::move(slot->state.answered);
    AccountState next = slot->state;
    slot->state.answered = std::move(answered);
    cdrs.clear();
    Expected<Answer> answer = fn(next, cdrs);
    if (!answer && shared_store_ && attempt == 0) {
      // Refused on the copy held here, which may be stale (a team member another node added):
      // refused again only on what the store holds.
      uint64_t held_revision = slot->state.revision;
      if (Status s = refresh(*slot); !s) return s;
      if (slot->state.revision != held_revision) continue;
    }
    if (!answer) return answer;
    next.revision = std::max(next.revision, slot->state.revision + 1);
    for (Cdr& c : cdrs) c.revision = next.revision;
    AccountChange change{&next, slot->state.revision, &key, &*answer, cdrs};
    ApplyResult applied = store_->apply({&change, 1});
    switch (applied.outcome) {
      case ApplyOutcome::kApplied:
        next.answered = std::move(slot->state.answered);
        next.answered.add(std::move(key), *answer);
        slot->state = std::move(next);
        return answer;
      case ApplyOutcome::kDuplicate:
        counters_.duplicates.fetch_add(1, std::memory_order_relaxed);
        return repeated(applied.stored);
      case ApplyOutcome::kUnavailable:
        counters_.unavailable.fetch_add(1, std::memory_order_relaxed);
        return applied.error;
      case ApplyOutcome::kConflict:
        counters_.conflicts.fetch_add(1, std::memory_order_relaxed);
        break;
    }
    // Another node changed the account (a shared store): decide again on what it holds now.
    // Nodes serving one busy account (sessions of one subscriber spread by a relay) lose the
    // compare-and-set to each other in bursts: a short random pause, growing with each loss, lets
    // one of them through before the call gives up with "retry" (Diameter 3004).
    if (attempt + 1 >= kConflictAttempts) {
      counters_.unavailable.fetch_add(1, std::memory_order_relaxed);
      return Status::error(ErrorCode::kUnavailable, "account '" + slot->state.id +
                                                        "' keeps changing elsewhere; retry");
    }
    conflict_pause(attempt);
    if (Status s = refresh(*slot); !s) return s;
  }
}

Expected<Answer> Engine::reserve(std::string_view account, const ReserveRequest& request) {
  if (request.requested < 0) {
    return Status::error(ErrorCode::kInvalidArgument, "negative requested amount");
  }
  RequestKey key{request.session, request.number, Operation::kReserve, request.service};
  return change(account, std::move(key), [&](AccountState& a, std::vector<Cdr>&) -> Expected<Answer> {
    Expected<TeamMember*> member = requester(a, account);
    if (!member) return member.status();
    if (Status s = check_team_request(a, *member); !s) return s;
    if (Status s = check_time(a, request.time); !s) return s;
    int64_t t = advance(a, request.time, catalog());
    std::optional<uint16_t> service = a.catalog->service(request.service);
    if (!service) {
      return Status::error(ErrorCode::kInvalidArgument, "unknown service '" + request.service + "'");
    }
    Answer answer;
    if (std::optional<uint32_t> block = a.catalog->block(a.plan, *service)) {
      int64_t model = model_index(*a.catalog, request.model, *service);
      Rated r = rate(a, *block, *service, model, request.requested, t, *member);
      answer = answer_from(r.decision);
      if (r.decision.outcome == lang::Outcome::kGranted) {
        const lang::Decision& d = r.decision;
        int64_t life = d.validity_seconds > 0 ? d.validity_seconds : kDefaultReservationSeconds;
        a.reservations.push_back(Reservation{request.session, request.number, *service, d.debit,
                                             d.grant, d.weight, r.charge, d.has_overage_price,
                                             d.overage_price, d.overage_block, a.catalog,
                                             add_saturated(t, life),
                                             *member ? (*member)->id : std::string()});
        // A request window counts this request now: a grant is one request to the service,
        // whatever its units turn out to be (rule 13).
        const lang::ir::Block& b = a.catalog->program().blocks[*block];
        for (size_t i = 0; i < b.windows.size() && i < lang::kMaxWindowLimits; ++i) {
          if (b.windows[i].counts_requests) {
            a.window(*service, static_cast<uint8_t>(i), b.windows[i].seconds).add(t, 1);
          }
        }
      }
    }
    ++a.revision;
    return answer;
  });
}

Expected<Answer> Engine::commit(std::string_view account, const CommitRequest& request) {
  if (request.used < 0) return Status::error(ErrorCode::kInvalidArgument, "negative used amount");
  RequestKey key{request.session, request.number, Operation::kCommit, request.service};
  return change(account, std::move(key), [&](AccountState& a, std::vector<Cdr>& cdrs) -> Expected<Answer> {
    Expected<TeamMember*> member = requester(a, account);
    if (!member) return member.status();
    std::string member_id = *member ? (*member)->id : std::string();
    if (Status s = check_time(a, request.time); !s) return s;
    int64_t t = advance(a, request.time, catalog());
    std::optional<uint16_t> service = a.catalog->service(request.service);
    if (!service) {
      return Status::error(ErrorCode::kInvalidArgument, "unknown service '" + request.service + "'");
    }
    Reservation r;
    auto it = std::find_if(a.reservations.begin(), a.reservations.end(), [&](const Reservation& x) {
      return x.session == request.session && x.service == *service && x.member == member_id;
    });
    if (it != a.reservations.end()) {
      r = std::move(*it);
      a.reservations.erase(it);
    } else if (std::optional<uint32_t> block = a.catalog->block(a.plan, *service)) {
      // Usage with no open reservation (it lapsed, or was never asked for): still debited, at the
      // weight and prices the plan gives now.
      Rated now = rate(a, *block, *service, -1, request.used, t, *member);
      r = Reservation{request.session, request.number, *service, 0, 0,
                      now.decision.outcome == lang::Outcome::kRatingFailed ? lang::kFixedScale
                                                                            : now.decision.weight,
                      now.charge, now.decision.has_overage_price, now.decision.overage_price,
                      now.decision.overage_block, a.catalog, t, member_id};
    }

    Answer answer;
    answer.outcome = lang::Outcome::kGranted;
    answer.weight = r.weight;
    int64_t debit = weighted(request.used, r.weight);
    int64_t within = std::min(debit, r.debit);
    answer.released = r.debit - within;
    if (r.charge && r.has_overage_price && r.overage_block > 0 && r.weight > 0) {
      // `charge`: what the buckets cannot cover is sold at the overage price, ceil(units x price /
      // block) millionths (docs/language.md), so many small reports cost what one large one does.
      int64_t available = std::max<int64_t>(remaining(a, *service, t), 0);
      int64_t covered_raw = std::min<int64_t>(
          request.used, saturate(static_cast<Int128>(available) * lang::kFixedScale / r.weight));
      answer.committed = draw(a, *service, std::min(weighted(covered_raw, r.weight), available), t);
      Int128 money = static_cast<Int128>(request.used - covered_raw) * r.overage_price;
      answer.charged = saturate((money + r.overage_block - 1) / r.overage_block);
      a.spend = saturate(static_cast<Int128>(a.spend) + answer.charged);
    } else {
      // The reserved part first; usage beyond it only from units no other session holds.
      int64_t drawn = draw(a, *service, within, t);
      int64_t beyond = debit - drawn;
      int64_t free_units = std::max<int64_t>(remaining(a, *service, t), 0);
      drawn += draw(a, *service, std::min(beyond, free_units), t);
      answer.committed = drawn;
      answer.overrun = debit - drawn;
      if (answer.overrun > 0) overrun_bucket(a, *service, t).amount -= answer.overrun;
    }
    int64_t used_before = *service < a.used.size() ? a.used[*service] : 0;
    if (*service < a.used.size()) a.used[*service] = saturate(static_cast<Int128>(used_before) + debit);
    if (*member) add_member_usage(**member, *service, debit);
    if (std::optional<uint32_t> block = a.catalog->block(a.plan, *service)) {
      const lang::ir::Block& b = a.catalog->program().blocks[*block];
      if (*service < a.used.size()) notify_crossed(a, b, *service, used_before, a.used[*service], t);
      for (size_t i = 0; i < b.windows.size() && i < lang::kMaxWindowLimits; ++i) {
        if (b.windows[i].counts_requests) continue;
        a.window(*service, static_cast<uint8_t>(i), b.windows[i].seconds).add(t, debit);
      }
    }
    if (debit > 0 || answer.charged > 0) {
      Cdr& cdr = cdrs.emplace_back(usage_cdr(a, request.session, request.number, t));
      cdr.member = member_id;
      cdr.service = request.service;
      cdr.used = request.used;
      cdr.weight = r.weight;
      cdr.debit = debit;
      cdr.committed = answer.committed;
      cdr.overrun = answer.overrun;
      cdr.charged = answer.charged;
    }
    ++a.revision;
    return answer;
  });
}

Expected<Answer> Engine::release(std::string_view account, std::string_view session,
                                 uint32_t number, int64_t time) {
  RequestKey key{std::string(session), number, Operation::kRelease, {}};
  return change(account, std::move(key), [&](AccountState& a, std::vector<Cdr>&) -> Expected<Answer> {
    Expected<TeamMember*> member = requester(a, account);
    if (!member) return member.status();
    if (Status s = check_time(a, time); !s) return s;
    advance(a, time, catalog());
    Answer answer;
    answer.outcome = lang::Outcome::kGranted;
    erase_if(a.reservations, [&](const Reservation& r) {
      // A member releases its own reservations of the session; the team's id releases them all.
      if (r.session != session || (*member && r.member != (*member)->id)) return false;
      answer.released += r.debit;
      return true;
    });
    ++a.revision;
    return answer;
  });
}

Expected<Answer> Engine::refund(std::string_view account, const RefundRequest& request) {
  if (request.units < 0) return Status::error(ErrorCode::kInvalidArgument, "negative refund");
  RequestKey key{request.session, request.number, Operation::kRefund, request.service};
  return change(account, std::move(key), [&](AccountState& a, std::vector<Cdr>& cdrs) -> Expected<Answer> {
    Expected<TeamMember*> member = requester(a, account);
    if (!member) return member.status();
    if (Status s = check_time(a, request.time); !s) return s;
    int64_t t = advance(a, request.time, catalog());
    std::optional<uint16_t> service = a.catalog->service(request.service);
    if (!service || !a.catalog->block(a.plan, *service)) {
      return Status::error(ErrorCode::kInvalidArgument,
                           "plan '" + a.plan_name() + "' does not rate '" + request.service + "'");
    }
    int64_t weight = lang::kFixedScale;
    if (int64_t m = model_index(*a.catalog, request.model, *service); m >= 0) {
      weight = std::max<int64_t>(a.catalog->program().models[static_cast<size_t>(m)].weight, 0);
    }
    int64_t units = weighted(request.units, weight);
    Answer answer;
    answer.outcome = lang::Outcome::kGranted;
    answer.weight = weight;
    answer.released = units;
    if (units > 0) {
      a.buckets.push_back(Bucket{.service = *service,
                                 .origin = BucketOrigin::kAllowance,
                                 .offer = kRefundOffer,
                                 .amount = units,
                                 .valid_from = t,
                                 .valid_until = a.period.end});
      if (*service < a.used.size()) a.used[*service] = std::max<int64_t>(a.used[*service] - units, 0);
      if (*member) {
        add_member_usage(**member, *service, -units);
        (*member)->used[*service] = std::max<int64_t>((*member)->used[*service], 0);
      }
      settle_overruns(a, t);
      Cdr& cdr = cdrs.emplace_back(usage_cdr(a, request.session, request.number, t));
      cdr.member = *member ? (*member)->id : std::string();
      cdr.service = request.service;
      cdr.used = -request.units;
      cdr.weight = weight;
      cdr.debit = -units;
      cdr.committed = -units;
    }
    ++a.revision;
    return answer;
  });
}

Expected<Answer> Engine::buy_pack(std::string_view account, std::string_view order,
                                  uint32_t number, std::string_view pack, int64_t time) {
  RequestKey key{std::string(order), number, Operation::kBuyPack, {}};
  return change(account, std::move(key), [&](AccountState& a, std::vector<Cdr>& cdrs) -> Expected<Answer> {
    if (Status s = check_time(a, time); !s) return s;
    int64_t t = advance(a, time, catalog());
    const std::vector<lang::ir::Pack>& packs = a.plan_ir().packs;
    auto p = std::find_if(packs.begin(), packs.end(),
                          [&](const lang::ir::Pack& x) { return x.name == pack; });
    if (p == packs.end()) {
      return Status::error(ErrorCode::kNotFound, "plan '" + a.plan_name() + "' sells no pack '" +
                                                     std::string(pack) + "'");
    }
    // Rule 10: `valid D` from the purchase, across period ends; without it, to the period's end.
    int64_t until = p->valid_seconds > 0 ? add_saturated(t, p->valid_seconds) : a.period.end;
    for (const lang::ir::Grant& g : p->grants) {
      a.buckets.push_back(Bucket{.service = g.service,
                                 .origin = BucketOrigin::kPack,
                                 .offer = p->name,
                                 .amount = g.amount,
                                 .valid_from = t,
                                 .valid_until = until});
    }
    a.spend = saturate(static_cast<Int128>(a.spend) + p->price);  // packs count as spend
    settle_overruns(a, t);
    Answer answer;
    answer.outcome = lang::Outcome::kGranted;
    answer.charged = p->price;
    Cdr& cdr = cdrs.emplace_back(usage_cdr(a, std::string(order), number, t));
    cdr.pack = p->name;
    cdr.charged = p->price;
    ++a.revision;
    return answer;
  });
}

Expected<Balances> Engine::balances(std::string_view account, int64_t time) {
  Expected<std::shared_ptr<Slot>> found = existing(account);
  if (!found) return found.status();
  std::shared_ptr<Slot> slot = *found;
  std::lock_guard lock(slot->mutex);
  if (Status s = refresh(*slot); !s) return s;
  // Renewal to `time` is applied to the account held here, which the store does not see: on a
  // shared store to a copy, so that the held revision stays the stored one.
  std::optional<AccountState> copy;
  if (shared_store_) {
    AnsweredRequests answered = std::move(slot->state.answered);
    copy = slot->state;
    slot->state.answered = std::move(answered);
  }
  AccountState& a = copy ? *copy : slot->state;
  Expected<TeamMember*> member = requester(a, account);
  if (!member) return member.status();
  if (Status s = check_time(a, time); !s) return s;
  int64_t t = advance(a, time, catalog());
  Balances b;
  b.buckets = a.buckets;
  const lang::ir::Program& program = a.catalog->program();
  for (const Bucket& x : a.buckets) b.bucket_services.push_back(program.services[x.service].name);
  for (uint32_t block : a.plan_ir().service_blocks) {
    uint16_t s = program.blocks[block].service;
    ServiceBalance sb;
    sb.service = program.services[s].name;
    sb.remaining = remaining(a, s, t);
    sb.reserved = bucket_total(a, s, t) - sb.remaining;
    sb.used = s < a.used.size() ? a.used[s] : 0;
    sb.period_allowance = s < a.period_allowance.size() ? a.period_allowance[s] : 0;
    b.services.push_back(std::move(sb));
  }
  b.spend = a.spend;
  b.fees_charged = a.fees_charged;
  b.last_fee = a.last_fee;
  b.period = a.period;
  b.promos_granted = a.promos_granted;
  b.open_reservations = a.reservations.size();
  b.pending_notifications = a.notifications.size();
  b.revision = a.revision;
  b.late_requests = a.late_requests;
  if (!a.members.empty()) b.team = a.id;
  b.members = member_balances(a, *member, t);
  return b;
}

}  // namespace gyrate::engine
