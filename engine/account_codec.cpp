// AccountState <-> store::Account and friends. Every enum read back is range-checked: a record
// that passed its CRC can still come from a newer gyrate.
#include "account_codec.hpp"

#include <string>

#include "renewal.hpp"

namespace gyrate::engine::codec {
namespace {

const std::string& service_name(const AccountState& a, uint16_t service) {
  return a.catalog->program().services[service].name;
}

Status corrupt(const std::string& what) {
  return Status::error(ErrorCode::kCorrupt, "stored account: " + what);
}

void encode_identities(const CompactVector<Identity>& from,
                       google::protobuf::RepeatedPtrField<store::Identity>& to) {
  for (const Identity& i : from) {
    store::Identity* o = to.Add();
    o->set_type(static_cast<uint32_t>(i.type));
    o->set_value(i.value);
  }
}

Expected<std::vector<Identity>> decode_identities(
    const google::protobuf::RepeatedPtrField<store::Identity>& from) {
  std::vector<Identity> out;
  for (const store::Identity& i : from) {
    Expected<Identity> id = make_identity(static_cast<IdentityType>(i.type()), i.value());
    if (!id || i.type() > 255) return corrupt("identity '" + i.value() + "'");
    out.push_back(std::move(*id));
  }
  return out;
}

}  // namespace

void encode(const AccountState& a, store::Account& out) {
  out.set_id(a.id);
  out.set_plan(a.plan_name());
  out.set_plan_version(a.plan_version);
  out.set_activation(a.activation);
  out.set_billing_day(a.billing_day);
  for (const auto& [name, value] : a.attributes) {
    store::Attribute* o = out.add_attributes();
    o->set_name(name);
    o->set_value(value);
  }
  encode_identities(a.identities, *out.mutable_identities());
  for (const Bucket& b : a.buckets) {
    store::Bucket* o = out.add_buckets();
    o->set_service(service_name(a, b.service));
    o->set_origin(static_cast<uint32_t>(b.origin));
    o->set_amount(b.amount);
    o->set_valid_from(b.valid_from);
    o->set_valid_until(b.valid_until);
    o->set_offer(b.offer.str());
  }
  for (size_t s = 0; s < a.used.size() || s < a.period_allowance.size(); ++s) {
    int64_t used = s < a.used.size() ? a.used[s] : 0;
    int64_t allowance = s < a.period_allowance.size() ? a.period_allowance[s] : 0;
    if (used == 0 && allowance == 0) continue;
    store::ServiceCounter* o = out.add_services();
    o->set_service(service_name(a, static_cast<uint16_t>(s)));
    o->set_used(used);
    o->set_period_allowance(allowance);
  }
  out.set_spend(a.spend);
  out.set_fees_charged(a.fees_charged);
  out.set_last_fee(a.last_fee);
  out.set_period_start(a.period.start);
  out.set_period_end(a.period.end);
  out.set_period_index(a.period.index);
  for (const std::string& p : a.promos_granted) out.add_promos_granted(p);
  out.set_last_time(a.last_time);
  for (const Reservation& r : a.reservations) {
    store::Reservation* o = out.add_reservations();
    o->set_session(r.session);
    o->set_number(r.number);
    o->set_service(service_name(a, r.service));
    o->set_debit(r.debit);
    o->set_grant(r.grant);
    o->set_weight(r.weight);
    o->set_charge(r.charge);
    o->set_has_overage_price(r.has_overage_price);
    o->set_overage_price(r.overage_price);
    o->set_overage_block(r.overage_block);
    o->set_expires_at(r.expires_at);
    o->set_member(r.member);
  }
  for (const WindowCounter& w : a.windows) {
    store::Window* o = out.add_windows();
    o->set_service(service_name(a, w.service()));
    o->set_index(w.index());
    o->set_seconds(w.seconds());
    for (const auto& [minute, amount] : w.minutes()) {
      store::WindowMinute* m = o->add_minutes();
      m->set_minute(minute);
      m->set_amount(amount);
    }
  }
  for (const Notification& n : a.notifications) {
    store::Notification* o = out.add_notifications();
    o->set_service(n.service);
    o->set_level(n.level);
    o->set_ratio(n.ratio);
    o->set_used(n.used);
    o->set_period_index(n.period_index);
    o->set_time(n.time);
  }
  out.set_revision(a.revision);
  out.set_late_requests(a.late_requests);
  for (const TeamMember& m : a.members) {
    store::TeamMember* o = out.add_members();
    o->set_id(m.id);
    encode_identities(m.identities, *o->mutable_identities());
    for (size_t s = 0; s < m.used.size(); ++s) {
      if (m.used[s] == 0) continue;
      store::MemberUsage* u = o->add_used();
      u->set_service(service_name(a, static_cast<uint16_t>(s)));
      u->set_used(m.used[s]);
    }
  }
}

Expected<AccountState> decode(const store::Account& in,
                              const std::shared_ptr<const Catalog>& catalog,
                              std::string* warning) {
  const Catalog& c = *catalog;
  std::optional<uint32_t> plan = c.plan(in.plan(), in.plan_version());
  if (!plan) {
    plan = c.plan(in.plan());
    if (!plan) {
      return Status::error(ErrorCode::kNotFound, "account '" + in.id() + "': the catalog has no plan '" +
                                                     in.plan() + "'");
    }
    if (warning != nullptr) {
      *warning = "account '" + in.id() + "': the catalog has no version " +
                 std::to_string(in.plan_version()) + " of plan '" + in.plan() +
                 "'; it continues on version " + std::to_string(c.program().plans[*plan].version);
    }
  }
  size_t services = c.program().services.size();
  // A service the catalog no longer has: its state goes, as rebase() does on a reload.
  auto service = [&](const std::string& name) { return c.service(name); };

  AccountState a;
  a.id = in.id();
  a.catalog = catalog;
  a.plan = *plan;
  a.plan_version = c.program().plans[*plan].version;
  a.activation = in.activation();
  a.billing_day = in.billing_day();
  if (a.billing_day < 1 || a.billing_day > 31) return corrupt("billing day of '" + a.id + "'");
  for (const store::Attribute& at : in.attributes()) a.attributes.emplace_back(at.name(), at.value());
  Expected<std::vector<Identity>> ids = decode_identities(in.identities());
  if (!ids) return ids.status();
  a.identities = std::move(*ids);
  if (Status s = resolve_attributes(a); !s) {
    return Status::error(s.code(), "account '" + a.id + "': " + s.message());
  }
  for (const store::Bucket& b : in.buckets()) {
    std::optional<uint16_t> s = service(b.service());
    if (!s) continue;
    if (b.origin() > static_cast<uint32_t>(BucketOrigin::kPooled)) return corrupt("bucket origin");
    a.buckets.push_back(Bucket{.service = *s,
                               .origin = static_cast<BucketOrigin>(b.origin()),
                               .offer = b.offer(),
                               .amount = b.amount(),
                               .valid_from = b.valid_from(),
                               .valid_until = b.valid_until()});
  }
  a.used.assign(services, 0);
  a.period_allowance.assign(services, 0);
  for (const store::ServiceCounter& sc : in.services()) {
    std::optional<uint16_t> s = service(sc.service());
    if (!s) continue;
    a.used[*s] = sc.used();
    a.period_allowance[*s] = sc.period_allowance();
  }
  a.spend = in.spend();
  a.fees_charged = in.fees_charged();
  a.last_fee = in.last_fee();
  a.period = PeriodSpan{in.period_start(), in.period_end(), in.period_index()};
  a.promos_granted.assign(in.promos_granted().begin(), in.promos_granted().end());
  a.last_time = in.last_time();
  for (const store::Reservation& r : in.reservations()) {
    std::optional<uint16_t> s = service(r.service());
    if (!s) continue;
    a.reservations.push_back(Reservation{r.session(), r.number(), *s, r.debit(), r.grant(),
                                         r.weight(), r.charge(), r.has_overage_price(),
                                         r.overage_price(), r.overage_block(), catalog,
                                         r.expires_at(), r.member()});
  }
  for (const store::Window& w : in.windows()) {
    std::optional<uint16_t> s = service(w.service());
    if (!s) continue;
    if (w.index() >= lang::kMaxWindowLimits) return corrupt("window index");
    WindowCounter& counter = a.window(*s, static_cast<uint8_t>(w.index()), w.seconds());
    for (const store::WindowMinute& m : w.minutes()) counter.restore_minute(m.minute(), m.amount());
  }
  for (const store::Notification& n : in.notifications()) {
    a.notifications.push_back(
        Notification{n.service(), n.level(), n.ratio(), n.used(), n.period_index(), n.time()});
  }
  a.revision = in.revision();
  a.late_requests = in.late_requests();
  for (const store::TeamMember& m : in.members()) {
    TeamMember member;
    member.id = m.id();
    Expected<std::vector<Identity>> mids = decode_identities(m.identities());
    if (!mids) return mids.status();
    member.identities = std::move(*mids);
    member.used.assign(services, 0);
    for (const store::MemberUsage& u : m.used()) {
      if (std::optional<uint16_t> s = service(u.service())) member.used[*s] = u.used();
    }
    a.members.push_back(std::move(member));
  }
  return a;
}

void encode(const RequestKey& key, store::RequestKey& out) {
  out.set_session(key.session);
  out.set_number(key.number);
  out.set_op(static_cast<uint32_t>(key.op));
  out.set_service(key.service);
}

Expected<RequestKey> decode(const store::RequestKey& in) {
  if (in.op() > static_cast<uint32_t>(Operation::kRefund)) return corrupt("request operation");
  return RequestKey{in.session(), in.number(), static_cast<Operation>(in.op()), in.service()};
}

void encode(const Answer& a, store::Answer& out) {
  out.set_outcome(static_cast<uint32_t>(a.outcome));
  out.set_limiter(static_cast<uint32_t>(a.limiter));
  out.set_grant(a.grant);
  out.set_debit(a.debit);
  out.set_weight(a.weight);
  out.set_validity_seconds(a.validity_seconds);
  out.set_threshold(a.threshold);
  out.set_final_units(a.final_units);
  out.set_has_final_action(a.has_final_action);
  out.set_final_action(static_cast<uint32_t>(a.final_action));
  out.set_final_action_argument(a.final_action_argument);
  out.set_committed(a.committed);
  out.set_overrun(a.overrun);
  out.set_charged(a.charged);
  out.set_released(a.released);
}

Expected<Answer> decode(const store::Answer& in) {
  if (in.outcome() > static_cast<uint32_t>(lang::Outcome::kRatingFailed) ||
      in.limiter() > static_cast<uint32_t>(lang::Limiter::kNone) ||
      in.final_action() > static_cast<uint32_t>(lang::ast::ActionKind::kCharge)) {
    return corrupt("answer enum out of range");
  }
  Answer a;
  a.outcome = static_cast<lang::Outcome>(in.outcome());
  a.limiter = static_cast<lang::Limiter>(in.limiter());
  a.grant = in.grant();
  a.debit = in.debit();
  a.weight = in.weight();
  a.validity_seconds = in.validity_seconds();
  a.threshold = in.threshold();
  a.final_units = in.final_units();
  a.has_final_action = in.has_final_action();
  a.final_action = static_cast<lang::ast::ActionKind>(in.final_action());
  a.final_action_argument = in.final_action_argument();
  a.committed = in.committed();
  a.overrun = in.overrun();
  a.charged = in.charged();
  a.released = in.released();
  return a;
}

void encode(const Cdr& c, store::Cdr& out) {
  out.set_sequence(c.sequence);
  out.set_account(c.account);
  out.set_member(c.member);
  out.set_session(c.session);
  out.set_number(c.number);
  out.set_service(c.service);
  out.set_pack(c.pack);
  out.set_time(c.time);
  out.set_used(c.used);
  out.set_weight(c.weight);
  out.set_debit(c.debit);
  out.set_committed(c.committed);
  out.set_overrun(c.overrun);
  out.set_charged(c.charged);
  out.set_plan(c.plan);
  out.set_plan_version(c.plan_version);
  out.set_revision(c.revision);
}

Cdr decode(const store::Cdr& in) {
  return Cdr{in.sequence(), in.account(), in.member(), in.session(), in.number(), in.service(),
             in.pack(),     in.time(),    in.used(),   in.weight(),  in.debit(),  in.committed(),
             in.overrun(),  in.charged(), in.plan(),   in.plan_version(), in.revision()};
}

}  // namespace gyrate::engine::codec
