// ClusterClient throughput against a real local Redis Cluster (LocalCluster): run() and
// pipeline() of HINCRBY on 100k {acct:N} hashes, from 1-50 threads, on 1 and 3 masters.
// Flags before Google Benchmark's: --masters=1,3 --replicas=0 --fsync=always|everysec.
// Server and client share the machine's cores: the figures are per machine, not per master.
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <random>
#include <sstream>

#include "local_cluster.hpp"

namespace {

using gyrate::redis::ClusterClient;
using gyrate::redis::Command;

constexpr int kAccounts = 100000;

Command debit(std::mt19937& random) {
  std::string key = "{acct:" + std::to_string(random() % kAccounts) + "}";
  return {.key = key, .argv = {"HINCRBY", key, "balance", "-1"}};
}

// Failures (a deadline passed on this loaded box) are counted, not raised: a benchmark that stops
// at the first one would hide how often it happens.
bool failed(const gyrate::Expected<gyrate::redis::Reply>& reply) {
  return !reply || reply->type == gyrate::redis::Reply::Type::kError;
}

void BM_Run(benchmark::State& state, ClusterClient* client) {
  std::mt19937 random(static_cast<unsigned>(state.thread_index() + 1));
  int64_t failures = 0;
  for (auto _ : state) failures += failed(client->run(debit(random)));
  state.SetItemsProcessed(state.iterations());
  state.counters["failed"] = benchmark::Counter(static_cast<double>(failures));
}

void BM_Pipeline(benchmark::State& state, ClusterClient* client) {
  std::mt19937 random(static_cast<unsigned>(state.thread_index() + 1));
  const size_t depth = static_cast<size_t>(state.range(0));
  std::vector<Command> batch(depth);
  int64_t failures = 0;
  for (auto _ : state) {
    for (Command& command : batch) command = debit(random);
    for (const auto& reply : client->pipeline(batch)) failures += failed(reply);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(depth));
  state.counters["failed"] = benchmark::Counter(static_cast<double>(failures));
}

std::vector<int> parse_list(const char* text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> masters = {1, 3};
  int replicas = 0;
  std::string fsync = "always";
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--masters=", 10) == 0) {
      masters = parse_list(argv[i] + 10);
    } else if (std::strncmp(argv[i], "--replicas=", 11) == 0) {
      replicas = std::stoi(argv[i] + 11);
    } else if (std::strncmp(argv[i], "--fsync=", 8) == 0) {
      fsync = argv[i] + 8;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());

  // Every cluster and client stays up until all benchmarks ran (they are registered up front).
  std::vector<std::unique_ptr<gyrate::testing::LocalCluster>> clusters;
  std::vector<std::unique_ptr<ClusterClient>> clients;
  for (int count : masters) {
    gyrate::testing::LocalClusterOptions options;
    options.masters = count;
    options.replicas_per_master = replicas;
    options.extra_args = {"--appendfsync", fsync};
    auto cluster = gyrate::testing::LocalCluster::start(options);
    if (!cluster) {
      std::cerr << cluster.status().to_string() << "\n";
      return 1;
    }
    gyrate::redis::ClusterOptions client_options = (*cluster)->client_options();
    client_options.shard_deadline = std::chrono::milliseconds(2000);  // a loaded box, not a failure
    clusters.push_back(std::move(*cluster));
    for (size_t connections : {size_t{4}, size_t{16}}) {
      client_options.connections_per_master = connections;
      auto client = ClusterClient::connect(client_options);
      if (!client) {
        std::cerr << client.status().to_string() << "\n";
        return 1;
      }
      clients.push_back(std::move(*client));
      std::string name = std::to_string(count) + "m" + std::to_string(replicas) + "r_" + fsync +
                         "_" + std::to_string(connections) + "conn";
      benchmark::RegisterBenchmark(("BM_Run/" + name).c_str(), BM_Run, clients.back().get())
          ->Threads(1)->Threads(16)->Threads(50)->UseRealTime()->MinTime(1.0);
      benchmark::RegisterBenchmark(("BM_Pipeline/" + name).c_str(), BM_Pipeline, clients.back().get())
          ->Arg(16)->Threads(1)->Threads(16)->UseRealTime()->MinTime(1.0);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  // Redirects and retries would show here (a MOVED is an error reply): 0 on a settled cluster.
  for (size_t i = 0; i < clients.size(); i += 2) {
    int64_t errors = 0;
    for (const auto& info : clients[i]->on_every_master({"INFO", "stats"})) {
      size_t at = info ? info->str.find("total_error_replies:") : std::string::npos;
      if (at != std::string::npos) errors += std::stoll(info->str.substr(at + 20));
    }
    std::cout << "masters " << masters[i / 2] << ": error replies " << errors << "\n";
  }
  benchmark::Shutdown();
  return 0;
}
