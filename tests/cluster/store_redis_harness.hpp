// A throwaway Redis Cluster for the store's tests: redis-server processes on free loopback
// ports in a temporary directory, N masters sharing the 16384 slots, optionally one replica
// each; stopped (SIGKILL, then reaped) when the harness goes. Only processes it started.
#pragma once

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gyrate::redis::test {

// A port p with p and its cluster bus port p + 10000 free right now.
inline int free_port_pair() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    int port = ntohs(addr.sin_port);
    if (port + 10000 > 65535) continue;
    int bus = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in b{};
    b.sin_family = AF_INET;
    b.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    b.sin_port = htons(static_cast<uint16_t>(port + 10000));
    bool ok = ::bind(bus, reinterpret_cast<sockaddr*>(&b), sizeof(b)) == 0;
    ::close(bus);
    if (ok) return port;
  }
  throw std::runtime_error("no free port pair");
}

// One command to one node; the reply as text (integers in decimal, errors prefixed "ERR:").
inline std::string redis_command(int port, const std::vector<std::string>& argv) {
  timeval timeout{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (c == nullptr || c->err) {
    if (c) redisFree(c);
    return "ERR:connect";
  }
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lens.data()));
  std::string out = "ERR:io";
  if (r != nullptr) {
    if (r->type == REDIS_REPLY_INTEGER) out = std::to_string(r->integer);
    else if (r->type == REDIS_REPLY_ERROR) out = "ERR:" + std::string(r->str, r->len);
    else if (r->type == REDIS_REPLY_NIL) out = "";
    else if (r->type == REDIS_REPLY_ARRAY) out = "array:" + std::to_string(r->elements);
    else out = std::string(r->str, r->len);
    freeReplyObject(r);
  }
  redisFree(c);
  return out;
}

class RedisCluster {
 public:
  // `masters` masters splitting the slots evenly, each with `replicas` replicas.
  RedisCluster(int masters, int replicas) {
    try {
      start(masters, replicas);
    } catch (...) {
      for (Node& n : nodes_) stop(n);
      throw;
    }
  }
  ~RedisCluster() {
    for (Node& n : nodes_) stop(n);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  std::vector<std::string> seeds() const { return {"127.0.0.1:" + std::to_string(nodes_[0].port)}; }
  int master_port(int m) const { return nodes_[m].port; }
  // Replica r of master m.
  int replica_port(int m, int r, int replicas) const { return nodes_[masters_ + m * replicas + r].port; }
  pid_t pid_of_port(int port) const {
    for (const Node& n : nodes_) {
      if (n.port == port) return n.pid;
    }
    return -1;
  }
  // Every node's port, masters first.
  std::vector<int> ports() const {
    std::vector<int> out;
    for (const Node& n : nodes_) out.push_back(n.port);
    return out;
  }

 private:
  struct Node {
    int port = 0;
    pid_t pid = -1;
  };

  void start(int masters, int replicas) {
    dir_ = std::filesystem::temp_directory_path() /
           ("gyrate-store-cluster-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir_);
    for (int i = 0; i < masters * (1 + replicas); ++i) start_node();
    for (size_t i = 1; i < nodes_.size(); ++i) {
      redis_command(nodes_[0].port, {"CLUSTER", "MEET", "127.0.0.1", std::to_string(nodes_[i].port)});
    }
    for (int m = 0; m < masters; ++m) {
      int first = 16384 * m / masters;
      int last = 16384 * (m + 1) / masters - 1;
      redis_command(nodes_[m].port, {"CLUSTER", "ADDSLOTSRANGE", std::to_string(first),
                                     std::to_string(last)});
    }
    wait_until([&] {
      for (const Node& n : nodes_) {
        if (redis_command(n.port, {"CLUSTER", "INFO"}).find("cluster_known_nodes:" +
                                                              std::to_string(nodes_.size())) ==
            std::string::npos) {
          return false;
        }
      }
      return true;
    });
    for (int m = 0; m < masters; ++m) {
      std::string id = redis_command(nodes_[m].port, {"CLUSTER", "MYID"});
      for (int r = 0; r < replicas; ++r) {
        int port = nodes_[masters + m * replicas + r].port;
        // A node learns the master's id through gossip: ask until it knows it.
        wait_until([&] { return redis_command(port, {"CLUSTER", "REPLICATE", id}) == "OK"; });
      }
    }
    wait_until([&] {
      for (const Node& n : nodes_) {
        if (redis_command(n.port, {"CLUSTER", "INFO"}).find("cluster_state:ok") == std::string::npos) {
          return false;
        }
      }
      for (int m = 0; m < masters && replicas > 0; ++m) {
        std::string info = redis_command(nodes_[m].port, {"INFO", "replication"});
        if (info.find("connected_slaves:" + std::to_string(replicas)) == std::string::npos ||
            info.find("state=online") == std::string::npos) {
          return false;
        }
      }
      return true;
    });
    masters_ = masters;
  }

  void start_node() {
    Node n;
    n.port = free_port_pair();
    std::filesystem::path d = dir_ / std::to_string(n.port);
    std::filesystem::create_directories(d);
    std::string port = std::to_string(n.port);
    pid_t pid = ::fork();
    if (pid == 0) {
      // Dies with the test process, whatever ends it; its output goes to its log, not the test's.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      if (::chdir(d.c_str()) != 0) ::_exit(127);
      ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
               "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
               "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no",
               "--logfile", "redis.log", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    n.pid = pid;
    nodes_.push_back(n);
    wait_until([&] { return redis_command(n.port, {"PING"}) == "PONG"; });
  }

  static void stop(Node& n) {
    if (n.pid <= 0) return;
    ::kill(n.pid, SIGKILL);
    ::waitpid(n.pid, nullptr, 0);
    n.pid = -1;
  }

  template <typename Fn>
  static void wait_until(Fn&& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("cluster not ready");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::filesystem::path dir_;
  std::vector<Node> nodes_;
  int masters_ = 0;
};

// A test suite sharing one cluster: started before its first test, stopped after its last.
template <int Masters, int Replicas>
class ClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = std::make_unique<RedisCluster>(Masters, Replicas); }
  static void TearDownTestSuite() { cluster_.reset(); }
  static inline std::unique_ptr<RedisCluster> cluster_;
};

}  // namespace gyrate::redis::test
