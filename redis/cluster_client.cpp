// ClusterClient's entry points, slot map and connection pools; the retry loop is in dispatch.cpp.
#include <algorithm>

#include "cluster_client_impl.hpp"

namespace gyrate::redis {

Expected<std::unique_ptr<ClusterClient>> ClusterClient::connect(const ClusterOptions& options) {
  if (options.seeds.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "redis: no seed node given");
  }
  auto client = std::make_unique<ClusterClientImpl>(options);
  if (Status status = client->refresh(); !status) return status;
  return std::unique_ptr<ClusterClient>(std::move(client));
}

ClusterClientImpl::ClusterClientImpl(ClusterOptions options) : options_(std::move(options)) {}

Expected<Reply> ClusterClientImpl::run(const Command& command) {
  return std::move(pipeline({command}).front());
}

std::vector<Expected<Reply>> ClusterClientImpl::pipeline(const std::vector<Command>& commands) {
  std::vector<Attempt> attempts;
  attempts.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    if (commands[i].behind_previous && !attempts.empty()) {
      attempts.back().followers.push_back(i);
    } else {
      attempts.emplace_back().index = i;
    }
  }
  return execute(commands, std::move(attempts));
}

std::vector<Expected<Reply>> ClusterClientImpl::on_every_master(
    const std::vector<std::string>& argv) {
  std::vector<std::string> nodes = masters();
  std::vector<Command> commands(nodes.size());
  std::vector<Attempt> attempts(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    commands[i].argv = argv;
    attempts[i].index = i;
    attempts[i].address = nodes[i];
    attempts[i].pinned = true;
  }
  return execute(commands, std::move(attempts));
}

std::vector<std::string> ClusterClientImpl::masters() const { return current_map()->masters(); }

Status ClusterClientImpl::refresh() {
  std::lock_guard lock(refresh_mutex_);
  // Enough time to get past one seed that does not answer, then one that does.
  return refresh_until(Clock::now() + options_.connect_timeout + options_.shard_deadline, {});
}

std::shared_ptr<const SlotMap> ClusterClientImpl::current_map() const {
  std::lock_guard lock(map_mutex_);
  return map_;
}

std::shared_ptr<ConnectionPool> ClusterClientImpl::pool(const std::string& address) {
  std::lock_guard lock(pools_mutex_);
  std::shared_ptr<ConnectionPool>& slot = pools_[address];
  if (!slot) {
    slot = std::make_shared<ConnectionPool>(address, options_.connections_per_master,
                                            options_.connect_timeout);
  }
  return slot;
}

Status ClusterClientImpl::refresh_until(Clock::time_point deadline,
                                        const std::set<std::string>& avoid) {
  // Known masters first (they know the newest map), then the seeds; nodes that just failed last.
  std::vector<std::string> candidates;
  if (std::shared_ptr<const SlotMap> map = current_map()) candidates = map->masters();
  if (!candidates.empty()) {
    std::rotate(candidates.begin(), candidates.begin() + (refresh_turn_++ % candidates.size()),
                candidates.end());
  }
  for (const std::string& seed : options_.seeds) {
    if (std::find(candidates.begin(), candidates.end(), seed) == candidates.end()) {
      candidates.push_back(seed);
    }
  }
  std::stable_partition(candidates.begin(), candidates.end(),
                        [&](const std::string& node) { return !avoid.contains(node); });

  std::string errors;
  for (const std::string& node : candidates) {
    Clock::time_point now = Clock::now();
    if (now >= deadline) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    Expected<std::unique_ptr<Connection>> connection =
        Connection::open(node, std::clamp(left, std::chrono::milliseconds(1), options_.connect_timeout));
    Expected<Reply> reply = connection ? Expected<Reply>(Reply{}) : connection.status();
    if (connection) {
      (*connection)->set_deadline(std::min(deadline, now + options_.shard_deadline));
      (*connection)->append({"CLUSTER", "SLOTS"});
      Status sent = (*connection)->flush();
      reply = sent ? (*connection)->read() : Expected<Reply>(sent);
    }
    Expected<SlotMap> map = reply ? SlotMap::parse(*reply, node) : Expected<SlotMap>(reply.status());
    if (map && !map->masters().empty()) {
      std::lock_guard lock(map_mutex_);
      map_ = std::make_shared<const SlotMap>(std::move(*map));
      last_refresh_ = Clock::now();
      return Status::ok();
    }
    errors += (errors.empty() ? "" : "; ") +
              (map ? node + ": no slot is served" : map.status().message());
  }
  return Status::error(ErrorCode::kUnavailable,
                       "redis: no node answered CLUSTER SLOTS" + (errors.empty() ? "" : ": " + errors));
}

void ClusterClientImpl::refresh_after_failure(Clock::time_point deadline,
                                              const std::set<std::string>& avoid) {
  // Callers that fail together (a dead master) would otherwise all ask at once, again and again.
  constexpr auto kMinInterval = std::chrono::milliseconds(10);
  std::unique_lock lock(refresh_mutex_, std::try_to_lock);
  if (!lock || Clock::now() - last_refresh_ < kMinInterval) return;
  last_refresh_ = Clock::now();
  (void)refresh_until(deadline, avoid);  // on failure the next round fails over the same way
}

}  // namespace gyrate::redis
