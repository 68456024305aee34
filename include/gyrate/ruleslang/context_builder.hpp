// Fills a Context from readable inputs (a timestamp, model name, attribute values by name), so
// tools, tests and the engine build contexts the same way.
#pragma once

#include <string>
#include <string_view>

#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang {

class ContextBuilder {
 public:
  explicit ContextBuilder(const ir::Program& program);

  // Sets timestamp and all local time fields (catalog timezone).
  ContextBuilder& at(int64_t unix_seconds);
  ContextBuilder& model(std::string_view name);  // unknown name -> -1
  ContextBuilder& set(BuiltinSlot slot, int64_t value);
  // The dimension of the evaluated service: service-relative builtins (requested, used,
  // remaining, ...) then take only its units ("2 token" on a byte service is refused, "2 KiB"
  // is 2048). Without it they take any unit.
  ContextBuilder& for_service(Dim dim);
  // Sets an attribute from text in its declared type ("42", "true", "shanghai_opc", "9.9",
  // "2026-02-29", "400k"): returns an error message, empty on success.
  std::string set_attribute(std::string_view name, std::string_view text);
  // Sets a builtin or attribute by its user-visible name from text; error message or empty.
  // `window_used0` .. `window_used3` set what the plan's rolling-window limits (in declaration
  // order) have counted, in the window's unit: not readable by tariffs, but by decisions.
  std::string set_by_name(std::string_view name, std::string_view text);

  const Context& context() const { return ctx_; }

 private:
  const ir::Program& program_;
  Context ctx_;
  Dim service_dim_ = Dim::kNone;
};

}  // namespace gyrate::lang
