// What the client reads from cluster error replies and from CLUSTER SLOTS, without a server:
// the shapes a real cluster rarely shows on loopback (a node that does not know its own host).
#include "cluster_test_support.hpp"
#include "reply.hpp"
#include "slot_map.hpp"

namespace gyrate::redis {
namespace {

Reply make(Reply::Type type) {
  Reply reply;
  reply.type = type;
  return reply;
}
Reply error(const std::string& text) {
  Reply reply = make(Reply::Type::kError);
  reply.str = text;
  return reply;
}
Reply string(const std::string& text) {
  Reply reply = make(Reply::Type::kString);
  reply.str = text;
  return reply;
}
Reply integer(int64_t value) {
  Reply reply = make(Reply::Type::kInteger);
  reply.integer = value;
  return reply;
}
Reply array(std::vector<Reply> elements) {
  Reply reply = make(Reply::Type::kArray);
  reply.elements = std::move(elements);
  return reply;
}

TEST(ReplyRoutingTest, RedirectsAndRetries) {
  Redirect moved = classify(error("MOVED 3999 127.0.0.1:6381"), "127.0.0.1:7000");
  EXPECT_EQ(moved.kind, ErrorKind::kMoved);
  EXPECT_EQ(moved.address, "127.0.0.1:6381");
  Redirect ask = classify(error("ASK 3999 :6382"), "10.0.0.5:7000");  // the node knows no host
  EXPECT_EQ(ask.kind, ErrorKind::kAsk);
  EXPECT_EQ(ask.address, "10.0.0.5:6382");
  EXPECT_EQ(classify(error("TRYAGAIN Multiple keys request during rehashing of slot"), "").kind,
            ErrorKind::kTryAgain);
  EXPECT_EQ(classify(error("CLUSTERDOWN The cluster is down"), "").kind, ErrorKind::kTryAgain);
  EXPECT_EQ(classify(error("LOADING Redis is loading the dataset in memory"), "").kind,
            ErrorKind::kTryAgain);
  EXPECT_EQ(classify(error("READONLY You can't write against a read only replica."), "").kind,
            ErrorKind::kReadOnly);
  // The caller's own errors, and words that only begin like a redirect, are replies.
  EXPECT_EQ(classify(error("ERR MOVED is not a command"), "").kind, ErrorKind::kNone);
  EXPECT_EQ(classify(error("MOVEDX 1 a:1"), "").kind, ErrorKind::kNone);
  EXPECT_EQ(classify(error("WRONGTYPE Operation against a key"), "").kind, ErrorKind::kNone);
  EXPECT_EQ(classify(string("MOVED 1 a:1"), "").kind, ErrorKind::kNone);
}

TEST(ReplyRoutingTest, SlotMapFromClusterSlots) {
  Reply slots = array({
      array({integer(0), integer(5460), array({string("127.0.0.1"), integer(7000), string("id0")}),
             array({string("127.0.0.1"), integer(7003), string("id3")})}),
      array({integer(5461), integer(16383), array({string("?"), integer(7001), string("id1")})}),
  });
  Expected<SlotMap> map = SlotMap::parse(slots, "10.1.1.1:7001");
  ASSERT_TRUE(map) << map.status().to_string();
  EXPECT_EQ(map->masters(), (std::vector<std::string>{"127.0.0.1:7000", "10.1.1.1:7001"}));
  EXPECT_EQ(*map->master_of(0), "127.0.0.1:7000");
  EXPECT_EQ(*map->master_of(5460), "127.0.0.1:7000");
  EXPECT_EQ(*map->master_of(5461), "10.1.1.1:7001");
  EXPECT_EQ(*map->master_of(16383), "10.1.1.1:7001");

  Reply partial = array({array({integer(10), integer(20), array({string("h"), integer(1)})})});
  Expected<SlotMap> holes = SlotMap::parse(partial, "h:1");
  ASSERT_TRUE(holes);
  EXPECT_EQ(holes->master_of(9), nullptr);  // during a failover: no master, CLUSTERDOWN-like
  EXPECT_NE(holes->master_of(20), nullptr);

  for (const Reply& bad : {string("no"), array({array({integer(0), integer(16384),
                                                       array({string("h"), integer(1)})})}),
                           array({array({integer(0), integer(1)})})}) {
    Expected<SlotMap> rejected = SlotMap::parse(bad, "h:1");
    ASSERT_FALSE(rejected);
    EXPECT_EQ(rejected.status().code(), ErrorCode::kCorrupt);
  }
}

}  // namespace
}  // namespace gyrate::redis
