// Test helpers for the JIT: a small builder of checked IR by hand, so JIT tests do not depend on
// the parser or the checker.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::jittest {

using lang::ir::ExprId;
using lang::ir::OpCode;

class Ir {
 public:
  Ir() {
    p.strings.push_back("");
    p.context_slots = lang::kSlotBuiltinCount;
  }
  ExprId node(OpCode op, std::vector<ExprId> args = {}, int64_t imm = 0, uint32_t count = 0) {
    lang::ir::Node n;
    n.op = op;
    n.args = std::move(args);
    n.imm = imm;
    n.count = count;
    n.type = lang::Type::of(lang::TypeKind::kInt);
    p.nodes.push_back(std::move(n));
    return static_cast<ExprId>(p.nodes.size() - 1);
  }
  ExprId c(int64_t v) { return node(OpCode::kConst, {}, v); }
  ExprId load(uint32_t slot) { return node(OpCode::kLoad, {}, slot); }
  ExprId bin(OpCode op, ExprId a, ExprId b, int64_t imm = 0) { return node(op, {a, b}, imm); }
  ExprId no_match() { return node(OpCode::kNoMatch); }
  ExprId in_set(ExprId x, std::initializer_list<int64_t> values) {
    auto start = static_cast<int64_t>(p.set_values.size());
    p.set_values.insert(p.set_values.end(), values);
    return node(OpCode::kInSet, {x}, start, static_cast<uint32_t>(values.size()));
  }
  // A new block whose functions are `bodies`, in order; returns its index.
  uint32_t block(std::initializer_list<ExprId> bodies) {
    lang::ir::Block b;
    b.service = static_cast<uint16_t>(p.blocks.size());
    for (ExprId e : bodies) {
      lang::ir::Function f;
      f.body = e;
      b.functions.push_back(f);
    }
    p.blocks.push_back(std::move(b));
    return static_cast<uint32_t>(p.blocks.size() - 1);
  }

  lang::ir::Program p;
};

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("gyrate-jit-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
    // Private whatever the umask: the JIT cache refuses a directory others may write.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace gyrate::jittest
