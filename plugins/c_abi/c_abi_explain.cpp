// The C ABI's explain: Engine::explain rendered as text or JSON in a string the caller frees
// with gyrate_string_free.
#include <cstdlib>

#include "c_abi.hpp"
#include "gyrate/engine/explain.hpp"

using namespace gyrate::c_abi;

extern "C" {

int gyrate_explain(gyrate_engine* engine, const char* account,
                   const gyrate_reserve_request* request, int32_t format, char** out,
                   size_t* length) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (account == nullptr) return null_argument("account");
    if (out == nullptr) return null_argument("out");
    *out = nullptr;
    if (format != GYRATE_EXPLAIN_TEXT && format != GYRATE_EXPLAIN_JSON) {
      return fail(GYRATE_INVALID_ARGUMENT, "format " + std::to_string(format) + " is not text (0) or JSON (1)");
    }
    gyrate::engine::ReserveRequest q;
    if (int st = reserve_request(request, q); st != GYRATE_OK) return st;
    gyrate::Expected<gyrate::engine::Explanation> e = engine->engine->explain(account, q);
    if (!e) return fail(e.status());
    std::string text = format == GYRATE_EXPLAIN_JSON ? gyrate::engine::to_json(*e)
                                                     : gyrate::engine::to_text(*e);
    char* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (copy == nullptr) return fail(GYRATE_RESOURCE_EXHAUSTED, "out of memory");
    std::memcpy(copy, text.c_str(), text.size() + 1);
    *out = copy;
    if (length != nullptr) *length = text.size();
    return GYRATE_OK;
  });
}

void gyrate_string_free(char* string) { std::free(string); }

}  // extern "C"
