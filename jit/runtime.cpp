// The JIT's runtime: the only host functions generated code may call, and the symbol table that
// binds them (plus the program's extension functions) into a catalog's sandboxed dylib.
#include <cstring>

#include "gyrate/ruleslang/arith.hpp"
#include "internal.hpp"

namespace {

// The exact 128-bit paths of scaled arithmetic, taken only when a 64-bit product overflowed, so
// the rare cases run the very code the interpreter runs.
int32_t gyrate_rt_mul_scaled(int64_t a, int64_t b, int64_t scale, int64_t* out) {
  return static_cast<int32_t>(gyrate::lang::arith::mul_scaled(a, b, scale, out));
}

int32_t gyrate_rt_div_scaled(int64_t a, int64_t scale, int64_t b, int64_t* out) {
  return static_cast<int32_t>(gyrate::lang::arith::div_scaled(a, scale, b, out));
}

// Bound to an extension the registry does not provide: calling it faults, as in the interpreter.
int32_t gyrate_rt_missing_extension(const int64_t*, int64_t*) { return 1; }

// LLVM may turn stores and copies into these calls on its own; they are the C library's.
void* rt_memset(void* d, int c, size_t n) { return std::memset(d, c, n); }
void* rt_memcpy(void* d, const void* s, size_t n) { return std::memcpy(d, s, n); }
void* rt_memmove(void* d, const void* s, size_t n) { return std::memmove(d, s, n); }

template <typename Fn>
const void* address_of(Fn* fn) {
  return reinterpret_cast<const void*>(fn);
}

}  // namespace

namespace gyrate::jit::detail {

std::string block_symbol(uint32_t block) { return "gyrate_block_" + std::to_string(block); }
std::string decision_symbol(uint32_t block) { return "gyrate_decision_" + std::to_string(block); }
std::string extension_symbol(uint32_t index) { return "gyrate_ext_" + std::to_string(index); }

std::vector<LinkSymbol> link_symbols(const lang::ir::Program& program,
                                     const lang::ExtensionRegistry* extensions) {
  std::vector<LinkSymbol> symbols = {
      {kRtMulScaled, address_of(&gyrate_rt_mul_scaled)},
      {kRtDivScaled, address_of(&gyrate_rt_div_scaled)},
      {"memset", address_of(&rt_memset)},
      {"memcpy", address_of(&rt_memcpy)},
      {"memmove", address_of(&rt_memmove)},
  };
  for (uint32_t i = 0; i < program.extensions.size(); ++i) {
    const lang::ir::ExtensionUse& use = program.extensions[i];
    const lang::ExtensionDecl* d = extensions != nullptr ? extensions->find(use.name) : nullptr;
    // Same rule as the interpreter: a missing or mismatched extension faults when called.
    bool usable = d != nullptr && d->fn != nullptr && d->params.size() == use.arity;
    symbols.push_back({extension_symbol(i), usable ? address_of(d->fn)
                                                   : address_of(&gyrate_rt_missing_extension)});
  }
  return symbols;
}

}  // namespace gyrate::jit::detail
