// Team accounts: members inside their team's state, per-member usage and cap room, seats, and
// the checks a member spec and a team pass before a batch applies them.
#include "team.hpp"

#include <algorithm>
#include <limits>

#include "renewal.hpp"

namespace gyrate::engine {

namespace {

bool id_less(const TeamMember& m, std::string_view id) { return m.id < id; }

}  // namespace

TeamMember* find_member(AccountState& account, std::string_view id) {
  // join_team keeps members sorted by id, so a request finds its member in O(log n) in a team
  // of a thousand seats; a state built elsewhere in another order is still searched in full.
  CompactVector<TeamMember>& members = account.members;
  auto at = std::lower_bound(members.begin(), members.end(), id, id_less);
  if (at != members.end() && at->id == id) return &*at;
  auto it = std::find_if(members.begin(), members.end(),
                         [&](const TeamMember& m) { return m.id == id; });
  return it == members.end() ? nullptr : &*it;
}

const TeamMember* find_member(const AccountState& account, std::string_view id) {
  return find_member(const_cast<AccountState&>(account), id);
}

Expected<TeamMember*> requester(AccountState& account, std::string_view id) {
  if (id == account.id) return static_cast<TeamMember*>(nullptr);
  if (TeamMember* m = find_member(account, id)) return m;
  return Status::error(ErrorCode::kUnavailable,
                       "'" + std::string(id) + "' left team '" + account.id + "' during the call");
}

Status check_team_request(const AccountState& account, const TeamMember* member) {
  if (member != nullptr || account.members.empty()) return Status::ok();
  return Status::error(ErrorCode::kFailedPrecondition,
                       "team '" + account.id + "' has members: a request names one of them");
}

int64_t member_used(const AccountState& account, const TeamMember& member, uint16_t service) {
  int64_t held = service < member.used.size() ? member.used[service] : 0;
  for (const Reservation& r : account.reservations) {
    if (r.service == service && r.member == member.id) held += r.debit;
  }
  return held;
}

void add_member_usage(TeamMember& member, uint16_t service, int64_t debit) {
  if (service >= member.used.size()) member.used.resize(service + 1u, 0);
  int64_t sum;
  member.used[service] = __builtin_add_overflow(member.used[service], debit, &sum)
                             ? std::numeric_limits<int64_t>::max()
                             : sum;
}

bool plan_is_pooled(const AccountState& account) {
  const lang::ir::Program& program = account.catalog->program();
  const std::vector<uint32_t>& blocks = account.plan_ir().service_blocks;
  return std::any_of(blocks.begin(), blocks.end(),
                     [&](uint32_t b) { return program.blocks[b].pooled; });
}

std::optional<int64_t> seats(const AccountState& account) {
  const lang::ir::Program& program = account.catalog->program();
  auto declared = std::find_if(program.attributes.begin(), program.attributes.end(),
                               [](const lang::ir::Attribute& a) {
                                 return a.name == "seats" && a.type.kind == lang::TypeKind::kInt;
                               });
  if (declared == program.attributes.end()) return std::nullopt;
  for (const auto& [slot, value] : account.resolved) {
    if (slot == declared->slot) return value;
  }
  return declared->default_value;
}

Status check_team(const AccountState& account) {
  if (account.members.empty()) return Status::ok();
  if (!plan_is_pooled(account)) {
    return Status::error(ErrorCode::kFailedPrecondition,
                         "team '" + account.id + "' is on plan '" + account.plan_name() +
                             "', which pools no allowance: it cannot have members");
  }
  std::optional<int64_t> n = seats(account);
  if (n && static_cast<int64_t>(account.members.size()) > *n) {
    return Status::error(ErrorCode::kResourceExhausted,
                         "team '" + account.id + "' has " + std::to_string(*n) + " seats and " +
                             std::to_string(account.members.size()) +
                             " members: provision more seats first");
  }
  return Status::ok();
}

std::vector<std::pair<std::string, std::string>> owned_identities(const AccountState& account) {
  std::vector<std::pair<std::string, std::string>> owned;
  for (const Identity& i : account.identities) owned.emplace_back(identity_key(i), account.id);
  for (const TeamMember& m : account.members) {
    for (const Identity& i : m.identities) owned.emplace_back(identity_key(i), m.id);
  }
  return owned;
}

std::vector<MemberBalance> member_balances(const AccountState& account, const TeamMember* only,
                                           int64_t t) {
  const Catalog& catalog = *account.catalog;
  const lang::ir::Program& program = catalog.program();
  RequestContext ctx = catalog.new_context(t);
  fill_account_context(account, ctx, t);
  std::vector<MemberBalance> out;
  for (const TeamMember& m : account.members) {
    if (only != nullptr && only != &m) continue;
    MemberBalance mb{m.id, {}};
    for (uint32_t block : account.plan_ir().service_blocks) {
      uint16_t s = program.blocks[block].service;
      fill_service_context(account, ctx, s, t, &m);
      MemberServiceBalance sb;
      sb.service = program.services[s].name;
      sb.used = s < m.used.size() ? m.used[s] : 0;
      sb.reserved = member_used(account, m, s) - sb.used;
      if (std::optional<int64_t> cap = block_value(catalog, block, lang::ir::Role::kMemberCap, ctx)) {
        sb.cap_room = std::max<int64_t>(*cap - sb.used - sb.reserved, 0);
      }
      mb.services.push_back(std::move(sb));
    }
    out.push_back(std::move(mb));
  }
  return out;
}

Status join_team(AccountState& team, const ProvisionSpec& spec) {
  auto refuse = [&](ErrorCode code, const std::string& why) {
    return Status::error(code, "member '" + spec.id + "': " + why);
  };
  if (spec.id.empty()) return Status::error(ErrorCode::kInvalidArgument, "empty member id");
  if (!spec.plan.empty() && spec.plan != team.plan_name()) {
    return refuse(ErrorCode::kInvalidArgument, "plan '" + spec.plan + "' is not team '" +
                                                   team.id + "''s plan '" + team.plan_name() + "'");
  }
  if (!spec.attributes.empty()) {
    return refuse(ErrorCode::kInvalidArgument,
                  "a member has no attributes of its own (the team's apply)");
  }
  if (!plan_is_pooled(team)) {
    return refuse(ErrorCode::kFailedPrecondition,
                  "team '" + team.id + "' is on plan '" + team.plan_name() +
                      "', which pools no allowance");
  }
  std::vector<Identity> identities;
  for (const Identity& given : spec.identities) {
    Expected<Identity> identity = make_identity(given.type, given.value);
    if (!identity) return refuse(identity.status().code(), identity.status().message());
    if (std::find(identities.begin(), identities.end(), *identity) != identities.end()) {
      return refuse(ErrorCode::kInvalidArgument, identity_key(*identity) + " is given twice");
    }
    identities.push_back(std::move(*identity));
  }
  if (TeamMember* m = find_member(team, spec.id)) {
    m->identities = std::move(identities);  // provisioned again: its usage this period stays
  } else {
    auto at = std::lower_bound(team.members.begin(), team.members.end(), spec.id, id_less);
    TeamMember joined;
    joined.id = spec.id;
    joined.identities = std::move(identities);
    joined.used.assign(team.catalog->program().services.size(), 0);
    team.members.insert(at, std::move(joined));
  }
  ++team.revision;
  return Status::ok();
}

void leave_team(AccountState& team, std::string_view id) {
  erase_if(team.members, [&](const TeamMember& m) { return m.id == id; });
  erase_if(team.reservations, [&](const Reservation& r) { return r.member == id; });
  ++team.revision;
}

}  // namespace gyrate::engine
