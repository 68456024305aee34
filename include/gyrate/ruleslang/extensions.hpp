// Native extension functions: declared once here, this one registry feeds the checker (name and
// types), the interpreter (the function pointer) and the JIT (its symbol table).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gyrate/ruleslang/types.hpp"

namespace gyrate::lang {

// args: the evaluated arguments in the runtime representation of their types (types.hpp).
// Returns 0 and sets *out on success; any other value is a fault (kExtensionError).
using ExtensionFn = int32_t (*)(const int64_t* args, int64_t* out);

struct ExtensionDecl {
  std::string name;
  std::vector<Type> params;
  Type result;
  ExtensionFn fn = nullptr;
  std::string doc;
};

class ExtensionRegistry {
 public:
  // Returns false (and registers nothing) when the name is taken.
  bool add(ExtensionDecl decl);
  const ExtensionDecl* find(std::string_view name) const;
  const std::vector<ExtensionDecl>& all() const { return decls_; }

 private:
  std::vector<ExtensionDecl> decls_;
};

}  // namespace gyrate::lang
