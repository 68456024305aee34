// gyrate-sim month-check: the CDR part of the month's consistency check, once the server has
// stopped and exported its CDRs; prints the whole check's verdict (gyrate_sim's month_check.hpp).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "gyrate/sim/month_check.hpp"

namespace gyrate::sim_tool {
namespace {

void help() {
  std::printf(
      "usage: gyrate-sim month-check --report FILE --cdrs DIR\n\n"
      "Checks a month that `gyrate-sim month --report FILE` played against the CDRs the server\n"
      "exported to DIR (its store's cdr/, complete once it has stopped): each subscriber's usage\n"
      "in the report equals the CDRs' sums, and nothing was used beyond the buckets without being\n"
      "charged. Prints `consistency: OK (N checks)`, counting the checks the month made too, or\n"
      "the first violations. Exit status: 0 OK, 1 a violation, 2 bad flags or files.\n");
}

}  // namespace

int month_check_command(std::span<char*> args) {
  std::string report_path, cdrs;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") {
      help();
      return 0;
    }
    if (i + 1 < args.size() && flag == "--report") {
      report_path = args[++i];
    } else if (i + 1 < args.size() && flag == "--cdrs") {
      cdrs = args[++i];
    } else {
      std::fprintf(stderr, "gyrate-sim month-check: unknown flag or missing value: %s\n", args[i]);
      return 2;
    }
  }
  if (report_path.empty() || cdrs.empty()) {
    std::fprintf(stderr, "gyrate-sim month-check: --report FILE and --cdrs DIR are required\n");
    return 2;
  }
  std::ifstream in(report_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  Expected<sim::MonthReport> report = sim::parse_month_json(text.str());
  if (!in || !report) {
    std::fprintf(stderr, "gyrate-sim month-check: %s: %s\n", report_path.c_str(),
                 in ? report.status().message().c_str() : "cannot read");
    return 2;
  }
  Expected<std::vector<sim::CdrLine>> lines = sim::read_cdrs(cdrs);
  if (!lines) {
    std::fprintf(stderr, "gyrate-sim month-check: %s\n", lines.status().message().c_str());
    return 2;
  }
  sim::Consistency found = report->consistency;
  sim::check_cdrs(*report, *lines, found);
  std::fputs(found.summary().c_str(), stdout);
  return found.ok() ? 0 : 1;
}

}  // namespace gyrate::sim_tool
