// parse(): the byte-level prescan, then the X3 grammar; turns the first problem into exactly one
// diagnostic.
#include "gyrate/ruleslang/parser.hpp"

#include <new>

#include "parser_internal.hpp"

namespace gyrate::lang {

std::optional<ast::File> parse(const SourceFile& source, Diagnostics& diags) {
  if (!parse_detail::prescan(source, diags)) return std::nullopt;
  parse_detail::ParseState state(source);
  try {
    return parse_detail::parse_file(state);
  } catch (parse_detail::SyntaxError& e) {
    diags.add(std::move(e.diagnostic));
  } catch (const std::bad_alloc&) {
    // Input is capped at kMaxSourceBytes, so this means the process itself is short of memory;
    // a tariff file must still never take the caller down.
    diags.report(codes::kFileTooLarge, {0, 0}, "out of memory while parsing the file");
  }
  return std::nullopt;
}

}  // namespace gyrate::lang
