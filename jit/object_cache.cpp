// The persistent object cache: a SHA-256 key over everything that shapes the machine code, and
// one self-checking file per key in a directory only this process's user can write (cache_dir.hpp).
// A damaged, untrusted or unwritable cache costs a recompile and a warning, never a crash.
#include <array>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <set>

#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "cache_dir.hpp"
#include "internal.hpp"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/Support/SHA256.h>

#ifndef GYRATE_VERSION
#define GYRATE_VERSION "unknown"
#endif

namespace gyrate::jit::detail {
namespace {

// File layout: magic, key (hex), payload size, payload digest, payload. The payload is the count
// of objects, then each object's size and bytes. Integers are 64-bit little-endian. With a MAC
// key, the magic is kMacMagic and the digest is the HMAC-SHA256 of everything before it and the
// payload: a plain checksum proves no origin, since anyone who writes the file can recompute it.
constexpr char kMagic[8] = {'G', 'Y', 'R', 'J', 'I', 'T', 'O', '2'};
constexpr char kMacMagic[8] = {'G', 'Y', 'R', 'J', 'I', 'T', 'M', '2'};
constexpr size_t kMacKeyMinBytes = 16;
constexpr size_t kMacKeyMaxBytes = 4096;
constexpr size_t kDigestBytes = 32;
constexpr size_t kKeyChars = 2 * kDigestBytes;
constexpr size_t kHeaderBytes = sizeof(kMagic) + kKeyChars + sizeof(uint64_t) + kDigestBytes;
constexpr uint64_t kMaxObjects = 4096;

using Digest = std::array<uint8_t, kDigestBytes>;

// Feeds fixed-width little-endian integers and length-prefixed strings, so that no two
// different inputs serialize alike.
class KeyWriter {
 public:
  void u64(uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    sha_.update(llvm::ArrayRef<uint8_t>(b, 8));
  }
  void str(std::string_view s) {
    u64(s.size());
    sha_.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  }
  Digest finish() { return sha_.final(); }

 private:
  llvm::SHA256 sha_;
};

std::string hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Digest digest_of(std::string_view bytes) {
  llvm::SHA256 sha;
  sha.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  return sha.final();
}

// RFC 2104 over SHA-256 (64-byte blocks), the message given in parts.
Digest hmac_of(std::string_view key, std::initializer_list<std::string_view> message) {
  constexpr size_t kBlock = 64;
  std::array<uint8_t, kBlock> pad{};
  if (key.size() > kBlock) {
    Digest short_key = digest_of(key);
    std::memcpy(pad.data(), short_key.data(), short_key.size());
  } else {
    std::memcpy(pad.data(), key.data(), key.size());
  }
  auto padded = [&](uint8_t with) {
    std::array<uint8_t, kBlock> out;
    for (size_t i = 0; i < kBlock; ++i) out[i] = static_cast<uint8_t>(pad[i] ^ with);
    return out;
  };
  llvm::SHA256 inner;
  inner.update(padded(0x36));
  for (std::string_view part : message) {
    inner.update(
        llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(part.data()), part.size()));
  }
  Digest inner_digest = inner.final();
  llvm::SHA256 outer;
  outer.update(padded(0x5c));
  outer.update(inner_digest);
  return outer.final();
}

// Compares without an early exit, so that timing tells nothing about how much of a MAC matched.
bool same_digest(const Digest& a, const Digest& b) {
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

std::string entry_name(const std::string& key) { return key + ".gjo"; }

// The first time this process opens a directory, it clears out what dead writers left there;
// writes sweep each time (they are rare and follow a compilation).
void sweep_once(const CacheDir& cache, const std::string& dir) {
  static std::mutex mutex;
  static std::set<std::string> swept;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!swept.insert(dir).second) return;
  }
  cache.remove_stale_temporaries();
}

// Splits a checked payload into its objects; false when the sizes do not add up.
bool split_payload(std::string_view payload, std::vector<std::string>* objects) {
  if (payload.size() < 8) return false;
  uint64_t count = get_u64(payload.data());
  payload.remove_prefix(8);
  if (count == 0 || count > kMaxObjects) return false;
  objects->clear();
  for (uint64_t i = 0; i < count; ++i) {
    if (payload.size() < 8) return false;
    uint64_t size = get_u64(payload.data());
    payload.remove_prefix(8);
    if (size > payload.size()) return false;
    objects->emplace_back(payload.substr(0, size));
    payload.remove_prefix(size);
  }
  return payload.empty();
}

}  // namespace

std::string compute_cache_key(const lang::ir::Program& program, int opt_level,
                              const HostTarget& host) {
  KeyWriter w;
  w.str("gyrate-jit-object");
  w.str(GYRATE_VERSION);
  w.u64(kCodegenVersion);
  w.str(LLVM_VERSION_STRING);
  w.u64(lang::kContextLayoutVersion);
  w.u64(static_cast<uint64_t>(opt_level));
  w.str(host.triple);
  w.str(host.cpu);
  w.str(host.features);
  // Only what code generation reads: names, ranges and plan metadata do not shape the code.
  w.u64(program.context_slots);
  // The generated decisions store lang::Decision by offset: a layout change must miss.
  for (size_t offset : {sizeof(lang::Decision), offsetof(lang::Decision, outcome),
                        offsetof(lang::Decision, fault), offsetof(lang::Decision, limiter),
                        offsetof(lang::Decision, weight), offsetof(lang::Decision, final_units),
                        offsetof(lang::Decision, has_overage_price), offsetof(lang::Decision, allowance)}) {
    w.u64(offset);
  }
  w.u64(program.blocks.size());
  for (const lang::ir::Block& b : program.blocks) {
    w.u64(b.functions.size());
    for (const lang::ir::Function& f : b.functions) {
      w.u64(f.body);
      // What the decision logic reads of a function: which role it serves, and a threshold's type.
      w.u64(static_cast<uint64_t>(f.role) | uint64_t{f.aux} << 8 |
            static_cast<uint64_t>(f.type.kind) << 24);
    }
    w.u64(static_cast<uint64_t>(b.roles.function_count));
    for (uint8_t e : b.roles.role) w.u64(e);
    for (uint8_t e : b.roles.window) w.u64(e);
    // A request limit and a unit limit generate different window code.
    w.u64(b.windows.size());
    for (const lang::ir::Window& win : b.windows) w.u64(win.counts_requests ? 1 : 0);
    w.u64(b.service);
    w.u64(static_cast<uint64_t>(lang::ir::service_quota(program, b)));
    w.u64(b.actions.size());
    for (const lang::ir::Action& a : b.actions) w.u64(static_cast<uint64_t>(a.kind));
    for (const std::optional<lang::ir::Action>* cap :
         {&b.usage_cap_action, &b.member_cap_action, &b.spend_cap_action}) {
      w.u64(cap->has_value() ? static_cast<uint64_t>((*cap)->kind) + 1 : 0);
    }
  }
  w.u64(program.nodes.size());
  for (const lang::ir::Node& n : program.nodes) {
    w.u64(static_cast<uint64_t>(n.op));
    w.u64(static_cast<uint64_t>(n.imm));
    w.u64(n.count);
    w.u64(n.args.size());
    for (lang::ir::ExprId a : n.args) w.u64(a);
  }
  w.u64(program.set_values.size());
  for (int64_t v : program.set_values) w.u64(static_cast<uint64_t>(v));
  w.u64(program.extensions.size());
  for (const lang::ir::ExtensionUse& e : program.extensions) {
    w.str(e.name);
    w.u64(e.arity);
  }
  return hex(w.finish());
}

std::string cache_path(const std::string& dir, const std::string& key) {
  return (std::filesystem::path(dir) / entry_name(key)).string();
}

std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::string_view message) {
  return hmac_of(key, {message});
}

bool load_cache_mac_key(const std::string& path, std::string* mac_key, std::string* warning) {
  std::string problem;
  switch (read_private_file(path, kMacKeyMaxBytes, mac_key, &problem)) {
    case FileStatus::kOk:
      if (mac_key->size() >= kMacKeyMinBytes) return true;
      problem = "shorter than " + std::to_string(kMacKeyMinBytes) + " bytes";
      [[fallthrough]];
    case FileStatus::kRefused:
      bump(Counter::kCacheRefused);
      *warning = "untrusted JIT cache key file " + path + " (" + problem + "); not using the cache";
      break;
    case FileStatus::kMissing:
      *warning = "cannot read JIT cache key file " + path + ": no such file; not using the cache";
      break;
    case FileStatus::kFailed:
      *warning =
          "cannot read JIT cache key file " + path + ": " + problem + "; not using the cache";
      break;
  }
  mac_key->clear();
  return false;
}

CacheRead read_cache(const std::string& dir, const std::string& key, const std::string& mac_key,
                     std::vector<std::string>* objects, std::string* warning) {
  std::string path = cache_path(dir, key);
  std::string problem;
  CacheDir cache;
  switch (CacheDir::open(dir, /*create=*/false, &cache, &problem)) {
    case FileStatus::kOk:
      break;
    case FileStatus::kMissing:
      return CacheRead::kMiss;
    case FileStatus::kRefused:
      bump(Counter::kCacheRefused);
      *warning = "untrusted JIT cache directory " + dir + " (" + problem +
                 "); not loading from it, recompiling";
      return CacheRead::kCorrupt;
    case FileStatus::kFailed:
      *warning = "cannot open JIT cache directory " + dir + ": " + problem + "; recompiling";
      return CacheRead::kCorrupt;
  }
  sweep_once(cache, dir);

  std::string bytes;
  switch (cache.read(entry_name(key), &bytes, &problem)) {
    case FileStatus::kOk:
      break;
    case FileStatus::kMissing:
      return CacheRead::kMiss;
    case FileStatus::kRefused:
      bump(Counter::kCacheRefused);
      *warning =
          "untrusted JIT cache entry " + path + " (" + problem + "); not loaded, recompiling";
      return CacheRead::kCorrupt;
    case FileStatus::kFailed:
      *warning = "cannot read JIT cache entry " + path + ": " + problem + "; recompiling";
      return CacheRead::kCorrupt;
  }

  auto refuse = [&](const char* why) {
    bump(Counter::kCacheRefused);
    *warning = "untrusted JIT cache entry " + path + " (" + why + "); not loaded, recompiling";
    return CacheRead::kCorrupt;
  };
  const char* damage = nullptr;
  const bool whole_header = bytes.size() >= kHeaderBytes;
  const bool plain = whole_header && std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) == 0;
  const bool maced = whole_header && std::memcmp(bytes.data(), kMacMagic, sizeof(kMacMagic)) == 0;
  if (!plain && !maced) {
    damage = "not a gyrate JIT object";
  } else if (bytes.compare(sizeof(kMagic), kKeyChars, key) != 0) {
    damage = "entry belongs to another key";
  } else {
    const char* p = bytes.data() + sizeof(kMagic) + kKeyChars;
    uint64_t size = get_u64(p);
    std::string_view signed_header(bytes.data(), kHeaderBytes - kDigestBytes);
    std::string_view payload(bytes.data() + kHeaderBytes, bytes.size() - kHeaderBytes);
    Digest stored;
    std::memcpy(stored.data(), p + sizeof(uint64_t), kDigestBytes);
    if (size != payload.size()) {
      damage = "truncated or padded";
    } else if (!mac_key.empty() && !maced) {
      return refuse("no MAC, and a cache key file is configured");
    } else if (!mac_key.empty() &&
               !same_digest(hmac_of(mac_key, {signed_header, payload}), stored)) {
      return refuse("MAC mismatch: written under another key, or altered");
    } else if (mac_key.empty() && maced) {
      damage = "has a MAC, and no cache key file is configured";
    } else if (mac_key.empty() && digest_of(payload) != stored) {
      damage = "checksum mismatch";
    } else if (!split_payload(payload, objects)) {
      damage = "malformed object table";
    } else {
      return CacheRead::kHit;
    }
  }
  *warning = "corrupt JIT cache entry " + path + " (" + damage + "); recompiling";
  return CacheRead::kCorrupt;
}

bool write_cache(const std::string& dir, const std::string& key, const std::string& mac_key,
                 const std::vector<std::string>& objects, std::string* warning) {
  std::string problem;
  CacheDir cache;
  switch (CacheDir::open(dir, /*create=*/true, &cache, &problem)) {
    case FileStatus::kOk:
      break;
    case FileStatus::kRefused:
      bump(Counter::kCacheRefused);
      *warning = "untrusted JIT cache directory " + dir + " (" + problem + "); not writing to it";
      return false;
    case FileStatus::kMissing:
    case FileStatus::kFailed:
      *warning = "cannot create JIT cache directory " + dir + ": " + problem;
      return false;
  }
  cache.remove_stale_temporaries();

  std::string payload;
  put_u64(payload, objects.size());
  for (const std::string& o : objects) {
    put_u64(payload, o.size());
    payload += o;
  }
  std::string bytes(mac_key.empty() ? kMagic : kMacMagic, sizeof(kMagic));
  bytes += key;
  put_u64(bytes, payload.size());
  Digest d = mac_key.empty() ? digest_of(payload) : hmac_of(mac_key, {bytes, payload});
  bytes.append(reinterpret_cast<const char*>(d.data()), d.size());
  bytes += payload;
  std::string path = cache_path(dir, key);
  if (bytes.size() > kMaxCacheEntryBytes) {
    // It would be refused on read: better not to write it at all.
    *warning = "JIT objects too large to cache (" + std::to_string(bytes.size()) +
               " bytes, at most " + std::to_string(kMaxCacheEntryBytes) + "); not writing " + path;
    return false;
  }
  if (!cache.write(entry_name(key), bytes, &problem)) {
    *warning = "cannot write JIT cache entry " + path + ": " + problem;
    return false;
  }
  return true;
}

}  // namespace gyrate::jit::detail
