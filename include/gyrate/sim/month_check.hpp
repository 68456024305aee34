// The month's consistency check (types: month_check_types.hpp). Three parts, each counting its
// checks: every refusal for lack of balance against the server's numbers right after it (run by
// run_month when MonthOptions::refusal_of is set), every account after the month (account_of),
// and the server's CDRs against the report (after the server stopped and exported them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gyrate/base/status.hpp"
#include "gyrate/sim/month.hpp"

namespace gyrate::sim {

// A 4012 at `at` against the server's view right after it: no refusal for lack of balance while
// the balance had room for one unit at the request's weight, and a refusal by another limiter
// only when its numbers say it is full (a usage, member or spend cap reached, a window full).
// A view rated on another local day (a period may have renewed), or `retry_seconds` (the
// refusal's Validity-Time; 0: none) or more after it, is not judged, only counted in `skipped`.
void check_refusal(const std::string& subscriber, int64_t at, int64_t retry_seconds,
                   int32_t utc_offset_minutes, const RefusalView& view, Consistency& out);

// After the month: every session ended, so no reservation is open; and since the simulator never
// reports more than was granted, nothing was used beyond the buckets without being sold as
// overage (an overrun).
void check_account(const std::string& account, const AccountState& state, Consistency& out);

// One CDR as the check reads it (the store's cdr/*.jsonl, proto gyrate.store.Cdr).
struct CdrLine {
  std::string account, member, service, pack;
  int64_t time = 0, used = 0, debit = 0, committed = 0, overrun = 0, charged = 0;
};
// Every CDR of every *.jsonl file in `dir`.
Expected<std::vector<CdrLine>> read_cdrs(const std::string& dir);

// Per subscriber, the usage the report shows equals what the CDRs say was used (each service's
// sum is one of the report's tokens, bytes and requests, and every non-zero one is matched);
// per CDR, what the buckets did not cover was sold as overage (charged), never an overrun.
void check_cdrs(const MonthReport& report, const std::vector<CdrLine>& cdrs, Consistency& out);

// The report back from month_json(): the subscribers' ids, accounts, plans and usage, and the
// consistency found while the month played. Enough for check_cdrs.
Expected<MonthReport> parse_month_json(const std::string& text);

}  // namespace gyrate::sim
