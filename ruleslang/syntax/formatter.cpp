// format_source: parse, lay the tokens out, then parse the result and compare the two trees, so
// that a formatter bug leaves a file alone instead of changing what it means.
#include "gyrate/ruleslang/formatter.hpp"

#include "formatter_internal.hpp"
#include "gyrate/ruleslang/dump.hpp"
#include "gyrate/ruleslang/parser.hpp"

namespace gyrate::lang {

namespace {

// The tree's dump without its ` @line:col-line:col` ranges: what the file means, not where.
std::string shape(const ast::File& file, const SourceFile& source) {
  const std::string dump = dump_ast(file, source);
  std::string out;
  size_t pos = 0;
  while (pos < dump.size()) {
    size_t end = dump.find('\n', pos);
    if (end == std::string::npos) end = dump.size();
    std::string_view line(dump.data() + pos, end - pos);
    const size_t at = line.rfind(" @");
    if (at != std::string_view::npos &&
        line.find_first_not_of("0123456789:-", at + 2) == std::string_view::npos) {
      line = line.substr(0, at);
    }
    out.append(line);
    out += '\n';
    pos = end + 1;
  }
  return out;
}

}  // namespace

Expected<std::string> format_source(const SourceFile& source, Diagnostics& diags) {
  std::optional<ast::File> tree = parse(source, diags);
  if (!tree) return Status::error(ErrorCode::kInvalidArgument, source.name() + " does not parse");
  const fmt_detail::Hints hints = fmt_detail::collect_hints(*tree, source);
  std::string text = fmt_detail::layout(fmt_detail::tokenize(source, hints));

  const SourceFile formatted(source.name(), text);
  Diagnostics again;
  std::optional<ast::File> retree = parse(formatted, again);
  if (!retree || shape(*retree, formatted) != shape(*tree, source)) {
    return Status::error(ErrorCode::kInternal,
                         source.name() + ": the canonical layout would change what the file "
                                         "means (a formatter bug); the file is left as it is");
  }
  return text;
}

}  // namespace gyrate::lang
