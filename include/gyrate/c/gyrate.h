/* gyrate.h: the stable C ABI of the gyrate charging-rules engine (libgyrate.so, SONAME
 * libgyrate.so.1). Pure C99; every exported symbol starts with gyrate_ and carries the version
 * node GYRATE_1.
 *
 * Threads. Every function is thread-safe. An engine locks per account: calls on different
 * accounts never wait for each other, and there is no global lock on the request path (the
 * account table takes a shared lock for a lookup). Concurrent calls on one account are
 * serialised, so concurrent sessions never reserve more than the balance. gyrate_last_error()
 * is per thread.
 *
 * Strings in. Every `const char*` argument and struct field is a NUL-terminated UTF-8 string,
 * read during the call only (the library keeps its own copies). NULL is refused
 * (GYRATE_INVALID_ARGUMENT) except where a field says "NULL: none".
 *
 * Memory. The library never hands out memory to be released with free(). It allocates only
 * handles and strings that have their own gyrate_*_free/destroy function; every other result
 * goes into a struct the caller provides.
 *
 * Errors. Every fallible function returns an int status: GYRATE_OK (0) or one of the codes
 * below; on failure gyrate_last_error() tells why in words. No C++ exception crosses the ABI.
 *
 * Versioning. GYRATE_ABI_VERSION rises only with additions: new functions, new fields at the
 * end of a struct, new status or enum values. Every struct the caller passes starts with
 * `uint32_t struct_size`, set to sizeof(the struct) as the caller compiled it: the library
 * reads and writes only that many bytes, so a program built against an older gyrate.h keeps
 * working with a newer library (fields it does not know are taken as zero going in and are not
 * written coming out). A removal or a change of meaning would be a new SONAME (libgyrate.so.2).
 *
 * Money is integer millionths of the plan's currency (3.5 CNY = 3500000); a weight is
 * millionths of an allowance unit per unit; times are Unix seconds. */
#ifndef GYRATE_C_GYRATE_H
#define GYRATE_C_GYRATE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GYRATE_ABI_VERSION 1u

/* ---- status codes (the int every fallible function returns) ---- */
#define GYRATE_OK 0
#define GYRATE_INVALID_ARGUMENT 1   /* a bad value: NULL, a negative amount, a bad attribute */
#define GYRATE_NOT_FOUND 2          /* an unknown subscriber, plan, pack or file */
#define GYRATE_ALREADY_EXISTS 3     /* an identity owned by another subscriber */
#define GYRATE_FAILED_PRECONDITION 4
#define GYRATE_IO 5
#define GYRATE_RESOURCE_EXHAUSTED 6 /* out of memory, a size limit */
#define GYRATE_CORRUPT 7
#define GYRATE_UNAVAILABLE 8        /* transient: retry (a member moved team during the call) */
#define GYRATE_PERMISSION_DENIED 9
#define GYRATE_INTERNAL 10          /* a bug in gyrate */
#define GYRATE_BUFFER_TOO_SMALL 11  /* a caller's buffer is short: *needed says how long */
#define GYRATE_BAD_STRUCT_SIZE 12   /* struct_size smaller than the first version of the struct */

/* The ABI version of the loaded library (GYRATE_ABI_VERSION it was built with). A caller may
 * refuse to run when it is lower than the GYRATE_ABI_VERSION it was compiled against. */
uint32_t gyrate_abi_version(void);

/* Why the last failed call on this thread failed; "" when none. Valid until the next call
 * into the library on the same thread. */
const char* gyrate_last_error(void);

/* "ok", "invalid_argument", ...; "unknown" for a code this version does not know. Static. */
const char* gyrate_status_name(int status);

/* ---- catalogs ---- */
typedef struct gyrate_catalog gyrate_catalog;

typedef struct gyrate_catalog_options {
  uint32_t struct_size;
  int32_t interpreter; /* nonzero: the reference interpreter instead of the JIT */
} gyrate_catalog_options;

/* Loads, checks and compiles a .tariff file (the JIT; the interpreter when the JIT cannot
 * compile it). `options` may be NULL (defaults). On a tariff with errors: GYRATE_INVALID_ARGUMENT
 * and gyrate_last_error() holds the rendered diagnostics. */
int gyrate_catalog_open(const char* path, const gyrate_catalog_options* options,
                        gyrate_catalog** out);
/* Releases the caller's reference; engines keep their own, so a catalog may be freed as soon
 * as it is given to gyrate_engine_create or gyrate_engine_publish. NULL is ignored. */
void gyrate_catalog_free(gyrate_catalog* catalog);

/* ---- engines ---- */
typedef struct gyrate_engine gyrate_engine;

/* An engine holding every account in memory, rating on `catalog`. */
int gyrate_engine_create(gyrate_catalog* catalog, gyrate_engine** out);
/* No call on the engine may run or start once this is called. NULL is ignored. */
void gyrate_engine_destroy(gyrate_engine* engine);
/* Hot reload: one atomic swap, nothing waits. New requests rate on `catalog`; an open
 * reservation finishes on the version it was granted on. */
int gyrate_engine_publish(gyrate_engine* engine, gyrate_catalog* catalog);

/* ---- provisioning ---- */
/* RFC 4006 Subscription-Id-Type codes. */
#define GYRATE_IDENTITY_E164 0
#define GYRATE_IDENTITY_IMSI 1
#define GYRATE_IDENTITY_NAI 3

typedef struct gyrate_attribute {
  const char* name;
  const char* value; /* as text, typed by the tariff's declaration ("3", "opc", "true") */
} gyrate_attribute;

typedef struct gyrate_identity {
  int32_t type; /* GYRATE_IDENTITY_* */
  const char* value;
} gyrate_identity;

typedef struct gyrate_subscriber {
  uint32_t struct_size;
  const char* id;
  const char* plan;    /* NULL or "" only for a team member joining its team's plan */
  int64_t activation;
  int32_t billing_day; /* 1..31; 0: the activation's local day of month */
  const gyrate_attribute* attributes;
  size_t attribute_count;
  const gyrate_identity* identities; /* how requests find the account */
  size_t identity_count;
  const char* team;    /* NULL: none; else the id of the team account it joins as a member */
} gyrate_subscriber;

/* Provisions one subscriber (again: starts it afresh on the plan, keeping granted promos). */
int gyrate_provision(gyrate_engine* engine, const gyrate_subscriber* subscriber);

/* The id of the account an identity belongs to, copied with its NUL into buf[0..size). When
 * buf is too short: GYRATE_BUFFER_TOO_SMALL. `needed` (may be NULL) gets strlen(id) + 1. */
int gyrate_find_by_identity(gyrate_engine* engine, int32_t type, const char* value, char* buf,
                            size_t size, size_t* needed);

/* ---- requests ---- */
/* Outcomes (the language's decision; how they map to Result-Codes is the caller's choice). */
#define GYRATE_OUTCOME_GRANTED 0
#define GYRATE_OUTCOME_NOT_ELIGIBLE 1
#define GYRATE_OUTCOME_MODEL_NOT_ALLOWED 2
#define GYRATE_OUTCOME_NO_RULE 3
#define GYRATE_OUTCOME_EXHAUSTED 4     /* 4012: the final action says what happens next */
#define GYRATE_OUTCOME_RATING_FAILED 5
/* What bounded the grant. */
#define GYRATE_LIMITER_RULE 0
#define GYRATE_LIMITER_BALANCE 1
#define GYRATE_LIMITER_USAGE_CAP 2
#define GYRATE_LIMITER_MEMBER_CAP 3
#define GYRATE_LIMITER_WINDOW 4
#define GYRATE_LIMITER_SPEND_CAP 5
#define GYRATE_LIMITER_NONE 6
/* Final-Unit-Indication actions. */
#define GYRATE_ACTION_BLOCK 0
#define GYRATE_ACTION_TERMINATE 1
#define GYRATE_ACTION_REDIRECT 2
#define GYRATE_ACTION_RESTRICT 3
#define GYRATE_ACTION_CHARGE 4

typedef struct gyrate_reserve_request {
  uint32_t struct_size;
  const char* session;
  uint32_t number;    /* with session: the idempotency key */
  const char* service;
  const char* model;  /* NULL or "": none (weight 1) */
  int64_t requested;  /* raw units; 0: the service's quota; negative: refused */
  int64_t time;
} gyrate_reserve_request;

typedef struct gyrate_commit_request {
  uint32_t struct_size;
  const char* session;
  uint32_t number;
  const char* service;
  int64_t used;       /* raw units used (USU); negative: refused */
  int64_t time;
} gyrate_commit_request;

typedef struct gyrate_answer {
  uint32_t struct_size;
  int32_t outcome;          /* GYRATE_OUTCOME_* */
  int32_t limiter;          /* GYRATE_LIMITER_* */
  int32_t final_units;      /* nonzero: send a Final-Unit-Indication */
  int32_t has_final_action;
  int32_t final_action;     /* GYRATE_ACTION_*, when has_final_action */
  /* The redirect URL or restriction filter; "" when none. Owned by the library, valid until
   * the next call into it on the same thread: copy it to keep it. */
  const char* final_action_argument;
  int64_t grant;            /* raw units */
  int64_t debit;            /* allowance units reserved */
  int64_t weight;           /* millionths */
  int64_t validity_seconds; /* -1: none */
  int64_t threshold;        /* -1: none */
  int64_t committed;        /* commit: allowance units drawn from buckets */
  int64_t overrun;          /* commit: allowance units beyond every bucket */
  int64_t charged;          /* commit: overage money; buy_pack: the pack's price */
  int64_t released;         /* commit, release: allowance units given back */
  int32_t duplicate;        /* nonzero: a repeat of an answered key; this is the stored answer */
} gyrate_answer;

/* Each call is idempotent per (session or order, number): a repeat returns the stored answer
 * with duplicate set and changes nothing. `account` is a subscriber's or team member's id. */
int gyrate_reserve(gyrate_engine* engine, const char* account,
                   const gyrate_reserve_request* request, gyrate_answer* out);
/* Debits ceil(used x weight) from the buckets the session's reservation drew on and releases
 * the rest of it. Usage beyond the grant is still debited (priced, or an overrun). */
int gyrate_commit(gyrate_engine* engine, const char* account, const gyrate_commit_request* request,
                  gyrate_answer* out);
/* Releases every open reservation of the session. */
int gyrate_release(gyrate_engine* engine, const char* account, const char* session,
                   uint32_t number, int64_t time, gyrate_answer* out);
/* Buys a pack of the account's plan; (order, number) is the idempotency key. */
int gyrate_buy_pack(gyrate_engine* engine, const char* account, const char* order,
                    uint32_t number, const char* pack, int64_t time, gyrate_answer* out);

/* ---- balances (a snapshot handle; its strings live until gyrate_balances_free) ---- */
typedef struct gyrate_balances gyrate_balances;

typedef struct gyrate_balance_summary {
  uint32_t struct_size;
  int64_t spend;           /* money this period (overage and packs) */
  int64_t fees_charged;    /* every fee since provisioning */
  int64_t last_fee;        /* the current period's fee */
  int64_t period_start;
  int64_t period_end;
  int64_t period_index;
  uint64_t revision;
  size_t open_reservations;
  size_t pending_notifications;
  size_t bucket_count;
  size_t service_count;
} gyrate_balance_summary;

typedef struct gyrate_bucket {
  uint32_t struct_size;
  const char* service;
  const char* origin;      /* "allowance", "rollover", "pack", "promo", "pooled" */
  const char* offer;       /* "allowance", "rollover", the pack's or promo's name, "overrun" */
  int64_t amount;          /* allowance units; negative: an overrun (a debt) */
  int64_t valid_from;
  int64_t valid_until;     /* INT64_MAX: never expires */
} gyrate_bucket;

typedef struct gyrate_service_balance {
  uint32_t struct_size;
  const char* service;
  int64_t remaining;       /* valid buckets minus open reservations */
  int64_t reserved;
  int64_t used;            /* allowance units this period */
  int64_t period_allowance;
} gyrate_service_balance;

/* Renews the account lazily to `time` first, so an idle account shows what it holds now. */
int gyrate_balances_read(gyrate_engine* engine, const char* account, int64_t time,
                         gyrate_balances** out);
int gyrate_balances_summary(const gyrate_balances* balances, gyrate_balance_summary* out);
/* index < bucket_count / service_count, else GYRATE_INVALID_ARGUMENT. */
int gyrate_balances_bucket(const gyrate_balances* balances, size_t index, gyrate_bucket* out);
int gyrate_balances_service(const gyrate_balances* balances, size_t index,
                            gyrate_service_balance* out);
void gyrate_balances_free(gyrate_balances* balances);

/* ---- notifications (crossed quota thresholds; each is taken once) ---- */
typedef struct gyrate_notifications gyrate_notifications;

typedef struct gyrate_notification {
  uint32_t struct_size;
  const char* service;
  int64_t level;        /* allowance units */
  int64_t ratio;        /* millionths of the period's allowance; -1 for an absolute amount */
  int64_t used;         /* used after the commit that crossed it */
  int64_t period_index;
  int64_t time;
} gyrate_notification;

/* Takes the account's pending notifications, oldest first, into a handle. */
int gyrate_notifications_take(gyrate_engine* engine, const char* account,
                              gyrate_notifications** out);
size_t gyrate_notifications_count(const gyrate_notifications* notifications);
int gyrate_notifications_get(const gyrate_notifications* notifications, size_t index,
                             gyrate_notification* out);
void gyrate_notifications_free(gyrate_notifications* notifications);

/* ---- explain: what gyrate_reserve would answer and why, changing nothing ---- */
#define GYRATE_EXPLAIN_TEXT 0
#define GYRATE_EXPLAIN_JSON 1

/* *out gets a NUL-terminated string the caller releases with gyrate_string_free; `length`
 * (may be NULL) gets its strlen. */
int gyrate_explain(gyrate_engine* engine, const char* account,
                   const gyrate_reserve_request* request, int32_t format, char** out,
                   size_t* length);
/* Releases a string the library returned. NULL is ignored. */
void gyrate_string_free(char* string);

#ifdef __cplusplus
}
#endif

#endif /* GYRATE_C_GYRATE_H */
