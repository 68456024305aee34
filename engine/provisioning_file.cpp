// Bulk provisioning from subscriber files: format by extension, reading, and the batch applied
// through Engine::provision_all with its refusals mapped back to lines (provisioning_file.hpp).
#include "gyrate/engine/provisioning_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "provisioning_formats.hpp"

namespace gyrate::engine {
namespace {

std::optional<ProvisioningFormat> format_of(const std::string& file, ProvisioningFormat format) {
  if (format != ProvisioningFormat::kAuto) return format;
  if (file.ends_with(".csv")) return ProvisioningFormat::kCsv;
  if (file.ends_with(".jsonl")) return ProvisioningFormat::kJsonLines;
  return std::nullopt;
}

ProvisioningCounts count(const std::vector<ProvisionSpec>& specs) {
  std::set<std::string_view> teams;
  for (const ProvisionSpec& s : specs) {
    if (!s.team.empty()) teams.insert(s.team);
  }
  ProvisioningCounts c;
  c.teams = teams.size();
  for (const ProvisionSpec& s : specs) {
    if (!s.team.empty()) {
      ++c.members;
    } else if (!teams.contains(s.id)) {
      ++c.subscribers;
    }
  }
  return c;
}

}  // namespace

std::optional<ProvisioningFormat> provisioning_format_from_name(std::string_view name) {
  if (name == "auto") return ProvisioningFormat::kAuto;
  if (name == "csv") return ProvisioningFormat::kCsv;
  if (name == "jsonl") return ProvisioningFormat::kJsonLines;
  return std::nullopt;
}

std::string ProvisioningError::to_string() const {
  std::string place = line == 0 ? file : file + ":" + std::to_string(line);
  return place + ": error: " + reason;
}

ParsedProvisioning parse_provisioning(std::string_view text, const std::string& file,
                                      ProvisioningFormat format, int32_t offset_minutes) {
  ParsedProvisioning out;
  std::optional<ProvisioningFormat> chosen = format_of(file, format);
  if (!chosen) {
    out.errors.push_back({file, 0, "cannot tell the format from the name: use .csv or .jsonl, "
                                   "or name the format"});
    return out;
  }
  // Spreadsheets often start a UTF-8 export with a byte order mark.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (*chosen == ProvisioningFormat::kCsv) {
    parse_csv_provisioning(text, file, offset_minutes, out);
  } else {
    parse_jsonl_provisioning(text, file, offset_minutes, out);
  }
  return out;
}

ParsedProvisioning read_provisioning_file(const std::string& path, ProvisioningFormat format,
                                          int32_t offset_minutes) {
  std::string text;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  bool ok = f != nullptr;
  if (ok) {
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    ok = std::ferror(f) == 0;
    std::fclose(f);
  }
  if (!ok) {
    ParsedProvisioning out;
    out.errors.push_back({path, 0, std::string("cannot read: ") + std::strerror(errno)});
    return out;
  }
  return parse_provisioning(text, path, format, offset_minutes);
}

ProvisioningReport apply_provisioning(Engine& engine, const std::vector<std::string>& paths,
                                      ProvisioningFormat format, ProvisioningMode mode) {
  int32_t offset = engine.catalog()->program().timezone_offset_minutes;
  struct Place {
    size_t file;
    size_t line;
  };
  std::vector<ProvisionSpec> specs;
  std::vector<Place> places;  // places[i]: where specs[i] is written
  std::vector<std::pair<size_t, ProvisioningError>> errors;  // (file index, error)
  StringMap<size_t> first;  // id -> its first row in specs
  for (size_t f = 0; f < paths.size(); ++f) {
    ParsedProvisioning parsed = read_provisioning_file(paths[f], format, offset);
    for (ProvisioningError& e : parsed.errors) errors.emplace_back(f, std::move(e));
    for (size_t i = 0; i < parsed.specs.size(); ++i) {
      // Caught here rather than by provision_all, which would name batch indexes, not lines.
      auto [at, fresh] = first.try_emplace(parsed.specs[i].id, specs.size());
      if (!fresh) {
        const Place& p = places[at->second];
        errors.emplace_back(f, ProvisioningError{paths[f], parsed.lines[i],
                                                 "id '" + parsed.specs[i].id +
                                                     "' is given twice (first at " + paths[p.file] +
                                                     ":" + std::to_string(p.line) + ")"});
        continue;
      }
      specs.push_back(std::move(parsed.specs[i]));
      places.push_back({f, parsed.lines[i]});
    }
  }
  ProvisioningReport report;
  if (mode == ProvisioningMode::kNewOnly) {
    size_t out = 0;
    for (size_t i = 0; i < specs.size(); ++i) {
      Expected<bool> exists = engine.exists(specs[i].id);
      if (!exists) {
        const Place& p = places[i];
        errors.emplace_back(p.file, ProvisioningError{paths[p.file], p.line, exists.status().message(),
                                                                exists.status().code()});
      } else if (*exists) {
        ++report.kept;
        continue;
      }
      if (out != i) {
        specs[out] = std::move(specs[i]);
        places[out] = places[i];
      }
      ++out;
    }
    specs.resize(out);
    places.resize(out);
  }
  report.counts = count(specs);
  bool parsed_clean = errors.empty();
  if (!specs.empty()) {
    // With rows that did not parse the batch must not apply, but the engine should still judge
    // the others: a spec with an empty id, which provision_all always refuses, makes the call
    // a dry run (all or nothing) that still reports every other refusal.
    if (!parsed_clean) specs.emplace_back();
    std::vector<ProvisionFailure> failures;
    Status status = engine.provision_all(specs, &failures);
    for (const ProvisionFailure& failure : failures) {
      if (failure.index >= places.size()) continue;  // the dry-run spec
      const Place& p = places[failure.index];
      errors.emplace_back(p.file, ProvisioningError{paths[p.file], p.line, failure.status.message(),
                                                    failure.status.code()});
    }
    if (!status && failures.empty()) {
      errors.emplace_back(0, ProvisioningError{paths.front(), 0, status.message(), status.code()});
    }
    report.applied = parsed_clean && status.is_ok();
  } else {
    report.applied = parsed_clean;
  }
  std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.line < b.second.line;
  });
  for (auto& e : errors) report.errors.push_back(std::move(e.second));
  return report;
}

ProvisioningReport apply_provisioning(Engine& engine, const std::string& path,
                                      ProvisioningFormat format) {
  return apply_provisioning(engine, std::vector<std::string>{path}, format);
}

ProvisioningReport check_provisioning(std::shared_ptr<const Catalog> catalog,
                                      const std::vector<std::string>& paths,
                                      ProvisioningFormat format) {
  Engine scratch(std::move(catalog));
  return apply_provisioning(scratch, paths, format);
}

}  // namespace gyrate::engine
