// libFuzzer entry point for the tariff front end: any bytes go through parse + check, which must
// either compile or explain themselves with well-formed, positioned diagnostics (target R1).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/source.hpp"

namespace {

using gyrate::lang::Diagnostic;
using gyrate::lang::Diagnostics;
using gyrate::lang::Severity;
using gyrate::lang::SourceFile;
using gyrate::lang::SourceRange;

// abort() rather than return: libFuzzer keeps the input of a crash, and the replay test fails.
[[noreturn]] void broken(const char* what, const Diagnostic* d) {
  std::fprintf(stderr, "fuzz_parse_check: invariant broken: %s", what);
  if (d != nullptr) std::fprintf(stderr, " [%s] %s", d->code.c_str(), d->message.c_str());
  std::fprintf(stderr, "\n");
  std::abort();
}

// E0101 / W0602: a letter, then four digits, as docs/language.md lists them.
bool well_formed_code(const Diagnostic& d) {
  const std::string& c = d.code;
  const char want = d.severity == Severity::kWarning ? 'W' : 'E';
  if (c.size() != 5 || c[0] != want) return false;
  for (size_t i = 1; i < c.size(); ++i) {
    if (c[i] < '0' || c[i] > '9') return false;
  }
  return true;
}

bool inside(SourceRange r, size_t size) { return r.begin <= r.end && r.end <= size; }

void check_diagnostics(const Diagnostics& diags, const SourceFile& source, bool compiled) {
  if (compiled && diags.has_errors()) broken("a program came back together with errors", nullptr);
  if (!compiled && !diags.has_errors()) broken("no program and no error to say why", nullptr);
  const size_t size = source.text().size();
  for (const Diagnostic& d : diags.items()) {
    if (d.severity != Severity::kNote && !well_formed_code(d)) broken("malformed code", &d);
    if (!inside(d.range, size)) broken("range outside the file", &d);
    if (d.message.empty()) broken("empty message", &d);
    for (const auto& note : d.notes) {
      if (note.has_range && !inside(note.range, size)) broken("note range outside the file", &d);
    }
  }
  // Rendering echoes source lines and draws carets: it must cope with every range it is given.
  (void)gyrate::lang::render_all(diags, source);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceFile source("fuzz.tariff", std::string(reinterpret_cast<const char*>(data), size));
  Diagnostics diags;
  const auto program = gyrate::lang::compile_source(source, diags);
  check_diagnostics(diags, source, program.has_value());
  return 0;
}
