// RedisStore: accounts in Redis Cluster, changed by the gyrate FUNCTION library and
// acknowledged after WAIT.
#include "gyrate/redis/redis_store.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "account_codec.hpp"
#include "gyrate/redis/store_functions.hpp"
#include "gyrate/redis/store_keys.hpp"

namespace gyrate::redis {
namespace {

using engine::AccountChange;
using engine::ApplyOutcome;
using engine::ApplyResult;

Status unavailable(std::string message) {
  return Status::error(ErrorCode::kUnavailable, std::move(message));
}

bool missing_function(const Reply& reply) {
  return reply.type == Reply::Type::kError &&
         reply.str.find("Function not found") != std::string::npos;
}

// The index entries an account owns, as "key\nvalue\n" lines (the `ids` field of its hash): each
// identity -> the id owning it (the account, or a team member as in the engine), and each team
// member's id -> the team.
std::string index_lines(const engine::AccountState& a) {
  std::string out;
  auto add = [&out](const std::string& key, const std::string& value) {
    out += key;
    out += '\n';
    out += value;
    out += '\n';
  };
  for (const engine::Identity& i : a.identities) add(identity_index_key(identity_key(i)), a.id);
  for (const engine::TeamMember& m : a.members) {
    add(member_index_key(m.id), a.id);
    for (const engine::Identity& i : m.identities) add(identity_index_key(identity_key(i)), m.id);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_index_lines(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    size_t key_end = text.find('\n');
    if (key_end == std::string_view::npos) break;
    size_t value_end = text.find('\n', key_end + 1);
    if (value_end == std::string_view::npos) break;
    out.emplace_back(std::string(text.substr(0, key_end)),
                     std::string(text.substr(key_end + 1, value_end - key_end - 1)));
    text.remove_prefix(value_end + 1);
  }
  return out;
}

// One account's gyrate_apply (redis/gyrate_functions.lua documents the arguments). It names the
// slot's outbox only when there are CDRs: a call naming the account alone is never refused while
// its slot moves to another master.
Command apply_command(const AccountChange& change, std::chrono::milliseconds answer_ttl) {
  const engine::AccountState& state = *change.state;
  const bool request = change.key && change.answer;
  std::string key = account_key(state.id);
  Command c;
  c.argv = {"FCALL", "gyrate_apply", change.cdrs.empty() ? "1" : "2", key};
  if (!change.cdrs.empty()) c.argv.push_back(outbox_key_of(state.id));
  c.argv.push_back(std::to_string(change.expected_revision));
  c.argv.push_back(std::to_string(state.revision));
  store::Account account;
  engine::codec::encode(state, account);
  c.argv.push_back(account.SerializeAsString());
  c.argv.push_back(request ? std::string() : index_lines(state));
  if (request) {
    store::Answer answer;
    engine::codec::encode(*change.answer, answer);
    c.argv.push_back(std::to_string(std::max<int64_t>(1, answer_ttl.count())));
    c.argv.push_back(request_field(*change.key));
    c.argv.emplace_back(engine::session_base(change.key->session));
    c.argv.push_back(answer.SerializeAsString());
  } else {
    c.argv.push_back("0");
    c.argv.insert(c.argv.end(), 3, std::string());
  }
  store::Cdr cdr;
  for (const engine::Cdr& x : change.cdrs) {
    engine::codec::encode(x, cdr);
    c.argv.push_back(cdr.SerializeAsString());
  }
  c.key = std::move(key);
  return c;
}

// What gyrate_apply and its WAIT did to one account.
struct Applied {
  enum class Kind : uint8_t { kApplied, kDuplicate, kConflict, kFailed } kind = Kind::kFailed;
  std::string previous_index;  // kApplied of a change without request
  engine::Answer stored;       // kDuplicate
  Status error;                // kFailed
  std::string node;            // the cluster id of the master that ran gyrate_apply
  bool missing_function = false;
};

Applied read_apply(const std::string& account, const Expected<Reply>& reply) {
  Applied out;
  if (!reply) {
    out.error = reply.status();
    return out;
  }
  const Reply& r = *reply;
  if (r.type == Reply::Type::kError) {
    out.missing_function = missing_function(r);
    out.error = unavailable("account '" + account + "': gyrate_apply: " + r.str);
    return out;
  }
  if (r.type != Reply::Type::kArray || r.elements.size() != 3) {
    out.error = Status::error(ErrorCode::kInternal,
                              "account '" + account + "': gyrate_apply answered no {verdict, value, node}");
    return out;
  }
  const std::string& verdict = r.elements[0].str;
  const std::string& value = r.elements[1].str;
  out.node = r.elements[2].str;
  if (verdict == "applied") {
    out.kind = Applied::Kind::kApplied;
    out.previous_index = value;
  } else if (verdict == "conflict") {
    out.kind = Applied::Kind::kConflict;
  } else if (verdict == "duplicate") {
    store::Answer answer;
    Expected<engine::Answer> decoded =
        answer.ParseFromString(value)
            ? engine::codec::decode(answer)
            : Expected<engine::Answer>(Status::error(ErrorCode::kCorrupt, "not a gyrate.store.Answer"));
    if (!decoded) {
      out.error = Status::error(ErrorCode::kCorrupt, "account '" + account + "': stored answer: " +
                                                         decoded.status().message());
      return out;
    }
    out.kind = Applied::Kind::kDuplicate;
    out.stored = std::move(*decoded);
  } else {
    out.error = Status::error(ErrorCode::kInternal,
                              "account '" + account + "': gyrate_apply answered '" + verdict + "'");
  }
  return out;
}

// A WAIT that reached fewer replicas than asked turns an applied change into a failure: its
// answer must not go out, since a failover could undo it. The change stays applied, so the
// caller's retry gets kDuplicate with the same answer (and waits again). So does a WAIT that ran
// on another master than the change: `node` is CLUSTER MYID from behind the WAIT. The client
// sends both behind the FCALL wherever it goes (Command::behind_previous); the check keeps an
// answer from going out should that ever break.
void check_wait(Applied& applied, const std::string& account, const Expected<Reply>& reply,
                const Expected<Reply>& node, const RedisStoreOptions& options) {
  if (applied.kind != Applied::Kind::kApplied && applied.kind != Applied::Kind::kDuplicate) return;
  std::string failure;
  if (!node || node->str != applied.node) {
    failure = "it ran on another master than the change (a redirect)";
  } else if (!reply) {
    failure = reply.status().message();
  } else if (reply->type == Reply::Type::kError) {
    failure = reply->str;
  } else if (reply->type != Reply::Type::kInteger || reply->integer < options.wait_replicas) {
    failure = "reached " + std::to_string(reply->integer) + " of " +
              std::to_string(options.wait_replicas) + " replicas within " +
              std::to_string(options.wait_timeout.count()) + " ms";
  } else {
    return;
  }
  applied.kind = Applied::Kind::kFailed;
  applied.error = unavailable("account '" + account + "': applied but not replicated (WAIT: " +
                              failure + "); a retry answers it as a duplicate");
}

}  // namespace

RedisStore::RedisStore(std::shared_ptr<ClusterClient> client, const RedisStoreOptions& options)
    : client_(std::move(client)), options_(options) {}

Expected<std::unique_ptr<RedisStore>> RedisStore::open(std::shared_ptr<ClusterClient> client,
                                                       const RedisStoreOptions& options) {
  if (!client) return Status::error(ErrorCode::kInvalidArgument, "no Redis Cluster client");
  std::unique_ptr<RedisStore> store(new RedisStore(std::move(client), options));
  if (Status s = store->ensure_functions(); !s) return s;
  return store;
}

Status RedisStore::ensure_functions() { return redis::ensure_functions(*client_); }

std::vector<Expected<Reply>> RedisStore::read_function(const std::vector<Command>& commands) {
  std::vector<Expected<Reply>> replies = client_->pipeline(commands);
  if (replies.front() && missing_function(*replies.front())) {
    // Nothing ran: load the library where a master lacks it and ask again.
    if (Status s = ensure_functions(); !s) return {s};
    replies = client_->pipeline(commands);
  }
  return replies;
}

Command RedisStore::wait_command() const {
  return Command{"",
                 {"WAIT", std::to_string(options_.wait_replicas),
                  std::to_string(options_.wait_timeout.count())},
                 true};
}

Expected<std::vector<engine::AccountState>> RedisStore::preload(
    const std::shared_ptr<const engine::Catalog>&) {
  return std::vector<engine::AccountState>();
}

Expected<engine::AccountState> RedisStore::load(
    std::string_view id, const std::shared_ptr<const engine::Catalog>& catalog) {
  std::string key = account_key(id);
  // WAIT behind the read: a state the replicas do not have yet (a change whose answer was held
  // back) may vanish in a failover, and a node deciding on it could later meet the same revision
  // number, written by another node, and overwrite that change. Redis 7.0 waits for the master's
  // whole replication offset even on a connection that wrote nothing (store_test checks it).
  std::vector<Command> commands{Command{key, {"FCALL_RO", "gyrate_load", "1", key}}};
  if (options_.wait_replicas > 0) commands.push_back(wait_command());
  std::vector<Expected<Reply>> replies = read_function(commands);
  const Expected<Reply>& reply = replies.front();
  if (!reply) return reply.status();
  if (replies.size() > 1) {
    const Expected<Reply>& waited = replies[1];
    if (!waited || waited->type != Reply::Type::kInteger ||
        waited->integer < options_.wait_replicas) {
      return unavailable("account '" + std::string(id) + "': its stored state has not reached " +
                         std::to_string(options_.wait_replicas) + " replica(s) within " +
                         std::to_string(options_.wait_timeout.count()) +
                         " ms (WAIT); a failover could undo it");
    }
  }
  if (reply->type == Reply::Type::kError) {
    return unavailable("account '" + std::string(id) + "': gyrate_load: " + reply->str);
  }
  if (reply->type != Reply::Type::kArray) {
    return Status::error(ErrorCode::kInternal, "gyrate_load answered no array");
  }
  if (reply->elements.empty()) {
    return Status::error(ErrorCode::kNotFound, "unknown account '" + std::string(id) + "'");
  }
  const std::string& rev = reply->elements[0].str;
  uint64_t revision = 0;
  store::Account stored;
  if (reply->elements.size() != 2 ||
      std::from_chars(rev.data(), rev.data() + rev.size(), revision).ec != std::errc() ||
      !stored.ParseFromString(reply->elements[1].str)) {
    return Status::error(ErrorCode::kCorrupt,
                         "account '" + std::string(id) + "': the stored state does not parse");
  }
  Expected<engine::AccountState> state = engine::codec::decode(stored, catalog, nullptr);
  if (!state) return state.status();
  state->revision = revision;  // the compare-and-set's revision, the one apply() expects back
  return state;
}

engine::ApplyResult RedisStore::apply(std::span<const AccountChange> changes) {
  bool missing = false;
  ApplyResult result = apply_once(changes, &missing);
  if (!missing) return result;
  // A master without the library (a new node, a failover to a replica that never synced it):
  // nothing ran there, so loading it and running the changes again is safe.
  if (Status s = ensure_functions(); !s) {
    result.outcome = ApplyOutcome::kUnavailable;
    result.error = s;
    return result;
  }
  return apply_once(changes, &missing);
}

engine::ApplyResult RedisStore::apply_once(std::span<const AccountChange> changes,
                                           bool* missing) {
  ApplyResult result;
  for (const AccountChange& c : changes) {
    if (c.state->revision <= c.expected_revision) {
      result.outcome = ApplyOutcome::kUnavailable;
      result.error = Status::error(ErrorCode::kInternal,
                                   "account '" + c.state->id + "': next revision " +
                                       std::to_string(c.state->revision) + " is not after " +
                                       std::to_string(c.expected_revision));
      return result;
    }
  }
  // FCALL, WAIT, CLUSTER MYID per account: the WAIT rides behind the FCALL on its connection,
  // also where an ASK sends it while the account's slot moves, so it covers that FCALL's write.
  const size_t per_change = options_.wait_replicas > 0 ? 3 : 1;
  std::vector<Command> commands;
  commands.reserve(changes.size() * per_change);
  for (const AccountChange& c : changes) {
    commands.push_back(apply_command(c, options_.answer_ttl));
    if (per_change == 3) {
      std::string key = commands.back().key;
      commands.push_back(wait_command());
      commands.push_back(Command{key, {"CLUSTER", "MYID"}, true});
    }
  }
  std::vector<Expected<Reply>> replies = client_->pipeline(commands);
  std::vector<Applied> applied;
  applied.reserve(changes.size());
  auto reply = [&replies](size_t i) {
    return i < replies.size() ? replies[i] : Expected<Reply>(unavailable("no reply"));
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    const std::string& id = changes[i].state->id;
    Applied a = read_apply(id, reply(i * per_change));
    *missing = *missing || a.missing_function;
    if (per_change == 3) {
      check_wait(a, id, reply(i * 3 + 1), reply(i * 3 + 2), options_);
    }
    applied.push_back(std::move(a));
  }
  // The identity index of what provisioning applied: new entries set, entries the account no
  // longer owns removed unless another account took them. Not atomic with the account (another
  // slot): provisioning again repairs an index that a failure here left behind.
  std::vector<Command> index;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].key || applied[i].kind != Applied::Kind::kApplied) continue;
    auto now = parse_index_lines(index_lines(*changes[i].state));
    for (const auto& [key, value] : now) index.push_back(Command{key, {"SET", key, value}});
    for (const auto& [key, value] : parse_index_lines(applied[i].previous_index)) {
      if (std::find(now.begin(), now.end(), std::pair(key, value)) != now.end()) continue;
      index.push_back(Command{key, {"FCALL", "gyrate_unindex", "1", key, value}});
    }
  }
  Status index_error;
  for (const Expected<Reply>& r : client_->pipeline(index)) {
    if (!r) index_error = r.status();
    else if (r->type == Reply::Type::kError) index_error = unavailable("identity index: " + r->str);
  }

  size_t done = 0;
  const Applied* failed = nullptr;
  const Applied* conflict = nullptr;
  for (const Applied& a : applied) {
    if (a.kind == Applied::Kind::kApplied || a.kind == Applied::Kind::kDuplicate) ++done;
    if (a.kind == Applied::Kind::kFailed && !failed) failed = &a;
    if (a.kind == Applied::Kind::kConflict && !conflict) conflict = &a;
  }
  if (changes.size() == 1 && applied[0].kind == Applied::Kind::kDuplicate) {
    result.outcome = ApplyOutcome::kDuplicate;
    result.stored = applied[0].stored;
    return result;
  }
  if (done == changes.size()) {
    if (!index_error) {
      result.outcome = ApplyOutcome::kUnavailable;
      result.error = unavailable("applied, but the identity index was not updated (" +
                                 index_error.message() + "); provision again");
    }
    return result;
  }
  if (done == 0 && !failed) {
    result.outcome = ApplyOutcome::kConflict;
    return result;
  }
  // A batch across slots cannot be atomic in Redis Cluster: each account was applied or not on
  // its own. Running the same batch again completes it (an account already holding the state
  // the batch gives it counts as applied).
  result.outcome = ApplyOutcome::kUnavailable;
  std::string why = failed ? failed->error.message() : "an account changed elsewhere";
  result.error = done == 0 ? (failed ? failed->error : unavailable(why))
                           : unavailable(std::to_string(done) + " of " +
                                         std::to_string(changes.size()) +
                                         " accounts applied, the others not (" + why +
                                         "); run the batch again to complete it");
  return result;
}

Status RedisStore::checkpoint(const engine::AccountSource&) { return Status::ok(); }

Expected<std::optional<std::string>> RedisStore::get_index(const std::string& key) {
  Expected<Reply> reply = client_->run(Command{key, {"GET", key}});
  if (!reply) return reply.status();
  if (reply->type == Reply::Type::kNil) return std::optional<std::string>();
  if (reply->type != Reply::Type::kString) return unavailable(key + ": GET: " + reply->str);
  return std::optional<std::string>(reply->str);
}

Expected<std::optional<std::string>> RedisStore::find_by_identity(
    const engine::Identity& identity) {
  return get_index(identity_index_key(identity_key(identity)));
}

Expected<std::optional<std::string>> RedisStore::team_of(std::string_view id) {
  return get_index(member_index_key(id));
}

Expected<std::optional<std::string>> RedisStore::account_of(std::string_view id) {
  Expected<std::optional<std::string>> team = team_of(id);
  if (!team || *team) return team;
  return std::optional<std::string>(std::string(id));
}

Expected<std::optional<std::string>> RedisStore::identity_owner(std::string_view identity_key) {
  return get_index(identity_index_key(identity_key));
}

Expected<bool> RedisStore::answered_session(std::string_view account, std::string_view session) {
  std::string key = account_key(account);
  Expected<Reply> reply = std::move(read_function(
      {Command{key, {"FCALL_RO", "gyrate_answered", "1", key, std::string(session)}}}).front());
  if (!reply) return reply.status();
  if (reply->type != Reply::Type::kInteger) {
    return unavailable(key + ": gyrate_answered: " + reply->str);
  }
  return reply->integer > 0;
}

}  // namespace gyrate::redis
