// libFuzzer entry point for the formatter: any bytes that parse must format (never the
// "would change meaning" refusal, which is a formatter bug), and the layout must be canonical:
// formatting it again gives it back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gyrate/ruleslang/formatter.hpp"

namespace {

[[noreturn]] void broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_format: invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gyrate;
  const lang::SourceFile source("fuzz.tariff",
                                std::string(reinterpret_cast<const char*>(data), size));
  lang::Diagnostics diags;
  Expected<std::string> once = lang::format_source(source, diags);
  if (!once) {
    if (once.status().code() != ErrorCode::kInvalidArgument) {
      broken("refused", once.status().message());
    }
    if (diags.items().size() != 1) broken("a parse failure without exactly one diagnostic", "");
    return 0;
  }
  const lang::SourceFile formatted("fuzz.tariff", *once);
  lang::Diagnostics again;
  Expected<std::string> twice = lang::format_source(formatted, again);
  if (!twice) broken("the layout does not format", twice.status().message());
  if (*twice != *once) broken("not idempotent", *once);
  return 0;
}
