// The ClusterClient behind ClusterClient::connect: a slot map swapped whole, one connection pool
// per node, and the retry loop that runs every call (one command or a pipeline) in rounds of
// flights, one flight per node, until each command has a final reply or the deadline passes.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "connection_pool.hpp"
#include "gyrate/redis/cluster_client.hpp"
#include "slot_map.hpp"

namespace gyrate::redis {

// One command on its way: where it goes next and why its last try failed.
struct Attempt {
  size_t index = 0;           // into the call's commands and results
  std::string address;        // set by MOVED / ASK (next try only) or pinned; empty: by slot
  bool asking = false;        // send ASKING first (after an ASK redirect)
  bool pinned = false;        // on_every_master: stays on its node, redirects are its reply
  std::vector<size_t> followers;  // commands riding behind this one (Command::behind_previous)
  int redirects = 0;
  std::string last_address;   // for the final error: which shard did not answer
  std::string last_error;
};

class ClusterClientImpl final : public ClusterClient {
 public:
  explicit ClusterClientImpl(ClusterOptions options);

  Expected<Reply> run(const Command& command) override;
  std::vector<Expected<Reply>> pipeline(const std::vector<Command>& commands) override;
  std::vector<Expected<Reply>> on_every_master(const std::vector<std::string>& argv) override;
  std::vector<std::string> masters() const override;
  Status refresh() override;

 private:
  using Results = std::vector<std::optional<Expected<Reply>>>;
  struct Flight;
  struct Round;

  std::vector<Expected<Reply>> execute(const std::vector<Command>& commands,
                                       std::vector<Attempt> attempts);
  // One round: every pending attempt sent once; returns those that must be tried again.
  std::vector<Attempt> run_round(const std::vector<Command>& commands,
                                 std::vector<Attempt> pending, Results& results,
                                 Clock::time_point deadline, Round& round);
  void send(Flight& flight, const std::vector<Command>& commands, Clock::time_point deadline);
  void receive(Flight& flight, Results& results, Round& round);
  void fail_rest(Flight& flight, size_t from, const Status& why, Round& round);

  std::shared_ptr<const SlotMap> current_map() const;
  std::shared_ptr<ConnectionPool> pool(const std::string& address);
  // Reads CLUSTER SLOTS from the first node that answers (nodes in `avoid` last) before `deadline`.
  Status refresh_until(Clock::time_point deadline, const std::set<std::string>& avoid);
  // A refresh asked for by a failure: skipped while another thread refreshes or one just did.
  void refresh_after_failure(Clock::time_point deadline, const std::set<std::string>& avoid);

  const ClusterOptions options_;
  mutable std::mutex map_mutex_;
  std::shared_ptr<const SlotMap> map_;
  std::mutex pools_mutex_;
  std::map<std::string, std::shared_ptr<ConnectionPool>> pools_;
  std::mutex refresh_mutex_;
  Clock::time_point last_refresh_{};
  size_t refresh_turn_ = 0;  // spreads CLUSTER SLOTS over the nodes
};

}  // namespace gyrate::redis
