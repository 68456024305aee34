// compile_source: parse + check in one call, with the size limit enforced before any parsing.
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/parser.hpp"

namespace gyrate::lang {

std::optional<ir::Program> compile_source(const SourceFile& source, Diagnostics& diags,
                                          const ExtensionRegistry* extensions) {
  if (source.text().size() > kMaxSourceBytes) {
    diags.report(codes::kFileTooLarge, SourceRange{0, 0},
        "the file is larger than " + std::to_string(kMaxSourceBytes / (1024 * 1024)) + " MiB",
        "split the catalog into several files");
    return std::nullopt;
  }
  std::optional<ast::File> file = parse(source, diags);
  if (!file) return std::nullopt;
  return check(*file, source, diags, extensions);
}

}  // namespace gyrate::lang
