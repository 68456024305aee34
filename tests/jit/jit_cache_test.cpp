// The persistent object cache: a hit skips IR generation; a corrupt, foreign or untrusted entry
// and an unwritable or untrusted directory cost a recompile and a warning; results never change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "cache_dir.hpp"
#include "decision_text.hpp"
#include "internal.hpp"
#include "jit_test_util.hpp"

namespace gyrate::jittest {
namespace {

namespace fs = std::filesystem;
using lang::ir::EvalStatus;

// ctx[0] * 3 / 2 rounded, or no match when ctx[1] is 0.
Ir sample_program(int64_t factor = 3) {
  Ir ir;
  ExprId v = ir.bin(OpCode::kMulScaled, ir.load(0), ir.c(factor), 2);
  ir.block({ir.node(OpCode::kIf, {ir.load(1), v, ir.no_match()})});
  return ir;
}

int64_t eval(const jit::JitCatalog& cat, int64_t x) {
  std::vector<int64_t> ctx(lang::kSlotBuiltinCount, 0);
  ctx[0] = x;
  ctx[1] = 1;
  lang::BlockResult r = cat.evaluate_block(0, ctx.data());
  EXPECT_EQ(r.status, EvalStatus::kOk);
  return r.values[0];
}

fs::path only_entry(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  EXPECT_EQ(files.size(), 1u);
  return files.empty() ? fs::path() : files[0];
}

bool any_warning_contains(const jit::CompileStats& s, const std::string& text) {
  for (const std::string& w : s.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(JitCache, SecondLoadHitsWithoutGeneratingCode) {
  TempDir dir;
  Ir ir = sample_program();
  jit::JitOptions opts{2, dir.str()};
  auto first = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(first) << first.status().message();
  EXPECT_FALSE((*first)->stats().cache_hit);
  EXPECT_TRUE((*first)->stats().cache_written);
  EXPECT_TRUE((*first)->stats().warnings.empty());
  EXPECT_EQ(eval(**first, 5), 8);  // 7.5 -> 8

  uint64_t generated = jit::counters().modules_generated;
  uint64_t hits = jit::counters().cache_hits;
  auto second = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(second);
  EXPECT_TRUE((*second)->stats().cache_hit);
  EXPECT_EQ(jit::counters().modules_generated, generated);  // no IR generation, no optimization
  EXPECT_EQ(jit::counters().cache_hits, hits + 1);
  EXPECT_EQ((*second)->stats().ir_ms, 0.0);
  EXPECT_EQ((*second)->stats().opt_ms, 0.0);
  EXPECT_EQ(eval(**second, 5), 8);
  EXPECT_EQ(eval(**second, -5), -8);
}

TEST(JitCache, ACachedCatalogDecidesNativelyLikeTheInterpreter) {
  // Cached code carries action codes, not pointers: decisions through a catalog loaded from the
  // cache must name the same actions and fields as the interpreter's.
  std::ifstream in(std::string(GYRATE_SOURCE_DIR) + "/examples/catalog.tariff");
  std::stringstream text;
  text << in.rdbuf();
  lang::SourceFile source("catalog.tariff", text.str());
  lang::Diagnostics diags;
  std::optional<lang::ir::Program> program = lang::compile_source(source, diags);
  ASSERT_TRUE(program) << lang::render_all(diags, source);
  const lang::ir::Program& p = *program;
  TempDir dir;
  jit::JitOptions opts{2, dir.str()};
  ASSERT_TRUE(jit::JitCatalog::create(p, nullptr, opts));  // fills the cache
  auto cached = jit::JitCatalog::create(p, nullptr, opts);
  ASSERT_TRUE(cached) << cached.status().message();
  ASSERT_TRUE((*cached)->stats().cache_hit);
  ASSERT_EQ((*cached)->native_program_id(), p.identity.id());
  lang::Interpreter interp(p);

  std::mt19937_64 rng(11);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 2'000; ++i) {
    lang::ContextBuilder b(p);
    b.at(1782864000 + pick(0, 31 * 86400 - 1))
        .set(lang::kSlotModel, pick(-1, static_cast<int64_t>(p.models.size()) - 1))
        .set(lang::kSlotRequested, pick(0, 60'000))
        .set(lang::kSlotRemaining, pick(0, 3) == 0 ? 0 : pick(0, 5'000'000))
        .set(lang::kSlotUsed, pick(0, 5'000'000))
        .set(lang::kSlotMemberUsed, pick(0, 5'000'000))
        .set(lang::kSlotSpend, pick(0, 80) * 1'000'000)
        .set(lang::kSlotWindowUsed0, pick(0, 2'000));
    const int64_t* ctx = b.context().slots.data();
    for (uint32_t block = 0; block < p.blocks.size(); ++block) {
      ASSERT_EQ(testsupport::decision_text(lang::decide(p, interp, block, ctx)),
                testsupport::decision_text(lang::decide(p, **cached, block, ctx)))
          << "context " << i << " block " << block;
    }
  }
}

TEST(JitCache, LargeCatalogsSplitIntoModulesAndCacheAsOne) {
  // 200 blocks of ~50 nodes each: enough IR for one module per hardware thread.
  Ir ir;
  for (int b = 0; b < 200; ++b) {
    ExprId e = ir.load(0);
    for (int k = 0; k < 12; ++k) {
      e = ir.bin(OpCode::kMulScaled, ir.bin(OpCode::kAdd, e, ir.c(b + k)), ir.c(3), 2);
    }
    ir.block({e});
  }
  TempDir dir;
  jit::JitOptions opts{2, dir.str()};
  uint64_t generated = jit::counters().modules_generated;
  auto first = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(first) << first.status().message();
  uint64_t modules = jit::counters().modules_generated - generated;
  if (std::thread::hardware_concurrency() >= 2) {
    EXPECT_GE(modules, 2u);
  }
  auto second = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(second);
  EXPECT_TRUE((*second)->stats().cache_hit);
  lang::Interpreter interp(ir.p);
  std::vector<int64_t> ctx(lang::kSlotBuiltinCount, 0);
  for (int64_t x : {int64_t{0}, int64_t{1}, int64_t{-7}, int64_t{1000}, int64_t{1} << 60}) {
    ctx[0] = x;
    for (uint32_t b = 0; b < 200; ++b) {
      lang::BlockResult want = interp.evaluate_block(b, ctx.data());
      ASSERT_EQ(want, (*first)->evaluate_block(b, ctx.data())) << b;
      ASSERT_EQ(want, (*second)->evaluate_block(b, ctx.data())) << b;
    }
  }
}

TEST(JitCache, KeyDependsOnProgramAndOptLevel) {
  Ir a = sample_program(3);
  Ir b = sample_program(5);
  EXPECT_EQ(jit::cache_key(a.p, {2, ""}), jit::cache_key(sample_program(3).p, {2, ""}));
  EXPECT_NE(jit::cache_key(a.p, {2, ""}), jit::cache_key(b.p, {2, ""}));
  EXPECT_NE(jit::cache_key(a.p, {2, ""}), jit::cache_key(a.p, {0, ""}));
  EXPECT_EQ(jit::cache_key(a.p, {2, ""}).size(), 64u);
}

void corrupt_and_reload(const std::function<void(const fs::path&)>& damage) {
  TempDir dir;
  Ir ir = sample_program();
  jit::JitOptions opts{2, dir.str()};
  ASSERT_TRUE(jit::JitCatalog::create(ir.p, nullptr, opts));
  damage(only_entry(dir.path()));

  uint64_t generated = jit::counters().modules_generated;
  uint64_t errors = jit::counters().cache_errors;
  auto again = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_FALSE((*again)->stats().cache_hit);
  EXPECT_TRUE(any_warning_contains((*again)->stats(), "recompiling"));
  EXPECT_EQ(jit::counters().modules_generated, generated + 1);
  EXPECT_EQ(jit::counters().cache_errors, errors + 1);
  EXPECT_EQ(eval(**again, 5), 8);
  // The recompiled object replaced the bad entry.
  auto third = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(third);
  EXPECT_TRUE((*third)->stats().cache_hit);
  EXPECT_EQ(eval(**third, 7), 11);  // 10.5 -> 11
}

TEST(JitCache, FlippedByteMeansRecompile) {
  corrupt_and_reload([](const fs::path& p) {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-100, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    f.seekp(-100, std::ios::end);
    c = static_cast<char>(c ^ 0x5A);
    f.write(&c, 1);
  });
}

TEST(JitCache, TruncatedEntryMeansRecompile) {
  corrupt_and_reload([](const fs::path& p) { fs::resize_file(p, fs::file_size(p) / 2); });
}

TEST(JitCache, GarbageEntryMeansRecompile) {
  corrupt_and_reload([](const fs::path& p) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << "not an object at all";
  });
}

TEST(JitCache, EmptyEntryMeansRecompile) {
  corrupt_and_reload([](const fs::path& p) { fs::resize_file(p, 0); });
}

TEST(JitCache, EntryOfAnotherProgramIsNotUsed) {
  TempDir dir;
  jit::JitOptions opts{2, dir.str()};
  Ir a = sample_program(3);
  Ir b = sample_program(5);
  ASSERT_TRUE(jit::JitCatalog::create(a.p, nullptr, opts));
  fs::path entry_a = only_entry(dir.path());
  // Plant a's (valid) object under b's key: b must not run a's code.
  fs::copy_file(entry_a, dir.path() / (jit::cache_key(b.p, opts) + ".gjo"));
  auto cat = jit::JitCatalog::create(b.p, nullptr, opts);
  ASSERT_TRUE(cat);
  EXPECT_FALSE((*cat)->stats().cache_hit);
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), "another key"));
  EXPECT_EQ(eval(**cat, 2), 5);
}

TEST(JitCache, UnwritableDirectoryWarnsAndStillCompiles) {
  TempDir dir;
  fs::path file = dir.path() / "a_file";
  std::ofstream(file) << "x";
  Ir ir = sample_program();
  // A directory below a regular file can never be created, whatever our privileges.
  auto cat = jit::JitCatalog::create(ir.p, nullptr, jit::JitOptions{2, (file / "cache").string()});
  ASSERT_TRUE(cat) << cat.status().message();
  EXPECT_FALSE((*cat)->stats().cache_written);
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), "cache"));
  EXPECT_EQ(eval(**cat, 5), 8);
}

TEST(JitCache, EntryThatIsADirectoryIsNotFatal) {
  TempDir dir;
  Ir ir = sample_program();
  jit::JitOptions opts{2, dir.str()};
  fs::create_directories(dir.path() / (jit::cache_key(ir.p, opts) + ".gjo"));
  auto cat = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(cat) << cat.status().message();
  EXPECT_FALSE((*cat)->stats().warnings.empty());
  EXPECT_EQ(eval(**cat, 5), 8);
}

// Trust: only what the process's own user made is loaded (docs/operations.md).

constexpr uid_t kNobody = 65534;

// chown needs root (the test machines run as root); elsewhere the owner tests are skipped.
bool can_chown() { return ::geteuid() == 0; }

void chown_to_nobody(const fs::path& p) {
  ASSERT_EQ(::lchown(p.c_str(), kNobody, kNobody), 0) << p << ": " << std::strerror(errno);
}

// Fills the cache, lets `tamper` change the entry, and checks that the next load refuses it
// with a warning naming `why`, recompiles, and that the load after that hits the replacement.
void refuse_and_reload(const std::function<void(const fs::path&)>& tamper, const std::string& why) {
  TempDir dir;
  Ir ir = sample_program();
  jit::JitOptions opts{2, dir.str()};
  ASSERT_TRUE(jit::JitCatalog::create(ir.p, nullptr, opts));
  tamper(only_entry(dir.path()));

  jit::JitCounters before = jit::counters();
  auto again = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_FALSE((*again)->stats().cache_hit);
  EXPECT_TRUE(any_warning_contains((*again)->stats(), "untrusted JIT cache entry"));
  EXPECT_TRUE(any_warning_contains((*again)->stats(), why)) << why;
  EXPECT_TRUE((*again)->stats().cache_written);
  jit::JitCounters after = jit::counters();
  EXPECT_EQ(after.modules_generated, before.modules_generated + 1);
  EXPECT_EQ(after.cache_refused, before.cache_refused + 1);
  EXPECT_EQ(after.cache_errors, before.cache_errors + 1);
  EXPECT_EQ(eval(**again, 5), 8);
  // The recompiled entry replaced the refused one (a rename replaces a link, not its target).
  auto third = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(third);
  EXPECT_TRUE((*third)->stats().cache_hit);
  EXPECT_EQ(eval(**third, 7), 11);
}

TEST(JitCacheTrust, EntryOfAnotherUserIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "needs root to give a file away";
  refuse_and_reload(chown_to_nobody, "owned by uid 65534");
}

TEST(JitCacheTrust, EntryWritableByOthersIsRefused) {
  refuse_and_reload([](const fs::path& p) { fs::permissions(p, fs::perms(0666)); },
                    "writable by group or others (mode 0666)");
}

TEST(JitCacheTrust, SymbolicLinkEntryIsRefused) {
  TempDir elsewhere;
  refuse_and_reload(
      [&](const fs::path& p) {
        // A valid entry, ours and private, but reached through a link: still refused, since
        // a link may point at any file of anyone.
        fs::path target = elsewhere.path() / "planted.gjo";
        fs::rename(p, target);
        fs::create_symlink(target, p);
      },
      "a symbolic link");
}

TEST(JitCacheTrust, OversizedEntryIsRefusedUnread) {
  // Sparse: the size is what counts, and the entry is refused before a byte is read.
  refuse_and_reload(
      [](const fs::path& p) { fs::resize_file(p, jit::detail::kMaxCacheEntryBytes + 1); },
      "larger than 67108864 bytes");
}

// Fills the cache, lets `tamper` change the directory, and checks that the next load neither
// reads nor writes it and still compiles.
void refuse_directory(const std::function<void(const fs::path&)>& tamper, const std::string& why) {
  TempDir dir;
  Ir ir = sample_program();
  jit::JitOptions opts{2, dir.str()};
  ASSERT_TRUE(jit::JitCatalog::create(ir.p, nullptr, opts));
  fs::path entry = only_entry(dir.path());
  auto written = fs::last_write_time(entry);
  tamper(dir.path());

  jit::JitCounters before = jit::counters();
  auto cat = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(cat) << cat.status().message();
  EXPECT_FALSE((*cat)->stats().cache_hit);
  EXPECT_FALSE((*cat)->stats().cache_written);
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), "untrusted JIT cache directory"));
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), "not loading from it, recompiling"));
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), "not writing to it"));
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), why)) << why;
  jit::JitCounters after = jit::counters();
  EXPECT_EQ(after.modules_generated, before.modules_generated + 1);
  EXPECT_EQ(after.cache_refused, before.cache_refused + 2);  // the read and the write
  EXPECT_EQ(after.cache_errors, before.cache_errors + 2);
  EXPECT_EQ(fs::last_write_time(entry), written);
  EXPECT_EQ(eval(**cat, 5), 8);
}

TEST(JitCacheTrust, GroupWritableDirectoryIsRefusedAndTheCatalogStillLoads) {
  refuse_directory([](const fs::path& d) { fs::permissions(d, fs::perms(0770)); },
                   "writable by group or others (mode 0770)");
}

TEST(JitCacheTrust, DirectoryOfAnotherUserIsRefused) {
  if (!can_chown()) GTEST_SKIP() << "needs root to give a directory away";
  refuse_directory(chown_to_nobody, "owned by uid 65534");
}

TEST(JitCacheTrust, CreatedDirectoriesAreOwnerOnlyAndEntriesPrivate) {
  TempDir dir;
  fs::path cache = dir.path() / "var" / "gyrate" / "jit";
  Ir ir = sample_program();
  auto cat = jit::JitCatalog::create(ir.p, nullptr, jit::JitOptions{2, cache.string()});
  ASSERT_TRUE(cat) << cat.status().message();
  ASSERT_TRUE((*cat)->stats().cache_written);
  for (const fs::path& d : {dir.path() / "var", dir.path() / "var" / "gyrate", cache}) {
    EXPECT_EQ(fs::status(d).permissions(), fs::perms::owner_all) << d;
  }
  EXPECT_EQ(fs::status(only_entry(cache)).permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST(JitCacheTrust, StaleTemporariesAreRemovedAndFreshOnesKept) {
  TempDir dir;
  Ir ir = sample_program();
  jit::JitOptions opts{2, dir.str()};
  std::string entry = jit::cache_key(ir.p, opts) + ".gjo";
  auto make = [&](const std::string& name, std::chrono::minutes age) {
    fs::path p = dir.path() / name;
    std::ofstream(p) << "half an object";
    fs::last_write_time(p, fs::file_time_type::clock::now() - age);
    return p;
  };
  fs::path stale = make(entry + ".tmp.4242.0", std::chrono::minutes(30));
  fs::path fresh = make(entry + ".tmp.4243.0", std::chrono::minutes(1));
  fs::path not_a_temporary = make("notes.tmp.txt", std::chrono::minutes(30));
  fs::path not_ours;
  if (can_chown()) {
    not_ours = make(entry + ".tmp.4244.0", std::chrono::minutes(30));
    chown_to_nobody(not_ours);
  }
  auto cat = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(cat) << cat.status().message();
  EXPECT_TRUE((*cat)->stats().cache_written);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_TRUE(fs::exists(not_a_temporary));
  if (!not_ours.empty()) {
    EXPECT_TRUE(fs::exists(not_ours));
  }
  EXPECT_TRUE(fs::exists(dir.path() / entry));
}

TEST(JitCacheTrust, TemporaryNames) {
  using jit::detail::is_temporary_name;
  EXPECT_TRUE(is_temporary_name("ab.gjo.tmp.12.0"));
  EXPECT_FALSE(is_temporary_name("ab.gjo"));
  EXPECT_FALSE(is_temporary_name(".tmp.12.0"));
  EXPECT_FALSE(is_temporary_name("ab.gjo.tmp.12"));
  EXPECT_FALSE(is_temporary_name("ab.gjo.tmp.12.x"));
  EXPECT_FALSE(is_temporary_name("ab.gjo.tmp..0"));
}

// With a key file, entries carry an HMAC-SHA256: an entry anyone else wrote, even with a right
// checksum, is refused.

TEST(JitCacheMac, HmacSha256MatchesRfc4231) {
  auto hex = [](const std::array<uint8_t, 32>& d) {
    std::string out;
    char buf[3];
    for (uint8_t b : d) {
      std::snprintf(buf, sizeof(buf), "%02x", b);
      out += buf;
    }
    return out;
  };
  // Test cases 2 (short key) and 6 (a key longer than the block, hashed first).
  EXPECT_EQ(hex(jit::detail::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(jit::detail::hmac_sha256(std::string(131, '\xaa'),
                                         "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

fs::path make_key_file(const fs::path& dir, const std::string& name, const std::string& key,
                       fs::perms perms = fs::perms::owner_read | fs::perms::owner_write) {
  fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << key;
  fs::permissions(p, perms);
  return p;
}

TEST(JitCacheMac, KeyedEntriesHitUnderTheirKey) {
  TempDir dir;
  TempDir keys;
  Ir ir = sample_program();
  fs::path key = make_key_file(keys.path(), "k", "0123456789abcdef-one");
  jit::JitOptions opts{2, dir.str(), key.string()};
  auto first = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(first) << first.status().message();
  EXPECT_TRUE((*first)->stats().cache_written);
  EXPECT_TRUE((*first)->stats().warnings.empty());
  auto second = jit::JitCatalog::create(ir.p, nullptr, opts);
  ASSERT_TRUE(second);
  EXPECT_TRUE((*second)->stats().cache_hit);
  EXPECT_EQ(eval(**second, 5), 8);
}

// Fills the cache with `writer`'s options, then loads with `reader`'s and expects a refusal
// naming `why`, a recompile, and a hit on the entry written then.
void mac_refusal(const jit::JitOptions& writer, const jit::JitOptions& reader,
                 const std::string& why) {
  Ir ir = sample_program();
  ASSERT_TRUE(jit::JitCatalog::create(ir.p, nullptr, writer));
  jit::JitCounters before = jit::counters();
  auto cat = jit::JitCatalog::create(ir.p, nullptr, reader);
  ASSERT_TRUE(cat) << cat.status().message();
  EXPECT_FALSE((*cat)->stats().cache_hit);
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), "untrusted JIT cache entry"));
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), why)) << why;
  EXPECT_EQ(jit::counters().cache_refused, before.cache_refused + 1);
  EXPECT_EQ(jit::counters().modules_generated, before.modules_generated + 1);
  EXPECT_EQ(eval(**cat, 5), 8);
  auto again = jit::JitCatalog::create(ir.p, nullptr, reader);
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)->stats().cache_hit);
}

TEST(JitCacheMac, EntryWithoutAMacIsRefused) {
  // A plain entry has a valid SHA-256: exactly what someone without the key could write.
  TempDir dir;
  TempDir keys;
  fs::path key = make_key_file(keys.path(), "k", "0123456789abcdef-one");
  mac_refusal(jit::JitOptions{2, dir.str()}, jit::JitOptions{2, dir.str(), key.string()}, "no MAC");
}

TEST(JitCacheMac, EntryUnderAnotherKeyIsRefused) {
  TempDir dir;
  TempDir keys;
  fs::path one = make_key_file(keys.path(), "one", "0123456789abcdef-one");
  fs::path two = make_key_file(keys.path(), "two", "0123456789abcdef-two");
  mac_refusal(jit::JitOptions{2, dir.str(), one.string()},
              jit::JitOptions{2, dir.str(), two.string()}, "MAC mismatch");
}

// A key file that breaks a rule disables the cache for that load: nothing read, nothing written.
void untrusted_key_file(const std::function<fs::path(const fs::path&)>& make,
                        const std::string& why) {
  TempDir dir;
  TempDir keys;
  Ir ir = sample_program();
  ASSERT_TRUE(jit::JitCatalog::create(ir.p, nullptr, jit::JitOptions{2, dir.str()}));
  fs::path entry = only_entry(dir.path());
  auto written = fs::last_write_time(entry);
  jit::JitCounters before = jit::counters();
  auto cat = jit::JitCatalog::create(ir.p, nullptr,
                                     jit::JitOptions{2, dir.str(), make(keys.path()).string()});
  ASSERT_TRUE(cat) << cat.status().message();
  EXPECT_FALSE((*cat)->stats().cache_hit);
  EXPECT_FALSE((*cat)->stats().cache_written);
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), "not using the cache"));
  EXPECT_TRUE(any_warning_contains((*cat)->stats(), why)) << why;
  EXPECT_EQ(jit::counters().cache_errors, before.cache_errors + 1);
  EXPECT_EQ(jit::counters().cache_hits, before.cache_hits);
  EXPECT_EQ(fs::last_write_time(entry), written);
  EXPECT_EQ(eval(**cat, 5), 8);
}

TEST(JitCacheMac, KeyFileReadableByOthersDisablesTheCache) {
  untrusted_key_file(
      [](const fs::path& d) {
        return make_key_file(d, "k", "0123456789abcdef-one", fs::perms(0644));
      },
      "accessible by group or others (mode 0644)");
}

TEST(JitCacheMac, KeyFileOfAnotherUserDisablesTheCache) {
  if (!can_chown()) GTEST_SKIP() << "needs root to give a file away";
  untrusted_key_file(
      [](const fs::path& d) {
        fs::path p = make_key_file(d, "k", "0123456789abcdef-one");
        chown_to_nobody(p);
        return p;
      },
      "owned by uid 65534");
}

TEST(JitCacheMac, ShortOrMissingKeyFileDisablesTheCache) {
  untrusted_key_file([](const fs::path& d) { return make_key_file(d, "k", "too short"); },
                     "shorter than 16 bytes");
  untrusted_key_file([](const fs::path& d) { return d / "absent"; }, "no such file");
}

TEST(JitCacheMac, KeyFileWithoutCacheDirectoryIsAnError) {
  TempDir keys;
  fs::path key = make_key_file(keys.path(), "k", "0123456789abcdef-one");
  EXPECT_FALSE(
      jit::JitCatalog::create(sample_program().p, nullptr, jit::JitOptions{2, "", key.string()}));
}

}  // namespace
}  // namespace gyrate::jittest
