// Internal: writing AVPs into a freeDiameter message or grouped AVP, and reading a message's or a
// group's children with the checks RFC 6733 asks of a receiver (repeats, missing, enumerated values).
#pragma once

#include <bitset>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fd_dictionary.hpp"
#include "gyrate/diameter/gy_decoded.hpp"

namespace gyrate::diameter::fd {

// Adds AVPs to a message or grouped AVP. The first freeDiameter error is kept in *err (shared with
// the writers of nested groups) and later calls do nothing, so a build reads as a flat list.
class AvpWriter {
 public:
  AvpWriter(msg_or_avp* parent, int* err) : parent_(parent), err_(err) {}

  void u32(Avp id, uint32_t v);
  void u64(Avp id, uint64_t v);
  void i32(Avp id, int32_t v);
  void i64(Avp id, int64_t v);
  void str(Avp id, std::string_view v);
  void time(Avp id, uint32_t ntp_seconds);  // Time: 4 octets, network order
  template <typename E>
  void enumerated(Avp id, E v) { i32(id, static_cast<int32_t>(v)); }
  void opt_u32(Avp id, const std::optional<uint32_t>& v) { if (v) u32(id, *v); }
  void opt_u64(Avp id, const std::optional<uint64_t>& v) { if (v) u64(id, *v); }
  void opt_str(Avp id, const std::optional<std::string>& v) { if (v) str(id, *v); }
  template <typename E>
  void opt_enumerated(Avp id, const std::optional<E>& v) { if (v) enumerated(id, *v); }
  // A grouped AVP appended now; its children are added through the returned writer.
  AvpWriter group(Avp id);
  // An AVP of any dictionary model (Failed-AVP's content), with an integer value or a blank one.
  void any(struct dict_object* model, std::optional<int64_t> value);
  // An AVP with no dictionary model: its header copied from `original`, its payload zeroed.
  void blank_copy(struct avp* original);

 private:
  struct avp* append(struct dict_object* model);
  void set(struct avp* a, union avp_value* v);
  msg_or_avp* parent_;
  int* err_;
};

// One child AVP the codec knows.
struct Child {
  Avp id;
  struct avp* avp;  // to read a grouped child's own children
  struct avp_hdr* h;
};

// Reads the children of one message or group. Keeps the first problem as a DecodeError with the
// Result-Code RFC 6733 7.1.5 gives it.
class AvpReader {
 public:
  explicit AvpReader(std::optional<DecodeError>* error) : error_(error) {}
  bool ok() const { return !error_->has_value(); }

  // A reader for a group inside this one: its own repeat counts, the same error.
  AvpReader nested() const { return AvpReader(error_); }

  // Calls f(const Child&) for each child the codec knows and skips the others, except one that no
  // dictionary knows and has the M bit: 5001 (the stack answers those itself, so a handler never
  // sees one). A repeat of an AVP that RFC 4006 allows once fails with 5009 unless `repeatable`
  // says it may repeat.
  template <typename F>
  void for_each(msg_or_avp* parent, std::initializer_list<Avp> repeatable, F&& f);

  // 5005 with Failed-AVP when `id` was not among the children just read.
  void require(Avp id);
  bool seen(Avp id) const { return seen_[static_cast<size_t>(id)]; }

  static uint32_t u32(const Child& c) { return c.h->avp_value->u32; }
  static uint64_t u64(const Child& c) { return c.h->avp_value->u64; }
  static int32_t i32(const Child& c) { return c.h->avp_value->i32; }
  static int64_t i64(const Child& c) { return c.h->avp_value->i64; }
  static std::string str(const Child& c);
  // An NTP timestamp (Time, 4 octets); 5014 on another length.
  uint32_t time(const Child& c);
  // The value as E when lo <= value <= hi; otherwise 5004 with the value in Failed-AVP.
  template <typename E>
  E enumerated(const Child& c, int32_t lo, int32_t hi);

  void fail(ResultCode code, const struct avp_hdr* h, std::string message, bool with_value = false);
  void fail(ResultCode code, std::string message);

 private:
  bool visit(struct avp* a, std::initializer_list<Avp> repeatable, Avp* id, struct avp_hdr** h);
  std::optional<DecodeError>* error_;
  std::bitset<kAvpCount> seen_;
};

// A group of one required enumerated AVP and one required string (Subscription-Id,
// Redirect-Server).
template <typename E>
std::pair<E, std::string> read_typed_string(const AvpReader& outer, const Child& group, Avp type,
                                            int32_t type_max, Avp data) {
  std::pair<E, std::string> out{};
  AvpReader r = outer.nested();
  r.for_each(group.avp, {}, [&](const Child& c) {
    if (c.id == type) out.first = r.enumerated<E>(c, 0, type_max);
    if (c.id == data) out.second = AvpReader::str(c);
  });
  r.require(type);
  r.require(data);
  return out;
}

// A Status for a failed libfdproto / libfdcore call.
Status fd_call_failed(const char* what, int err);

template <typename F>
void AvpReader::for_each(msg_or_avp* parent, std::initializer_list<Avp> repeatable, F&& f) {
  seen_.reset();
  msg_or_avp* child = nullptr;
  if (fd_msg_browse_internal(parent, MSG_BRW_FIRST_CHILD, &child, nullptr) != 0) {
    fail(ResultCode::kUnableToComply, "cannot browse AVPs");
    return;
  }
  while (child != nullptr && ok()) {
    Child c{Avp::kCount, static_cast<struct avp*>(child), nullptr};
    if (visit(c.avp, repeatable, &c.id, &c.h) && ok()) f(static_cast<const Child&>(c));
    if (fd_msg_browse_internal(child, MSG_BRW_NEXT, &child, nullptr) != 0) {
      fail(ResultCode::kUnableToComply, "cannot browse AVPs");
    }
  }
}

template <typename E>
E AvpReader::enumerated(const Child& c, int32_t lo, int32_t hi) {
  int32_t v = c.h->avp_value->i32;
  if (v < lo || v > hi) {
    fail(ResultCode::kInvalidAvpValue, c.h, "value outside the enumeration", true);
    return static_cast<E>(lo);
  }
  return static_cast<E>(v);
}

}  // namespace gyrate::diameter::fd
