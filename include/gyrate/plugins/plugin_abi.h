/* The C ABI of gyrate extension plugins: a loadable module exports gyrate_plugin_entry(), which
 * returns a static description of its functions. Plain C so that plugins need no C++ ABI match. */
#ifndef GYRATE_PLUGINS_PLUGIN_ABI_H
#define GYRATE_PLUGINS_PLUGIN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of the structures below; the loader refuses other versions. */
#define GYRATE_PLUGIN_ABI_VERSION 1u
#define GYRATE_PLUGIN_ENTRY_SYMBOL "gyrate_plugin_entry"

/* Value kinds a plugin function may take or return, in gyrate's run-time representation (one
 * int64 each; see gyrate/ruleslang/types.hpp). The numbers equal gyrate::lang::TypeKind. Money,
 * strings and models are catalog-relative (currency index, interned id, model index) and are
 * therefore not available to plugins. */
enum gyrate_value_kind {
  GYRATE_VALUE_BOOL = 1,         /* 0 or 1 */
  GYRATE_VALUE_INT = 2,
  GYRATE_VALUE_RATIO = 3,        /* millionths */
  GYRATE_VALUE_QUANTITY = 4,     /* base units of `dim` */
  GYRATE_VALUE_DATE = 7,         /* days since 1970-01-01 */
  GYRATE_VALUE_TIME_OF_DAY = 8,  /* minutes since midnight */
  GYRATE_VALUE_WEEKDAY = 9       /* 1 (Monday) .. 7 (Sunday) */
};

/* Unit dimension of a quantity; equal to gyrate::lang::Dim. */
enum gyrate_dim {
  GYRATE_DIM_NONE = 0,
  GYRATE_DIM_TOKEN = 1,
  GYRATE_DIM_BYTE = 2,
  GYRATE_DIM_SECOND = 3,
  GYRATE_DIM_REQUEST = 4,
  GYRATE_DIM_EVENT = 5
};

struct gyrate_type {
  uint8_t kind; /* enum gyrate_value_kind */
  uint8_t dim;  /* enum gyrate_dim, quantities only */
};

/* Must be pure, thread-safe and fast: it runs on the request path, from JIT code too. Returns 0
 * and writes *out, or non-zero to fault (the decision becomes RATING_FAILED). */
typedef int32_t (*gyrate_extension_fn)(const int64_t* args, int64_t* out);

#define GYRATE_PLUGIN_MAX_PARAMS 8u

struct gyrate_function {
  const char* name; /* an identifier, [A-Za-z_][A-Za-z0-9_]*, at most 64 characters */
  uint32_t param_count;
  const struct gyrate_type* params;
  struct gyrate_type result;
  gyrate_extension_fn fn;
  const char* doc;
};

struct gyrate_plugin {
  uint32_t abi_version; /* GYRATE_PLUGIN_ABI_VERSION */
  uint32_t struct_size; /* sizeof(struct gyrate_plugin) */
  const char* name;
  const char* version;
  uint32_t function_count;
  const struct gyrate_function* functions;
};

/* The one exported symbol of a plugin module. */
typedef const struct gyrate_plugin* (*gyrate_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* GYRATE_PLUGINS_PLUGIN_ABI_H */
