// Provisioning team members (part of Engine::provision_all): each member spec is applied to a
// working copy of its team's state, so the batch stays all or nothing and a team with its
// members stays one unit of state.
#include "gyrate/engine/engine.hpp"
#include "team.hpp"

namespace gyrate::engine {

void Engine::provision_members(const std::vector<ProvisionSpec>& specs,
                               std::vector<std::shared_ptr<Slot>>& slots,
                               std::vector<AccountState>& next,
                               std::vector<ProvisionFailure>& refused,
                               const std::function<void(Slot&)>& lock) {
  // Team id -> its working state's index in `next`: the team's own spec when the batch
  // provisions it (team first or not), else a copy of its current state appended to the batch.
  StringMap<size_t> working;
  StringMap<size_t> first;  // id -> its first spec: a later one is refused as given twice
  for (size_t j = 0; j < specs.size(); ++j) {
    bool fresh = first.try_emplace(specs[j].id, j).second;
    if (fresh && specs[j].team.empty()) working.emplace(specs[j].id, j);
  }
  std::vector<size_t> cause(next.size());  // per working state: the last spec that changed it
  for (size_t j = 0; j < cause.size(); ++j) cause[j] = j;
  auto team_state = [&](const std::string& id) -> Expected<size_t> {
    if (auto it = working.find(id); it != working.end()) return it->second;
    Expected<std::shared_ptr<Slot>> found = find(id);
    if (!found) return found.status();
    std::shared_ptr<Slot> slot = *found;
    if (!slot) return Status::error(ErrorCode::kNotFound, "unknown team '" + id + "'");
    lock(*slot);
    if (slot->state.id != id) {
      return Status::error(ErrorCode::kNotFound, "'" + id + "' is a member of team '" +
                                                     slot->state.id + "', not a team");
    }
    slots.push_back(slot);
    next.push_back(slot->state);
    cause.push_back(0);
    working.emplace(id, next.size() - 1);
    return next.size() - 1;
  };

  for (size_t i = 0; i < specs.size(); ++i) {
    const ProvisionSpec& spec = specs[i];
    if (spec.team.empty() || first.at(spec.id) != i) continue;  // an account, or given twice
    auto refuse = [&](Status s) { refused.push_back({i, std::move(s)}); };
    if (spec.team == spec.id) {
      refuse(Status::error(ErrorCode::kInvalidArgument,
                           "member '" + spec.id + "' cannot be its own team"));
      continue;
    }
    Expected<size_t> team = team_state(spec.team);
    if (!team) {
      refuse(Status::error(team.status().code(),
                           "member '" + spec.id + "': " + team.status().message()));
      continue;
    }
    if (next[*team].id.empty()) continue;  // the team's own spec was refused: the batch fails
    Expected<std::shared_ptr<Slot>> found = find(spec.id);
    if (!found) {
      refuse(found.status());
      continue;
    }
    std::shared_ptr<Slot> current = *found;
    if (current) {
      lock(*current);
      const std::string& holder = current->state.id;
      if (holder == spec.id) {
        refuse(Status::error(ErrorCode::kAlreadyExists,
                             "member '" + spec.id + "': an account has this id"));
        continue;
      }
      if (holder != spec.team) {
        // Moving to another team: it leaves the old team's state, whose pool it drew on.
        Expected<size_t> old = team_state(holder);
        if (!old) {
          refuse(old.status());
          continue;
        }
        leave_team(next[*old], spec.id);
        cause[*old] = i;
      }
    }
    if (Status s = join_team(next[*team], spec); !s) {
      refuse(std::move(s));
      continue;
    }
    cause[*team] = i;
  }

  for (size_t k = 0; k < next.size(); ++k) {
    if (next[k].id.empty()) continue;  // a member spec, or a refused one
    if (Status s = check_team(next[k]); !s) refused.push_back({cause[k], std::move(s)});
  }
}

}  // namespace gyrate::engine
