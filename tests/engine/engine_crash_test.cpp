// The engine's crash test: a child process serves reserve+commit pairs from several threads on
// the embedded store (fsync always, checkpoints while it runs) and reports each acknowledged
// commit through a pipe; the test SIGKILLs it at a random moment, restarts the engine on the same
// directory and checks, over several rounds, that every balance equals exactly its CDRs, every
// acknowledged commit is there once with its debit, and at most one commit per thread that was
// never acknowledged got in.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "engine_test_support.hpp"
#include "gyrate/engine/cdr_files.hpp"
#include "gyrate/engine/embedded_store.hpp"
#include "journal_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kCatalog = "examples/catalog.tariff";
constexpr uint32_t kAccounts = 12;
constexpr uint32_t kThreads = 4;
constexpr uint32_t kRounds = 6;
constexpr uint64_t kCheckpointEvery = 20;   // thread 0's commits between checkpoints

int64_t t0() { return local(2026, 3, 10, 12, 0, kCst); }
std::string account_id(uint32_t i) { return "acct" + std::to_string(i); }
std::string session_id(uint32_t round, uint32_t thread, uint64_t index) {
  return "r" + std::to_string(round) + "t" + std::to_string(thread) + "i" + std::to_string(index);
}

struct Ack {  // one pipe message; 32 bytes, so each write(2) to the pipe is atomic
  uint32_t round;
  uint32_t thread;
  uint64_t index;
  uint32_t account;
  uint32_t pad;
  int64_t debit;
};

JournalOptions crash_options() {
  JournalOptions options;
  options.fsync = FsyncPolicy::kAlways;
  options.max_segment_bytes = 64 << 10;  // segment rotation and deletion happen under the kill too
  return options;
}

Expected<std::unique_ptr<Engine>> open_engine(const std::filesystem::path& dir) {
  auto store = EmbeddedStore::open(dir, crash_options());
  if (!store) return store.status();
  return Engine::open(catalog(kCatalog), std::move(*store));
}

[[noreturn]] void run_child(const std::filesystem::path& dir, uint32_t round, int pipe_fd) {
  auto engine = open_engine(dir);
  if (!engine) {
    std::fprintf(stderr, "child: open failed: %s\n", engine.status().to_string().c_str());
    _exit(2);
  }
  if (round == 0) {
    std::vector<ProvisionSpec> specs;
    for (uint32_t i = 0; i < kAccounts; ++i) specs.push_back(subscriber(account_id(i), "token_starter", t0()));
    if (!(*engine)->provision_all(specs)) _exit(3);
  }
  const int64_t t = t0() + round * 60;
  auto worker = [&](uint32_t thread) {
    std::mt19937_64 random(round * 100 + thread);
    for (uint64_t index = 0;; ++index) {
      const uint32_t account = static_cast<uint32_t>(random() % kAccounts);
      const std::string session = session_id(round, thread, index);
      const int64_t used = 1 + static_cast<int64_t>(random() % 4000);
      auto r = (*engine)->reserve(account_id(account), {session, 1, "llm", "qwen_turbo", 5000, t});
      auto c = (*engine)->commit(account_id(account), {session, 2, "llm", used, t});
      if (!r || !c) {
        std::fprintf(stderr, "child: %s\n", (!r ? r.status() : c.status()).to_string().c_str());
        _exit(4);
      }
      const Ack ack{round, thread, index, account, 0, c->committed + c->overrun};
      if (::write(pipe_fd, &ack, sizeof ack) != static_cast<ssize_t>(sizeof ack)) _exit(5);
      if (thread == 0 && index % kCheckpointEvery == kCheckpointEvery - 1) {
        if (Status s = (*engine)->checkpoint(); !s) {
          std::fprintf(stderr, "child: checkpoint: %s\n", s.to_string().c_str());
          _exit(6);
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < kThreads; ++i) threads.emplace_back(worker, i);
  for (auto& thread : threads) thread.join();
  _exit(7);  // unreachable: the workers never stop
}

uint64_t crash_seed() {
  if (const char* text = std::getenv("GYRATE_CRASH_SEED")) return std::strtoull(text, nullptr, 10);
  return 20261202;
}

// Reads acknowledgements until a random moment after the first one, kills the child, then reads
// what the pipe still holds.
std::vector<Ack> acks_until_killed(pid_t pid, int fd, std::mt19937_64& random) {
  const std::string received =
      read_until_killed(pid, fd, std::chrono::milliseconds(20 + random() % 400), true);
  std::vector<Ack> acks(received.size() / sizeof(Ack));
  std::memcpy(acks.data(), received.data(), acks.size() * sizeof(Ack));
  return acks;
}

TEST(DurabilityEngineCrash, SigkillUnderLoadKeepsExactlyTheCommittedDebits) {
  const uint64_t seed = crash_seed();
  std::printf("engine crash test seed %" PRIu64 " (set GYRATE_CRASH_SEED to replay another)\n", seed);
  std::mt19937_64 random(seed);
  catalog(kCatalog);  // compiled once, before the forks
  TempDir dir;
  std::map<std::string, Ack> acknowledged;  // every round's, by session
  for (uint32_t round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      run_child(dir.path(), round, fds[1]);
    }
    ::close(fds[1]);
    std::vector<Ack> acks = acks_until_killed(pid, fds[0], random);
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child stopped by itself, exit code " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    ASSERT_FALSE(acks.empty()) << "the child acknowledged nothing before the kill";
    for (const Ack& a : acks) acknowledged[session_id(a.round, a.thread, a.index)] = a;

    auto engine = open_engine(dir.path());
    ASSERT_TRUE(engine) << engine.status().to_string();
    auto& store = dynamic_cast<EmbeddedStore&>(*(*engine)->store());
    EXPECT_TRUE(store.recovery().skipped.empty());
    // Every CDR ever made: the exported files and the ones recovery found after them.
    std::vector<Cdr> cdrs;
    for (const auto& file : store.cdr_files()) {
      auto exported = read_cdr_file(file);
      ASSERT_TRUE(exported) << exported.status().to_string();
      cdrs.insert(cdrs.end(), exported->begin(), exported->end());
    }
    std::vector<Cdr> pending = store.pending_cdrs();
    cdrs.insert(cdrs.end(), pending.begin(), pending.end());

    std::map<std::string, const Cdr*> by_session;
    std::map<std::string, int64_t> debits;
    for (const Cdr& c : cdrs) {
      EXPECT_TRUE(by_session.emplace(c.session, &c).second) << "CDR of " << c.session << " twice";
      debits[c.account] += c.debit;
    }
    for (const auto& [session, ack] : acknowledged) {
      auto it = by_session.find(session);
      ASSERT_NE(it, by_session.end()) << "acknowledged commit " << session << " lost";
      EXPECT_EQ(it->second->debit, ack.debit) << session;
      EXPECT_EQ(it->second->account, account_id(ack.account)) << session;
    }
    // Only commits in flight at a kill may be durable without an acknowledgement: at most one
    // per thread and round.
    size_t unacknowledged = 0;
    for (const auto& [session, cdr] : by_session) unacknowledged += acknowledged.contains(session) ? 0 : 1;
    EXPECT_LE(unacknowledged, size_t{kThreads} * (round + 1));
    const int64_t t = t0() + round * 60 + 30;
    for (uint32_t i = 0; i < kAccounts; ++i) {
      auto b = (*engine)->balances(account_id(i), t);
      ASSERT_TRUE(b) << b.status().to_string();
      EXPECT_EQ(service(*b, "llm").used, debits[account_id(i)]) << account_id(i);
    }
    // A resent acknowledged commit gets its stored answer and debits nothing more.
    const Ack& last = acks.back();
    auto resent = (*engine)->commit(account_id(last.account),
                                    {session_id(last.round, last.thread, last.index), 2, "llm", 1, t});
    ASSERT_TRUE(resent);
    EXPECT_TRUE(resent->duplicate);
    EXPECT_EQ(resent->committed + resent->overrun, last.debit);
    EXPECT_EQ(service(*(*engine)->balances(account_id(last.account), t), "llm").used,
              debits[account_id(last.account)]);
    std::printf("round %u: %zu acknowledged in all, %zu CDRs, %zu exported files\n", round,
                acknowledged.size(), cdrs.size(), store.cdr_files().size());
  }
}

}  // namespace
}  // namespace gyrate::engine
