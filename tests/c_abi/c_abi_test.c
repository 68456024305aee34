/* The C ABI from C: a program that includes only gyrate.h and links only libgyrate.so runs a
 * subscriber of T2 (examples/tariffs/t02_monthly_cap.tariff) through provisioning, reserve,
 * commit, a repeat, a pack, balances, notifications, explain and eight threads racing on one
 * account, checks every figure against the tariff by hand, and checks the error paths.
 * A T6 team (seats, members, the pool, a member cap, a release) runs on a second engine, and a
 * third engine on the embedded store is restarted and gives back what it committed.
 * Usage: gyrate_c_abi_test T02_TARIFF_PATH T06_TARIFF_PATH */
#define _XOPEN_SOURCE 700 /* pthreads and mkdtemp under -std=c99 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gyrate/c/gyrate.h"

static int failures = 0;

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, \
              __LINE__, #cond, gyrate_last_error());                         \
      ++failures;                                                            \
    }                                                                        \
  } while (0)

#define CHECK_EQ(a, b)                                                                     \
  do {                                                                                     \
    long long va_ = (long long)(a), vb_ = (long long)(b);                                  \
    if (va_ != vb_) {                                                                      \
      fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, expected %s == %lld (%s)\n",    \
              __FILE__, __LINE__, #a, va_, #b, vb_, gyrate_last_error());                  \
      ++failures;                                                                          \
    }                                                                                      \
  } while (0)

/* T2 is in +08:00. Activation 2026-03-10 09:00 local = 1773104400; the monthly period anchored
 * on the billing day (10) runs from 2026-03-10 00:00 local (1773072000) to 2026-04-10 00:00
 * local (1775750400). */
static const int64_t kActivation = 1773104400;
static const int64_t kPeriodStart = 1773072000;
static const int64_t kPeriodEnd = 1775750400;

static gyrate_reserve_request reserve_request(const char* session, uint32_t number,
                                              int64_t requested, int64_t time) {
  gyrate_reserve_request r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.session = session;
  r.number = number;
  r.service = "llm";
  r.requested = requested;
  r.time = time;
  return r;
}

static gyrate_commit_request commit_request(const char* session, uint32_t number, int64_t used,
                                            int64_t time) {
  gyrate_commit_request r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.session = session;
  r.number = number;
  r.service = "llm";
  r.used = used;
  r.time = time;
  return r;
}

static gyrate_answer empty_answer(void) {
  gyrate_answer a;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  return a;
}

/* The llm figures of the account at `time`. */
static gyrate_service_balance llm_balance(gyrate_engine* engine, const char* account,
                                          int64_t time, gyrate_balance_summary* summary) {
  gyrate_service_balance s;
  gyrate_balances* b = NULL;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  summary->struct_size = sizeof *summary;
  CHECK_EQ(gyrate_balances_read(engine, account, time, &b), GYRATE_OK);
  if (b == NULL) return s;
  CHECK_EQ(gyrate_balances_summary(b, summary), GYRATE_OK);
  CHECK_EQ(summary->service_count, 1);
  CHECK_EQ(gyrate_balances_service(b, 0, &s), GYRATE_OK);
  CHECK(strcmp(s.service, "llm") == 0);
  gyrate_balances_free(b);
  return s;
}

static void test_requests(gyrate_engine* engine) {
  gyrate_answer a = empty_answer();
  gyrate_reserve_request r;
  gyrate_commit_request c;
  gyrate_balance_summary summary;
  gyrate_service_balance llm;

  /* 1M asked of the 5M allowance: granted in full (the rule), threshold 20% of the grant. */
  r = reserve_request("s1", 1, 1000000, kActivation + 60);
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_OK);
  CHECK_EQ(a.outcome, GYRATE_OUTCOME_GRANTED);
  CHECK_EQ(a.limiter, GYRATE_LIMITER_RULE);
  CHECK_EQ(a.grant, 1000000);
  CHECK_EQ(a.debit, 1000000);          /* no model: weight 1.0 = 1000000 millionths */
  CHECK_EQ(a.weight, 1000000);
  CHECK_EQ(a.threshold, 200000);       /* threshold llm = 20%: of the 1M grant */
  CHECK_EQ(a.final_units, 0);
  CHECK_EQ(a.duplicate, 0);

  /* 800k used: 800k drawn, the other 200k of the reservation released. */
  c = commit_request("s1", 2, 800000, kActivation + 120);
  a = empty_answer();
  CHECK_EQ(gyrate_commit(engine, "alice", &c, &a), GYRATE_OK);
  CHECK_EQ(a.committed, 800000);
  CHECK_EQ(a.released, 200000);
  CHECK_EQ(a.overrun, 0);

  /* The same (session, number) again: the stored answer, nothing reserved a second time. */
  a = empty_answer();
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_OK);
  CHECK_EQ(a.duplicate, 1);
  CHECK_EQ(a.grant, 1000000);
  llm = llm_balance(engine, "alice", kActivation + 150, &summary);
  CHECK_EQ(llm.remaining, 4200000);    /* 5M - 800k, no open reservation */
  CHECK_EQ(llm.reserved, 0);
  CHECK_EQ(summary.open_reservations, 0);
  /* The repeated commit debits nothing either. */
  a = empty_answer();
  CHECK_EQ(gyrate_commit(engine, "alice", &c, &a), GYRATE_OK);
  CHECK_EQ(a.duplicate, 1);
  CHECK_EQ(a.committed, 800000);
  CHECK_EQ(llm_balance(engine, "alice", kActivation + 150, &summary).remaining, 4200000);

  /* pack extra_1m: 3 CNY for 1M tokens until the period ends. */
  a = empty_answer();
  CHECK_EQ(gyrate_buy_pack(engine, "alice", "order-1", 1, "extra_1m", kActivation + 180, &a),
           GYRATE_OK);
  CHECK_EQ(a.charged, 3000000);
  a = empty_answer();
  CHECK_EQ(gyrate_buy_pack(engine, "alice", "order-1", 1, "extra_1m", kActivation + 181, &a),
           GYRATE_OK);
  CHECK_EQ(a.duplicate, 1);            /* bought once */

  llm = llm_balance(engine, "alice", kActivation + 240, &summary);
  CHECK_EQ(llm.remaining, 5200000);    /* 4.2M allowance + 1M pack */
  CHECK_EQ(llm.used, 800000);
  CHECK_EQ(llm.period_allowance, 5000000);
  CHECK_EQ(summary.spend, 3000000);    /* the pack's 3 CNY */
  CHECK_EQ(summary.fees_charged, 19900000);  /* fee 19.9 CNY for period 0 */
  CHECK_EQ(summary.last_fee, 19900000);
  CHECK_EQ(summary.period_start, kPeriodStart);
  CHECK_EQ(summary.period_end, kPeriodEnd);
  CHECK_EQ(summary.period_index, 0);
  CHECK_EQ(summary.bucket_count, 2);
  {
    gyrate_balances* b = NULL;
    gyrate_bucket bucket;
    size_t i;
    int64_t allowance = -1, pack = -1;
    CHECK_EQ(gyrate_balances_read(engine, "alice", kActivation + 240, &b), GYRATE_OK);
    for (i = 0; b != NULL && i < 2; ++i) {
      memset(&bucket, 0, sizeof bucket);
      bucket.struct_size = sizeof bucket;
      CHECK_EQ(gyrate_balances_bucket(b, i, &bucket), GYRATE_OK);
      CHECK(strcmp(bucket.service, "llm") == 0);
      CHECK_EQ(bucket.valid_until, kPeriodEnd);
      if (strcmp(bucket.origin, "allowance") == 0) allowance = bucket.amount;
      if (strcmp(bucket.origin, "pack") == 0 && strcmp(bucket.offer, "extra_1m") == 0) {
        pack = bucket.amount;
      }
    }
    CHECK_EQ(allowance, 4200000);
    CHECK_EQ(pack, 1000000);
    CHECK_EQ(gyrate_balances_bucket(b, 2, &bucket), GYRATE_INVALID_ARGUMENT);
    gyrate_balances_free(b);
  }

  /* 6M asked: the balance (5.2M) cuts it; the final units, then terminate. */
  r = reserve_request("s2", 1, 6000000, kActivation + 300);
  a = empty_answer();
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_OK);
  CHECK_EQ(a.grant, 5200000);
  CHECK_EQ(a.limiter, GYRATE_LIMITER_BALANCE);
  CHECK_EQ(a.final_units, 1);
  CHECK_EQ(a.has_final_action, 1);
  CHECK_EQ(a.final_action, GYRATE_ACTION_TERMINATE);
  CHECK(strcmp(a.final_action_argument, "") == 0);

  /* Using all of it takes `used` from 800k to 6M: it crosses 80% (4M) and 100% (5M) of the
   * 5M allowance (notify llm at 80%, 100%). */
  c = commit_request("s2", 2, 5200000, kActivation + 360);
  a = empty_answer();
  CHECK_EQ(gyrate_commit(engine, "alice", &c, &a), GYRATE_OK);
  CHECK_EQ(a.committed, 5200000);
  {
    gyrate_notifications* n = NULL;
    gyrate_notification x;
    CHECK_EQ(gyrate_notifications_take(engine, "alice", &n), GYRATE_OK);
    CHECK_EQ(gyrate_notifications_count(n), 2);
    memset(&x, 0, sizeof x);
    x.struct_size = sizeof x;
    CHECK_EQ(gyrate_notifications_get(n, 0, &x), GYRATE_OK);
    CHECK(strcmp(x.service, "llm") == 0);
    CHECK_EQ(x.level, 4000000);
    CHECK_EQ(x.ratio, 800000);
    CHECK_EQ(x.used, 6000000);
    CHECK_EQ(gyrate_notifications_get(n, 1, &x), GYRATE_OK);
    CHECK_EQ(x.level, 5000000);
    gyrate_notifications_free(n);
    CHECK_EQ(gyrate_notifications_take(engine, "alice", &n), GYRATE_OK);
    CHECK_EQ(gyrate_notifications_count(n), 0); /* each is taken once */
    gyrate_notifications_free(n);
  }

  /* Empty: refused (4012) with terminate. */
  r = reserve_request("s3", 1, 1000, kActivation + 420);
  a = empty_answer();
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_OK);
  CHECK_EQ(a.outcome, GYRATE_OUTCOME_EXHAUSTED);
  CHECK_EQ(a.final_action, GYRATE_ACTION_TERMINATE);
}

static void test_explain(gyrate_engine* engine) {
  gyrate_reserve_request r = reserve_request("s4", 1, 1000, kActivation + 480);
  char* text = NULL;
  size_t length = 0;
  gyrate_balance_summary summary;
  uint64_t revision;
  llm_balance(engine, "alice", kActivation + 480, &summary);
  revision = summary.revision;
  CHECK_EQ(gyrate_explain(engine, "alice", &r, GYRATE_EXPLAIN_TEXT, &text, &length), GYRATE_OK);
  CHECK(text != NULL && strlen(text) == length);
  CHECK(text != NULL && strstr(text, "answer   exhausted 0 token") != NULL);
  CHECK(text != NULL && strstr(text, "why:") != NULL);
  gyrate_string_free(text);
  CHECK_EQ(gyrate_explain(engine, "alice", &r, GYRATE_EXPLAIN_JSON, &text, NULL), GYRATE_OK);
  CHECK(text != NULL && strstr(text, "\"outcome\":\"exhausted\"") != NULL);
  CHECK(text != NULL && strstr(text, "\"final_action\":\"terminate\"") != NULL);
  gyrate_string_free(text);
  CHECK_EQ(gyrate_explain(engine, "alice", &r, 7, &text, NULL), GYRATE_INVALID_ARGUMENT);
  /* Explaining changed nothing. */
  CHECK_EQ(llm_balance(engine, "alice", kActivation + 480, &summary).used, 6000000);
  CHECK_EQ(summary.revision, revision);
}

static void test_errors(gyrate_engine* engine) {
  gyrate_answer a = empty_answer();
  gyrate_reserve_request r = reserve_request("e", 1, 1000, kActivation + 600);
  gyrate_commit_request c = commit_request("e", 2, -1, kActivation + 600);
  gyrate_subscriber s;
  gyrate_catalog* none = NULL;
  gyrate_balances* b = NULL;

  CHECK_EQ(gyrate_reserve(engine, "nobody", &r, &a), GYRATE_NOT_FOUND);
  CHECK(strstr(gyrate_last_error(), "unknown account 'nobody'") != NULL);
  CHECK_EQ(gyrate_balances_read(engine, "nobody", kActivation, &b), GYRATE_NOT_FOUND);
  CHECK(b == NULL);

  r.requested = -5;
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_INVALID_ARGUMENT);
  CHECK(strstr(gyrate_last_error(), "negative") != NULL);
  CHECK_EQ(gyrate_commit(engine, "alice", &c, &a), GYRATE_INVALID_ARGUMENT);

  r.requested = 1000;
  r.service = "video";
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_INVALID_ARGUMENT);
  CHECK(strstr(gyrate_last_error(), "unknown service 'video'") != NULL);
  r.service = NULL;
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_INVALID_ARGUMENT);
  r.service = "llm";
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, NULL), GYRATE_INVALID_ARGUMENT);
  r.struct_size = 4;
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_BAD_STRUCT_SIZE);
  CHECK(strcmp(gyrate_status_name(GYRATE_BAD_STRUCT_SIZE), "bad_struct_size") == 0);

  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.id = "bob";
  s.plan = "no_such_plan";
  s.activation = kActivation;
  CHECK_EQ(gyrate_provision(engine, &s), GYRATE_NOT_FOUND);
  CHECK(strstr(gyrate_last_error(), "no_such_plan") != NULL);
  CHECK_EQ(gyrate_buy_pack(engine, "alice", "o", 9, "no_such_pack", kActivation + 600, &a),
           GYRATE_NOT_FOUND);

  CHECK_EQ(gyrate_catalog_open("/nonexistent/x.tariff", NULL, &none), GYRATE_NOT_FOUND);
  CHECK(none == NULL);
}

/* A caller built against a newer gyrate.h passes a bigger struct: the library writes only the
 * fields it knows and leaves the rest alone. */
static void test_newer_caller(gyrate_engine* engine) {
  struct {
    gyrate_answer answer;
    int64_t field_of_a_later_version;
  } bigger;
  gyrate_reserve_request r = reserve_request("s1", 1, 1000000, kActivation + 700);
  memset(&bigger, 0, sizeof bigger);
  bigger.answer.struct_size = sizeof bigger;
  bigger.field_of_a_later_version = 12345;
  CHECK_EQ(gyrate_reserve(engine, "alice", &r, &bigger.answer), GYRATE_OK);
  CHECK_EQ(bigger.answer.struct_size, sizeof bigger);
  CHECK_EQ(bigger.answer.grant, 1000000); /* the stored answer of s1/1 */
  CHECK_EQ(bigger.field_of_a_later_version, 12345);
}

/* Eight threads reserve 200k at a time for one account (each in its own sessions) until it is
 * empty: the per-account lock means they are granted exactly the 5M allowance, never more. */
typedef struct racer {
  gyrate_engine* engine;
  int thread;
  int64_t granted;
  int errors;
} racer;

static void* race(void* arg) {
  racer* r = (racer*)arg;
  char session[32];
  uint32_t i;
  for (i = 0; i < 10; ++i) {
    gyrate_reserve_request q;
    gyrate_answer a = empty_answer();
    snprintf(session, sizeof session, "t%d-%u", r->thread, (unsigned)i);
    q = reserve_request(session, 1, 200000, kActivation + 60);
    if (gyrate_reserve(r->engine, "carol", &q, &a) != GYRATE_OK) ++r->errors;
    r->granted += a.grant;
  }
  return NULL;
}

static void test_threads(gyrate_engine* engine) {
  enum { kThreads = 8 };
  pthread_t threads[kThreads];
  racer racers[kThreads];
  gyrate_subscriber s;
  int64_t total = 0;
  int i;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.id = "carol";
  s.plan = "monthly_cap";
  s.activation = kActivation;
  CHECK_EQ(gyrate_provision(engine, &s), GYRATE_OK);
  for (i = 0; i < kThreads; ++i) {
    racers[i].engine = engine;
    racers[i].thread = i;
    racers[i].granted = 0;
    racers[i].errors = 0;
    CHECK_EQ(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
  }
  for (i = 0; i < kThreads; ++i) {
    CHECK_EQ(pthread_join(threads[i], NULL), 0);
    CHECK_EQ(racers[i].errors, 0);
    total += racers[i].granted;
  }
  /* 8 x 10 x 200k = 16M asked of 5M: exactly 5M granted. */
  CHECK_EQ(total, 5000000);
}

/* T6 (examples/tariffs/t06_team_plan.tariff): a team with seats = 2 pools 2 x 20M = 40M and pays
 * 2 x 198 CNY; its members draw on the pool through their own ids, each capped at 25M. */
static void test_team(const char* t6_path) {
  gyrate_catalog* catalog = NULL;
  gyrate_engine* engine = NULL;
  gyrate_subscriber s;
  gyrate_attribute seats;
  gyrate_identity phone;
  gyrate_reserve_request r;
  gyrate_commit_request c;
  gyrate_answer a = empty_answer();
  gyrate_balance_summary summary;
  gyrate_service_balance llm;
  char id[16];

  CHECK_EQ(gyrate_catalog_open(t6_path, NULL, &catalog), GYRATE_OK);
  CHECK_EQ(gyrate_engine_create(catalog, &engine), GYRATE_OK);
  gyrate_catalog_free(catalog);
  if (engine == NULL) return;
  seats.name = "seats";
  seats.value = "2";
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.id = "acme";
  s.plan = "team";
  s.activation = kActivation;
  s.attributes = &seats;
  s.attribute_count = 1;
  CHECK_EQ(gyrate_provision(engine, &s), GYRATE_OK);
  phone.type = GYRATE_IDENTITY_E164;
  phone.value = "+8613800000002";
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.id = "m1";
  s.team = "acme";
  s.activation = kActivation;
  s.identities = &phone;
  s.identity_count = 1;
  CHECK_EQ(gyrate_provision(engine, &s), GYRATE_OK);
  s.id = "m2";
  s.identities = NULL;
  s.identity_count = 0;
  CHECK_EQ(gyrate_provision(engine, &s), GYRATE_OK);
  CHECK_EQ(gyrate_find_by_identity(engine, GYRATE_IDENTITY_E164, "8613800000002", id, sizeof id,
                                   NULL),
           GYRATE_OK);
  CHECK(strcmp(id, "m1") == 0);

  /* m1: 3M tokens of qwen_plus (weight 2) debit 6M of the pool. */
  r = reserve_request("m1-s", 1, 3000000, kActivation + 60);
  r.model = "qwen_plus";
  CHECK_EQ(gyrate_reserve(engine, "m1", &r, &a), GYRATE_OK);
  CHECK_EQ(a.grant, 3000000);
  CHECK_EQ(a.debit, 6000000);
  c = commit_request("m1-s", 2, 3000000, kActivation + 90);
  CHECK_EQ(gyrate_commit(engine, "m1", &c, &a), GYRATE_OK);
  CHECK_EQ(a.committed, 6000000);
  /* m2: 30M of qwen_turbo (weight 1) asked; the pool holds 34M but m2's cap is 25M. */
  r = reserve_request("m2-s", 1, 30000000, kActivation + 120);
  r.model = "qwen_turbo";
  CHECK_EQ(gyrate_reserve(engine, "m2", &r, &a), GYRATE_OK);
  CHECK_EQ(a.grant, 25000000);
  CHECK_EQ(a.limiter, GYRATE_LIMITER_MEMBER_CAP);

  llm = llm_balance(engine, "acme", kActivation + 150, &summary);
  CHECK_EQ(llm.period_allowance, 40000000);
  CHECK_EQ(llm.used, 6000000);
  CHECK_EQ(llm.reserved, 25000000);     /* m2's open reservation */
  CHECK_EQ(llm.remaining, 9000000);     /* 40M - 6M used - 25M held */
  CHECK_EQ(summary.last_fee, 396000000); /* 198 CNY x 2 seats */
  /* m2's session ends without usage: the 25M it held go back to the pool. */
  a = empty_answer();
  CHECK_EQ(gyrate_release(engine, "m2", "m2-s", 2, kActivation + 160, &a), GYRATE_OK);
  CHECK_EQ(a.released, 25000000);
  llm = llm_balance(engine, "acme", kActivation + 170, &summary);
  CHECK_EQ(llm.reserved, 0);
  CHECK_EQ(llm.remaining, 34000000);    /* 40M - 6M used */
  CHECK_EQ(summary.open_reservations, 0);
  /* The team's own id does not reserve once it has members: usage must name a member. */
  r = reserve_request("acme-s", 1, 1000, kActivation + 180);
  CHECK_EQ(gyrate_reserve(engine, "acme", &r, &a), GYRATE_FAILED_PRECONDITION);
  gyrate_engine_destroy(engine);
}

/* An engine on the embedded store: what it committed survives a restart, a resent commit is
 * answered from the journal, and a second engine cannot hold the same directory. */
static void test_store(const char* t2_path) {
  char dir[] = "/tmp/gyrate-c-abi-XXXXXX";
  char cleanup[64];
  gyrate_catalog* catalog = NULL;
  gyrate_engine* engine = NULL;
  gyrate_engine* second = NULL;
  gyrate_engine_options o;
  gyrate_subscriber s;
  gyrate_balance_summary summary;
  gyrate_reserve_request r = reserve_request("d1", 1, 1000, kActivation + 60);
  gyrate_commit_request c = commit_request("d1", 2, 700, kActivation + 70);
  gyrate_commit_request later = commit_request("d2", 1, 100, kActivation + 80);
  gyrate_answer a = empty_answer();

  if (mkdtemp(dir) == NULL) {
    CHECK(0);
    return;
  }
  CHECK_EQ(gyrate_catalog_open(t2_path, NULL, &catalog), GYRATE_OK);
  memset(&o, 0, sizeof o);
  o.struct_size = sizeof o;
  o.store_dir = dir;
  o.fsync = GYRATE_FSYNC_OFF;
  CHECK_EQ(gyrate_engine_open(catalog, &o, &engine), GYRATE_OK);
  if (engine == NULL) return;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.id = "dora";
  s.plan = "monthly_cap";
  s.activation = kActivation;
  CHECK_EQ(gyrate_provision(engine, &s), GYRATE_OK);
  CHECK_EQ(gyrate_reserve(engine, "dora", &r, &a), GYRATE_OK);
  CHECK_EQ(gyrate_commit(engine, "dora", &c, &a), GYRATE_OK);
  CHECK_EQ(gyrate_engine_checkpoint(engine), GYRATE_OK);
  CHECK_EQ(gyrate_commit(engine, "dora", &later, &a), GYRATE_OK); /* after the snapshot */
  CHECK_EQ(gyrate_engine_open(catalog, &o, &second), GYRATE_FAILED_PRECONDITION);
  gyrate_engine_destroy(engine);

  engine = NULL;
  o.fsync = 7;
  CHECK_EQ(gyrate_engine_open(catalog, &o, &engine), GYRATE_INVALID_ARGUMENT);
  o.fsync = GYRATE_FSYNC_ALWAYS;
  CHECK_EQ(gyrate_engine_open(catalog, &o, &engine), GYRATE_OK);
  gyrate_catalog_free(catalog);
  if (engine != NULL) {
    /* 700 + 100 tokens at weight 1, replayed from the snapshot and the record after it. */
    CHECK_EQ(llm_balance(engine, "dora", kActivation + 90, &summary).used, 800);
    a = empty_answer();
    CHECK_EQ(gyrate_commit(engine, "dora", &c, &a), GYRATE_OK);
    CHECK(a.duplicate != 0);
    CHECK_EQ(llm_balance(engine, "dora", kActivation + 90, &summary).used, 800);
    gyrate_engine_destroy(engine);
  }
  snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
  CHECK_EQ(system(cleanup), 0);
}

int main(int argc, char** argv) {
  gyrate_catalog* catalog = NULL;
  gyrate_engine* engine = NULL;
  gyrate_subscriber s;
  gyrate_identity ids[2];
  char id[16];
  size_t needed = 0;

  if (argc != 3) {
    fprintf(stderr, "usage: %s t02_monthly_cap.tariff t06_team_plan.tariff\n", argv[0]);
    return 2;
  }
  CHECK_EQ(gyrate_abi_version(), GYRATE_ABI_VERSION);
  if (gyrate_catalog_open(argv[1], NULL, &catalog) != GYRATE_OK) {
    fprintf(stderr, "cannot open %s: %s\n", argv[1], gyrate_last_error());
    return 1;
  }
  CHECK_EQ(gyrate_engine_create(catalog, &engine), GYRATE_OK);
  gyrate_catalog_free(catalog); /* the engine keeps its own reference */

  ids[0].type = GYRATE_IDENTITY_E164;
  ids[0].value = "+8613800000001";
  ids[1].type = GYRATE_IDENTITY_IMSI;
  ids[1].value = "460001234567890";
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.id = "alice";
  s.plan = "monthly_cap";
  s.activation = kActivation;
  s.identities = ids;
  s.identity_count = 2;
  CHECK_EQ(gyrate_provision(engine, &s), GYRATE_OK);

  /* Found by either identity, in any spelling that canonicalises the same. */
  CHECK_EQ(gyrate_find_by_identity(engine, GYRATE_IDENTITY_E164, "8613800000001", id, sizeof id,
                                   &needed),
           GYRATE_OK);
  CHECK(strcmp(id, "alice") == 0);
  CHECK_EQ(needed, 6);
  CHECK_EQ(gyrate_find_by_identity(engine, GYRATE_IDENTITY_IMSI, "460001234567890", id, 3,
                                   &needed),
           GYRATE_BUFFER_TOO_SMALL);
  CHECK_EQ(needed, 6);
  CHECK_EQ(gyrate_find_by_identity(engine, GYRATE_IDENTITY_E164, "8613899999999", id, sizeof id,
                                   NULL),
           GYRATE_NOT_FOUND);

  test_requests(engine);
  test_explain(engine);
  test_errors(engine);
  test_newer_caller(engine);
  test_threads(engine);
  test_team(argv[2]);
  test_store(argv[1]);

  /* A hot publish of the same file (interpreter this time): requests go on. */
  {
    gyrate_catalog_options o;
    gyrate_reserve_request r = reserve_request("p", 1, 1000, kPeriodEnd + 60);
    gyrate_answer a = empty_answer();
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.interpreter = 1;
    CHECK_EQ(gyrate_catalog_open(argv[1], &o, &catalog), GYRATE_OK);
    CHECK_EQ(gyrate_engine_publish(engine, catalog), GYRATE_OK);
    gyrate_catalog_free(catalog);
    /* Next period: a fresh 5M; the 1M pack ended with the period. */
    CHECK_EQ(gyrate_reserve(engine, "alice", &r, &a), GYRATE_OK);
    CHECK_EQ(a.grant, 1000);
  }

  gyrate_engine_destroy(engine);
  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_abi: all checks passed\n");
  return 0;
}
