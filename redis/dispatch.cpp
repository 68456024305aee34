// The retry loop of every call: rounds of flights (one per node, all sent before any is read, so
// the masters work in parallel) until every command has its final reply or the deadline passed.
// A command retried after its connection broke may already have run on the old master: that is
// safe only for idempotent commands, which is why the store's apply is idempotent (scale-out.md 5).
#include <algorithm>
#include <thread>

#include "cluster_client_impl.hpp"
#include "reply.hpp"

namespace gyrate::redis {

// The commands of one round that go to one node, over one pooled connection.
struct ClusterClientImpl::Flight {
  std::string address;
  std::vector<Attempt*> attempts;
  std::shared_ptr<ConnectionPool> pool;
  std::unique_ptr<Connection> connection;
};

// What a round learnt: which attempts go again, and whether to re-read the map or back off first.
struct ClusterClientImpl::Round {
  std::vector<Attempt> again;
  std::set<std::string> failed_nodes;
  bool refresh = false;
  bool back_off = false;
};

namespace {

Status shard_unavailable(const Attempt& attempt, std::chrono::milliseconds deadline) {
  return Status::error(ErrorCode::kUnavailable,
                       "redis: shard " + (attempt.last_address.empty() ? "?" : attempt.last_address) +
                           " did not answer within " + std::to_string(deadline.count()) + " ms (" +
                           attempt.last_error + ")");
}

}  // namespace

std::vector<Expected<Reply>> ClusterClientImpl::execute(const std::vector<Command>& commands,
                                                        std::vector<Attempt> pending) {
  const Clock::time_point deadline = Clock::now() + options_.shard_deadline;
  Results results(commands.size());
  auto back_off = std::chrono::milliseconds(1);
  while (!pending.empty()) {
    Round round;
    pending = run_round(commands, std::move(pending), results, deadline, round);
    if (pending.empty()) break;
    if (Clock::now() >= deadline) {
      for (const Attempt& attempt : pending) {
        results[attempt.index] = shard_unavailable(attempt, options_.shard_deadline);
        for (size_t f : attempt.followers) results[f] = results[attempt.index];
      }
      break;
    }
    if (round.refresh) refresh_after_failure(deadline, round.failed_nodes);
    if (round.back_off) {
      std::this_thread::sleep_for(std::min<Clock::duration>(back_off, deadline - Clock::now()));
      back_off = std::min(back_off * 2, std::chrono::milliseconds(32));
    }
  }
  std::vector<Expected<Reply>> out;
  out.reserve(results.size());
  for (std::optional<Expected<Reply>>& result : results) out.push_back(std::move(*result));
  return out;
}

std::vector<Attempt> ClusterClientImpl::run_round(const std::vector<Command>& commands,
                                                  std::vector<Attempt> pending, Results& results,
                                                  Clock::time_point deadline, Round& round) {
  std::shared_ptr<const SlotMap> map = current_map();
  std::map<std::string, Flight> flights;
  for (Attempt& attempt : pending) {
    std::string address = attempt.address;
    if (address.empty()) {
      // A keyless command (key "") goes with slot 0. Give WAIT its write's key instead: then it
      // rides the same flight, on the same connection, right behind the write.
      uint16_t slot = key_slot(commands[attempt.index].key);
      const std::string* master = map->master_of(slot);
      if (master == nullptr) {  // a failover in progress: the map will name the new master
        attempt.last_error = "no master serves slot " + std::to_string(slot);
        round.refresh = round.back_off = true;
        round.again.push_back(std::move(attempt));
        continue;
      }
      address = *master;
    }
    Flight& flight = flights[address];
    flight.address = address;
    flight.attempts.push_back(&attempt);
  }

  // Send to every node that has a free connection, read them all, then wait for busy ones: a
  // node whose connections are all stuck delays only its own commands.
  std::vector<Flight*> waiting;
  for (auto& [address, flight] : flights) {
    flight.pool = pool(address);
    Expected<std::unique_ptr<Connection>> connection = flight.pool->acquire(deadline, false);
    if (!connection) {
      fail_rest(flight, 0, connection.status(), round);
    } else if (!*connection) {
      waiting.push_back(&flight);
    } else {
      flight.connection = std::move(*connection);
      send(flight, commands, deadline);
    }
  }
  for (auto& [address, flight] : flights) {
    if (flight.connection) receive(flight, results, round);
  }
  for (Flight* flight : waiting) {
    Expected<std::unique_ptr<Connection>> connection = flight->pool->acquire(deadline, true);
    if (!connection) {
      fail_rest(*flight, 0, connection.status(), round);
      continue;
    }
    flight->connection = std::move(*connection);
    send(*flight, commands, deadline);
    receive(*flight, results, round);
  }
  return std::move(round.again);
}

void ClusterClientImpl::send(Flight& flight, const std::vector<Command>& commands,
                             Clock::time_point deadline) {
  flight.connection->set_deadline(deadline);
  for (Attempt* attempt : flight.attempts) {
    if (attempt->asking) flight.connection->append({"ASKING"});
    flight.connection->append(commands[attempt->index].argv);
    for (size_t f : attempt->followers) flight.connection->append(commands[f].argv);
  }
  // A failed send shows up as a failed read in receive(), which fails the flight's attempts.
  (void)flight.connection->flush();
}

void ClusterClientImpl::receive(Flight& flight, Results& results, Round& round) {
  for (size_t i = 0; i < flight.attempts.size(); ++i) {
    Attempt& attempt = *flight.attempts[i];
    attempt.last_address = flight.address;
    Expected<Reply> asking = attempt.asking ? flight.connection->read() : Expected<Reply>(Reply{});
    Expected<Reply> reply = asking ? flight.connection->read() : asking.status();
    std::vector<Expected<Reply>> behind;
    for (size_t f = 0; reply && f < attempt.followers.size(); ++f) {
      behind.push_back(flight.connection->read());
      if (!behind.back()) reply = behind.back().status();
    }
    if (!reply) {
      fail_rest(flight, i, reply.status(), round);
      break;
    }
    // An ASK redirect holds for one try; a MOVED target too (the refreshed map takes over).
    attempt.asking = false;
    if (!attempt.pinned) attempt.address.clear();
    Redirect redirect = classify(*reply, flight.address);
    if (redirect.kind == ErrorKind::kNone ||
        (attempt.pinned && (redirect.kind == ErrorKind::kMoved || redirect.kind == ErrorKind::kAsk))) {
      results[attempt.index] = std::move(*reply);
      for (size_t f = 0; f < attempt.followers.size(); ++f) {
        results[attempt.followers[f]] = std::move(behind[f]);
      }
      continue;
    }
    // Redirected or refused: what rode behind it ran where it did not, and goes again with it.
    attempt.last_error = reply->str;
    if (redirect.kind == ErrorKind::kMoved || redirect.kind == ErrorKind::kAsk) {
      if (++attempt.redirects > options_.max_redirects) {
        results[attempt.index] = Status::error(
            ErrorCode::kUnavailable, "redis: more than " + std::to_string(options_.max_redirects) +
                                         " redirects (last: " + reply->str + ")");
        for (size_t f : attempt.followers) results[f] = results[attempt.index];
        continue;
      }
      attempt.address = redirect.address;
      attempt.asking = redirect.kind == ErrorKind::kAsk;
      round.refresh = round.refresh || redirect.kind == ErrorKind::kMoved;
    } else {
      round.back_off = true;
      round.refresh = round.refresh || redirect.kind == ErrorKind::kReadOnly ||
                      reply->str.starts_with("CLUSTERDOWN");
    }
    round.again.push_back(std::move(attempt));
  }
  flight.pool->release(std::move(flight.connection));
}

void ClusterClientImpl::fail_rest(Flight& flight, size_t from, const Status& why, Round& round) {
  // The node is gone or stuck: re-read the map (a replica may have taken over) and back off.
  round.refresh = round.back_off = true;
  round.failed_nodes.insert(flight.address);
  for (size_t i = from; i < flight.attempts.size(); ++i) {
    Attempt& attempt = *flight.attempts[i];
    attempt.last_address = flight.address;
    attempt.last_error = why.message();
    attempt.asking = false;
    if (!attempt.pinned) attempt.address.clear();
    round.again.push_back(std::move(attempt));
  }
}

}  // namespace gyrate::redis
