// EmbeddedStore: the default AccountStore. The accounts live in the engine's memory; every
// change is one journal record (the full next state of each account it touched, the answer and
// the CDRs, encoded by hand: journal_record.hpp), durable before apply() returns. Start-up is the newest snapshot plus the records
// after it; a checkpoint writes a snapshot and exports the CDRs it covers to files
// (docs/engine.md, "Store").
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gyrate/engine/journal.hpp"
#include "gyrate/engine/store.hpp"

namespace gyrate::engine {

class EmbeddedStore final : public AccountStore {
 public:
  // Opens the journal in `dir` (creating it) and replays it; CDR export files go to dir/cdr/.
  // A corrupt record in the middle fails with kCorrupt and its offset unless options.salvage.
  static Expected<std::unique_ptr<EmbeddedStore>> open(const std::filesystem::path& dir,
                                                       const JournalOptions& options);
  ~EmbeddedStore() override;

  Expected<std::vector<AccountState>> preload(
      const std::shared_ptr<const Catalog>& catalog) override;
  Expected<AccountState> load(std::string_view id,
                              const std::shared_ptr<const Catalog>& catalog) override;
  ApplyResult apply(std::span<const AccountChange> changes) override;
  Status checkpoint(const AccountSource& accounts) override;
  // The journal's newest appended sequence; when_durable waits for its commit.
  uint64_t durability_point() const override;
  void when_durable(uint64_t point, std::function<void(const Status&)> done) override;

  // What start-up found (torn tail dropped, salvaged ranges) plus preload's warnings (an account
  // moved to another version of its plan because the catalog lacks its own).
  const RecoveryReport& recovery() const;
  const std::vector<std::string>& warnings() const { return warnings_; }
  JournalStats journal_stats() const;
  // CDRs durable in the journal but not yet in an export file, oldest first (read back from
  // the journal; empty if it cannot be read).
  std::vector<Cdr> pending_cdrs() const;
  // Export files so far (dir/cdr/cdrs-<last sequence>.jsonl and .pb), oldest first.
  std::vector<std::filesystem::path> cdr_files() const;

 private:
  struct Recovered;
  explicit EmbeddedStore(std::filesystem::path dir);

  const std::filesystem::path dir_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<Recovered> recovered_;  // replayed protos, until preload() takes them
  std::vector<std::string> warnings_;
  // The CDRs of records after `after` up to `last`, read back from the journal, which is where
  // CDRs wait for their export: keeping them in memory too cost more than encoding them.
  Expected<std::vector<Cdr>> journal_cdrs(uint64_t after, uint64_t last) const;

  mutable std::mutex checkpoint_mutex_;  // one checkpoint at a time; guards cdrs_exported_
  uint64_t cdrs_exported_ = 0;           // the last sequence whose CDRs are in an export file
};

}  // namespace gyrate::engine
