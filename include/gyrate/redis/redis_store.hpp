// RedisStore: the engine's AccountStore on Redis Cluster (scale-out.md; docs/operations.md,
// "Redis Cluster store"). Every account is a hash under the hash tag {acct:ID}, changed only by
// the gyrate FUNCTION library's compare-and-set (redis/gyrate_functions.lua), which also keeps
// the answer of each request (idempotency, with a TTL) and appends the CDRs to the slot's
// outbox stream, all in one step. A change is acknowledged only after WAIT reached the
// configured number of replicas, so a promoted replica cannot undo an answer that went out.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/identity.hpp"
#include "gyrate/engine/store.hpp"
#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::redis {

struct RedisStoreOptions {
  // WAIT <replicas> <timeout> behind every change; 0 replicas: no WAIT (a master's crash may
  // then lose acknowledged changes, scale-out.md section 7).
  int wait_replicas = 1;
  std::chrono::milliseconds wait_timeout{100};
  // How long a request's answer is kept for its repeats (Diameter retransmissions, a failover
  // to another node): longer than the clients' Tx timer and failover, at most Tcc.
  std::chrono::milliseconds answer_ttl{std::chrono::minutes(15)};
};

class RedisStore final : public engine::AccountStore {
 public:
  // Loads or verifies the function library on every master (ensure_functions).
  static Expected<std::unique_ptr<RedisStore>> open(std::shared_ptr<ClusterClient> client,
                                                    const RedisStoreOptions& options);

  // None: accounts load on first use.
  Expected<std::vector<engine::AccountState>> preload(
      const std::shared_ptr<const engine::Catalog>& catalog) override;
  // The account at its stored revision, without stored answers (the store answers repeats
  // itself: apply() returns kDuplicate). kNotFound when Redis has no such account; kUnavailable
  // when what the master holds has not reached the replicas WAIT asks for.
  Expected<engine::AccountState> load(
      std::string_view id, const std::shared_ptr<const engine::Catalog>& catalog) override;
  // One gyrate_apply per account, each followed by WAIT, pipelined. One account's change is
  // atomic. A batch of several accounts (provisioning) is not atomic across them (their slots
  // may be on different masters): see apply_batch in redis_store.cpp for what it guarantees.
  engine::ApplyResult apply(std::span<const engine::AccountChange> changes) override;
  // No-op: Redis persists (AOF) and the CDR exporter drains the outboxes (cdr_export.hpp).
  Status checkpoint(const engine::AccountSource& accounts) override;

  // Accounts live in Redis: the engine loads them on first use (store.hpp, shared()).
  bool shared() const override { return true; }
  // The team a member id belongs to (the member index), else `id` itself.
  Expected<std::optional<std::string>> account_of(std::string_view id) override;
  Expected<std::optional<std::string>> identity_owner(std::string_view identity_key) override;
  // The session marker gyrate_apply keeps beside each stored answer, with its TTL.
  Expected<bool> answered_session(std::string_view account, std::string_view session) override;

  // The id owning an identity (a subscriber, or a team member's id), from the index that
  // provisioning writes; nullopt when none.
  Expected<std::optional<std::string>> find_by_identity(const engine::Identity& identity);
  // The account (team) a member id belongs to; nullopt when `id` is no member.
  Expected<std::optional<std::string>> team_of(std::string_view id);

  // Loads the function library again where a master lacks it (after a failover or resharding
  // onto a new node). apply() and load() call it themselves when Redis says a function is
  // missing.
  Status ensure_functions();

  ClusterClient& client() { return *client_; }

 private:
  RedisStore(std::shared_ptr<ClusterClient> client, const RedisStoreOptions& options);
  engine::ApplyResult apply_once(std::span<const engine::AccountChange> changes,
                                 bool* missing_function);
  Expected<std::optional<std::string>> get_index(const std::string& key);
  // A read-only function call (gyrate_load, gyrate_answered) and what rides behind it, after
  // loading the library where a master lacks it.
  std::vector<Expected<Reply>> read_function(const std::vector<Command>& commands);
  // WAIT for the configured replicas, riding behind the command before it.
  Command wait_command() const;

  std::shared_ptr<ClusterClient> client_;
  RedisStoreOptions options_;
};

}  // namespace gyrate::redis
