// A ClusterClient for a cluster of one master owning every slot: one hiredis connection, no
// redirects. Lets the function library and RedisStore be tested on a real Redis before the full
// cluster client exists, and stays the simplest client to read the library's behaviour through.
#pragma once

#include <hiredis/hiredis.h>

#include <mutex>

#include "gyrate/redis/cluster_client.hpp"

namespace gyrate::redis::test {

class SingleNodeClient final : public ClusterClient {
 public:
  explicit SingleNodeClient(int port) : port_(port) {
    timeval timeout{2, 0};
    c_ = redisConnectWithTimeout("127.0.0.1", port, timeout);
  }
  ~SingleNodeClient() override {
    if (c_) redisFree(c_);
  }

  Expected<Reply> run(const Command& command) override { return pipeline({command})[0]; }

  std::vector<Expected<Reply>> pipeline(const std::vector<Command>& commands) override {
    std::lock_guard lock(mutex_);
    std::vector<Expected<Reply>> out;
    for (const Command& c : commands) append(c.argv);
    for (size_t i = 0; i < commands.size(); ++i) out.push_back(next());
    return out;
  }

  std::vector<Expected<Reply>> on_every_master(const std::vector<std::string>& argv) override {
    return pipeline({Command{"", argv}});
  }
  std::vector<std::string> masters() const override { return {"127.0.0.1:" + std::to_string(port_)}; }
  Status refresh() override { return Status::ok(); }

 private:
  void append(const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const std::string& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(c_, static_cast<int>(args.size()), args.data(), lens.data());
  }

  Expected<Reply> next() {
    void* raw = nullptr;
    if (c_ == nullptr || c_->err || redisGetReply(c_, &raw) != REDIS_OK || raw == nullptr) {
      return Status::error(ErrorCode::kUnavailable, "redis I/O error");
    }
    Reply r = convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    return r;
  }

  static Reply convert(const redisReply* r) {
    Reply out;
    switch (r->type) {
      case REDIS_REPLY_INTEGER:
        out.type = Reply::Type::kInteger;
        out.integer = r->integer;
        break;
      case REDIS_REPLY_STRING:
        out.type = Reply::Type::kString;
        out.str.assign(r->str, r->len);
        break;
      case REDIS_REPLY_STATUS:
        out.type = Reply::Type::kStatus;
        out.str.assign(r->str, r->len);
        break;
      case REDIS_REPLY_ERROR:
        out.type = Reply::Type::kError;
        out.str.assign(r->str, r->len);
        break;
      case REDIS_REPLY_ARRAY:
        out.type = Reply::Type::kArray;
        for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
        break;
      default:
        break;
    }
    return out;
  }

  int port_;
  std::mutex mutex_;
  redisContext* c_ = nullptr;
};

}  // namespace gyrate::redis::test
