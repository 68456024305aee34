// EmbeddedStore: accounts in the engine's memory, every change a journal record, snapshots and
// CDR export at checkpoints.
#include "gyrate/engine/embedded_store.hpp"

#include <algorithm>

#include "account_codec.hpp"
#include "gyrate/engine/cdr_files.hpp"
#include "journal_record.hpp"

namespace gyrate::engine {
namespace {

Status corrupt_record(uint64_t sequence, const std::string& what) {
  return Status::error(ErrorCode::kCorrupt,
                       "journal record " + std::to_string(sequence) + ": " + what);
}

}  // namespace

// What replay built, as protos: the newest state of every account and the answers it keeps.
struct EmbeddedStore::Recovered {
  StringMap<store::StoredAccount> accounts;
};

EmbeddedStore::EmbeddedStore(std::filesystem::path dir)
    : dir_(std::move(dir)), recovered_(std::make_unique<Recovered>()) {}

EmbeddedStore::~EmbeddedStore() = default;

Expected<std::unique_ptr<EmbeddedStore>> EmbeddedStore::open(const std::filesystem::path& dir,
                                                             const JournalOptions& options) {
  std::unique_ptr<EmbeddedStore> store(new EmbeddedStore(dir));
  EmbeddedStore& s = *store;
  // An export file written just before a crash, whose snapshot never was, covers CDRs that the
  // records replayed below carry again: they are in that file already.
  std::vector<std::pair<uint64_t, std::filesystem::path>> files = engine::cdr_files(dir / "cdr");
  s.cdrs_exported_ = files.empty() ? 0 : files.back().first;

  RecoveryHandlers handlers;
  handlers.on_snapshot = [&s](uint64_t covered, std::string_view bytes) -> Status {
    store::StoreSnapshot snapshot;
    if (!snapshot.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Status::error(ErrorCode::kCorrupt,
                           "snapshot " + std::to_string(covered) + " is not a gyrate.store.StoreSnapshot");
    }
    s.cdrs_exported_ = std::max(s.cdrs_exported_, snapshot.cdrs_exported());
    for (store::StoredAccount& a : *snapshot.mutable_accounts()) {
      std::string id = a.state().id();
      s.recovered_->accounts[id] = std::move(a);
    }
    return Status::ok();
  };
  handlers.on_record = [&s](const JournalEntry& entry) -> Status {
    store::AccountChanges record;
    if (!record.ParseFromArray(entry.body.data(), static_cast<int>(entry.body.size()))) {
      return corrupt_record(entry.sequence, "not a gyrate.store.AccountChanges");
    }
    for (store::AccountChange& change : *record.mutable_changes()) {
      store::StoredAccount& stored = s.recovered_->accounts[change.state().id()];
      // A snapshot is taken while requests run, so an account in it may already be newer than
      // the record: a state never goes back to an older revision.
      if (!stored.has_state() || change.state().revision() >= stored.state().revision()) {
        *stored.mutable_state() = std::move(*change.mutable_state());
      }
      if (change.has_key()) {
        store::AnsweredRequest* answered = stored.add_answered();
        *answered->mutable_key() = std::move(*change.mutable_key());
        *answered->mutable_answer() = std::move(*change.mutable_answer());
      }
    }
    return Status::ok();
  };
  Expected<std::unique_ptr<Journal>> journal = Journal::open(dir, options, handlers);
  if (!journal) return journal.status();
  s.journal_ = std::move(*journal);
  return store;
}

Expected<std::vector<AccountState>> EmbeddedStore::preload(
    const std::shared_ptr<const Catalog>& catalog) {
  std::vector<AccountState> out;
  if (!recovered_) return out;
  out.reserve(recovered_->accounts.size());
  for (auto& [id, stored] : recovered_->accounts) {
    std::string warning;
    Expected<AccountState> a = codec::decode(stored.state(), catalog, &warning);
    if (!a) return a.status();
    if (!warning.empty()) warnings_.push_back(std::move(warning));
    for (const store::AnsweredRequest& r : stored.answered()) {
      Expected<RequestKey> key = codec::decode(r.key());
      Expected<Answer> answer = codec::decode(r.answer());
      if (!key) return key.status();
      if (!answer) return answer.status();
      a->answered.add(std::move(*key), std::move(*answer));
    }
    out.push_back(std::move(*a));
  }
  recovered_.reset();
  return out;
}

Expected<AccountState> EmbeddedStore::load(std::string_view id,
                                           const std::shared_ptr<const Catalog>&) {
  return Status::error(ErrorCode::kNotFound,
                       "unknown account '" + std::string(id) + "' (the embedded store holds every account in memory)");
}

ApplyResult EmbeddedStore::apply(std::span<const AccountChange> changes) {
  thread_local std::string body;  // reused per thread: keeps its capacity between calls
  body.clear();
  journal_record::encode(changes, body);
  Expected<uint64_t> sequence =
      DeferDurability::active() ? journal_->append_deferred(body) : journal_->append(body);
  ApplyResult result;
  if (!sequence) {
    result.outcome = ApplyOutcome::kUnavailable;
    result.error = sequence.status();
  }
  return result;
}

uint64_t EmbeddedStore::durability_point() const { return journal_->appended_sequence(); }

void EmbeddedStore::when_durable(uint64_t point, std::function<void(const Status&)> done) {
  journal_->when_durable(point, std::move(done));
}

Expected<std::vector<Cdr>> EmbeddedStore::journal_cdrs(uint64_t after, uint64_t last) const {
  std::vector<Cdr> out;
  store::AccountChanges record;
  Status status = journal_->read_records(after, last, [&](const JournalEntry& entry) -> Status {
    if (!record.ParseFromArray(entry.body.data(), static_cast<int>(entry.body.size()))) {
      return corrupt_record(entry.sequence, "not a gyrate.store.AccountChanges");
    }
    for (const store::AccountChange& change : record.changes()) {
      for (const store::Cdr& c : change.cdrs()) {
        out.push_back(codec::decode(c));
        out.back().sequence = entry.sequence;
      }
    }
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return out;
}

Status EmbeddedStore::checkpoint(const AccountSource& accounts) {
  std::lock_guard serial(checkpoint_mutex_);
  // Every record up to `covered` is acknowledged, so the engine installed it before it let go of
  // the account's lock: visiting each account under its lock after this point sees it.
  uint64_t covered = journal_->last_sequence();
  store::StoreSnapshot snapshot;
  accounts([&snapshot](const AccountState& a) {
    store::StoredAccount* out = snapshot.add_accounts();
    codec::encode(a, *out->mutable_state());
    a.answered.for_each([out](const RequestKey& key, const Answer& answer) {
      store::AnsweredRequest* r = out->add_answered();
      codec::encode(key, *r->mutable_key());
      codec::encode(answer, *r->mutable_answer());
    });
  });
  Expected<std::vector<Cdr>> exported = journal_cdrs(cdrs_exported_, covered);
  if (!exported) return exported.status();
  if (!exported->empty()) {
    if (Status s = write_cdr_files(dir_ / "cdr", *exported, covered, true); !s) return s;
  }
  snapshot.set_cdrs_exported(covered);
  if (Status s = journal_->write_snapshot(snapshot.SerializeAsString(), covered); !s) return s;
  cdrs_exported_ = std::max(cdrs_exported_, covered);
  return Status::ok();
}

const RecoveryReport& EmbeddedStore::recovery() const { return journal_->recovery(); }

JournalStats EmbeddedStore::journal_stats() const { return journal_->stats(); }

std::vector<Cdr> EmbeddedStore::pending_cdrs() const {
  std::lock_guard lock(checkpoint_mutex_);
  Expected<std::vector<Cdr>> pending = journal_cdrs(cdrs_exported_, journal_->last_sequence());
  return pending ? std::move(*pending) : std::vector<Cdr>();
}

std::vector<std::filesystem::path> EmbeddedStore::cdr_files() const {
  std::vector<std::filesystem::path> out;
  for (auto& [sequence, file] : engine::cdr_files(dir_ / "cdr")) out.push_back(std::move(file));
  return out;
}

}  // namespace gyrate::engine
