#include "fd_rar.hpp"

#include <memory>

#include "fd_avp.hpp"

namespace gyrate::diameter::fd {
namespace {

constexpr int32_t kAuthorizeOnly = 0;  // Re-Auth-Request-Type

// The first top-level base-protocol AVP of a message with this id, or nullptr.
const struct avp_hdr* top_level(struct msg* m, Avp id) {
  msg_or_avp* child = nullptr;
  fd_msg_browse_internal(m, MSG_BRW_FIRST_CHILD, &child, nullptr);
  while (child != nullptr) {
    struct avp_hdr* h = nullptr;
    if (fd_msg_avp_hdr(static_cast<struct avp*>(child), &h) == 0 && h->avp_value != nullptr &&
        h->avp_code == avp_spec(id).code && (h->avp_flags & AVP_FLAG_VENDOR) == 0) {
      return h;
    }
    if (fd_msg_browse_internal(child, MSG_BRW_NEXT, &child, nullptr) != 0) break;
  }
  return nullptr;
}

std::optional<std::string> session_of(struct msg* m) {
  const struct avp_hdr* h = top_level(m, Avp::kSessionId);
  if (h == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(h->avp_value->os.data), h->avp_value->os.len);
}

std::unique_ptr<std::function<void(const std::string&)>> g_on_rar;

int rar_callback(struct msg** msg, struct avp*, struct session*, void*, enum disp_action* act) {
  std::optional<std::string> session = session_of(*msg);
  const GyDictionary& g = gy_dictionary();
  if (int e = fd_msg_new_answer_from_req(g.dict, msg, 0); e != 0) return e;
  int err = 0;
  AvpWriter w(*msg, &err);
  if (err == 0) err = fd_msg_rescode_set(*msg, const_cast<char*>("DIAMETER_SUCCESS"), nullptr, nullptr, 1);
  w.u32(Avp::kAuthApplicationId, kCreditControlApplicationId);
  *act = DISP_ACT_SEND;
  if (err == 0 && session && g_on_rar) (*g_on_rar)(*session);
  return err;
}

}  // namespace

Expected<struct msg*> build_rar(const std::string& session_id, const std::string& host,
                                const std::string& realm) {
  const GyDictionary& g = gy_dictionary();
  if (g.rar == nullptr) return Status::error(ErrorCode::kFailedPrecondition, "setup_gy_dictionary has not run");
  struct msg* m = nullptr;
  if (int e = fd_msg_new(g.rar, MSGFL_ALLOC_ETEID, &m); e != 0) return fd_call_failed("fd_msg_new", e);
  struct msg_hdr* hdr = nullptr;
  int err = fd_msg_hdr(m, &hdr);
  if (err == 0) hdr->msg_appl = kCreditControlApplicationId;
  AvpWriter w(m, &err);
  w.str(Avp::kSessionId, session_id);
  if (err == 0) err = fd_msg_add_origin(m, 0);
  w.str(Avp::kDestinationRealm, realm);
  w.str(Avp::kDestinationHost, host);
  w.u32(Avp::kAuthApplicationId, kCreditControlApplicationId);
  w.i32(Avp::kReAuthRequestType, kAuthorizeOnly);
  if (err != 0) {
    fd_msg_free(m);
    return fd_call_failed("building a RAR", err);
  }
  return m;
}

std::optional<ResultCode> raa_result_code(struct msg* raa) {
  const struct avp_hdr* h = top_level(raa, Avp::kResultCode);
  if (h == nullptr) return std::nullopt;
  return static_cast<ResultCode>(h->avp_value->u32);
}

Status answer_rars(std::function<void(const std::string& session_id)> on_rar) {
  const GyDictionary& g = gy_dictionary();
  if (g.rar == nullptr) return Status::error(ErrorCode::kFailedPrecondition, "setup_gy_dictionary has not run");
  g_on_rar = std::make_unique<std::function<void(const std::string&)>>(std::move(on_rar));
  struct disp_when when{};
  when.app = g.application;
  when.command = g.rar;
  struct disp_hdl* handle = nullptr;
  if (int e = fd_disp_register(rar_callback, DISP_HOW_CC, &when, nullptr, &handle); e != 0) {
    return fd_call_failed("fd_disp_register (RAR)", e);
  }
  return Status::ok();
}

}  // namespace gyrate::diameter::fd
