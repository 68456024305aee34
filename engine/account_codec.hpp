// The store's encoding of accounts, answers and CDRs (proto/gyrate/account.proto). Services are
// written by name and read back by name against the catalog the engine runs, so a state written
// under one catalog version loads under another that still has its services. Internal to
// gyrate_engine.
#pragma once

#include <memory>

#include "gyrate/account.pb.h"
#include "gyrate/base/status.hpp"
#include "gyrate/engine/account.hpp"
#include "gyrate/engine/store.hpp"

namespace gyrate::engine::codec {

void encode(const AccountState& account, store::Account& out);
// The account on `catalog`: its plan version if the catalog has it, else the plan's newest
// version (a warning for the operator in *warning). Reservations rate on that catalog too.
// kNotFound when the catalog lacks the plan; kCorrupt when a field is out of range.
Expected<AccountState> decode(const store::Account& in,
                              const std::shared_ptr<const Catalog>& catalog,
                              std::string* warning);

void encode(const RequestKey& key, store::RequestKey& out);
Expected<RequestKey> decode(const store::RequestKey& in);
void encode(const Answer& answer, store::Answer& out);
Expected<Answer> decode(const store::Answer& in);
void encode(const Cdr& cdr, store::Cdr& out);
Cdr decode(const store::Cdr& in);

}  // namespace gyrate::engine::codec
