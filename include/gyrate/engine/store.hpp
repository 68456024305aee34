// AccountStore: where the engine's accounts live durably (scale-out.md section 4). One unit of
// state is one account: a subscriber, or a team with its members. The engine decides on its
// in-memory copy and hands the store the full next state; the store accepts it all or nothing.
// The embedded store (embedded_store.hpp: memory + journal) is the default; a shared store (Redis
// Cluster) implements the same interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/account.hpp"
#include "gyrate/engine/catalog.hpp"

namespace gyrate::engine {

// A charging data record: one per commit that debited units or cost money, and one per pack
// bought. Raw units as reported, allowance units as debited, money in millionths.
struct Cdr {
  uint64_t sequence = 0;  // the journal record that made it durable (set by the store)
  std::string account;
  std::string member;     // the team member, for a team account
  std::string session;
  uint32_t number = 0;
  std::string service;    // empty for a pack
  std::string pack;       // the pack bought
  int64_t time = 0;
  int64_t used = 0;
  int64_t weight = 0;
  int64_t debit = 0;      // committed + overrun
  int64_t committed = 0;
  int64_t overrun = 0;
  int64_t charged = 0;
  std::string plan;
  int64_t plan_version = 0;
  uint64_t revision = 0;  // the account's revision after the change
};

// One account's change: its full next state, the request it answers and the answer (absent for
// provisioning), and the CDRs it produced. Pointers stay valid during apply().
struct AccountChange {
  const AccountState* state = nullptr;
  uint64_t expected_revision = 0;  // the revision the engine decided on (compare-and-set)
  const RequestKey* key = nullptr;
  const Answer* answer = nullptr;
  std::span<const Cdr> cdrs;
};

enum class ApplyOutcome : uint8_t {
  kApplied,      // durable: the answer may go out
  kDuplicate,    // the request key was already applied: `stored` is its answer, nothing changed
  kConflict,     // another writer moved the account past expected_revision: load, decide again
  kUnavailable,  // nothing applied (disk full, I/O error, a shard down): `error` says why
};

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::kApplied;
  Answer stored;   // kDuplicate
  Status error;    // kUnavailable
};

// The Diameter session a request key's session belongs to: a Gy server that splits a session per
// Service-Identifier keys its requests "<Session-Id>#<Service-Identifier>".
inline std::string_view session_base(std::string_view session) {
  return session.substr(0, session.find('#'));
}

// Reads every account of the engine, each under its own lock, for a checkpoint.
using AccountVisitor = std::function<void(const AccountState&)>;
using AccountSource = std::function<void(const AccountVisitor&)>;

// Deferred durability, opted into per thread: while a DeferDurability lives on the calling
// thread, a store that can (the embedded store with fsync always or batched) returns kApplied
// from apply() once the change is queued, before it is durable. That thread must then let no
// answer out before when_durable(durability_point()) reports it: a Diameter server hands the
// answer to the commit instead of blocking a thread on every fdatasync. Everything else (tools,
// the C ABI, provisioning, the admin API) keeps the default: durable when apply() returns.
class DeferDurability {
 public:
  DeferDurability();
  ~DeferDurability();
  DeferDurability(const DeferDurability&) = delete;
  DeferDurability& operator=(const DeferDurability&) = delete;
  static bool active();  // on this thread

 private:
  bool outer_;
};

// Thread-safe: apply() is called concurrently for different accounts (never for one account at
// a time: the engine serializes an account's calls).
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // The accounts the engine should hold in memory from the start, with their stored answers
  // (AccountState::answered), on `catalog`. The embedded store gives every account it recovered;
  // a shared store gives none (accounts load on first use). Called once, before any apply().
  virtual Expected<std::vector<AccountState>> preload(
      const std::shared_ptr<const Catalog>& catalog) = 0;

  // One account as stored, at its revision; kNotFound when the store has none. The embedded
  // store keeps no copy outside the engine's memory, so after preload it has none to give.
  virtual Expected<AccountState> load(std::string_view id,
                                      const std::shared_ptr<const Catalog>& catalog) = 0;

  // All the changes or none. The embedded store writes them as one journal record.
  virtual ApplyResult apply(std::span<const AccountChange> changes) = 0;

  // A shared store holds accounts this process never loaded and other processes change them: the
  // engine then loads an account on its first use, asks the store for identities it does not
  // hold, and reads an account again before answering from it alone (balances, explain). The
  // embedded store is not shared: the engine holds all of its accounts from the start.
  virtual bool shared() const { return false; }
  // Asked of a shared store only. The account holding `id` (itself, or the team a member id
  // belongs to), or nullopt when the store has neither.
  virtual Expected<std::optional<std::string>> account_of(std::string_view id) {
    (void)id;
    return std::optional<std::string>();
  }
  // The id (a subscriber, or a team member) that an identity (identity_key()) belongs to.
  virtual Expected<std::optional<std::string>> identity_owner(std::string_view identity_key) {
    (void)identity_key;
    return std::optional<std::string>();
  }
  // Whether a request of Diameter session `session` (session_base()) was answered on `account`
  // within the lifetime of stored answers: how a node recognises a session another node served.
  virtual Expected<bool> answered_session(std::string_view account, std::string_view session) {
    (void)account;
    (void)session;
    return false;
  }

  // Makes everything applied so far cheap to recover: the embedded store writes a snapshot of
  // `accounts` and exports the CDRs it covers. No-op for a shared store.
  virtual Status checkpoint(const AccountSource& accounts) = 0;

  // Deferred durability (DeferDurability above). A point covering every change applied so far,
  // on any thread; `done` runs once all of them are durable, or with the error that means they
  // never will be. A store that never defers is always durable.
  virtual uint64_t durability_point() const { return 0; }
  virtual void when_durable(uint64_t point, std::function<void(const Status&)> done) {
    (void)point;
    done(Status::ok());
  }
};

}  // namespace gyrate::engine
