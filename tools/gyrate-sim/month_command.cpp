// gyrate-sim month: flags -> MonthOptions, the Gy client's exchange, the server's admin API
// (admin_client.hpp) for bills, checks and top-ups, a progress line on stderr, the report on
// stdout (text or JSON) and the CSV, SVG and JSON files.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <string_view>

#include "admin_client.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/sim/month.hpp"
#include "gyrate/sim/month_report.hpp"
#include "gyrate/sim/population.hpp"

namespace gyrate::sim_tool {
namespace {

void help() {
  std::printf(
      "usage: gyrate-sim month --population FILE [flags] [connection flags]\n\n"
      "Plays a calendar month of LLM-gateway and packet-gateway sessions of a population against a\n"
      "Gy server, hour by hour in simulated time (Event-Timestamp on every CCR; run the server with\n"
      "its clock driven by the requests), then prints per plan: subscribers, tokens and data used,\n"
      "denials, final-unit events, revenue and the effective price per million tokens.\n"
      "Exit status: 0 when the month played, 1 when the server stopped answering or the\n"
      "consistency check found a violation, 2 on bad flags,\n"
      "a bad population file or no connection.\n\n"
      "  --population FILE        the subscribers and what they do (JSON lines; docs/simulator.md)\n"
      "  --start YYYY-MM-DD       the first local day played (default: the 1st of this month)\n"
      "  --days N                 days to play (default: up to the same day of the next month)\n"
      "  --seed N                 the randomness; a seed plays the same month (default 1)\n"
      "  --threads N              worker threads, each with its own subscribers (default 2)\n"
      "  --admin URL              the server's admin API (http://127.0.0.1:8080): bills and the\n"
      "                           accounts' check after the month (GET /v1/subscribers/{id}),\n"
      "                           each refusal's check (GET .../explain), top-ups (POST .../packs)\n"
      "  --no-check               with --admin: do not ask the server about each refusal\n"
      "  --admin-token-file PATH  a bearer token for the admin API\n"
      "  --csv PATH               one row per subscriber\n"
      "  --svg PATH               a chart of cumulative tokens and data per plan, denials marked\n"
      "  --json                   the report as one JSON object on stdout\n"
      "  --report PATH            the JSON report to a file too (for gyrate-sim month-check)\n"
      "  --subscribers            the text report lists every subscriber too\n"
      "  --no-progress            no progress line on stderr\n\n%s",
      kConnectionHelp);
}

struct Flags {
  std::string population, admin, admin_token_file, csv, svg, report;
  bool json = false, per_subscriber = false, progress = true, check = true;
  sim::MonthOptions month;
};

bool parse_number(std::string_view text, uint64_t max, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

// 2 on a bad flag (printed), 0 when --help was shown, -1 to go on.
int parse_flags(std::span<char*> args, Flags* f) {
  lang::calendar::CivilDate today = lang::calendar::civil_from_days(
      static_cast<int64_t>(std::time(nullptr)) / 86'400);
  f->month.start_year = static_cast<int>(today.year);
  f->month.start_month = today.month;
  f->month.start_day = 1;
  f->month.threads = 2;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") {
      help();
      return 0;
    }
    if (flag == "--json") { f->json = true; continue; }
    if (flag == "--subscribers") { f->per_subscriber = true; continue; }
    if (flag == "--no-progress") { f->progress = false; continue; }
    if (flag == "--no-check") { f->check = false; continue; }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "gyrate-sim month: unknown flag or missing value: %s\n", args[i]);
      return 2;
    }
    std::string value = args[++i];
    uint64_t n = 0;
    auto bad = [&](const char* what) {
      std::fprintf(stderr, "gyrate-sim month: %s wants %s, got `%s`\n", args[i - 1], what,
                   value.c_str());
      return 2;
    };
    if (flag == "--population") {
      f->population = value;
    } else if (flag == "--start") {
      auto d = lang::calendar::parse_date(value);
      if (!d) return bad("a date YYYY-MM-DD");
      f->month.start_year = static_cast<int>(d->year);
      f->month.start_month = d->month;
      f->month.start_day = d->day;
    } else if (flag == "--days") {
      if (!parse_number(value, 366, &n) || n == 0) return bad("1..366");
      f->month.days = static_cast<int>(n);
    } else if (flag == "--seed") {
      if (!parse_number(value, UINT64_MAX, &n)) return bad("a whole number");
      f->month.seed = n;
    } else if (flag == "--threads") {
      if (!parse_number(value, 256, &n) || n == 0) return bad("1..256");
      f->month.threads = static_cast<int>(n);
    } else if (flag == "--admin") {
      f->admin = value;
    } else if (flag == "--admin-token-file") {
      f->admin_token_file = value;
    } else if (flag == "--csv") {
      f->csv = value;
    } else if (flag == "--svg") {
      f->svg = value;
    } else if (flag == "--report") {
      f->report = value;
    } else {
      std::fprintf(stderr, "gyrate-sim month: unknown flag %s (see --help)\n", args[i - 1]);
      return 2;
    }
  }
  if (f->population.empty()) {
    std::fprintf(stderr, "gyrate-sim month: --population FILE is required\n");
    return 2;
  }
  return -1;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::fprintf(stderr, "gyrate-sim month: cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

}  // namespace

int month_command(const ConnectionOptions& connection, std::span<char*> args) {
  Flags f;
  if (int rc = parse_flags(args, &f); rc >= 0) return rc;
  Expected<sim::Population> population = sim::read_population(f.population);
  if (!population) {
    std::fprintf(stderr, "%s\n", population.status().message().c_str());
    return 2;
  }
  std::unique_ptr<AdminClient> admin;
  if (!f.admin.empty()) {
    std::string token;
    if (!f.admin_token_file.empty()) {
      std::ifstream in(f.admin_token_file);
      if (!in || !std::getline(in, token) || token.empty()) {
        std::fprintf(stderr, "gyrate-sim month: cannot read a token from %s\n",
                     f.admin_token_file.c_str());
        return 2;
      }
    }
    admin = std::make_unique<AdminClient>(f.admin, token);
    AdminClient* a = admin.get();
    f.month.account_of = [a](const std::string& account) { return a->account(account); };
    if (f.check) {
      f.month.refusal_of = [a](const std::string& subscriber) { return a->refusal(subscriber); };
    }
    f.month.buy_pack = [a](const std::string& subscriber, const std::string& pack,
                           const std::string& order) { return a->buy_pack(subscriber, pack, order); };
  }
  std::unique_ptr<diameter::GyClient> client = connect_or_complain(connection);
  if (!client) return 2;
  f.month.origin_host = connection.identity;
  f.month.origin_realm = connection.realm;
  f.month.destination_realm.clear();  // the client fills in the realm the server announced
  if (f.progress) {
    // Rewritten in place on a terminal; a line a day otherwise (a log keeps every line).
    bool terminal = isatty(STDERR_FILENO) != 0;
    f.month.progress = [terminal](const sim::MonthProgress& p) {
      std::fprintf(stderr, "%sday %d/%d: %llu CCRs, %llu denials, %llu final units, %.0f CCR/s%s",
                   terminal ? "\r" : "", p.day, p.days, static_cast<unsigned long long>(p.ccrs),
                   static_cast<unsigned long long>(p.denials),
                   static_cast<unsigned long long>(p.final_units), p.ccr_per_second,
                   terminal && p.day < p.days ? "   " : "\n");
      std::fflush(stderr);
    };
  }
  sim::Exchange exchange = [&client](const diameter::CreditControlRequest& ccr) {
    return client->exchange(ccr);
  };
  Expected<sim::MonthReport> report = sim::run_month(exchange, *population, f.month);
  client->close();
  if (!report) {
    std::fprintf(stderr, "gyrate-sim month: %s\n", report.status().message().c_str());
    return report.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  bool written = true;
  if (!f.csv.empty()) written = write_file(f.csv, sim::month_csv(*report)) && written;
  if (!f.svg.empty()) written = write_file(f.svg, sim::month_svg(*report)) && written;
  if (!f.report.empty()) written = write_file(f.report, sim::month_json(*report)) && written;
  std::fputs(f.json ? sim::month_json(*report).c_str()
                    : sim::month_text(*report, f.per_subscriber).c_str(),
             stdout);
  if (!f.json) {
    if (!f.csv.empty()) std::printf("CSV: %s\n", f.csv.c_str());
    if (!f.svg.empty()) std::printf("chart: %s\n", f.svg.c_str());
    if (!f.report.empty()) std::printf("report: %s\n", f.report.c_str());
  }
  if (!report->consistency.ok()) return 1;
  return written ? 0 : 1;
}

}  // namespace gyrate::sim_tool
