// `gyratec fmt [--check | --write] FILE...`: the canonical layout (lang::format_source) to stdout,
// written back in place, or checked for CI. Exit 0 formatted, 1 a file not formatted (--check),
// 2 a file that does not parse or cannot be read or written, or a usage error.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "driver.hpp"
#include "gyrate/ruleslang/formatter.hpp"
#include "gyrate/ruleslang/parser.hpp"

namespace gyrate::tools {
namespace {

constexpr const char* kFmtUsage = R"(usage: gyratec fmt [--check | --write] FILE...

Lays tariff files out in the canonical layout (docs/language.md, "Canonical layout"); only
whitespace changes, comments are kept.
  (no flag)   print each file in canonical layout to stdout (FILE `-`: standard input)
  --write     rewrite the files that are not in canonical layout, in place
  --check     change nothing; list each file not in canonical layout (FILE: not formatted) with
              its first difference, and exit 1 if there is one
Exit 0 formatted, 1 not formatted (--check), 2 a file that does not parse (its diagnostic) or
cannot be read or written, or a usage error.
)";

// Through a temporary file and a rename, so that a failed write never leaves half a tariff.
bool write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".gyratec-fmt.tmp";
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  std::filesystem::permissions(tmp, std::filesystem::status(path, ec).permissions(), ec);
  std::filesystem::rename(tmp, path, ec);
  if (!ec) return true;
  std::filesystem::remove(tmp, ec);
  return false;
}

// `-`: standard input, for editors that filter a buffer through `gyratec fmt -`.
Expected<lang::SourceFile> read_stdin() {
  std::string text;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0 && text.size() <= lang::kMaxSourceBytes) {
    text.append(buf, n);
  }
  if (std::ferror(stdin)) return Status::error(ErrorCode::kIo, "cannot read standard input");
  return lang::SourceFile("<stdin>", std::move(text));
}

// One file: 0 formatted (or printed, or rewritten), 1 not formatted under --check, 2 an error.
int fmt_file(const std::string& path, bool check, bool write) {
  Expected<lang::SourceFile> source =
      path == "-" ? read_stdin() : lang::read_source_file(path, lang::kMaxSourceBytes + 1);
  if (!source) {
    std::fprintf(stderr, "gyratec: %s\n", source.status().message().c_str());
    return kExitUsage;
  }
  lang::Diagnostics diags;
  Expected<std::string> formatted = lang::format_source(*source, diags);
  if (!formatted) {
    std::fputs(lang::render_all(diags, *source).c_str(), stderr);
    if (diags.items().empty()) {  // not a syntax error: the formatter refused its own layout
      std::fprintf(stderr, "gyratec: %s\n", formatted.status().message().c_str());
    }
    return kExitUsage;
  }
  const bool same = *formatted == source->text();
  if (check) {
    if (same) return kExitClean;
    std::printf("%s: not formatted\n%s", path.c_str(),
                lang::first_difference(source->text(), *formatted, path).c_str());
    return kExitDiagnostics;
  }
  if (!write) {
    std::fputs(formatted->c_str(), stdout);
    return kExitClean;
  }
  if (!same && !write_file(path, *formatted)) {
    std::fprintf(stderr, "gyratec: cannot write %s\n", path.c_str());
    return kExitUsage;
  }
  return kExitClean;
}

}  // namespace

int cmd_fmt(const std::vector<std::string>& args) {
  bool check = false;
  bool write = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kFmtUsage, stdout);
      return kExitClean;
    }
    if (a == "--check") {
      check = true;
    } else if (a == "--write") {
      write = true;
    } else if (a.starts_with("-") && a != "-") {
      std::fprintf(stderr, "gyratec: unknown fmt option `%s`\n%s", a.c_str(), kFmtUsage);
      return kExitUsage;
    } else {
      files.push_back(a);
    }
  }
  const bool stdin_too = std::find(files.begin(), files.end(), "-") != files.end();
  if (files.empty() || (check && write) || (write && stdin_too)) {
    std::fprintf(stderr,
                 "gyratec: fmt needs FILE... and at most one of --check and --write (and no "
                 "--write with `-`)\n%s",
                 kFmtUsage);
    return kExitUsage;
  }
  int status = kExitClean;
  for (const std::string& path : files) status = std::max(status, fmt_file(path, check, write));
  return status;
}

}  // namespace gyrate::tools
