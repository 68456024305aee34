// Internals of the C ABI (gyrate.h), shared by its translation units: what the opaque handles
// hold, the per-thread error, the guard that keeps C++ exceptions from crossing the ABI, and the
// copies of versioned structs that read or write only the bytes the caller's struct_size covers.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/base/status.hpp"
// The library's own code is hidden (-fvisibility=hidden); only what gyrate.h declares is not.
#pragma GCC visibility push(default)
#include "gyrate/c/gyrate.h"
#pragma GCC visibility pop
#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/embedded_store.hpp"
#include "gyrate/engine/engine.hpp"

struct gyrate_catalog {
  std::shared_ptr<const gyrate::engine::Catalog> catalog;
};

struct gyrate_engine {
  std::unique_ptr<gyrate::engine::Engine> engine;
};

// A balances snapshot: the structs handed out point into these strings.
struct gyrate_balances {
  gyrate::engine::Balances balances;
};

struct gyrate_notifications {
  std::vector<gyrate::engine::Notification> list;
};

namespace gyrate::c_abi {

// The one place an Engine is made for the C ABI: in memory, or on the embedded store the
// options name.
std::unique_ptr<engine::Engine> make_engine(std::shared_ptr<const engine::Catalog> catalog);
Expected<std::unique_ptr<engine::Engine>> make_engine(std::shared_ptr<const engine::Catalog> catalog,
                                                      const gyrate_engine_options& options);

// A reserve request from the caller's struct (explain takes the same one).
int reserve_request(const gyrate_reserve_request* in, engine::ReserveRequest& out);

// Sets this thread's last error and returns `status`. Never throws (a message it has no memory
// for is dropped), so the guard's handlers may call it.
int fail(int status, std::string_view message) noexcept;
int fail(const Status& status);

// The error for a NULL argument (a handle, a string or a struct) named `what`.
inline int null_argument(const char* what) {
  return fail(GYRATE_INVALID_ARGUMENT, std::string(what) + " is NULL");
}

// Runs `body` (returning a status) so that no exception leaves the library.
template <typename F>
int guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(GYRATE_RESOURCE_EXHAUSTED, "out of memory");
  } catch (const std::exception& e) {
    return fail(GYRATE_INTERNAL, e.what());
  } catch (...) {
    return fail(GYRATE_INTERNAL, "internal error");
  }
}

// The size of the first version of each struct: a caller's struct_size below it is refused.
// When a field is added at the end of a struct, this stays at the old size.
template <typename T>
inline constexpr size_t kFirstSize = sizeof(T);

// Checks a caller's struct (NULL, or struct_size below the first version). For an answer it is
// checked before the call, so a request is never applied and then failed for want of `out`.
template <typename T>
int check_struct(const T* s, const char* what) {
  if (s == nullptr) return null_argument(what);
  if (s->struct_size < kFirstSize<T>) {
    return fail(GYRATE_BAD_STRUCT_SIZE, std::string(what) + ".struct_size " +
                                            std::to_string(s->struct_size) + " is below " +
                                            std::to_string(kFirstSize<T>));
  }
  return GYRATE_OK;
}

// Copies the caller's struct into `out` (zeroed first), as many bytes as it says it has.
template <typename T>
int read_struct(const T* in, T& out, const char* what) {
  if (int st = check_struct(in, what); st != GYRATE_OK) return st;
  std::memset(&out, 0, sizeof out);
  std::memcpy(&out, in, std::min<size_t>(in->struct_size, sizeof out));
  return GYRATE_OK;
}

// Writes `value` into the caller's struct, no more bytes than its struct_size, which it keeps.
template <typename T>
int write_struct(T* out, const T& value, const char* what) {
  if (int st = check_struct(out, what); st != GYRATE_OK) return st;
  uint32_t size = out->struct_size;
  std::memcpy(out, &value, std::min<size_t>(size, sizeof value));
  out->struct_size = size;
  return GYRATE_OK;
}

}  // namespace gyrate::c_abi
