// `gyratec explain`'s library half: a reserve request explained against the state a scenario
// reaches at one of its lines, or against a fresh subscriber with some usage committed.
#include "gyrate/scenario/explain.hpp"

#include <ctime>

#include "gyrate/ruleslang/context_builder.hpp"
#include "player.hpp"

namespace gyrate::scenario {
namespace {

ExplainResult failed(std::string why) {
  ExplainResult r;
  r.error = std::move(why);
  return r;
}

ExplainResult explained(Expected<engine::Explanation> e) {
  if (!e) return failed(e.status().message());
  ExplainResult r;
  r.explanation = std::move(*e);
  return r;
}

// An amount of `service` as text ("2M", "500k token", "2 GiB"), read as the context builder
// reads `requested`: in the service's unit, other dimensions refused.
Expected<int64_t> amount(const engine::Catalog& catalog, uint16_t service, const std::string& text) {
  const lang::ir::Program& p = catalog.program();
  lang::ContextBuilder ctx(p);
  ctx.for_service(p.services[service].dim);
  if (std::string err = ctx.set_by_name("requested", text); !err.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "`" + text + "`: " + err);
  }
  return ctx.context().slots[lang::kSlotRequested];
}

Expected<uint16_t> service_of(const engine::Catalog& catalog, const std::string& name,
                              const std::string& file) {
  std::optional<uint16_t> s = catalog.service(name);
  if (!s) return Status::error(ErrorCode::kNotFound, "no service `" + name + "` in " + file);
  return *s;
}

// Reserves and commits `used` of the service at t, as a session of its own.
Status commit_used(engine::Engine& engine, const std::string& id, const std::string& service,
                   int64_t used, uint32_t number, int64_t t) {
  engine::ReserveRequest r;
  r.session = "used";
  r.number = number * 2 - 1;
  r.service = service;
  r.requested = used;
  r.time = t;
  Expected<engine::Answer> reserved = engine.reserve(id, r);
  if (!reserved) return reserved.status();
  engine::CommitRequest c;
  c.session = r.session;
  c.number = number * 2;
  c.service = service;
  c.used = used;
  c.time = t;
  Expected<engine::Answer> committed = engine.commit(id, c);
  return committed ? Status::ok() : committed.status();
}

}  // namespace

Expected<engine::Explanation> Player::explain_at(const Scenario& scenario, uint32_t line) {
  const Step* target = nullptr;
  for (const Step& s : scenario.steps) {
    if (s.line == line) target = &s;
  }
  std::string where = file_.name() + ":" + std::to_string(line);
  if (target == nullptr) return Status::error(ErrorCode::kNotFound, where + " holds no step");
  if (target->kind != StepKind::kReserve) {
    return Status::error(ErrorCode::kInvalidArgument,
                         where + " is not a reserve step: `" + target->text + "`");
  }
  for (const Step& s : scenario.steps) {
    if (&s == target) break;
    if (s.kind == StepKind::kExpect) {
      expect(s);
    } else {
      step(s);
    }
  }
  Expected<engine::Explanation> e = engine_->explain(target->subject, reserve_request(*target));
  if (e) {
    for (const lang::SourceFile& source : sources_) engine::locate(*e, source);
  }
  return e;
}

ExplainResult explain_at(const std::string& path, uint32_t line, const std::string& tariff,
                         const RunOptions& options) {
  Expected<lang::SourceFile> file = read_scenario(path);
  if (!file) return failed(file.status().message());
  ParseResult parsed = parse(*file);
  if (!parsed.scenario) return failed(lang::render_all(parsed.diagnostics, *file));
  Report report;
  Player player(*file, directory_of(path), options, report);
  if (!tariff.empty()) player.replace_tariff(tariff);
  if (!player.check(*parsed.scenario)) return failed(report.diagnostics);
  return explained(player.explain_at(*parsed.scenario, line));
}

ExplainResult explain_fresh(const FreshRequest& q, const RunOptions& options) {
  engine::CatalogLoad load = engine::load_catalog(q.tariff, options.catalog);
  if (!load.status) {
    return failed(load.file.rendered_diagnostics() + q.tariff + ": " + load.status.message());
  }
  const engine::Catalog& catalog = *load.catalog;
  std::optional<uint32_t> plan =
      q.version > 0 ? catalog.plan(q.plan, q.version) : catalog.plan(q.plan);
  if (!plan) {
    return failed(q.version > 0 && catalog.plan(q.plan)
                      ? "plan `" + q.plan + "` has no version " + std::to_string(q.version) +
                            " in " + q.tariff
                      : "no plan `" + q.plan + "` in " + q.tariff);
  }
  Expected<uint16_t> service = service_of(catalog, q.service, q.tariff);
  if (!service) return failed(service.status().message());
  if (!q.model.empty()) {
    std::optional<uint32_t> model = catalog.model(q.model);
    if (!model || catalog.program().models[*model].service != *service) {
      return failed("no model `" + q.model + "` of service `" + q.service + "` in " + q.tariff);
    }
  }
  int64_t t = q.at_unix ? q.at : q.at - int64_t{catalog.program().timezone_offset_minutes} * 60;
  if (!q.at_given) t = static_cast<int64_t>(std::time(nullptr));

  engine::Engine engine(load.catalog);
  const std::string id = "subscriber";
  engine::ProvisionSpec spec;
  spec.id = id;
  spec.plan = q.plan;
  spec.activation = t;
  spec.attributes = q.attributes;
  if (Status s = engine.provision(spec); !s) return failed("provisioning: " + s.message());
  uint32_t number = 0;
  for (const auto& [name, text] : q.used) {
    Expected<uint16_t> used_service = service_of(catalog, name, q.tariff);
    if (!used_service) return failed("--used: " + used_service.status().message());
    Expected<int64_t> used = amount(catalog, *used_service, text);
    if (!used) return failed("--used " + name + "=" + used.status().message());
    if (Status s = commit_used(engine, id, name, *used, ++number, t); !s) {
      return failed("--used " + name + "=" + text + ": " + s.message());
    }
  }
  engine::ReserveRequest r;
  r.session = "explain";
  r.number = 1;
  r.service = q.service;
  r.model = q.model;
  r.time = t;
  if (!q.requested.empty()) {
    Expected<int64_t> requested = amount(catalog, *service, q.requested);
    if (!requested) return failed("--requested " + requested.status().message());
    r.requested = *requested;
  }
  Expected<engine::Explanation> e = engine.explain(id, r);
  if (!e) return failed(e.status().message());
  if (q.version > 0 && e->plan_version != q.version) {
    return failed("plan `" + q.plan + "` version " + std::to_string(q.version) +
                  " is not the one a subscriber joins then: version " +
                  std::to_string(e->plan_version) + " is in effect");
  }
  if (load.file.source) engine::locate(*e, *load.file.source);
  return explained(std::move(e));
}

}  // namespace gyrate::scenario
