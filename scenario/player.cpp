// Plays a scenario's steps through engine::Engine: provisioning, the clock, requests and
// catalog switches; run() and run_file() are the library's entry points.
#include "player.hpp"

#include <algorithm>

#include "format.hpp"
#include "gyrate/ruleslang/ast.hpp"

namespace gyrate::scenario {
namespace {

constexpr size_t kMaxScenarioBytes = 4 << 20;

void add_error(lang::Diagnostics& ds, const char* code, lang::SourceRange range, std::string message) {
  lang::Diagnostic d;
  d.code = code;
  d.range = range;
  d.message = std::move(message);
  ds.add(std::move(d));
}

bool dims_fit(lang::Dim written, lang::Dim service) {
  return written == lang::Dim::kNone || written == service;
}

}  // namespace

uint32_t result_code(lang::Outcome outcome) {
  switch (outcome) {
    case lang::Outcome::kGranted: return 2001;
    case lang::Outcome::kNotEligible: return 4010;
    case lang::Outcome::kModelNotAllowed: return 4010;
    case lang::Outcome::kNoRule: return 5031;
    case lang::Outcome::kExhausted: return 4012;
    case lang::Outcome::kRatingFailed: return 5031;
  }
  return 5031;
}

std::shared_ptr<const engine::Catalog> Player::load(const Step& s, lang::Diagnostics& diagnostics) {
  std::string path = !s.path.empty() && s.path[0] == '/' ? s.path : base_dir_ + "/" + s.path;
  if (s.kind == StepKind::kTariff && !tariff_.empty()) path = tariff_;
  engine::CatalogLoad load = engine::load_catalog(path, options_.catalog);
  if (load.file.source) sources_.push_back(*load.file.source);
  if (load.status) return load.catalog;
  report_.diagnostics += load.file.rendered_diagnostics();
  add_error(diagnostics, kSemanticCode, s.range,
            "the tariff `" + s.path + "` did not load: " + load.status.message());
  return nullptr;
}

bool Player::check(const Scenario& scenario) {
  lang::Diagnostics ds;
  std::shared_ptr<const engine::Catalog> first;
  bool clock_known = false;
  std::string last_service;
  auto service_of = [&](const std::string& name, lang::SourceRange range) -> const lang::ir::Service* {
    if (!first) return nullptr;
    auto index = first->service(name);
    if (!index) {
      add_error(ds, kSemanticCode, range, "the tariff has no service `" + name + "`");
      return nullptr;
    }
    return &first->program().services[*index];
  };
  auto fits = [&](const Quantity& q, const lang::ir::Service* svc) {
    if (svc != nullptr && !dims_fit(q.dim, svc->dim)) {
      add_error(ds, kUnitCode, q.range,
                std::string("a ") + lang::dim_name(q.dim) + " quantity for service `" + svc->name +
                    "`, which counts " + lang::dim_name(svc->dim));
    }
  };
  auto money_fits = [&](const Money& m) {
    if (!first) return;
    const auto& currencies = first->program().currencies;
    for (const auto& c : currencies) {
      if (c.name != m.currency) continue;
      if (m.decimals > c.minor_digits) {
        add_error(ds, kUnitCode, m.range,
                  m.currency + " has " + std::to_string(c.minor_digits) + " decimals");
      }
      return;
    }
    add_error(ds, kUnitCode, m.range, "the tariff has no currency `" + m.currency + "`");
  };
  bool tariff_seen = false;
  for (const Step& s : scenario.steps) {
    if (s.kind != StepKind::kTariff && !first) {
      // A tariff that did not load is reported already; nothing after it can be checked.
      if (!tariff_seen) add_error(ds, kSemanticCode, s.range, "a scenario starts with `tariff PATH`");
      break;
    }
    tariff_seen = tariff_seen || s.kind == StepKind::kTariff;
    if (s.time && s.time->relative && !clock_known) {
      add_error(ds, kTimeCode, s.range, "a relative time needs an `at DATE` before it");
    }
    switch (s.kind) {
      case StepKind::kTariff:
      case StepKind::kPublish: {
        if (s.kind == StepKind::kTariff && first) {
          add_error(ds, kSemanticCode, s.range, "one `tariff` per scenario: switch with `publish`");
          break;
        }
        auto catalog = load(s, ds);
        if (!catalog) break;
        catalogs_[s.line] = catalog;
        if (!first) first = catalog;
        break;
      }
      case StepKind::kAt:
        clock_known = true;
        break;
      case StepKind::kSubscriber:
        if (!first->plan(s.plan)) {
          add_error(ds, kSemanticCode, s.range, "the tariff has no plan `" + s.plan + "`");
        }
        if (!s.time && !clock_known) {
          add_error(ds, kTimeCode, s.range, "give `activation DATE` or an `at DATE` before it");
        }
        clock_known = true;
        break;
      case StepKind::kReserve:
      case StepKind::kCommit:
        if (!clock_known) add_error(ds, kTimeCode, s.range, "a request needs an `at DATE` before it");
        last_service = s.service;
        if (s.quantity) fits(*s.quantity, service_of(s.service, s.range));
        break;
      case StepKind::kRelease:
      case StepKind::kBuy:
        if (!clock_known) add_error(ds, kTimeCode, s.range, "a request needs an `at DATE` before it");
        break;
      case StepKind::kMember:
        break;
      case StepKind::kExpect: {
        const Expectation& e = s.expect;
        switch (e.kind) {
          case ExpectKind::kGrant:
          case ExpectKind::kThreshold:
          case ExpectKind::kCommitted:
          case ExpectKind::kOverrun:
          case ExpectKind::kReleased:
            if (!last_service.empty()) fits(e.quantity, service_of(last_service, s.range));
            break;
          case ExpectKind::kCharged:
          case ExpectKind::kSpend:
          case ExpectKind::kFee:
          case ExpectKind::kFees:
          case ExpectKind::kBill:
            money_fits(e.money);
            break;
          case ExpectKind::kRemaining:
          case ExpectKind::kUsed:
          case ExpectKind::kReserved:
          case ExpectKind::kAllowance:
          case ExpectKind::kMemberUsed:
          case ExpectKind::kCapRoom:
          case ExpectKind::kBucket:
          case ExpectKind::kNotified:
            fits(e.quantity, service_of(e.service, s.range));
            break;
          default:
            break;
        }
        break;
      }
    }
  }
  if (ds.has_errors() || !first) {
    if (!tariff_seen && !ds.has_errors()) {
      add_error(ds, kSemanticCode, {0, 0}, "a scenario starts with `tariff PATH`");
    }
    report_.diagnostics += lang::render_all(ds, file_);
    return false;
  }
  zone_ = first->program().timezone_offset_minutes;
  engine_ = std::make_unique<engine::Engine>(first);
  return true;
}

int64_t Player::resolve(const TimeSpec& t) const {
  if (t.relative) return clock_ + t.offset;
  return t.local_day * 86'400 + t.local_second - int64_t{zone_} * 60;
}

lang::Dim Player::service_dim(const std::string& service) const {
  auto index = engine_->catalog()->service(service);
  return index ? program().services[*index].dim : lang::Dim::kNone;
}

std::string Player::currency_name() const {
  const auto& cs = program().currencies;
  return cs.empty() ? std::string() : cs[0].name;
}

int Player::currency_decimals() const {
  const auto& cs = program().currencies;
  return cs.empty() ? 2 : cs[0].minor_digits;
}

std::string Player::quantity(int64_t amount, const std::string& service) const {
  return quantity_text(amount, service_dim(service));
}

std::string Player::money(int64_t micros) const {
  return money_text(micros, currency_decimals(), currency_name());
}

void Player::record(const Step& s, const std::string& answer) {
  std::string text = (clock_set_ ? local_time_text(clock_, zone_) : std::string(19, ' ')) + "  " + s.text;
  if (!answer.empty()) text += "  -> " + answer;
  report_.events.push_back({EventKind::kStep, s.line, std::move(text)});
}

void Player::refuse_unexpected_error() {
  if (error_expected_) return;
  error_expected_ = true;
  report_.failed++;
  report_.events.push_back({EventKind::kFail, last_step_->line,
                            file_.name() + ":" + std::to_string(last_step_->line) +
                                ": the engine refused `" + last_step_->text + "`: " + error_});
}

void Player::play(const Scenario& scenario) {
  for (const Step& s : scenario.steps) {
    if (s.kind == StepKind::kExpect) {
      expect(s);
    } else {
      refuse_unexpected_error();
      step(s);
    }
  }
  refuse_unexpected_error();
  summarize();
}

void Player::summarize() {
  for (const std::string& id : subscribers_) {
    auto b = engine_->balances(id, clock_);
    if (!b) continue;
    std::string text = id + ": fees " + money(b->fees_charged) + ", this period's bill " +
                       money(b->last_fee + b->spend) + " (spend " + money(b->spend) + ")";
    for (const engine::ServiceBalance& s : b->services) {
      text += "; " + s.service + " remaining " + quantity(s.remaining, s.service) + ", used " +
              quantity(s.used, s.service);
    }
    report_.events.push_back({EventKind::kSummary, 0, std::move(text)});
  }
}

// The session a request step names ("alice/default" when it names none).
std::string Player::session_of(const Step& s) {
  return s.subject + "/" + (s.session.empty() ? "default" : s.session);
}

// The request number the step gives, else the session's next one.
uint32_t Player::next_number(const Step& s, const std::string& session) {
  if (s.number) return numbers_[session] = *s.number;
  return ++numbers_[session];
}

engine::ReserveRequest Player::reserve_request(const Step& s) {
  engine::ReserveRequest r;
  r.session = session_of(s);
  r.number = next_number(s, r.session);
  r.service = s.service;
  r.model = s.model;
  r.requested = s.quantity ? s.quantity->amount : 0;
  r.time = clock_;
  return r;
}

void Player::step(const Step& s) {
  // The outcome of a call that answers: kept for the expectations after it.
  auto answered = [&](const Expected<engine::Answer>& a, const std::string& service) {
    last_step_ = &s;
    last_service_ = service;
    if (a) {
      answer_ = *a;
      error_.clear();
      record(s, answer_text(*a, service_dim(service), currency_decimals(), currency_name()));
    } else {
      answer_.reset();
      error_ = a.status().message();
      error_expected_ = false;
      record(s, "refused: " + error_);
    }
  };
  auto status_only = [&](const Status& st) {
    last_step_ = &s;
    answer_.reset();
    error_ = st ? std::string() : st.message();
    error_expected_ = static_cast<bool>(st);
    record(s, st ? "ok" : "refused: " + error_);
  };
  auto number = [&](const std::string& session) { return next_number(s, session); };
  const std::string session = session_of(s);
  switch (s.kind) {
    case StepKind::kTariff:
      record(s, "");
      break;
    case StepKind::kPublish:
      engine_->publish(catalogs_.at(s.line));
      record(s, "published");
      break;
    case StepKind::kAt:
      clock_ = resolve(*s.time);
      clock_set_ = true;
      record(s, "");
      break;
    case StepKind::kSubscriber: {
      engine::ProvisionSpec spec;
      spec.id = s.subject;
      spec.plan = s.plan;
      spec.activation = s.time ? resolve(*s.time) : clock_;
      if (!clock_set_) clock_ = spec.activation;
      clock_set_ = true;
      spec.billing_day = s.billing_day;
      spec.attributes = s.attributes;
      status_only(engine_->provision(spec));
      if (std::find(subscribers_.begin(), subscribers_.end(), s.subject) == subscribers_.end())
        subscribers_.push_back(s.subject);
      break;
    }
    case StepKind::kMember: {
      engine::ProvisionSpec spec;
      spec.id = s.subject;
      spec.team = s.team;
      status_only(engine_->provision(spec));
      break;
    }
    case StepKind::kReserve:
      answered(engine_->reserve(s.subject, reserve_request(s)), s.service);
      break;
    case StepKind::kCommit: {
      engine::CommitRequest c;
      c.session = session;
      c.number = number(session);
      c.service = s.service;
      c.used = s.quantity->amount;
      c.time = clock_;
      answered(engine_->commit(s.subject, c), s.service);
      break;
    }
    case StepKind::kRelease:
      answered(engine_->release(s.subject, session, number(session), clock_), last_service_);
      break;
    case StepKind::kBuy: {
      std::string order = s.order.empty() ? s.subject + "/order-" + std::to_string(++orders_)
                                          : s.subject + "/" + s.order;
      answered(engine_->buy_pack(s.subject, order, 1, s.pack, clock_), last_service_);
      break;
    }
    case StepKind::kExpect:
      break;
  }
}

Report run(const lang::SourceFile& file, const std::string& base_dir, const RunOptions& options) {
  Report report;
  report.path = file.name();
  ParseResult parsed = parse(file);
  if (!parsed.scenario) {
    report.setup_failed = true;
    report.diagnostics = lang::render_all(parsed.diagnostics, file);
    return report;
  }
  Player player(file, base_dir, options, report);
  if (!player.check(*parsed.scenario)) {
    report.setup_failed = true;
    return report;
  }
  player.play(*parsed.scenario);
  return report;
}

Expected<lang::SourceFile> read_scenario(const std::string& path) {
  auto file = lang::read_source_file(path, kMaxScenarioBytes + 1);
  if (!file) return Status::error(file.status().code(), path + ": " + file.status().message());
  if (file->text().size() > kMaxScenarioBytes) {
    return Status::error(ErrorCode::kInvalidArgument, path + ": a scenario is at most 4 MiB");
  }
  return file;
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

Report run_file(const std::string& path, const RunOptions& options) {
  auto file = read_scenario(path);
  if (!file) {
    Report report;
    report.path = path;
    report.setup_failed = true;
    report.diagnostics = file.status().message() + "\n";
    return report;
  }
  return run(*file, directory_of(path), options);
}

}  // namespace gyrate::scenario
