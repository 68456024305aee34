// Team accounts (pooled plans, T6): the helpers that let members live inside their team's
// AccountState (one unit of state, one lock): member lookup, per-member usage, seats, member
// balances and the identities a team owns. Internal to gyrate_engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/engine/account.hpp"
#include "gyrate/engine/engine.hpp"

namespace gyrate::engine {

// The member of the team `account` whose id is `id`; null when there is none.
TeamMember* find_member(AccountState& account, std::string_view id);
const TeamMember* find_member(const AccountState& account, std::string_view id);

// Who a request on `account` (the state the id resolved to) comes from: null for the account
// itself, the member otherwise. Refused when the id names neither (it moved to another team
// between the lookup and the lock: the caller may retry).
Expected<TeamMember*> requester(AccountState& account, std::string_view id);

// Requests by a team's own id are refused once it has members: all usage must be attributable
// to a member, or the per-member caps would be bypassed.
Status check_team_request(const AccountState& account, const TeamMember* member);

// Allowance units of `service` the member holds this period: committed plus what its open
// reservations hold, so concurrent sessions of one member never pass its cap (rule 12).
int64_t member_used(const AccountState& account, const TeamMember& member, uint16_t service);

// Adds a commit's debit to the member's period counter (the team's `used` counts it too).
void add_member_usage(TeamMember& member, uint16_t service, int64_t debit);

// True when some service block of the account's plan pools its allowance.
bool plan_is_pooled(const AccountState& account);

// The value of the int attribute `seats` for the account (provisioned, else its declared
// default); nullopt when the catalog declares no int attribute of that name.
std::optional<int64_t> seats(const AccountState& account);

// Refuses a team whose members the plan cannot hold: members on a plan that pools nothing, or
// more members than seats.
Status check_team(const AccountState& account);

// Every identity the state owns as (identity key, owner id): its own, owned by the account,
// and each member's, owned by the member's id.
std::vector<std::pair<std::string, std::string>> owned_identities(const AccountState& account);

// Per member (only `only` when given, else every member): used, reserved and per-member cap
// room of each service the plan rates, at time t.
std::vector<MemberBalance> member_balances(const AccountState& account, const TeamMember* only,
                                           int64_t t);

// Applies one member spec to `team` (a working copy of the team's state): checks the spec and
// adds the member, or replaces its identities when it is already a member (usage kept).
Status join_team(AccountState& team, const ProvisionSpec& spec);

// Takes the member out of its old team's working copy (moving to another team): its open
// reservations there are dropped, so their units go back to the old pool.
void leave_team(AccountState& team, std::string_view id);

}  // namespace gyrate::engine
