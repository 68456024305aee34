// The registry of native extension functions (see extensions.hpp).
#include "gyrate/ruleslang/extensions.hpp"

#include <utility>

namespace gyrate::lang {

bool ExtensionRegistry::add(ExtensionDecl decl) {
  if (find(decl.name) != nullptr) return false;
  decls_.push_back(std::move(decl));
  return true;
}

const ExtensionDecl* ExtensionRegistry::find(std::string_view name) const {
  for (const ExtensionDecl& d : decls_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

}  // namespace gyrate::lang
