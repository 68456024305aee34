// compile_file: read a tariff file, then parse and check it.
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/parser.hpp"

namespace gyrate::lang {

std::string CompiledFile::rendered_diagnostics() const {
  return source ? render_all(diagnostics, *source) : std::string();
}

CompiledFile compile_file(const std::string& path, const ExtensionRegistry* extensions) {
  CompiledFile out;
  Expected<SourceFile> source = read_source_file(path, kMaxSourceBytes + 1);
  if (!source) {
    out.status = source.status();
    return out;
  }
  out.source.emplace(std::move(*source));
  out.program = compile_source(*out.source, out.diagnostics, extensions);
  return out;
}

}  // namespace gyrate::lang
