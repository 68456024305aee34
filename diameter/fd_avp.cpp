// AVP writing and reading over libfdproto's message tree.
#include "fd_avp.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gyrate::diameter::fd {

Status fd_call_failed(const char* what, int err) {
  return Status::error(ErrorCode::kInternal, std::string(what) + ": " + std::strerror(err));
}

struct avp* AvpWriter::append(struct dict_object* model) {
  if (*err_ != 0) return nullptr;
  if (model == nullptr) {
    *err_ = EINVAL;  // setup_gy_dictionary has not run
    return nullptr;
  }
  struct avp* a = nullptr;
  if (int e = fd_msg_avp_new(model, 0, &a); e != 0) {
    *err_ = e;
    return nullptr;
  }
  if (int e = fd_msg_avp_add(parent_, MSG_BRW_LAST_CHILD, a); e != 0) {
    fd_msg_free(a);
    *err_ = e;
    return nullptr;
  }
  return a;
}

void AvpWriter::set(struct avp* a, union avp_value* v) {
  if (a == nullptr) return;
  if (int e = fd_msg_avp_setvalue(a, v); e != 0) *err_ = e;
}

void AvpWriter::u32(Avp id, uint32_t v) {
  union avp_value val{};
  val.u32 = v;
  set(append(gy_dictionary().avp(id)), &val);
}

void AvpWriter::u64(Avp id, uint64_t v) {
  union avp_value val{};
  val.u64 = v;
  set(append(gy_dictionary().avp(id)), &val);
}

void AvpWriter::i64(Avp id, int64_t v) {
  union avp_value val{};
  val.i64 = v;
  set(append(gy_dictionary().avp(id)), &val);
}

void AvpWriter::i32(Avp id, int32_t v) {
  union avp_value val{};
  val.i32 = v;
  set(append(gy_dictionary().avp(id)), &val);
}

void AvpWriter::str(Avp id, std::string_view v) {
  union avp_value val{};
  // setvalue copies the octets; it never writes through the pointer.
  val.os.data = reinterpret_cast<uint8_t*>(const_cast<char*>(v.data()));
  val.os.len = v.size();
  set(append(gy_dictionary().avp(id)), &val);
}

void AvpWriter::time(Avp id, uint32_t ntp_seconds) {
  const char octets[4] = {static_cast<char>(ntp_seconds >> 24), static_cast<char>(ntp_seconds >> 16),
                          static_cast<char>(ntp_seconds >> 8), static_cast<char>(ntp_seconds)};
  str(id, std::string_view(octets, sizeof octets));
}

AvpWriter AvpWriter::group(Avp id) {
  struct avp* a = append(gy_dictionary().avp(id));
  return AvpWriter(a, err_);
}

void AvpWriter::any(struct dict_object* model, std::optional<int64_t> value) {
  struct dict_avp_data data{};
  if (*err_ != 0 || model == nullptr || fd_dict_getval(model, &data) != 0) return;
  struct avp* a = append(model);
  if (a == nullptr || data.avp_basetype == AVP_TYPE_GROUPED) return;
  // RFC 6733 7.5: a missing AVP is reported with a zero-filled value of the minimum size.
  union avp_value val{};
  int64_t v = value.value_or(0);
  switch (data.avp_basetype) {
    case AVP_TYPE_INTEGER32: val.i32 = static_cast<int32_t>(v); break;
    case AVP_TYPE_INTEGER64: val.i64 = v; break;
    case AVP_TYPE_UNSIGNED32: val.u32 = static_cast<uint32_t>(v); break;
    case AVP_TYPE_UNSIGNED64: val.u64 = static_cast<uint64_t>(v); break;
    case AVP_TYPE_FLOAT32: val.f32 = 0; break;
    case AVP_TYPE_FLOAT64: val.f64 = 0; break;
    default: break;  // octet string: zero length
  }
  set(a, &val);
}

void AvpWriter::blank_copy(struct avp* original) {
  if (*err_ != 0) return;
  struct avp* copy = original;  // AVPFL_SET_RAWDATA_FROM_AVP reads the length from *copy
  struct avp_hdr* from = nullptr;
  struct avp_hdr* to = nullptr;
  int e = fd_msg_avp_hdr(original, &from);
  if (e == 0) e = fd_msg_avp_new(nullptr, AVPFL_SET_BLANK_VALUE | AVPFL_SET_RAWDATA_FROM_AVP, &copy);
  if (e == 0) e = fd_msg_avp_hdr(copy, &to);
  if (e == 0) {
    *to = *from;
    e = fd_msg_avp_add(parent_, MSG_BRW_LAST_CHILD, copy);
  }
  if (e != 0) *err_ = e;
}

bool AvpReader::visit(struct avp* a, std::initializer_list<Avp> repeatable, Avp* id,
                      struct avp_hdr** h) {
  if (fd_msg_avp_hdr(a, h) != 0) {
    fail(ResultCode::kUnableToComply, "cannot read an AVP header");
    return false;
  }
  uint32_t vendor = ((*h)->avp_flags & AVP_FLAG_VENDOR) ? (*h)->avp_vendor : 0;
  const AvpSpec* spec = find_avp_spec((*h)->avp_code, vendor);
  if (spec == nullptr) {
    struct dict_object* model = nullptr;
    if (((*h)->avp_flags & AVP_FLAG_MANDATORY) != 0 && fd_msg_model(a, &model) == 0 && model == nullptr) {
      fail(ResultCode::kAvpUnsupported, *h, "an AVP no dictionary knows has the M bit");
    }
    return false;
  }
  *id = spec->id;
  const size_t index = static_cast<size_t>(spec->id);
  if (seen_[index] && std::find(repeatable.begin(), repeatable.end(), spec->id) == repeatable.end()) {
    fail(ResultCode::kAvpOccursTooManyTimes, *h, std::string(spec->name) + " occurs more than once");
    return false;
  }
  seen_[index] = true;
  if (spec->type != AVP_TYPE_GROUPED && (*h)->avp_value == nullptr) {
    fail(ResultCode::kUnableToComply, std::string(spec->name) + " was not parsed against the dictionary");
    return false;
  }
  return true;
}

void AvpReader::require(Avp id) {
  if (!ok() || seen(id)) return;
  const AvpSpec& spec = avp_spec(id);
  DecodeError e;
  e.result_code = ResultCode::kMissingAvp;
  e.failed_avp = FailedAvp{.code = spec.code, .vendor_id = spec.vendor, .value = std::nullopt};
  e.message = std::string(spec.name) + " is missing";
  *error_ = std::move(e);
}

std::string AvpReader::str(const Child& c) {
  const auto& os = c.h->avp_value->os;
  return std::string(reinterpret_cast<const char*>(os.data), os.len);
}

uint32_t AvpReader::time(const Child& c) {
  const auto& os = c.h->avp_value->os;
  if (os.len != 4) {
    fail(ResultCode::kInvalidAvpLength, c.h, "a Time AVP is not 4 octets");
    return 0;
  }
  return (uint32_t{os.data[0]} << 24) | (uint32_t{os.data[1]} << 16) | (uint32_t{os.data[2]} << 8) |
         uint32_t{os.data[3]};
}

void AvpReader::fail(ResultCode code, const struct avp_hdr* h, std::string message, bool with_value) {
  if (!ok()) return;
  uint32_t vendor = (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0;
  const AvpSpec* spec = find_avp_spec(h->avp_code, vendor);
  DecodeError e;
  e.result_code = code;
  e.failed_avp = FailedAvp{.code = h->avp_code, .vendor_id = vendor, .value = std::nullopt};
  if (with_value) {
    bool is_unsigned = spec != nullptr && spec->type == AVP_TYPE_UNSIGNED32;
    e.failed_avp->value = is_unsigned ? int64_t{h->avp_value->u32} : int64_t{h->avp_value->i32};
  }
  e.message = (spec != nullptr ? std::string(spec->name) + ": " : std::string()) + message;
  *error_ = std::move(e);
}

void AvpReader::fail(ResultCode code, std::string message) {
  if (!ok()) return;
  DecodeError e;
  e.result_code = code;
  e.message = std::move(message);
  *error_ = std::move(e);
}

}  // namespace gyrate::diameter::fd
