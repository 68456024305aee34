// Reply conversion and the routing meaning of cluster error replies (see reply.hpp).
#include "reply.hpp"

#include <hiredis/hiredis.h>

#include <string_view>

#include "connection.hpp"

namespace gyrate::redis {

Reply to_reply(const redisReply* reply) {
  Reply out;
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = reply->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = reply->type == REDIS_REPLY_STRING   ? Reply::Type::kString
                 : reply->type == REDIS_REPLY_STATUS ? Reply::Type::kStatus
                                                     : Reply::Type::kError;
      out.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) out.elements.push_back(to_reply(reply->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
      break;
  }
  return out;
}

Redirect classify(const Reply& reply, const std::string& from) {
  Redirect out;
  if (reply.type != Reply::Type::kError) return out;
  std::string_view text = reply.str;
  auto starts = [&](std::string_view word) {
    return text.size() >= word.size() && text.substr(0, word.size()) == word &&
           (text.size() == word.size() || text[word.size()] == ' ');
  };
  if (starts("MOVED") || starts("ASK")) {
    // "MOVED 3999 127.0.0.1:6381": the address is the last word.
    size_t space = text.rfind(' ');
    std::string address(text.substr(space + 1));
    if (!address.empty() && address[0] == ':') {
      std::string host;
      int port = 0;
      if (split_address(from, &host, &port)) address = host + address;
    }
    out.kind = starts("MOVED") ? ErrorKind::kMoved : ErrorKind::kAsk;
    out.address = std::move(address);
  } else if (starts("TRYAGAIN") || starts("CLUSTERDOWN") || starts("LOADING")) {
    out.kind = ErrorKind::kTryAgain;
  } else if (starts("READONLY")) {
    out.kind = ErrorKind::kReadOnly;
  }
  return out;
}

}  // namespace gyrate::redis
