// Rating one request on an account: fills the context from the account's balances, asks the
// catalog for the decision and applies the engine's rules on top (spend cap with `charge`,
// rolling-window answers). Shared by the engine's calls and explain; internal to gyrate_engine.
#pragma once

#include <cstdint>
#include <string_view>

#include "gyrate/engine/account.hpp"
#include "gyrate/engine/request_context.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/int128.hpp"

namespace gyrate::engine {

// Clamps to int64 (amounts saturate rather than wrap).
int64_t saturate(lang::Int128 v);

// ceil(units x weight) in allowance units (rule 1: rounded up per debit).
int64_t weighted(int64_t units, int64_t weight);

// The decision for `requested` raw units of `service` on the account at t, and whether usage
// beyond the buckets is sold (the exhaust action is `charge`).
struct Rated {
  lang::Decision decision;
  bool charge = false;
};
Rated rate(const AccountState& account, uint32_t block, uint16_t service, int64_t model,
           int64_t requested, int64_t t, const TeamMember* member);

// The two halves of rate(), apart so that explain can show the context a decision read: the
// context filled from the account (balances, window counts, model, requested), then the
// decision on it.
RequestContext rating_context(const AccountState& account, uint32_t block, uint16_t service,
                              int64_t model, int64_t requested, int64_t t,
                              const TeamMember* member);
Rated rate_on(const AccountState& account, uint32_t block, uint16_t service,
              const RequestContext& ctx, int64_t t);

Answer answer_from(const lang::Decision& d);

// The model's index when it is a model of `service`; -1 (no model, weight 1: rule 1) otherwise.
int64_t model_index(const Catalog& catalog, std::string_view name, uint16_t service);

}  // namespace gyrate::engine
