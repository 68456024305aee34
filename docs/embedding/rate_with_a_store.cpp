// An OCS's request path on gyrate's C++ API: load a catalog, open the engine on its embedded
// store, provision a subscriber, reserve and commit, read the balance, explain a request and
// checkpoint. docs/embedding.md shows it in pieces; tests/docs builds it and runs it twice on T2
// (the second run recovers the store and gets the first run's answers back as duplicates).
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/embedded_store.hpp"
#include "gyrate/engine/engine.hpp"
#include "gyrate/engine/explain.hpp"

using namespace gyrate;

static int fail(const Status& s) {
  std::fprintf(stderr, "%s\n", s.to_string().c_str());
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CATALOG.tariff STORE_DIR\n", argv[0]);
    return 2;
  }
  // A catalog version: parsed, checked and JIT-compiled once, then shared by every request.
  engine::CatalogLoad load = engine::load_catalog(argv[1], engine::CatalogOptions{});
  if (!load.status) {
    std::fputs(load.file.rendered_diagnostics().c_str(), stderr);  // file:line:col, caret, help
    return fail(load.status);
  }

  // The embedded store: the journal (answers wait for their change to be durable), snapshots,
  // CDR export files. Recovery runs here: the newest snapshot, then the records after it.
  engine::JournalOptions journal;
  journal.fsync = engine::FsyncPolicy::kAlways;
  auto store = engine::EmbeddedStore::open(argv[2], journal);
  if (!store) return fail(store.status());  // kCorrupt names the file and offset
  for (const std::string& warning : (*store)->recovery().warnings) {
    std::fprintf(stderr, "store: %s\n", warning.c_str());  // e.g. a torn tail dropped
  }
  auto opened = engine::Engine::open(load.catalog, std::move(*store));
  if (!opened) return fail(opened.status());
  engine::Engine& engine = **opened;
  std::printf("%zu accounts recovered\n", engine.account_count());

  const int64_t now = 1773104400;  // 2026-03-10 09:00 +08:00, the catalog's time zone
  engine::ProvisionSpec alice;
  alice.id = "alice";
  alice.plan = "monthly_cap";
  alice.activation = now;
  auto msisdn = engine::parse_identity("e164:+8613800000001");
  if (!msisdn) return fail(msisdn.status());
  alice.identities.push_back(*msisdn);
  if (Status s = engine.provision(alice); !s) return fail(s);  // again: only attributes change

  // A CCR-Initial's MSCC: (session, number) is the request's key; a repeat gets the stored answer.
  engine::ReserveRequest reserve;
  reserve.session = "gw1;1773104400;1";
  reserve.number = 0;
  reserve.service = "llm";
  reserve.requested = 100'000;
  reserve.time = now;
  auto granted = engine.reserve("alice", reserve);
  if (!granted) return fail(granted.status());
  std::printf("reserve: %s, %lld tokens%s\n", lang::outcome_name(granted->outcome),
              static_cast<long long>(granted->grant), granted->duplicate ? " (a duplicate)" : "");

  // The CCR-Update's USU: commits what was used and releases the rest of the reservation.
  engine::CommitRequest commit;
  commit.session = reserve.session;
  commit.number = 1;
  commit.service = "llm";
  commit.used = 60'000;
  commit.time = now + 30;
  auto committed = engine.commit("alice", commit);
  if (!committed) return fail(committed.status());
  std::printf("commit: %lld debited, %lld released%s\n", static_cast<long long>(committed->committed),
              static_cast<long long>(committed->released), committed->duplicate ? " (a duplicate)" : "");

  auto balances = engine.balances("alice", now + 30);
  if (!balances) return fail(balances.status());
  for (const engine::ServiceBalance& b : balances->services) {
    std::printf("%s: %lld left of %lld\n", b.service.c_str(), static_cast<long long>(b.remaining),
                static_cast<long long>(b.period_allowance));
  }

  // Why a request would get its answer, without changing anything (for support tools).
  engine::ReserveRequest question = reserve;
  question.number = 2;
  question.requested = 6'000'000;
  question.time = now + 60;
  auto why = engine.explain("alice", question);
  if (!why) return fail(why.status());
  std::fputs(engine::to_text(*why).c_str(), stdout);

  // A snapshot, and the CDRs it covers exported to STORE_DIR/cdr/: call it on a timer.
  if (Status s = engine.checkpoint(); !s) return fail(s);
  return 0;
}
