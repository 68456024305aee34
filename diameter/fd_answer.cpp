// Answers sent after the CCR callback returned (fd_answer.hpp).
#include "fd_answer.hpp"

#include "fd_avp.hpp"
#include "fd_gy_codec.hpp"

namespace gyrate::diameter::fd {

Status send_answer(struct msg** answer) {
  if (int e = fd_msg_send(answer, nullptr, nullptr); e != 0) return fd_call_failed("fd_msg_send", e);
  return Status::ok();
}

Status replace_with_error_cca(struct msg** answer, ResultCode code) {
  struct msg* request = nullptr;
  if (int e = fd_msg_answ_getq(*answer, &request); e != 0 || request == nullptr) {
    return fd_call_failed("fd_msg_answ_getq", e);
  }
  if (int e = fd_msg_answ_detach(*answer); e != 0) return fd_call_failed("fd_msg_answ_detach", e);
  fd_msg_free(*answer);
  *answer = request;
  DecodeError error;
  error.result_code = code;
  return build_error_cca(answer, error);
}

}  // namespace gyrate::diameter::fd
