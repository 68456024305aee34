// Plays the month: worker threads each own the subscribers of some accounts and play them hour by
// hour; a barrier closes each simulated hour, so no worker's clock runs ahead of the others' by
// more than an hour (a server driven by Event-Timestamps sees time move forward together).
#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "gyrate/diameter/gy_time.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/sim/month.hpp"
#include "month_plan.hpp"
#include "month_session.hpp"

namespace gyrate::sim {
namespace {

namespace calendar = lang::calendar;
constexpr int64_t kDay = 86'400;
constexpr int64_t kHour = 3'600;

// The subscribers one worker plays, and their state across days.
struct Slice {
  std::vector<size_t> subscribers;
  std::vector<MonthRandom> random;     // one stream per subscriber of the slice
  std::vector<PlannedSession> today;   // sorted by start
  std::vector<uint64_t> sessions;      // per population subscriber: Session-Id counter
  // Per population subscriber and service (llm, data): stopped for the rest of the day.
  std::vector<uint8_t> stopped;
};

class MonthRun {
 public:
  MonthRun(const Exchange& exchange, const Population& population, const MonthOptions& options,
           int64_t first_day, int days)
      : exchange_(exchange), population_(population), options_(options), first_day_(first_day),
        days_(days), context_{exchange_, options_, ccrs_, errors_},
        session_tag_(!options.session_tag.empty()
                         ? options.session_tag
                         : std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count())) {
    report_.subscribers.resize(population.subscribers.size());
    for (size_t i = 0; i < population.subscribers.size(); ++i) {
      const SimSubscriber& s = population.subscribers[i];
      SubscriberMonth& m = report_.subscribers[i];
      m.id = s.id;
      m.account = s.account;
      m.plan = s.plan;
      m.group = s.group;
      m.identity = identity_text(s.identity);
      m.daily.resize(static_cast<size_t>(days));
    }
  }

  Expected<MonthReport> run() {
    auto started = std::chrono::steady_clock::now();
    std::vector<Slice> slices = make_slices();
    int hours = days_ * 24;
    int phase = 0;
    auto end_of_hour = [&]() noexcept {
      ++phase;
      if (phase % 24 == 0 && options_.progress) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                       started).count();
        MonthProgress p;
        p.day = phase / 24;
        p.days = days_;
        p.ccrs = ccrs_.load();
        p.ccr_per_second = seconds > 0 ? static_cast<double>(p.ccrs) / seconds : 0;
        options_.progress(p);
      }
    };
    std::barrier hour_done(static_cast<std::ptrdiff_t>(slices.size()), end_of_hour);
    std::vector<std::thread> workers;
    for (Slice& slice : slices) {
      workers.emplace_back([&, hours] {
        for (int h = 0; h < hours; ++h) {
          if (!aborted()) play_hour(slice, h);
          hour_done.arrive_and_wait();
        }
      });
    }
    for (std::thread& t : workers) t.join();
    if (aborted()) {
      return Status::error(ErrorCode::kUnavailable,
                           std::to_string(errors_.load()) +
                               " exchanges got no answer: the month was stopped");
    }
    report_.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    finish_report();
    return std::move(report_);
  }

 private:
  bool aborted() const { return errors_.load(std::memory_order_relaxed) > options_.max_errors; }

  static std::string identity_text(const diameter::SubscriptionId& id) {
    switch (id.type) {
      case diameter::SubscriptionIdType::kEndUserImsi: return "imsi:" + id.data;
      case diameter::SubscriptionIdType::kEndUserNai: return "nai:" + id.data;
      default: return "e164:" + id.data;
    }
  }

  // Accounts go to workers round robin, so a team's members share a worker (their pooled balance
  // then sees their requests in time order).
  std::vector<Slice> make_slices() {
    std::map<std::string, size_t> account_worker;
    size_t accounts = 0;
    for (const SimSubscriber& s : population_.subscribers) {
      if (account_worker.emplace(s.account, accounts).second) ++accounts;
    }
    size_t n = std::clamp<size_t>(static_cast<size_t>(std::max(1, options_.threads)), 1,
                                  std::max<size_t>(accounts, 1));
    std::vector<Slice> slices(n);
    for (size_t i = 0; i < population_.subscribers.size(); ++i) {
      Slice& slice = slices[account_worker[population_.subscribers[i].account] % n];
      slice.subscribers.push_back(i);
      slice.random.emplace_back(options_.seed, i);
    }
    for (Slice& slice : slices) slice.sessions.assign(population_.subscribers.size(), 0);
    return slices;
  }

  int64_t midnight(int day) const {
    return (first_day_ + day) * kDay - int64_t{population_.utc_offset_minutes} * 60;
  }

  void plan(Slice& slice, int day) {
    slice.today.clear();
    int weekday = calendar::weekday_from_days(first_day_ + day) - 1;
    for (size_t k = 0; k < slice.subscribers.size(); ++k) {
      size_t i = slice.subscribers[k];
      const PopulationGroup& group = population_.groups[population_.subscribers[i].profile];
      plan_day(group, i, slice.random[k], midnight(day), weekday, slice.today);
    }
    std::stable_sort(slice.today.begin(), slice.today.end(),
                     [](const PlannedSession& a, const PlannedSession& b) {
                       return a.start < b.start;
                     });
  }

  // Plays the sessions that start in hour h of the month; a denial or final-unit indication
  // stops that service of the subscriber until the next day.
  void play_hour(Slice& slice, int h) {
    int day = h / 24;
    if (h % 24 == 0) {
      plan(slice, day);
      slice.stopped.assign(population_.subscribers.size() * 2, 0);
    }
    int64_t from = midnight(day) + int64_t{h % 24} * kHour;
    for (const PlannedSession& s : slice.today) {
      if (s.start < from || s.start >= from + kHour) continue;
      size_t flag = s.subscriber * 2 + (s.data ? 1 : 0);
      if (slice.stopped[flag] != 0 || aborted()) continue;
      const SimSubscriber& sub = population_.subscribers[s.subscriber];
      std::string session_id = options_.origin_host + ";" + session_tag_ + ";" +
                               std::to_string(s.subscriber) + "." +
                               std::to_string(slice.sessions[s.subscriber]++);
      SessionEnd end = play_session(context_, s, sub, population_.groups[sub.profile], session_id,
                                    day, report_.subscribers[s.subscriber]);
      if (end == SessionEnd::kStopped) slice.stopped[flag] = 1;
    }
  }

  void finish_report() {
    std::map<std::string, size_t> plan_index;
    std::map<std::string, bool> account_seen;
    for (const SubscriberMonth& m : report_.subscribers) {
      auto [it, added] = plan_index.emplace(m.plan, report_.plans.size());
      if (added) {
        PlanMonth p;
        p.plan = m.plan;
        p.daily.resize(static_cast<size_t>(days_));
        report_.plans.push_back(std::move(p));
      }
      PlanMonth& p = report_.plans[it->second];
      ++p.subscribers;
      p.usage.add(m.usage);
      p.daily.add(m.daily);
      report_.total.add(m.usage);
      if (!options_.bill_of || !account_seen.emplace(m.account, true).second) continue;
      std::optional<Bill> bill = options_.bill_of(m.account);
      if (!bill) continue;
      report_.bills.push_back({m.account, m.plan, *bill});
      if (!p.revenue) p.revenue = Bill{0, 0, bill->currency};
      p.revenue->spend += bill->spend;
      p.revenue->fees_charged += bill->fees_charged;
    }
  }

  const Exchange& exchange_;
  const Population& population_;
  const MonthOptions& options_;
  int64_t first_day_;
  int days_;
  std::atomic<uint64_t> ccrs_{0};
  std::atomic<uint64_t> errors_{0};
  SessionContext context_;
  std::string session_tag_;
  MonthReport report_;
};

}  // namespace

Expected<MonthReport> run_month(const Exchange& exchange, const Population& population,
                                const MonthOptions& options) {
  calendar::CivilDate start{options.start_year, options.start_month, options.start_day};
  if (!calendar::is_valid(start)) {
    return Status::error(ErrorCode::kInvalidArgument, "the start date is not a calendar date");
  }
  int64_t first_day = calendar::days_from_civil(start);
  int days = options.days;
  if (days == 0) {  // to the same day of the next month (the 31st: the next month's last day)
    int64_t year = start.month == 12 ? start.year + 1 : start.year;
    int month = start.month == 12 ? 1 : start.month + 1;
    int64_t day = calendar::anchored_day_in_month(year, month, start.day);
    days = static_cast<int>(calendar::days_from_civil({year, month, static_cast<int>(day)}) -
                            first_day);
  }
  if (days < 1 || days > 366) {
    return Status::error(ErrorCode::kInvalidArgument, "days must be 1..366");
  }
  int64_t last = (first_day + days) * kDay + kDay;
  if (!diameter::ntp_from_unix(first_day * kDay - kDay) || !diameter::ntp_from_unix(last)) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "the month lies outside what Event-Timestamp can carry");
  }
  if (population.subscribers.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "the population has no subscribers");
  }
  MonthRun run(exchange, population, options, first_day, days);
  Expected<MonthReport> report = run.run();
  if (report) {
    char date[16];
    std::snprintf(date, sizeof date, "%04lld-%02d-%02d", static_cast<long long>(start.year),
                  start.month, start.day);
    report->start_date = date;
    report->days = days;
    report->utc_offset_minutes = population.utc_offset_minutes;
    report->seed = options.seed;
  }
  return report;
}

}  // namespace gyrate::sim
