// Lazy renewal (rules 6-9, 11): the boundaries an account has passed since its last touch, applied
// in order, and the context fields every decision on the account reads. Internal to gyrate_engine.
#pragma once

#include <cstdint>
#include <optional>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/account.hpp"
#include "gyrate/engine/request_context.hpp"

namespace gyrate::engine {

// Parses the account's (name, text) attributes by the declarations of its catalog into
// AccountState::resolved; refuses an unknown attribute or a bad value by name.
Status resolve_attributes(AccountState& account);

// Writes time, attributes and the plan-level builtins (spend, period_index, days_left,
// billing_day) for time t.
void fill_account_context(const AccountState& account, RequestContext& ctx, int64_t t);
// Writes the service-relative builtins (used, remaining, period_allowance, member_used).
// `member_used` is the member's (team.hpp) for a team member's request, else `used`.
void fill_service_context(const AccountState& account, RequestContext& ctx, uint16_t service,
                          int64_t t, const TeamMember* member = nullptr);

// The value of the block's first function with `role` (aux 0), when it matched; nullopt when
// there is none, it did not match, or the block faulted.
std::optional<int64_t> block_value(const Catalog& catalog, uint32_t block, lang::ir::Role role,
                                   const RequestContext& ctx);

// The value of rolling-window limit `index` of the block, when it exists and matched.
std::optional<int64_t> window_limit(const Catalog& catalog, uint32_t block, size_t index,
                                    const RequestContext& ctx);

// Opens `span` (rule 7): charges its fee, renews every allowance in full, resets the counters and
// grants the promos whose `when` now holds and that the account never had. `at` is when the
// grants start (the activation for period 0, else the span's start).
void open_period(AccountState& account, const PeriodSpan& span, int64_t at);

// Moves the account onto `plan` of `catalog` (another catalog object or plan version): its
// attributes are resolved again and every per-service index (buckets, counters, windows,
// reservations) is carried over by service name; what names a service the new catalog lacks
// goes. False, and nothing changed, when its attributes do not resolve in the new catalog.
bool rebase(AccountState& account, const std::shared_ptr<const Catalog>& catalog, uint32_t plan);

// Brings the account to time t: moves it to `latest` when that holds its plan version (a
// reload), releases reservations whose expiry passed, applies every period boundary in
// (last_time, t] in order (rollover of the closing period, a version switch rule 20 allows,
// then open_period), and drops expired buckets. Does not move last_time. `latest` may be null.
void renew(AccountState& account, int64_t t, const std::shared_ptr<const Catalog>& latest);

}  // namespace gyrate::engine
