// A scenario's expectations: about the last answer (grant, outcome, Result-Code, final action,
// validity, limiter, money and units of a commit, an error) or about an account (balances per
// service and bucket, money, notifications). A failure is reported with the expectation's line,
// what it expected, what it got and the step it looked at; the run goes on.
#include <algorithm>

#include "format.hpp"
#include "gyrate/ruleslang/ast.hpp"
#include "player.hpp"

namespace gyrate::scenario {

void Player::expect(const Step& s) {
  const Expectation& e = s.expect;
  Verdict o;
  switch (e.kind) {
    case ExpectKind::kRemaining:
    case ExpectKind::kUsed:
    case ExpectKind::kReserved:
    case ExpectKind::kAllowance:
    case ExpectKind::kMemberUsed:
    case ExpectKind::kCapRoom:
    case ExpectKind::kBucket:
    case ExpectKind::kSpend:
    case ExpectKind::kFee:
    case ExpectKind::kFees:
    case ExpectKind::kBill:
      o = check_balance(e);
      break;
    case ExpectKind::kNotified:
    case ExpectKind::kNoNotifications:
      o = check_notified(e);
      break;
    default:
      o = check_answer(e);
      break;
  }
  if (o.ok) {
    report_.passed++;
    report_.events.push_back({EventKind::kPass, s.line, "ok  " + s.text});
    return;
  }
  report_.failed++;
  std::string text = file_.name() + ":" + std::to_string(s.line) + ": expected " + o.expected +
                     ", got " + o.got;
  if (last_step_ != nullptr && e.subject.empty()) {
    text += " (step line " + std::to_string(last_step_->line) + ": " + last_step_->text + ")";
  } else {
    text += " (at " + local_time_text(clock_, zone_) + ")";
  }
  report_.events.push_back({EventKind::kFail, s.line, std::move(text)});
}

Player::Verdict Player::check_answer(const Expectation& e) {
  Verdict o;
  if (e.kind == ExpectKind::kError) {
    o.expected = "an error containing \"" + e.word + "\"";
    o.got = error_.empty() ? "an answer" : "\"" + error_ + "\"";
    o.ok = !error_.empty() && error_.find(e.word) != std::string::npos;
    if (!error_.empty()) error_expected_ = true;
    return o;
  }
  if (!answer_) {
    o.expected = "an answer";
    o.got = last_step_ == nullptr ? "no request yet" : error_.empty() ? "none" : "\"" + error_ + "\"";
    if (!error_.empty()) error_expected_ = true;  // reported here, not twice
    return o;
  }
  const engine::Answer& a = *answer_;
  auto units = [&](const char* what, int64_t actual) {
    o.expected = std::string(what) + " " + quantity(e.quantity.amount, last_service_);
    o.got = quantity(actual, last_service_);
    o.ok = actual == e.quantity.amount;
  };
  switch (e.kind) {
    case ExpectKind::kGrant:
      units("grant", a.grant);
      break;
    case ExpectKind::kCommitted:
      units("committed", a.committed);
      break;
    case ExpectKind::kThreshold:
      if (e.none) {
        o.expected = "threshold none";
        o.got = a.threshold < 0 ? "none" : quantity(a.threshold, last_service_);
        o.ok = a.threshold < 0;
      } else {
        units("threshold", a.threshold < 0 ? -1 : a.threshold);
        if (a.threshold < 0) o.got = "none";
      }
      break;
    case ExpectKind::kOverrun:
      units("overrun", a.overrun);
      break;
    case ExpectKind::kReleased:
      units("released", a.released);
      break;
    case ExpectKind::kOutcome:
      o.expected = "outcome " + e.word;
      o.got = lang::outcome_name(a.outcome);
      o.ok = o.got == e.word;
      break;
    case ExpectKind::kResult:
      o.expected = "result " + std::to_string(e.number);
      o.got = std::to_string(result_code(a.outcome)) + " (" + lang::outcome_name(a.outcome) + ")";
      o.ok = result_code(a.outcome) == static_cast<uint32_t>(e.number);
      break;
    case ExpectKind::kLimiter:
      o.expected = "limiter " + e.word;
      o.got = lang::limiter_name(a.limiter);
      o.ok = o.got == e.word;
      break;
    case ExpectKind::kValidity:
      o.expected = "validity " + duration_text(e.number);
      o.got = duration_text(a.validity_seconds);
      o.ok = a.validity_seconds == e.number;
      break;
    case ExpectKind::kCharged:
      o.expected = "charged " + money(e.money.micros);
      o.got = money(a.charged);
      o.ok = round_money(a.charged, currency_decimals()) == e.money.micros;
      break;
    case ExpectKind::kFui:
      o.expected = "fui " + e.word;
      o.got = a.final_units ? "yes" : "no";
      o.ok = o.got == e.word;
      break;
    case ExpectKind::kFinal: {
      o.expected = "final " + e.word + (e.has_argument ? " " + e.argument : "");
      if (!a.has_final_action) {
        o.got = "none";
        o.ok = e.word == "none";
        break;
      }
      o.got = lang::ast::action_spelling(a.final_action);
      if (!a.final_action_argument.empty()) o.got += " " + a.final_action_argument;
      o.ok = e.word == lang::ast::action_spelling(a.final_action) &&
             (!e.has_argument || e.argument == a.final_action_argument);
      break;
    }
    default:
      break;
  }
  return o;
}

Player::Verdict Player::check_balance(const Expectation& e) {
  Verdict o;
  auto balances = engine_->balances(e.subject, clock_);
  if (!balances) {
    o.expected = e.subject + "'s balances";
    o.got = "\"" + balances.status().message() + "\"";
    return o;
  }
  const engine::Balances& b = *balances;
  auto compare_money = [&](const char* what, int64_t actual) {
    o.expected = e.subject + " " + what + " " + money(e.money.micros);
    o.got = money(actual);
    o.ok = round_money(actual, currency_decimals()) == e.money.micros;
    return o;
  };
  switch (e.kind) {
    case ExpectKind::kSpend: return compare_money("spend", b.spend);
    case ExpectKind::kFee: return compare_money("fee", b.last_fee);
    case ExpectKind::kFees: return compare_money("fees", b.fees_charged);
    case ExpectKind::kBill: return compare_money("bill", b.last_fee + b.spend);
    default: break;
  }
  const std::string what = e.kind == ExpectKind::kBucket ? "bucket " + e.word : [&] {
    switch (e.kind) {
      case ExpectKind::kRemaining: return std::string("remaining");
      case ExpectKind::kUsed: return std::string("used");
      case ExpectKind::kReserved: return std::string("reserved");
      case ExpectKind::kAllowance: return std::string("allowance");
      case ExpectKind::kMemberUsed: return std::string("member_used");
      default: return std::string("cap_room");
    }
  }();
  o.expected = e.subject + " " + e.service + " " + what + " " + quantity(e.quantity.amount, e.service);
  int64_t actual = 0;
  if (e.kind == ExpectKind::kBucket) {
    auto index = engine_->catalog()->service(e.service);
    int64_t until = -1;
    for (const engine::Bucket& k : b.buckets) {
      if (!index || k.service != *index || !k.valid_at(clock_)) continue;
      if (k.offer != e.word && engine::origin_name(k.origin) != e.word) continue;
      actual += k.amount;
      until = std::max(until, k.valid_until);
    }
    o.got = quantity(actual, e.service);
    o.ok = actual == e.quantity.amount;
    if (e.until) {
      const int64_t expected_until = resolve(*e.until);
      o.expected += " until " + local_time_text(expected_until, zone_);
      o.got += until < 0 ? " (no such bucket)"
               : until == engine::kNeverEnds ? " until never"
                                             : " until " + local_time_text(until, zone_);
      o.ok = o.ok && until == expected_until;
    }
    return o;
  }
  if (e.kind == ExpectKind::kMemberUsed || e.kind == ExpectKind::kCapRoom) {
    bool found = false;
    for (const engine::MemberBalance& m : b.members) {
      if (m.id != e.subject) continue;
      for (const engine::MemberServiceBalance& ms : m.services) {
        if (ms.service != e.service) continue;
        actual = e.kind == ExpectKind::kMemberUsed ? ms.used : ms.cap_room;
        found = true;
      }
    }
    o.got = !found ? "no such member" : actual < 0 ? "no cap" : quantity(actual, e.service);
    o.ok = found && actual == e.quantity.amount;
    return o;
  }
  const engine::ServiceBalance* sb = nullptr;
  for (const auto& x : b.services) {
    if (x.service == e.service) sb = &x;
  }
  if (sb == nullptr) {
    o.got = "no such service in the plan";
    return o;
  }
  actual = e.kind == ExpectKind::kRemaining ? sb->remaining
           : e.kind == ExpectKind::kUsed    ? sb->used
           : e.kind == ExpectKind::kReserved ? sb->reserved
                                             : sb->period_allowance;
  o.got = quantity(actual, e.service);
  o.ok = actual == e.quantity.amount;
  return o;
}

Player::Verdict Player::check_notified(const Expectation& e) {
  Verdict o;
  std::vector<engine::Notification>& pending = notifications_[e.subject];
  if (auto taken = engine_->take_notifications(e.subject)) {
    pending.insert(pending.end(), taken->begin(), taken->end());
  }
  auto level = [&](const engine::Notification& n) {
    return n.ratio >= 0 ? std::to_string(n.ratio / 10'000) + "%"
                        : quantity(n.level, n.service);
  };
  std::string all;
  for (const auto& n : pending) all += (all.empty() ? "" : ", ") + n.service + " at " + level(n);
  o.got = all.empty() ? "none" : all;
  if (e.kind == ExpectKind::kNoNotifications) {
    o.expected = e.subject + " no notifications";
    o.ok = pending.empty();
    return o;
  }
  o.expected = e.subject + " notified " + e.service + " at " +
               (e.ratio >= 0 ? std::to_string(e.ratio / 10'000) + "%"
                             : quantity(e.quantity.amount, e.service));
  for (auto it = pending.begin(); it != pending.end(); ++it) {
    bool same = it->service == e.service &&
                (e.ratio >= 0 ? it->ratio == e.ratio : it->ratio < 0 && it->level == e.quantity.amount);
    if (same) {
      pending.erase(it);  // each notification is expected once
      o.ok = true;
      break;
    }
  }
  return o;
}

}  // namespace gyrate::scenario
