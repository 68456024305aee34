// A scripted month of usage played through engine::Engine: see month_demo.hpp.
#include "month_demo.hpp"

#include <algorithm>

#include "gyrate/diameter/result_code.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/decision.hpp"

namespace gyrate::tools {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;

using engine::Answer;
using engine::Balances;
using lang::Limiter;
using lang::Outcome;

// One scripted request: when, and which usage pattern sends it.
struct Request {
  int64_t time = 0;
  size_t pattern = 0;
};

// The requests of one local day (starting at `midnight`, unix seconds) in time order, each
// pattern's spread evenly over its hours; equal times keep the patterns' order.
std::vector<Request> day_requests(const std::vector<UsagePattern>& usage, int64_t midnight) {
  std::vector<Request> out;
  for (size_t p = 0; p < usage.size(); ++p) {
    const UsagePattern& u = usage[p];
    int span_minutes = (u.last_hour - u.first_hour + 1) * 60;
    for (int k = 0; k < u.requests_per_day; ++k) {
      int64_t minute = u.first_hour * 60 + (k * span_minutes) / std::max(1, u.requests_per_day);
      out.push_back({midnight + minute * 60, p});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Request& a, const Request& b) { return a.time < b.time; });
  return out;
}

// "4012 exhausted (balance), redirect https://..." for a refusal; "final units (balance), ..."
// for the last grant before one.
std::string refusal_text(const Answer& a) {
  std::string s = a.outcome == Outcome::kGranted
                      ? std::string("final units")
                      : std::to_string(diameter::code_value(diameter::result_code(a.outcome))) +
                            " " + lang::outcome_name(a.outcome);
  if (a.limiter != Limiter::kNone && a.limiter != Limiter::kRule) {
    s += std::string(" (") + lang::limiter_name(a.limiter) + ")";
  }
  if (a.has_final_action) {
    s += std::string(", ") + lang::ast::action_spelling(a.final_action);
    if (!a.final_action_argument.empty()) s += " " + a.final_action_argument;
  }
  return s;
}

const engine::ServiceBalance* find_balance(const Balances& b, const std::string& service) {
  for (const auto& s : b.services) {
    if (s.service == service) return &s;
  }
  return nullptr;
}

// Local midnight (unix seconds) of local day `date` in a zone `tz_minutes` east of UTC.
int64_t local_midnight(int64_t date, int32_t tz_minutes) {
  return date * kSecondsPerDay - int64_t{tz_minutes} * 60;
}

// The same day of the next month (the 31st becomes the month's last day): the demo plays at
// most one calendar month of a period.
int64_t one_month_later(const lang::calendar::CivilDate& d) {
  int64_t year = d.month == 12 ? d.year + 1 : d.year;
  int month = d.month == 12 ? 1 : d.month + 1;
  int64_t day = lang::calendar::anchored_day_in_month(year, month, d.day);
  return lang::calendar::days_from_civil({year, month, static_cast<int>(day)});
}

// Plays one subscriber's script against the engine and collects what the engine answers.
class Player {
 public:
  Player(engine::Engine& engine, const engine::Catalog& catalog, const ScriptedSubscriber& sub,
         uint64_t* decisions)
      : engine_(engine), catalog_(catalog), sub_(sub), decisions_(decisions) {}

  Expected<SubscriberReport> play() {
    const lang::ir::Program& program = catalog_.program();
    int32_t tz = program.timezone_offset_minutes;
    report_.name = sub_.name;
    report_.plan = sub_.plan;
    int64_t first_day = lang::calendar::days_from_civil(sub_.joined);
    int64_t activation = local_midnight(first_day, tz);
    engine::ProvisionSpec spec;
    spec.id = sub_.name;
    spec.plan = sub_.plan;
    spec.activation = activation;
    spec.billing_day = sub_.billing_day;
    spec.attributes = sub_.attributes;
    if (Status s = engine_.provision(spec); !s) return s;

    // One row per service the script uses, in the order it first names them.
    for (const UsagePattern& u : sub_.usage) {
      std::optional<uint16_t> svc = catalog_.service(u.service);
      if (!svc || row(u.service) != nullptr) continue;
      ServiceReport r;
      r.service = u.service;
      r.dim = program.services[*svc].dim;
      report_.services.push_back(std::move(r));
    }
    Expected<Balances> opened = engine_.balances(sub_.name, activation);
    if (!opened) return opened.status();
    for (ServiceReport& r : report_.services) {
      // Nothing is reserved yet: what remains is what provisioning put in.
      if (const auto* b = find_balance(*opened, r.service)) r.quota = b->remaining;
    }

    int64_t end_day = one_month_later(sub_.joined);
    if (opened->period.end != engine::kNeverEnds) {
      end_day = std::min(end_day, lang::calendar::local_time(opened->period.end, tz).date);
    }
    report_.period_start = first_day;
    report_.period_end = end_day;

    for (int64_t day = first_day; day < end_day; ++day) {
      for (const Request& q : day_requests(sub_.usage, local_midnight(day, tz))) {
        const UsagePattern& u = sub_.usage[q.pattern];
        ServiceReport* r = row(u.service);
        if (r == nullptr) continue;  // a service the catalog does not declare
        if (Status s = send(u, *r, q.time, static_cast<int>(day - first_day)); !s) return s;
      }
    }

    Expected<Balances> closed = engine_.balances(sub_.name, local_midnight(end_day, tz) - 1);
    if (!closed) return closed.status();
    for (ServiceReport& r : report_.services) {
      if (const auto* b = find_balance(*closed, r.service)) {
        r.used = b->used;
        r.remaining = b->remaining;
      }
    }
    report_.fee = closed->fees_charged;
    if (closed->spend != report_.packs_cost + report_.overage) {
      return Status::error(ErrorCode::kInternal,
                           sub_.name + ": the engine's spend " + std::to_string(closed->spend) +
                               " is not its packs " + std::to_string(report_.packs_cost) +
                               " plus its overage " + std::to_string(report_.overage));
    }
    return std::move(report_);
  }

 private:
  ServiceReport* row(const std::string& service) {
    for (ServiceReport& r : report_.services) {
      if (r.service == service) return &r;
    }
    return nullptr;
  }

  bool can_buy_pack() const {
    return !sub_.pack.empty() && report_.packs_bought < sub_.packs_to_buy;
  }

  // Buys the script's pack at t; every row's quota grows by what the pack added to its balance.
  Status buy_pack(int64_t t) {
    Expected<Balances> before = engine_.balances(sub_.name, t);
    if (!before) return before.status();
    Expected<Answer> bought = engine_.buy_pack(sub_.name, sub_.name + "/packs",
                                               static_cast<uint32_t>(report_.packs_bought),
                                               sub_.pack, t);
    if (!bought) return bought.status();
    Expected<Balances> after = engine_.balances(sub_.name, t);
    if (!after) return after.status();
    ++report_.packs_bought;
    report_.packs_cost += bought->charged;
    for (ServiceReport& r : report_.services) {
      const auto* b0 = find_balance(*before, r.service);
      const auto* b1 = find_balance(*after, r.service);
      if (b0 != nullptr && b1 != nullptr) r.quota += b1->remaining - b0->remaining;
    }
    return Status::ok();
  }

  void note_refusal(ServiceReport& r, int day, const Answer& a) {
    if (r.first_refusal_day >= 0) return;
    r.first_refusal_day = day;
    r.refusal_how = refusal_text(a);
  }

  // One request: reserve what the pattern asks for, commit what was granted. When the balance
  // runs out (a refusal, or the last grant), the subscriber buys a pack if the script lets it;
  // a refused request is then sent again in a new session.
  Status send(const UsagePattern& u, ServiceReport& r, int64_t t, int day) {
    for (;;) {
      std::string session = sub_.name + "/" + std::to_string(sessions_++);
      engine::ReserveRequest reserve{session, 0, u.service, u.model, u.units_per_request, t};
      Expected<Answer> a = engine_.reserve(sub_.name, reserve);
      if (!a) return a.status();
      ++*decisions_;
      bool out_of_balance = a->limiter == Limiter::kBalance &&
                            (a->outcome == Outcome::kExhausted || a->final_units);
      if (a->outcome == Outcome::kGranted) {
        ++r.grants;
        int64_t used = std::min(a->grant, u.units_per_request);
        Expected<Answer> c =
            engine_.commit(sub_.name, engine::CommitRequest{session, 1, u.service, used, t});
        if (!c) return c.status();
        report_.overage += c->charged;
        r.raw_used += used;
        if (a->final_units) {
          if (out_of_balance && can_buy_pack()) return buy_pack(t);
          note_refusal(r, day, *a);
        }
        return Status::ok();
      }
      if (out_of_balance && can_buy_pack()) {
        if (Status s = buy_pack(t); !s) return s;
        continue;
      }
      ++r.denials;
      note_refusal(r, day, *a);
      return Status::ok();
    }
  }

  engine::Engine& engine_;
  const engine::Catalog& catalog_;
  const ScriptedSubscriber& sub_;
  uint64_t* decisions_;
  SubscriberReport report_;
  uint64_t sessions_ = 0;
};

}  // namespace

int64_t SubscriberReport::bill() const { return fee + packs_cost + overage; }

std::vector<ScriptedSubscriber> demo_subscribers() {
  // Each joins on its billing day (or, for plans anchored on activation, any day), so the days
  // played are one whole first period, or the first month of an annual one.
  return {
      {"alice", "token_starter", {2026, 10, 31}, 31, {},
       {{"llm", "qwen_plus", 12'000, 12, 8, 23}}, "yuan_400k", 3},
      {"bob", "team_pro", {2026, 10, 5}, 5, {{"seats", "5"}},
       {{"llm", "qwen_max", 50'000, 40, 0, 23}, {"code", "", 1, 80, 9, 19}}, "", 0},
      {"carol", "smart_bundle", {2026, 11, 1}, 1, {},
       {{"data", "", 20 * 1024 * 1024, 64, 0, 23},
        {"llm", "qwen_turbo", 10'000, 20, 9, 21},
        {"sec", "", 1, 25, 0, 23}},
       "", 0},
      {"dave", "student_paygo", {2026, 10, 12}, 12, {{"student", "true"}},
       {{"llm", "qwen_turbo", 15'000, 20, 10, 23}, {"llm", "wan_image", 1'000, 2, 12, 13}}, "", 0},
      {"erin", "opc_trial", {2026, 11, 1}, 1, {{"segment", "opc"}, {"region", "shanghai"}},
       {{"llm", "deepseek_r1", 25'000, 20, 9, 18}}, "", 0},
      {"frank", "coding", {2026, 10, 20}, 20, {}, {{"code", "", 1, 700, 8, 22}}, "", 0},
      {"grace", "opc_trial", {2026, 11, 1}, 1, {{"segment", "retail"}},
       {{"llm", "qwen_turbo", 5'000, 5, 9, 18}}, "", 0},
  };
}

Expected<std::vector<SubscriberReport>> play_month(
    engine::Engine& engine, const std::shared_ptr<const engine::Catalog>& catalog,
    const std::vector<ScriptedSubscriber>& subscribers, uint64_t* decisions) {
  std::vector<SubscriberReport> reports;
  for (const ScriptedSubscriber& sub : subscribers) {
    Expected<SubscriberReport> r = Player(engine, *catalog, sub, decisions).play();
    if (!r) return Status::error(r.status().code(), sub.name + ": " + r.status().message());
    reports.push_back(std::move(*r));
  }
  return reports;
}

}  // namespace gyrate::tools
