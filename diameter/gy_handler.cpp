#include "gyrate/diameter/gy_handler.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include "gyrate/diameter/currency_code.hpp"
#include "gyrate/diameter/gy_time.hpp"
#include "gyrate/diameter/gy_units.hpp"
#include "gyrate/diameter/result_code.hpp"
#include "gyrate/engine/explain.hpp"

namespace gyrate::diameter {

struct ServiceRef {
  uint16_t index = 0;
  const lang::ir::Service* service = nullptr;
  std::string model;  // empty: none (rule 1: weight 1)
};

namespace {

using engine::Answer;
using lang::Outcome;

constexpr uint32_t kSubscriptionIdAvp = 443;

// Engine refusals as Result-Codes: an unknown account is an unknown user; a store that cannot
// take the change right now is transient (the client may retry on another server).
ResultCode code_for(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kNotFound: return ResultCode::kUserUnknown;
    case ErrorCode::kUnavailable: return ResultCode::kTooBusy;
    default: return ResultCode::kUnableToComply;
  }
}

// The service an MSCC asks for: by Rating-Group, else the one service declared with the CCR's
// Service-Context-Id. Its first Service-Identifier names the model, when the service has one.
std::optional<ServiceRef> resolve_service(const engine::Catalog& c, const CreditControlRequest& q,
                                          const MsccRequest& m) {
  std::optional<uint16_t> index;
  if (m.rating_group) {
    index = c.service_by_rating_group(*m.rating_group);
  } else if (std::span<const uint16_t> s = c.services_by_context(q.service_context_id); s.size() == 1) {
    index = s[0];
  }
  if (!index) return std::nullopt;
  ServiceRef ref{*index, &c.program().services[*index], {}};
  if (!m.service_identifiers.empty()) {
    if (std::optional<uint32_t> model = c.model_by_identifier(*index, m.service_identifiers.front())) {
      ref.model = c.program().models[*model].name;
    }
  }
  return ref;
}

// The engine's session for an MSCC: one per Service-Identifier, so two MSCCs of one service with
// different models (input and output tokens) hold separate reservations and answers.
std::string engine_session(const std::string& session_id, const MsccRequest& m) {
  if (m.service_identifiers.empty()) return session_id;
  return session_id + "#" + std::to_string(m.service_identifiers.front());
}

MsccAnswer mscc_shell(const MsccRequest& m, ResultCode code) {
  MsccAnswer out;
  out.rating_group = m.rating_group;
  out.service_identifiers = m.service_identifiers;
  out.result_code = code;
  return out;
}

RedirectServer redirect_server(const std::string& address) {
  RedirectServer r;
  r.address = address;
  if (address.rfind("sip:", 0) == 0 || address.rfind("sips:", 0) == 0) {
    r.address_type = RedirectAddressType::kSipUri;
  } else if (address.find("://") != std::string::npos) {
    r.address_type = RedirectAddressType::kUrl;
  } else if (address.find(':') != std::string::npos) {
    r.address_type = RedirectAddressType::kIpv6;
  } else if (!address.empty() && address.find_first_not_of("0123456789.") == std::string::npos) {
    r.address_type = RedirectAddressType::kIpv4;
  }
  return r;
}

// Rule 15: the action travels as Final-Unit-Indication with the last grant; `block` and `charge`
// have none. With nothing left to grant (4012) only REDIRECT and RESTRICT_ACCESS are sent, so the
// gateway redirects or restricts at once; TERMINATE is what 4012 itself means.
std::optional<FinalUnitIndication> final_unit(const Answer& a) {
  bool granted = a.outcome == Outcome::kGranted;
  if (granted && !a.final_units) return std::nullopt;
  if (!granted && a.outcome != Outcome::kExhausted) return std::nullopt;
  FinalUnitIndication f;
  // Rule 16: without `on_exhaust` the decision names no action, and the action is terminate.
  switch (a.has_final_action ? a.final_action : lang::ast::ActionKind::kTerminate) {
    case lang::ast::ActionKind::kTerminate:
      if (!granted) return std::nullopt;
      f.action = FinalUnitAction::kTerminate;
      return f;
    case lang::ast::ActionKind::kRedirect:
      f.action = FinalUnitAction::kRedirect;
      f.redirect_server = redirect_server(a.final_action_argument);
      return f;
    case lang::ast::ActionKind::kRestrict:
      f.action = FinalUnitAction::kRestrictAccess;
      f.filter_ids.push_back(a.final_action_argument);
      return f;
    case lang::ast::ActionKind::kBlock:
    case lang::ast::ActionKind::kCharge:
      return std::nullopt;
  }
  return std::nullopt;
}

uint32_t seconds_u32(int64_t s) {
  return static_cast<uint32_t>(std::clamp<int64_t>(s, 0, std::numeric_limits<uint32_t>::max()));
}

// A reserve's answer on the wire: GSU in the service's unit, Validity-Time, quota threshold and
// Final-Unit-Indication as the decision says.
MsccAnswer mscc_answer(const MsccRequest& m, lang::Dim dim, const Answer& a) {
  MsccAnswer out = mscc_shell(m, result_code(a.outcome));
  if (a.outcome == Outcome::kGranted) {
    out.granted = units_in(dim, a.grant);
    if (a.threshold >= 0) set_quota_threshold(out, dim, a.threshold);
  }
  if (a.validity_seconds > 0) out.validity_time = seconds_u32(a.validity_seconds);
  out.final_unit = final_unit(a);
  return out;
}

bool ends_units(const MsccAnswer& m) {
  return m.final_unit.has_value() || m.result_code == ResultCode::kCreditLimitReached;
}

// RFC 4006 5.1.2 leaves the command-level code to the server: success when any service was
// served (each MSCC carries its own code), else the first service's failure, so a single-service
// CCR gets its service's code at both levels.
ResultCode top_level(const std::vector<MsccAnswer>& ms) {
  for (const MsccAnswer& m : ms) {
    if (!m.result_code || *m.result_code == ResultCode::kSuccess) return ResultCode::kSuccess;
  }
  return ms.empty() ? ResultCode::kSuccess : *ms.front().result_code;
}

bool final_report(const MsccRequest& m) {
  if (m.reporting_reason == ReportingReason::kFinal) return true;
  return std::any_of(m.used.begin(), m.used.end(), [](const UsedServiceUnit& u) {
    return u.reporting_reason == ReportingReason::kFinal;
  });
}

// The usage an MSCC reports in the service's dimension (USUs add up). A USU that carries units,
// none of them in the service's dimension, cannot be rated: nullopt (answered 5004, never dropped).
std::optional<int64_t> reported_usage(const MsccRequest& m, lang::Dim dim) {
  int64_t total = 0;
  for (const UsedServiceUnit& u : m.used) {
    std::optional<int64_t> v = amount_in(u.units, dim);
    if (!v) {
      if (u.units == ServiceUnits{}) continue;  // a report with no units: nothing used
      return std::nullopt;
    }
    total = *v > std::numeric_limits<int64_t>::max() - total ? std::numeric_limits<int64_t>::max()
                                                              : total + *v;
  }
  return total;
}

// What an MSCC asks for. An RSU without an amount (or no RSU) means "grant what you decide"
// (RFC 4006 8.18): the service's quota, so a grant rule written `min(requested, ...)` sees it.
int64_t requested_amount(const MsccRequest& m, const ServiceRef& ref) {
  int64_t asked = m.requested ? amount_in(*m.requested, ref.service->dim).value_or(0) : 0;
  return asked > 0 ? asked : ref.service->quota;
}

// A price in millionths as Cost-Information: Value-Digits x 10^-6, trailing zeros taken off.
CostInformation cost_information(int64_t millionths, const std::string& currency) {
  CostInformation c;
  c.value_digits = millionths;
  c.exponent = -6;
  while (c.exponent < 0 && c.value_digits % 10 == 0 && c.value_digits != 0) {
    c.value_digits /= 10;
    ++c.exponent;
  }
  if (c.value_digits == 0) c.exponent = 0;
  c.currency_code = iso4217_numeric(currency);
  return c;
}

}  // namespace

struct GyHandler::Call {
  const CreditControlRequest& q;
  CreditControlAnswer a;
  int64_t time = 0;
  std::shared_ptr<const engine::Catalog> catalog;
  std::string account;
  GySession* session = nullptr;

  // The engine session of `m`, remembered so TERMINATION and supervision release each.
  std::string session_of(const MsccRequest& m) {
    std::string s = engine_session(q.session_id, m);
    if (session && std::find(session->engine_sessions.begin(), session->engine_sessions.end(), s) ==
                       session->engine_sessions.end()) {
      session->engine_sessions.push_back(s);
    }
    return s;
  }
  engine::ReserveRequest reserve(const MsccRequest& m, const ServiceRef& ref, int64_t requested) {
    engine::ReserveRequest r;
    r.session = session_of(m);
    r.number = q.cc_request_number;
    r.service = ref.service->name;
    r.model = ref.model;
    r.requested = requested;
    r.time = time;
    if (session) session->last_reserve = r;
    return r;
  }
  engine::CommitRequest commit(const MsccRequest& m, const ServiceRef& ref, int64_t used) {
    engine::CommitRequest c;
    c.session = session_of(m);
    c.number = q.cc_request_number;
    c.service = ref.service->name;
    c.used = used;
    c.time = time;
    return c;
  }
};

GyHandler::GyHandler(engine::Engine& engine, GyHandlerOptions options)
    : engine_(engine), options_(std::move(options)) {}

int64_t GyHandler::now() const {
  if (options_.clock == GyClock::kRequest) {
    int64_t t = latest_request_time_.load(std::memory_order_relaxed);
    if (t > 0) return t;
  }
  if (options_.real_time) return options_.real_time();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t GyHandler::time_of(const CreditControlRequest& ccr) {
  if (options_.clock == GyClock::kRequest && ccr.event_timestamp) {
    int64_t t = unix_from_ntp(*ccr.event_timestamp);
    int64_t seen = latest_request_time_.load(std::memory_order_relaxed);
    while (t > seen && !latest_request_time_.compare_exchange_weak(seen, t)) {
    }
    return t;
  }
  return now();
}

namespace {

// The account a CCR's Subscription-Ids name: the first E.164, IMSI or NAI the engine knows.
Expected<std::string> identify(const engine::Engine& engine, const CreditControlRequest& q) {
  bool any = false;
  for (const SubscriptionId& id : q.subscription_ids) {
    if (id.type != SubscriptionIdType::kEndUserE164 && id.type != SubscriptionIdType::kEndUserImsi &&
        id.type != SubscriptionIdType::kEndUserNai) {
      continue;
    }
    any = true;
    Expected<engine::Identity> identity =
        engine::make_identity(static_cast<engine::IdentityType>(id.type), id.data);
    if (!identity) continue;
    Expected<std::optional<std::string>> account = engine.lookup_identity(*identity);
    if (!account) return account.status();  // the store is down: transient, not 5030
    if (*account) return **account;
  }
  return Status::error(any ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument,
                       any ? "no subscriber has these Subscription-Ids"
                           : "no E.164, IMSI or NAI Subscription-Id");
}

}  // namespace

CreditControlAnswer GyHandler::handle(const CreditControlRequest& q) {
  Call call{q, {}, time_of(q), engine_.catalog(), {}};
  call.a.session_id = q.session_id;
  call.a.cc_request_type = q.cc_request_type;
  call.a.cc_request_number = q.cc_request_number;
  bool opens = q.cc_request_type == CcRequestType::kInitial || q.cc_request_type == CcRequestType::kEvent;
  bool known = false;
  auto serve = [&](GySession* s) {
    if (!s) return;
    known = true;
    if (const CreditControlAnswer* previous = GySessions::answered(*s, q.cc_request_number)) {
      counters_.duplicates.fetch_add(1, std::memory_order_relaxed);
      call.a = *previous;  // a resend: the very answer, nothing debited again (rule 18)
      return;
    }
    answer_new(call, *s);
  };
  sessions_.with(q.session_id, opens, serve);
  if (known) return call.a;

  // An UPDATE or TERMINATION of a session this server does not hold. It may have served it before
  // a restart: the account still holds the session's reservation or answers.
  Expected<std::string> account = identify(engine_, q);
  if (account && engine_.holds_session(*account, q.session_id)) {
    counters_.adopted_sessions.fetch_add(1, std::memory_order_relaxed);
    sessions_.with(q.session_id, true, [&](GySession* s) {
      if (s->account.empty()) {
        s->account = *account;
        s->origin_host = q.origin_host;
        s->origin_realm = q.origin_realm;
      }
      serve(s);
    });
    return call.a;
  }
  call.a.result_code = !account && account.status().code() == ErrorCode::kUnavailable
                           ? ResultCode::kTooBusy  // the store cannot say whose session it is
                           : ResultCode::kUnknownSessionId;
  return call.a;
}

void GyHandler::answer_new(Call& call, GySession& s) {
  const CreditControlRequest& q = call.q;
  CreditControlAnswer& a = call.a;
  s.last_seen = std::max(s.last_seen, call.time);
  s.id = q.session_id;
  if (q.cc_request_type == CcRequestType::kInitial) s.closed = false;
  if (s.closed) {
    a.result_code = ResultCode::kUnknownSessionId;  // ended: only resends of its answers are served
    return;
  }
  if (s.account.empty()) {
    Expected<std::string> who = identify(engine_, q);
    if (!who && who.status().code() == ErrorCode::kUnavailable) {
      a.result_code = ResultCode::kTooBusy;  // nothing decided: a retry (or another server) may
      return;                                // answer it
    }
    if (!who) {
      a.result_code = who.status().code() == ErrorCode::kNotFound ? ResultCode::kUserUnknown
                                                                  : ResultCode::kMissingAvp;
      if (a.result_code == ResultCode::kMissingAvp) a.failed_avp = FailedAvp{kSubscriptionIdAvp, 0, {}};
      s.closed = true;  // never opened: a resend gets the same refusal, a new number 5002
      GySessions::remember(s, q.cc_request_number, a);
      return;
    }
    s.account = std::move(*who);
    s.origin_host = q.origin_host;
    s.origin_realm = q.origin_realm;
  }
  call.account = s.account;
  call.session = &s;

  switch (q.cc_request_type) {
    case CcRequestType::kInitial:
    case CcRequestType::kUpdate:
      for (const MsccRequest& m : q.mscc) a.mscc.push_back(credit(call, m));
      break;
    case CcRequestType::kTermination:
      terminate(call);
      break;
    case CcRequestType::kEvent:
      event(call);
      break;
  }
  if (a.result_code == ResultCode::kSuccess) a.result_code = top_level(a.mscc);
  s.final_units = std::any_of(a.mscc.begin(), a.mscc.end(), ends_units);
  s.validity = 0;
  for (const MsccAnswer& m : a.mscc) s.validity = std::max(s.validity, m.validity_time.value_or(0));
  // RFC 4006 5.1: a session ends with its TERMINATION or EVENT, and one whose INITIAL failed at
  // the command level was never established.
  if (q.cc_request_type == CcRequestType::kTermination || q.cc_request_type == CcRequestType::kEvent ||
      (q.cc_request_type == CcRequestType::kInitial && a.result_code != ResultCode::kSuccess)) {
    s.closed = true;
  }
  GySessions::remember(s, q.cc_request_number, a);
}

// Commits what an MSCC reports used; the Result-Code of its failure, or nullopt.
std::optional<ResultCode> GyHandler::commit_usage(Call& call, const MsccRequest& m, const ServiceRef& ref) {
  std::optional<int64_t> used = reported_usage(m, ref.service->dim);
  if (!used) return ResultCode::kInvalidAvpValue;
  Expected<Answer> committed = engine_.commit(call.account, call.commit(m, ref, *used));
  if (!committed) return code_for(committed.status());
  return std::nullopt;
}

MsccAnswer GyHandler::credit(Call& call, const MsccRequest& m) {
  std::optional<ServiceRef> ref = resolve_service(*call.catalog, call.q, m);
  if (!ref) return mscc_shell(m, ResultCode::kRatingFailed);
  lang::Dim dim = ref->service->dim;
  if (call.q.cc_request_type == CcRequestType::kUpdate && !m.used.empty()) {
    if (std::optional<ResultCode> failed = commit_usage(call, m, *ref)) return mscc_shell(m, *failed);
  }
  if (final_report(m)) return mscc_shell(m, ResultCode::kSuccess);  // the service ends: no new grant
  Expected<Answer> reserved =
      engine_.reserve(call.account, call.reserve(m, *ref, requested_amount(m, *ref)));
  if (!reserved) return mscc_shell(m, code_for(reserved.status()));
  return mscc_answer(m, dim, *reserved);
}

void GyHandler::terminate(Call& call) {
  for (const MsccRequest& m : call.q.mscc) {
    if (m.used.empty()) continue;
    std::optional<ServiceRef> ref = resolve_service(*call.catalog, call.q, m);
    if (!ref) {
      call.a.mscc.push_back(mscc_shell(m, ResultCode::kRatingFailed));
      continue;
    }
    if (std::optional<ResultCode> failed = commit_usage(call, m, *ref)) {
      call.a.mscc.push_back(mscc_shell(m, *failed));
    }
  }
  // Whatever the session still holds goes back (rule 17); the answer carries only failures.
  for (const MsccRequest& m : call.q.mscc) call.session_of(m);
  Status released = release_all(call.account, *call.session, call.q.cc_request_number, call.time);
  if (!released) call.a.result_code = code_for(released);
}

Status GyHandler::release_all(const std::string& account, const GySession& s, uint32_t number,
                              int64_t time) {
  std::vector<std::string> names = s.engine_sessions;
  if (names.empty()) names.push_back(s.id);
  for (const std::string& name : names) {
    Expected<Answer> r = engine_.release(account, name, number, time);
    if (!r) return r.status();
  }
  return Status::ok();
}

void GyHandler::event(Call& call) {
  RequestedAction action = call.q.requested_action.value_or(RequestedAction::kDirectDebiting);
  bool all_enough = true;
  int64_t total_cost = 0;
  std::string currency;
  for (const MsccRequest& m : call.q.mscc) {
    std::optional<ServiceRef> ref = resolve_service(*call.catalog, call.q, m);
    if (!ref) {
      call.a.mscc.push_back(mscc_shell(m, ResultCode::kRatingFailed));
      all_enough = false;
      continue;
    }
    int64_t requested = requested_amount(m, *ref);
    switch (action) {
      case RequestedAction::kDirectDebiting:
        call.a.mscc.push_back(debit(call, m, *ref, requested));
        break;
      case RequestedAction::kRefundAccount: {
        engine::RefundRequest r;
        r.session = call.session_of(m);
        r.number = call.q.cc_request_number;
        r.service = ref->service->name;
        r.model = ref->model;
        r.units = requested;
        r.time = call.time;
        Expected<Answer> refunded = engine_.refund(call.account, r);
        call.a.mscc.push_back(mscc_shell(m, refunded ? ResultCode::kSuccess : code_for(refunded.status())));
        break;
      }
      case RequestedAction::kCheckBalance:
      case RequestedAction::kPriceEnquiry: {
        Expected<engine::Explanation> e = engine_.explain(call.account, call.reserve(m, *ref, requested));
        if (!e) {
          call.a.mscc.push_back(mscc_shell(m, code_for(e.status())));
          all_enough = false;
          break;
        }
        engine::Quote quote = engine::quote(*e, requested > 0 ? requested : e->answer.grant);
        bool rated = e->rated && e->answer.outcome != Outcome::kRatingFailed &&
                     e->answer.outcome != Outcome::kNoRule;
        ResultCode code = rated ? ResultCode::kSuccess : result_code(e->answer.outcome);
        if (action == RequestedAction::kCheckBalance) {
          all_enough = all_enough && rated && quote.covered;
        } else {
          // The quote prices overage but knows no cap: at the spend cap (or a full window) the
          // decision itself says nothing can be had now.
          bool refused = e->answer.outcome == Outcome::kExhausted;
          if (rated && (!quote.available || refused)) code = ResultCode::kCreditLimitReached;
          total_cost += quote.cost;
          currency = e->currency;
        }
        call.a.mscc.push_back(mscc_shell(m, code));
        break;
      }
    }
  }
  if (action == RequestedAction::kCheckBalance) {
    call.a.check_balance_result = all_enough ? CheckBalanceResult::kEnoughCredit : CheckBalanceResult::kNoCredit;
  } else if (action == RequestedAction::kPriceEnquiry) {
    call.a.cost_information = cost_information(total_cost, currency);
  }
}

// RFC 4006 6.3: the requested units are debited whole, or nothing is (4012).
MsccAnswer GyHandler::debit(Call& call, const MsccRequest& m, const ServiceRef& ref, int64_t requested) {
  lang::Dim dim = ref.service->dim;
  Expected<Answer> reserved = engine_.reserve(call.account, call.reserve(m, ref, requested));
  if (!reserved) return mscc_shell(m, code_for(reserved.status()));
  if (reserved->outcome != Outcome::kGranted) return mscc_answer(m, dim, *reserved);
  if (requested > 0 && reserved->grant < requested) {
    Expected<Answer> released =
        engine_.release(call.account, call.session_of(m), call.q.cc_request_number, call.time);
    if (!released) return mscc_shell(m, code_for(released.status()));
    return mscc_shell(m, ResultCode::kCreditLimitReached);
  }
  int64_t units = requested > 0 ? requested : reserved->grant;
  Expected<Answer> committed = engine_.commit(call.account, call.commit(m, ref, units));
  if (!committed) return mscc_shell(m, code_for(committed.status()));
  MsccAnswer out = mscc_shell(m, ResultCode::kSuccess);
  out.granted = units_in(dim, units);
  return out;
}

size_t GyHandler::supervise() {
  int64_t t = now();
  size_t released = 0;
  for (const GySessionRef& ref : sessions_.silent(t, options_.tcc_seconds)) {
    sessions_.with(ref.session_id, false, [&](GySession* s) {
      if (!s || s->closed || !GySessions::is_silent(*s, t, options_.tcc_seconds)) return;  // heard from
      // The release takes the next request number, so it never collides with a CCR's key.
      Status r = release_all(s->account, *s, s->last_number + 1, t);
      if (!r && r.code() != ErrorCode::kNotFound) return;  // the store is down: next tick
      s->closed = true;
      s->last_seen = t;
      ++released;
    });
  }
  counters_.supervised.fetch_add(released, std::memory_order_relaxed);
  sessions_.forget_closed(t - options_.keep_closed_seconds);
  return released;
}

void GyHandler::reauthorized(const std::string& session_id) {
  sessions_.with(session_id, false, [](GySession* s) {
    if (s) s->final_units = false;
  });
}

}  // namespace gyrate::diameter
