// LocalCluster: starts, shapes, breaks and stops a real Redis Cluster (see local_cluster.hpp).
#include "local_cluster.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "connection.hpp"

namespace gyrate::testing {
namespace {

using namespace std::chrono_literals;
using redis::Reply;

bool port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// Below Linux's ephemeral range (32768+), with the cluster bus port (+10000) free as well.
std::vector<int> pick_ports(size_t count) {
  std::mt19937 random(static_cast<unsigned>(::getpid()) ^
                      static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::uniform_int_distribution<int> pick(12000, 21999);
  std::set<int> ports;
  while (ports.size() < count) {
    int port = pick(random);
    if (!ports.contains(port) && port_free(port) && port_free(port + 10000)) ports.insert(port);
  }
  std::vector<int> out(ports.begin(), ports.end());
  std::shuffle(out.begin(), out.end(), random);
  return out;
}

// fork + exec with stdout and stderr to `log`; the child dies with the thread that forked it.
Expected<pid_t> spawn_process(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Status::error(ErrorCode::kIo, "fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    if (in >= 0) ::dup2(in, 0);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One line of CLUSTER NODES: "<id> <ip:port@bus> <flags> <master-id> ... <slot ranges>".
struct NodeLine {
  std::string id;
  int port = 0;
  std::set<std::string> flags;
  std::string master_id;
  std::vector<std::pair<int, int>> slots;
};

std::vector<NodeLine> parse_cluster_nodes(const std::string& text) {
  std::vector<NodeLine> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.size() < 8) continue;
    NodeLine node;
    node.id = w[0];
    size_t colon = w[1].rfind(':', w[1].find('@'));
    node.port = std::atoi(w[1].c_str() + colon + 1);
    std::istringstream flags(w[2]);
    for (std::string flag; std::getline(flags, flag, ',');) node.flags.insert(flag);
    node.master_id = w[3];
    for (size_t i = 8; i < w.size(); ++i) {
      if (w[i][0] == '[') continue;  // a slot being migrated or imported
      size_t dash = w[i].find('-');
      int first = std::atoi(w[i].c_str());
      node.slots.emplace_back(first, dash == std::string::npos ? first : std::atoi(w[i].c_str() + dash + 1));
    }
    out.push_back(std::move(node));
  }
  return out;
}

bool is_master(const NodeLine& node) {
  return node.flags.contains("master") && !node.flags.contains("fail");
}

// CLUSTER SLOTS as "first-last:port;..." sorted, to compare what two nodes believe.
std::string slots_text(const Reply& reply) {
  std::vector<std::string> ranges;
  for (const Reply& range : reply.elements) {
    if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
    ranges.push_back(std::to_string(range.elements[0].integer) + "-" +
                     std::to_string(range.elements[1].integer) + ":" +
                     std::to_string(range.elements[2].elements[1].integer));
  }
  std::sort(ranges.begin(), ranges.end());
  std::string out;
  for (const std::string& range : ranges) out += range + ";";
  return out;
}

std::vector<int> slot_master_ports(const Reply& reply) {
  std::vector<int> ports;
  for (const Reply& range : reply.elements) {
    if (range.elements.size() >= 3 && range.elements[2].elements.size() >= 2) {
      ports.push_back(static_cast<int>(range.elements[2].elements[1].integer));
    }
  }
  return ports;
}

}  // namespace

Expected<std::unique_ptr<LocalCluster>> LocalCluster::start(const LocalClusterOptions& options) {
  if (options.masters < 1 || options.replicas_per_master < 0) {
    return Status::error(ErrorCode::kInvalidArgument, "a cluster needs at least one master");
  }
  std::unique_ptr<LocalCluster> cluster(new LocalCluster());
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/gyrate-cluster-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::error(ErrorCode::kIo, "cannot create a directory like " + pattern);
  }
  cluster->root_ = pattern;
  cluster->server_args_ = {"--cluster-enabled", "yes", "--cluster-node-timeout",
                           std::to_string(options.node_timeout_ms), "--appendonly", "yes",
                           "--appendfsync", "always", "--save", "", "--bind", "127.0.0.1",
                           "--protected-mode", "no", "--daemonize", "no",
                           "--cluster-require-full-coverage",
                           options.require_full_coverage ? "yes" : "no"};
  cluster->server_args_.insert(cluster->server_args_.end(), options.extra_args.begin(),
                               options.extra_args.end());

  size_t count = static_cast<size_t>(options.masters * (1 + options.replicas_per_master));
  for (int port : pick_ports(count)) {
    RedisNode node;
    node.port = port;
    node.dir = cluster->root_ + "/" + std::to_string(port);
    std::filesystem::create_directories(node.dir);
    cluster->nodes_.push_back(node);
  }
  for (RedisNode& node : cluster->nodes_) {
    if (Status status = cluster->spawn(node); !status) return status;
  }
  if (Status status = cluster->create(options); !status) return status;
  if (Status status = cluster->wait_ready(30s); !status) return status;
  return cluster;
}

LocalCluster::~LocalCluster() {
  for (RedisNode& node : nodes_) {
    if (node.pid == 0) continue;
    ::kill(node.pid, SIGKILL);
    ::waitpid(node.pid, nullptr, 0);
  }
  const char* keep = std::getenv("GYRATE_KEEP_CLUSTER");  // to read the nodes' logs afterwards
  std::error_code ignored;
  if (!root_.empty() && !(keep && std::string(keep) == "1")) std::filesystem::remove_all(root_, ignored);
}

Status LocalCluster::spawn(RedisNode& node) {
  std::vector<std::string> argv = {"redis-server", "--port", std::to_string(node.port), "--dir",
                                   node.dir, "--cluster-config-file", node.dir + "/nodes.conf",
                                   "--logfile", node.dir + "/redis.log"};
  argv.insert(argv.end(), server_args_.begin(), server_args_.end());
  Expected<pid_t> pid = spawn_process(argv, node.dir + "/stdout.log");
  if (!pid) return pid.status();
  node.pid = *pid;
  node.stopped = false;
  // Ready when it answers PING (it loads its AOF first after a restart).
  for (auto until = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < until;) {
    Expected<Reply> pong = command(node.port, {"PING"});
    if (pong && pong->str == "PONG") return Status::ok();
    int status = 0;
    if (::waitpid(node.pid, &status, WNOHANG) == node.pid) {
      node.pid = 0;
      return Status::error(ErrorCode::kInternal, "redis-server on port " + std::to_string(node.port) +
                                                     " exited: " + read_file(node.dir + "/redis.log"));
    }
    std::this_thread::sleep_for(20ms);
  }
  return Status::error(ErrorCode::kUnavailable,
                       "redis-server on port " + std::to_string(node.port) + " never answered PING");
}

Status LocalCluster::create(const LocalClusterOptions& options) {
  size_t masters = static_cast<size_t>(options.masters);
  if (masters >= 3) {  // redis-cli refuses fewer than three masters
    std::vector<std::string> args = {"--cluster", "create"};
    for (const std::string& seed : seeds()) args.push_back(seed);
    args.insert(args.end(), {"--cluster-replicas", std::to_string(options.replicas_per_master),
                             "--cluster-yes"});
    return redis_cli(args);
  }
  // By hand: slots in equal ranges, MEET, then each replica follows its master.
  for (size_t i = 0; i < masters; ++i) {
    int first = static_cast<int>(16384 * i / masters);
    int last = static_cast<int>(16384 * (i + 1) / masters) - 1;
    Expected<Reply> added = command(nodes_[i].port, {"CLUSTER", "ADDSLOTSRANGE",
                                                     std::to_string(first), std::to_string(last)});
    if (!added || added->type == Reply::Type::kError) {
      return Status::error(ErrorCode::kInternal, "CLUSTER ADDSLOTSRANGE failed: " +
                                                     (added ? added->str : added.status().message()));
    }
  }
  for (size_t i = 1; i < nodes_.size(); ++i) {
    Expected<Reply> met = command(nodes_[0].port, {"CLUSTER", "MEET", "127.0.0.1",
                                                   std::to_string(nodes_[i].port)});
    if (!met) return met.status();
  }
  for (size_t i = masters; i < nodes_.size(); ++i) {
    Expected<std::string> master = node_id(nodes_[(i - masters) % masters].port);
    if (!master) return master.status();
    // REPLICATE needs the master to be known to the replica: wait for the MEET to spread.
    Status replicated = Status::error(ErrorCode::kUnavailable, "CLUSTER REPLICATE never succeeded");
    for (auto until = std::chrono::steady_clock::now() + 10s;
         !replicated && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
      Expected<Reply> reply = command(nodes_[i].port, {"CLUSTER", "REPLICATE", *master});
      if (reply && reply->type == Reply::Type::kStatus) replicated = Status::ok();
    }
    if (!replicated) return replicated;
  }
  return Status::ok();
}

std::vector<std::string> LocalCluster::seeds() const {
  std::vector<std::string> out;
  for (const RedisNode& node : nodes_) out.push_back(node.address());
  return out;
}

redis::ClusterOptions LocalCluster::client_options() const {
  redis::ClusterOptions options;
  options.seeds = seeds();
  return options;
}

Expected<Reply> LocalCluster::command(int port, const std::vector<std::string>& argv) const {
  Expected<std::unique_ptr<redis::Connection>> connection =
      redis::Connection::open("127.0.0.1:" + std::to_string(port), 200ms);
  if (!connection) return connection.status();
  (*connection)->set_deadline(redis::Clock::now() + 2s);
  (*connection)->append(argv);
  if (Status sent = (*connection)->flush(); !sent) return sent;
  return (*connection)->read();
}

Status LocalCluster::redis_cli(const std::vector<std::string>& args, std::string* output,
                               std::chrono::seconds timeout) const {
  std::vector<std::string> argv = {"redis-cli"};
  argv.insert(argv.end(), args.begin(), args.end());
  static int calls = 0;
  std::string log = root_ + "/redis-cli." + std::to_string(++calls) + ".log";
  Expected<pid_t> pid = spawn_process(argv, log);
  if (!pid) return pid.status();
  int status = 0;
  bool exited = false;
  for (auto until = std::chrono::steady_clock::now() + timeout;
       !(exited = ::waitpid(*pid, &status, WNOHANG) == *pid) && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(20ms);
  }
  if (!exited) {
    ::kill(*pid, SIGKILL);
    ::waitpid(*pid, &status, 0);
  }
  std::string text = read_file(log);
  if (output != nullptr) *output = text;
  if (!exited || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const std::string& arg : argv) command += arg + " ";
    return Status::error(ErrorCode::kInternal, command + (exited ? "failed" : "timed out") + ":\n" + text);
  }
  return Status::ok();
}

Expected<std::string> LocalCluster::any_cluster_nodes() const {
  for (const RedisNode& node : nodes_) {
    if (node.pid == 0 || node.stopped) continue;
    Expected<Reply> reply = command(node.port, {"CLUSTER", "NODES"});
    if (reply && reply->type == Reply::Type::kString) return reply->str;
  }
  return Status::error(ErrorCode::kUnavailable, "no node answers CLUSTER NODES");
}

Expected<std::string> LocalCluster::node_id(int port) const {
  Expected<Reply> reply = command(port, {"CLUSTER", "MYID"});
  if (!reply) return reply.status();
  return reply->str;
}

Expected<int> LocalCluster::master_of_slot(uint16_t slot) const {
  Expected<std::string> text = any_cluster_nodes();
  if (!text) return text.status();
  for (const NodeLine& node : parse_cluster_nodes(*text)) {
    if (!is_master(node)) continue;
    for (auto [first, last] : node.slots) {
      if (slot >= first && slot <= last) return node.port;
    }
  }
  return Status::error(ErrorCode::kNotFound, "no master serves slot " + std::to_string(slot));
}

Expected<std::vector<int>> LocalCluster::slot_owners() const {
  for (const RedisNode& node : nodes_) {
    if (node.pid == 0 || node.stopped) continue;
    Expected<Reply> slots = command(node.port, {"CLUSTER", "SLOTS"});
    if (!slots || slots->type != Reply::Type::kArray) continue;
    std::vector<int> owners(16384, 0);
    for (const Reply& range : slots->elements) {
      if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
      for (int64_t slot = range.elements[0].integer; slot <= range.elements[1].integer; ++slot) {
        owners[static_cast<size_t>(slot)] = static_cast<int>(range.elements[2].elements[1].integer);
      }
    }
    return owners;
  }
  return Status::error(ErrorCode::kUnavailable, "no node answers CLUSTER SLOTS");
}

std::vector<int> LocalCluster::master_ports() const {
  std::vector<int> out;
  Expected<std::string> text = any_cluster_nodes();
  if (!text) return out;
  for (const NodeLine& node : parse_cluster_nodes(*text)) {
    if (is_master(node) && !node.slots.empty()) out.push_back(node.port);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Expected<int> LocalCluster::replica_of(int master_port) const {
  Expected<std::string> text = any_cluster_nodes();
  if (!text) return text.status();
  std::vector<NodeLine> nodes = parse_cluster_nodes(*text);
  auto master = std::find_if(nodes.begin(), nodes.end(),
                             [&](const NodeLine& node) { return node.port == master_port; });
  if (master == nodes.end()) return Status::error(ErrorCode::kNotFound, "no such node");
  for (const NodeLine& node : nodes) {
    if (node.master_id == master->id && !node.flags.contains("fail")) return node.port;
  }
  return Status::error(ErrorCode::kNotFound, "that master has no replica");
}

Status LocalCluster::reshard(int from_port, int to_port, int slots) const {
  Expected<std::string> from = node_id(from_port);
  Expected<std::string> to = node_id(to_port);
  if (!from) return from.status();
  if (!to) return to.status();
  return redis_cli({"--cluster", "reshard", "127.0.0.1:" + std::to_string(from_port),
                    "--cluster-from", *from, "--cluster-to", *to, "--cluster-slots",
                    std::to_string(slots), "--cluster-yes"});
}

Status LocalCluster::kill(int port, int signal) {
  auto node = std::find_if(nodes_.begin(), nodes_.end(),
                           [&](const RedisNode& n) { return n.port == port; });
  if (node == nodes_.end() || node->pid == 0) {
    return Status::error(ErrorCode::kNotFound, "no running node on port " + std::to_string(port));
  }
  if (::kill(node->pid, signal) != 0) return Status::error(ErrorCode::kIo, "kill failed");
  if (signal == SIGKILL || signal == SIGTERM) {
    ::waitpid(node->pid, nullptr, 0);
    node->pid = 0;
  }
  node->stopped = signal == SIGSTOP;
  return Status::ok();
}

Status LocalCluster::restart(int port) {
  auto node = std::find_if(nodes_.begin(), nodes_.end(),
                           [&](const RedisNode& n) { return n.port == port; });
  if (node == nodes_.end() || node->pid != 0) {
    return Status::error(ErrorCode::kFailedPrecondition, "node " + std::to_string(port) + " is running");
  }
  return spawn(*node);
}

Status LocalCluster::wait_ready(std::chrono::milliseconds timeout) const {
  std::string why = "not checked";
  for (auto until = std::chrono::steady_clock::now() + timeout;;) {
    why.clear();
    std::set<int> live;
    for (const RedisNode& node : nodes_) {
      if (node.pid != 0 && !node.stopped) live.insert(node.port);
    }
    std::string agreed;
    for (int port : live) {
      Expected<Reply> info = command(port, {"CLUSTER", "INFO"});
      Expected<Reply> slots = command(port, {"CLUSTER", "SLOTS"});
      Expected<Reply> replication = command(port, {"INFO", "replication"});
      if (!info || !slots || !replication) {
        why = "node " + std::to_string(port) + " does not answer";
        break;
      }
      if (info->str.find("cluster_state:ok") == std::string::npos ||
          info->str.find("cluster_slots_ok:16384") == std::string::npos) {
        why = "node " + std::to_string(port) + ": " + info->str;
        break;
      }
      std::string map = slots_text(*slots);
      if (!agreed.empty() && map != agreed) {
        why = "nodes disagree on the slot map: " + agreed + " vs " + map;
        break;
      }
      agreed = map;
      for (int master : slot_master_ports(*slots)) {
        if (!live.contains(master)) why = "a dead node " + std::to_string(master) + " still serves slots";
      }
      if (replication->str.find("role:slave") != std::string::npos &&
          replication->str.find("master_link_status:up") == std::string::npos) {
        why = "replica " + std::to_string(port) + " is not in sync yet";
      }
      if (!why.empty()) break;
    }
    if (why.empty()) return Status::ok();
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(50ms);
  }
  return Status::error(ErrorCode::kUnavailable, "cluster not ready: " + why);
}

}  // namespace gyrate::testing
