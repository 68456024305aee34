// The C ABI's provisioning and request calls: C structs to engine requests and engine answers
// back to gyrate_answer.
#include "c_abi.hpp"
#include "gyrate/engine/identity.hpp"

namespace gyrate::c_abi {
namespace {

using engine::Answer;
using engine::IdentityType;

// The final action's argument is handed out as a pointer valid until the thread's next call.
thread_local std::string t_action_argument;

int32_t outcome_code(lang::Outcome o) {
  switch (o) {
    case lang::Outcome::kGranted: return GYRATE_OUTCOME_GRANTED;
    case lang::Outcome::kNotEligible: return GYRATE_OUTCOME_NOT_ELIGIBLE;
    case lang::Outcome::kModelNotAllowed: return GYRATE_OUTCOME_MODEL_NOT_ALLOWED;
    case lang::Outcome::kNoRule: return GYRATE_OUTCOME_NO_RULE;
    case lang::Outcome::kExhausted: return GYRATE_OUTCOME_EXHAUSTED;
    case lang::Outcome::kRatingFailed: return GYRATE_OUTCOME_RATING_FAILED;
  }
  return GYRATE_OUTCOME_RATING_FAILED;
}

int32_t limiter_code(lang::Limiter l) {
  switch (l) {
    case lang::Limiter::kRule: return GYRATE_LIMITER_RULE;
    case lang::Limiter::kBalance: return GYRATE_LIMITER_BALANCE;
    case lang::Limiter::kUsageCap: return GYRATE_LIMITER_USAGE_CAP;
    case lang::Limiter::kMemberCap: return GYRATE_LIMITER_MEMBER_CAP;
    case lang::Limiter::kWindow: return GYRATE_LIMITER_WINDOW;
    case lang::Limiter::kSpendCap: return GYRATE_LIMITER_SPEND_CAP;
    case lang::Limiter::kNone: return GYRATE_LIMITER_NONE;
  }
  return GYRATE_LIMITER_NONE;
}

int32_t action_code(lang::ast::ActionKind a) {
  switch (a) {
    case lang::ast::ActionKind::kBlock: return GYRATE_ACTION_BLOCK;
    case lang::ast::ActionKind::kTerminate: return GYRATE_ACTION_TERMINATE;
    case lang::ast::ActionKind::kRedirect: return GYRATE_ACTION_REDIRECT;
    case lang::ast::ActionKind::kRestrict: return GYRATE_ACTION_RESTRICT;
    case lang::ast::ActionKind::kCharge: return GYRATE_ACTION_CHARGE;
  }
  return GYRATE_ACTION_BLOCK;
}

int answer_out(const Expected<Answer>& answer, gyrate_answer* out) {
  if (!answer) return fail(answer.status());
  const Answer& a = *answer;
  t_action_argument = a.final_action_argument;
  gyrate_answer c{};
  c.outcome = outcome_code(a.outcome);
  c.limiter = limiter_code(a.limiter);
  c.final_units = a.final_units ? 1 : 0;
  c.has_final_action = a.has_final_action ? 1 : 0;
  c.final_action = action_code(a.final_action);
  c.final_action_argument = t_action_argument.c_str();
  c.grant = a.grant;
  c.debit = a.debit;
  c.weight = a.weight;
  c.validity_seconds = a.validity_seconds;
  c.threshold = a.threshold;
  c.committed = a.committed;
  c.overrun = a.overrun;
  c.charged = a.charged;
  c.released = a.released;
  c.duplicate = a.duplicate ? 1 : 0;
  return write_struct(out, c, "out");
}

std::optional<IdentityType> identity_type(int32_t type) {
  switch (type) {
    case GYRATE_IDENTITY_E164: return IdentityType::kE164;
    case GYRATE_IDENTITY_IMSI: return IdentityType::kImsi;
    case GYRATE_IDENTITY_NAI: return IdentityType::kNai;
    default: return std::nullopt;
  }
}

int provision_spec(const gyrate_subscriber& s, engine::ProvisionSpec& spec) {
  if (s.id == nullptr) return null_argument("subscriber.id");
  spec.id = s.id;
  spec.plan = s.plan != nullptr ? s.plan : "";
  spec.activation = s.activation;
  spec.billing_day = s.billing_day;
  spec.team = s.team != nullptr ? s.team : "";
  if (s.attribute_count > 0 && s.attributes == nullptr) return null_argument("subscriber.attributes");
  for (size_t i = 0; i < s.attribute_count; ++i) {
    const gyrate_attribute& a = s.attributes[i];
    if (a.name == nullptr || a.value == nullptr) return null_argument("an attribute's name or value");
    spec.attributes.emplace_back(a.name, a.value);
  }
  if (s.identity_count > 0 && s.identities == nullptr) return null_argument("subscriber.identities");
  for (size_t i = 0; i < s.identity_count; ++i) {
    const gyrate_identity& x = s.identities[i];
    std::optional<IdentityType> type = identity_type(x.type);
    if (!type) return fail(GYRATE_INVALID_ARGUMENT, "identity type " + std::to_string(x.type) + " is not 0 (E.164), 1 (IMSI) or 3 (NAI)");
    if (x.value == nullptr) return null_argument("an identity's value");
    spec.identities.push_back(engine::Identity{*type, x.value});
  }
  return GYRATE_OK;
}

}  // namespace

int reserve_request(const gyrate_reserve_request* in, engine::ReserveRequest& out) {
  gyrate_reserve_request r;
  if (int st = read_struct(in, r, "request"); st != GYRATE_OK) return st;
  if (r.session == nullptr) return null_argument("request.session");
  if (r.service == nullptr) return null_argument("request.service");
  out.session = r.session;
  out.number = r.number;
  out.service = r.service;
  out.model = r.model != nullptr ? r.model : "";
  out.requested = r.requested;
  out.time = r.time;
  return GYRATE_OK;
}

}  // namespace gyrate::c_abi

using namespace gyrate::c_abi;

extern "C" {

int gyrate_provision(gyrate_engine* engine, const gyrate_subscriber* subscriber) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    gyrate_subscriber s;
    if (int st = read_struct(subscriber, s, "subscriber"); st != GYRATE_OK) return st;
    gyrate::engine::ProvisionSpec spec;
    if (int st = provision_spec(s, spec); st != GYRATE_OK) return st;
    return fail(engine->engine->provision(spec));
  });
}

int gyrate_find_by_identity(gyrate_engine* engine, int32_t type, const char* value, char* buf,
                            size_t size, size_t* needed) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (value == nullptr) return null_argument("value");
    std::optional<IdentityType> t = identity_type(type);
    if (!t) return fail(GYRATE_INVALID_ARGUMENT, "identity type " + std::to_string(type) + " is not 0, 1 or 3");
    gyrate::Expected<gyrate::engine::Identity> identity = gyrate::engine::make_identity(*t, value);
    if (!identity) return fail(identity.status());
    std::optional<std::string> id = engine->engine->find_by_identity(*identity);
    if (!id) return fail(GYRATE_NOT_FOUND, "no account has " + gyrate::engine::identity_key(*identity));
    if (needed != nullptr) *needed = id->size() + 1;
    if (buf == nullptr || size < id->size() + 1) {
      return fail(GYRATE_BUFFER_TOO_SMALL, "the account id needs " + std::to_string(id->size() + 1) + " bytes");
    }
    std::memcpy(buf, id->c_str(), id->size() + 1);
    return GYRATE_OK;
  });
}

int gyrate_reserve(gyrate_engine* engine, const char* account,
                   const gyrate_reserve_request* request, gyrate_answer* out) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (account == nullptr) return null_argument("account");
    if (int st = check_struct(out, "out"); st != GYRATE_OK) return st;
    gyrate::engine::ReserveRequest q;
    if (int st = reserve_request(request, q); st != GYRATE_OK) return st;
    return answer_out(engine->engine->reserve(account, q), out);
  });
}

int gyrate_commit(gyrate_engine* engine, const char* account, const gyrate_commit_request* request,
                  gyrate_answer* out) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (account == nullptr) return null_argument("account");
    if (int st = check_struct(out, "out"); st != GYRATE_OK) return st;
    gyrate_commit_request r;
    if (int st = read_struct(request, r, "request"); st != GYRATE_OK) return st;
    if (r.session == nullptr) return null_argument("request.session");
    if (r.service == nullptr) return null_argument("request.service");
    gyrate::engine::CommitRequest q;
    q.session = r.session;
    q.number = r.number;
    q.service = r.service;
    q.used = r.used;
    q.time = r.time;
    return answer_out(engine->engine->commit(account, q), out);
  });
}

int gyrate_release(gyrate_engine* engine, const char* account, const char* session,
                   uint32_t number, int64_t time, gyrate_answer* out) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (account == nullptr) return null_argument("account");
    if (int st = check_struct(out, "out"); st != GYRATE_OK) return st;
    if (session == nullptr) return null_argument("session");
    return answer_out(engine->engine->release(account, session, number, time), out);
  });
}

int gyrate_buy_pack(gyrate_engine* engine, const char* account, const char* order,
                    uint32_t number, const char* pack, int64_t time, gyrate_answer* out) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (account == nullptr) return null_argument("account");
    if (int st = check_struct(out, "out"); st != GYRATE_OK) return st;
    if (order == nullptr) return null_argument("order");
    if (pack == nullptr) return null_argument("pack");
    return answer_out(engine->engine->buy_pack(account, order, number, pack, time), out);
  });
}

}  // extern "C"
