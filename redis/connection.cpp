// A blocking hiredis connection with per-call deadlines (see connection.hpp).
#include "connection.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <cstdlib>

#include "reply.hpp"

namespace gyrate::redis {
namespace {

timeval to_timeval(std::chrono::microseconds span) {
  span = std::max(span, std::chrono::microseconds(1000));
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(span.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(span.count() % 1000000);
  return tv;
}

}  // namespace

bool split_address(const std::string& address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) return false;
  char* end = nullptr;
  long value = std::strtol(address.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || value <= 0 || value > 65535) return false;
  *host = address.substr(0, colon);
  if (host->empty()) *host = "127.0.0.1";
  *port = static_cast<int>(value);
  return true;
}

Expected<std::unique_ptr<Connection>> Connection::open(const std::string& address,
                                                       std::chrono::milliseconds timeout) {
  std::string host;
  int port = 0;
  if (!split_address(address, &host, &port)) {
    return Status::error(ErrorCode::kInvalidArgument, "redis: bad address '" + address + "'");
  }
  redisContext* context = redisConnectWithTimeout(host.c_str(), port, to_timeval(timeout));
  if (context == nullptr) {
    return Status::error(ErrorCode::kResourceExhausted, "redis: cannot allocate a connection");
  }
  if (context->err != 0) {
    std::string message = "redis: cannot connect to " + address + ": " + context->errstr;
    redisFree(context);
    return Status::error(ErrorCode::kUnavailable, message);
  }
  // A peer host that vanished without a reset is noticed by TCP keepalive, not only by the deadline.
  redisEnableKeepAlive(context);
  return std::unique_ptr<Connection>(new Connection(address, context));
}

Connection::Connection(std::string address, redisContext* context)
    : address_(std::move(address)), context_(context) {}

Connection::~Connection() { redisFree(context_); }

void Connection::append(const std::vector<std::string>& argv) {
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
  pointers.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const std::string& arg : argv) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), pointers.data(),
                             lengths.data()) != REDIS_OK) {
    broken_ = true;
  }
}

void Connection::set_deadline(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
  if (redisSetTimeout(context_, to_timeval(left)) != REDIS_OK) broken_ = true;
}

Status Connection::io_error(const char* what) {
  broken_ = true;
  return Status::error(ErrorCode::kUnavailable, std::string("redis: ") + what + " " + address_ +
                                                    ": " + context_->errstr);
}

Status Connection::flush() {
  if (broken_) return io_error("broken connection to");
  int done = 0;
  while (!done) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) return io_error("cannot send to");
  }
  return Status::ok();
}

Expected<Reply> Connection::read() {
  if (broken_) return io_error("broken connection to");
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
    return io_error("no reply from");
  }
  Reply reply = to_reply(static_cast<const redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

}  // namespace gyrate::redis
