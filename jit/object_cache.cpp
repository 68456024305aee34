// The persistent object cache: a SHA-256 key over everything that shapes the machine code, and
// one self-checking file per key. A damaged or unwritable cache costs a recompile, never a crash.
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>
#include <unistd.h>

#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/decision.hpp"
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
// of objects, then each object's size and bytes. Integers are 64-bit little-endian.
constexpr char kMagic[8] = {'G', 'Y', 'R', 'J', 'I', 'T', 'O', '2'};
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

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

std::string errno_text() { return std::strerror(errno); }

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
  return (std::filesystem::path(dir) / (key + ".gjo")).string();
}

CacheRead read_cache(const std::string& dir, const std::string& key,
                     std::vector<std::string>* objects, std::string* warning) {
  std::string path = cache_path(dir, key);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return CacheRead::kMiss;
    *warning = "cannot read JIT cache entry " + path + ": " + errno_text() + "; recompiling";
    return CacheRead::kCorrupt;
  }
  std::string bytes;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) bytes.append(buf, n);
  bool read_error = std::ferror(f) != 0;
  std::fclose(f);

  const char* problem = nullptr;
  if (read_error) {
    problem = "read error";
  } else if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    problem = "not a gyrate JIT object";
  } else if (bytes.compare(sizeof(kMagic), kKeyChars, key) != 0) {
    problem = "entry belongs to another key";
  } else {
    const char* p = bytes.data() + sizeof(kMagic) + kKeyChars;
    uint64_t size = get_u64(p);
    std::string_view payload(bytes.data() + kHeaderBytes, bytes.size() - kHeaderBytes);
    Digest stored;
    std::memcpy(stored.data(), p + sizeof(uint64_t), kDigestBytes);
    if (size != payload.size()) {
      problem = "truncated or padded";
    } else if (digest_of(payload) != stored) {
      problem = "checksum mismatch";
    } else if (!split_payload(payload, objects)) {
      problem = "malformed object table";
    } else {
      return CacheRead::kHit;
    }
  }
  *warning = "corrupt JIT cache entry " + path + " (" + problem + "); recompiling";
  return CacheRead::kCorrupt;
}

bool write_cache(const std::string& dir, const std::string& key,
                 const std::vector<std::string>& objects, std::string* warning) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *warning = "cannot create JIT cache directory " + dir + ": " + ec.message();
    return false;
  }
  std::string payload;
  put_u64(payload, objects.size());
  for (const std::string& o : objects) {
    put_u64(payload, o.size());
    payload += o;
  }
  std::string bytes(kMagic, sizeof(kMagic));
  bytes += key;
  put_u64(bytes, payload.size());
  Digest d = digest_of(payload);
  bytes.append(reinterpret_cast<const char*>(d.data()), d.size());
  bytes += payload;

  // Written under a unique name and renamed: readers see a whole entry or none.
  static std::atomic<uint64_t> sequence{0};
  std::string path = cache_path(dir, key);
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(sequence.fetch_add(1));
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    *warning = "cannot write JIT cache entry " + tmp + ": " + errno_text();
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    *warning = "cannot write JIT cache entry " + path + ": " + errno_text();
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace gyrate::jit::detail
