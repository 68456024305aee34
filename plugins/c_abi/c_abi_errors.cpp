// The C ABI's error model: status codes from gyrate's ErrorCode, and the message of the last
// failure kept per thread.
#include <string>

#include "c_abi.hpp"

namespace gyrate::c_abi {
namespace {

thread_local std::string t_last_error;

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return GYRATE_OK;
    case ErrorCode::kInvalidArgument: return GYRATE_INVALID_ARGUMENT;
    case ErrorCode::kNotFound: return GYRATE_NOT_FOUND;
    case ErrorCode::kAlreadyExists: return GYRATE_ALREADY_EXISTS;
    case ErrorCode::kFailedPrecondition: return GYRATE_FAILED_PRECONDITION;
    case ErrorCode::kIo: return GYRATE_IO;
    case ErrorCode::kResourceExhausted: return GYRATE_RESOURCE_EXHAUSTED;
    case ErrorCode::kCorrupt: return GYRATE_CORRUPT;
    case ErrorCode::kUnavailable: return GYRATE_UNAVAILABLE;
    case ErrorCode::kPermissionDenied: return GYRATE_PERMISSION_DENIED;
    case ErrorCode::kInternal: return GYRATE_INTERNAL;
  }
  return GYRATE_INTERNAL;
}

}  // namespace

int fail(int status, std::string_view message) noexcept {
  try {
    t_last_error.assign(message);
  } catch (...) {
    t_last_error.clear();  // out of memory for the message: the status still says what
  }
  return status;
}

int fail(const Status& status) {
  if (status.is_ok()) return GYRATE_OK;
  return fail(status_of(status.code()), status.message());
}

}  // namespace gyrate::c_abi

extern "C" {

uint32_t gyrate_abi_version(void) { return GYRATE_ABI_VERSION; }

const char* gyrate_last_error(void) { return gyrate::c_abi::t_last_error.c_str(); }

const char* gyrate_status_name(int status) {
  switch (status) {
    case GYRATE_OK: return "ok";
    case GYRATE_INVALID_ARGUMENT: return "invalid_argument";
    case GYRATE_NOT_FOUND: return "not_found";
    case GYRATE_ALREADY_EXISTS: return "already_exists";
    case GYRATE_FAILED_PRECONDITION: return "failed_precondition";
    case GYRATE_IO: return "io";
    case GYRATE_RESOURCE_EXHAUSTED: return "resource_exhausted";
    case GYRATE_CORRUPT: return "corrupt";
    case GYRATE_UNAVAILABLE: return "unavailable";
    case GYRATE_PERMISSION_DENIED: return "permission_denied";
    case GYRATE_INTERNAL: return "internal";
    case GYRATE_BUFFER_TOO_SMALL: return "buffer_too_small";
    case GYRATE_BAD_STRUCT_SIZE: return "bad_struct_size";
  }
  return "unknown";
}

}  // extern "C"
