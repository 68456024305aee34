// The embedded store's journal record, gyrate.store.AccountChanges, encoded by hand: the same
// bytes as codec::encode + SerializeToString (journal_record_test checks it on every change of a
// random workload), without building a message per call. A field added to account.proto must be
// added here too. Internal to gyrate_engine.
#pragma once

#include <span>
#include <string>

#include "gyrate/engine/store.hpp"

namespace gyrate::engine::journal_record {

// Appends the record of `changes` to `out`.
void encode(std::span<const AccountChange> changes, std::string& out);

}  // namespace gyrate::engine::journal_record
