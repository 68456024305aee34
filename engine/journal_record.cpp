// gyrate.store.AccountChanges in protobuf's wire format, field by field in field-number order as
// protobuf writes them: proto3 leaves scalars at their default out, writes every element of a
// repeated field and every message field that is set, even when empty.
#include "journal_record.hpp"

#include <cstring>

namespace gyrate::engine::journal_record {
namespace {

enum WireType : uint8_t { kVarint = 0, kLengthDelimited = 2 };

class Wire {
 public:
  explicit Wire(std::string& out) : out_(out) {}

  void u64(uint32_t field, uint64_t value) {
    if (value == 0) return;
    tag(field, kVarint);
    varint(value);
  }
  void i64(uint32_t field, int64_t value) { u64(field, static_cast<uint64_t>(value)); }
  void s64(uint32_t field, int64_t value) {  // sint64: zigzag
    u64(field, (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }
  void boolean(uint32_t field, bool value) { u64(field, value ? 1 : 0); }
  void string(uint32_t field, std::string_view value) {
    if (!value.empty()) element(field, value);
  }
  void element(uint32_t field, std::string_view value) {  // a repeated string's element
    tag(field, kLengthDelimited);
    varint(value.size());
    out_.append(value);
  }

  // A message field: begin() before its fields, end() after them. The length is written as one
  // byte and widened (moving the message) in the rare case it does not fit.
  size_t begin(uint32_t field) {
    tag(field, kLengthDelimited);
    out_.push_back('\0');
    return out_.size();
  }
  void end(size_t start) {
    const size_t length = out_.size() - start;
    if (length < 0x80) {
      out_[start - 1] = static_cast<char>(length);
      return;
    }
    char bytes[10];
    const size_t n = to_varint(length, bytes);
    out_.insert(start, n - 1, '\0');
    std::memcpy(out_.data() + start - 1, bytes, n);
  }

 private:
  static size_t to_varint(uint64_t value, char* at) {
    size_t n = 0;
    while (value >= 0x80) {
      at[n++] = static_cast<char>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    at[n++] = static_cast<char>(value);
    return n;
  }
  void varint(uint64_t value) {
    char bytes[10];
    out_.append(bytes, to_varint(value, bytes));
  }
  void tag(uint32_t field, WireType type) { varint((uint64_t{field} << 3) | type); }

  std::string& out_;
};

const std::string& service_name(const AccountState& a, uint16_t service) {
  return a.catalog->program().services[service].name;
}

void identities(Wire& w, uint32_t field, const CompactVector<Identity>& from) {
  for (const Identity& i : from) {
    const size_t m = w.begin(field);
    w.u64(1, static_cast<uint32_t>(i.type));
    w.string(2, i.value);
    w.end(m);
  }
}

void account(Wire& w, const AccountState& a) {
  w.string(1, a.id);
  w.string(2, a.plan_name());
  w.i64(3, a.plan_version);
  w.i64(4, a.activation);
  w.i64(5, a.billing_day);  // int32: a negative value is sign-extended, as protobuf does
  for (const auto& [name, value] : a.attributes) {
    const size_t m = w.begin(6);
    w.string(1, name);
    w.string(2, value);
    w.end(m);
  }
  identities(w, 7, a.identities);
  for (const Bucket& b : a.buckets) {
    const size_t m = w.begin(8);
    w.string(1, service_name(a, b.service));
    w.u64(2, static_cast<uint32_t>(b.origin));
    w.s64(3, b.amount);
    w.i64(4, b.valid_from);
    w.i64(5, b.valid_until);
    w.string(6, b.offer.str());
    w.end(m);
  }
  for (size_t s = 0; s < a.used.size() || s < a.period_allowance.size(); ++s) {
    const int64_t used = s < a.used.size() ? a.used[s] : 0;
    const int64_t allowance = s < a.period_allowance.size() ? a.period_allowance[s] : 0;
    if (used == 0 && allowance == 0) continue;
    const size_t m = w.begin(9);
    w.string(1, service_name(a, static_cast<uint16_t>(s)));
    w.i64(2, used);
    w.i64(3, allowance);
    w.end(m);
  }
  w.i64(10, a.spend);
  w.i64(11, a.fees_charged);
  w.i64(12, a.last_fee);
  w.i64(13, a.period.start);
  w.i64(14, a.period.end);
  w.i64(15, a.period.index);
  for (const std::string& p : a.promos_granted) w.element(16, p);
  w.i64(17, a.last_time);
  for (const Reservation& r : a.reservations) {
    const size_t m = w.begin(18);
    w.string(1, r.session);
    w.u64(2, r.number);
    w.string(3, service_name(a, r.service));
    w.i64(4, r.debit);
    w.i64(5, r.grant);
    w.i64(6, r.weight);
    w.boolean(7, r.charge);
    w.boolean(8, r.has_overage_price);
    w.i64(9, r.overage_price);
    w.i64(10, r.overage_block);
    w.i64(11, r.expires_at);
    w.string(12, r.member);
    w.end(m);
  }
  for (const WindowCounter& c : a.windows) {
    const size_t m = w.begin(19);
    w.string(1, service_name(a, c.service()));
    w.u64(2, c.index());
    w.i64(3, c.seconds());
    for (const auto& [minute, amount] : c.minutes()) {
      const size_t mm = w.begin(4);
      w.i64(1, minute);
      w.i64(2, amount);
      w.end(mm);
    }
    w.end(m);
  }
  for (const Notification& n : a.notifications) {
    const size_t m = w.begin(20);
    w.string(1, n.service);
    w.i64(2, n.level);
    w.i64(3, n.ratio);
    w.i64(4, n.used);
    w.i64(5, n.period_index);
    w.i64(6, n.time);
    w.end(m);
  }
  w.u64(21, a.revision);
  w.u64(22, a.late_requests);
  for (const TeamMember& member : a.members) {
    const size_t m = w.begin(23);
    w.string(1, member.id);
    identities(w, 2, member.identities);
    for (size_t s = 0; s < member.used.size(); ++s) {
      if (member.used[s] == 0) continue;
      const size_t u = w.begin(3);
      w.string(1, service_name(a, static_cast<uint16_t>(s)));
      w.i64(2, member.used[s]);
      w.end(u);
    }
    w.end(m);
  }
}

void request_key(Wire& w, const RequestKey& key) {
  w.string(1, key.session);
  w.u64(2, key.number);
  w.u64(3, static_cast<uint32_t>(key.op));
  w.string(4, key.service);
}

void answer(Wire& w, const Answer& a) {
  w.u64(1, static_cast<uint32_t>(a.outcome));
  w.u64(2, static_cast<uint32_t>(a.limiter));
  w.i64(3, a.grant);
  w.i64(4, a.debit);
  w.i64(5, a.weight);
  w.i64(6, a.validity_seconds);
  w.i64(7, a.threshold);
  w.boolean(8, a.final_units);
  w.boolean(9, a.has_final_action);
  w.u64(10, static_cast<uint32_t>(a.final_action));
  w.string(11, a.final_action_argument);
  w.i64(12, a.committed);
  w.i64(13, a.overrun);
  w.i64(14, a.charged);
  w.i64(15, a.released);
}

void cdr(Wire& w, const Cdr& c) {
  w.u64(1, c.sequence);
  w.string(2, c.account);
  w.string(3, c.member);
  w.string(4, c.session);
  w.u64(5, c.number);
  w.string(6, c.service);
  w.string(7, c.pack);
  w.i64(8, c.time);
  w.i64(9, c.used);
  w.i64(10, c.weight);
  w.i64(11, c.debit);
  w.i64(12, c.committed);
  w.i64(13, c.overrun);
  w.i64(14, c.charged);
  w.string(15, c.plan);
  w.i64(16, c.plan_version);
  w.u64(17, c.revision);
}

}  // namespace

void encode(std::span<const AccountChange> changes, std::string& out) {
  Wire w(out);
  for (const AccountChange& c : changes) {
    const size_t change = w.begin(1);
    const size_t state = w.begin(1);
    account(w, *c.state);
    w.end(state);
    if (c.key != nullptr) {
      const size_t m = w.begin(2);
      request_key(w, *c.key);
      w.end(m);
    }
    if (c.answer != nullptr) {
      const size_t m = w.begin(3);
      answer(w, *c.answer);
      w.end(m);
    }
    for (const Cdr& x : c.cdrs) {
      const size_t m = w.begin(4);
      cdr(w, x);
      w.end(m);
    }
    w.end(change);
  }
}

}  // namespace gyrate::engine::journal_record
