// The C ABI's catalogs and engines: loading a .tariff, making the engine (in one place,
// make_engine), publishing a catalog hot, and their lifetimes.
#include "c_abi.hpp"

namespace gyrate::c_abi {

std::unique_ptr<engine::Engine> make_engine(std::shared_ptr<const engine::Catalog> catalog) {
  return std::make_unique<engine::Engine>(std::move(catalog));
}

Expected<std::unique_ptr<engine::Engine>> make_engine(std::shared_ptr<const engine::Catalog> catalog,
                                                      const gyrate_engine_options& options) {
  if (options.store_dir == nullptr) return make_engine(std::move(catalog));
  engine::JournalOptions journal;
  switch (options.fsync) {
    case GYRATE_FSYNC_ALWAYS: journal.fsync = engine::FsyncPolicy::kAlways; break;
    case GYRATE_FSYNC_BATCHED: journal.fsync = engine::FsyncPolicy::kBatched; break;
    case GYRATE_FSYNC_OFF: journal.fsync = engine::FsyncPolicy::kOff; break;
    default:
      return Status::error(ErrorCode::kInvalidArgument,
                           "options.fsync " + std::to_string(options.fsync) + " is not a GYRATE_FSYNC_*");
  }
  journal.salvage = options.salvage != 0;
  auto store = engine::EmbeddedStore::open(options.store_dir, journal);
  if (!store) return store.status();
  return engine::Engine::open(std::move(catalog), std::move(*store));
}

}  // namespace gyrate::c_abi

using namespace gyrate::c_abi;

extern "C" {

int gyrate_catalog_open(const char* path, const gyrate_catalog_options* options,
                        gyrate_catalog** out) {
  return guarded([&] {
    if (path == nullptr) return null_argument("path");
    if (out == nullptr) return null_argument("out");
    *out = nullptr;
    gyrate_catalog_options given{};
    given.struct_size = sizeof given;
    if (options != nullptr) {
      if (int s = read_struct(options, given, "options"); s != GYRATE_OK) return s;
    }
    gyrate::engine::CatalogOptions o;
    if (given.interpreter != 0) o.evaluator = gyrate::jit::EvaluatorKind::kInterp;
    gyrate::engine::CatalogLoad load = gyrate::engine::load_catalog(path, o);
    if (!load.status) {
      std::string diagnostics = load.file.rendered_diagnostics();
      int status = fail(load.status);  // the code; the message gets the diagnostics too
      return fail(status, load.status.message() + (diagnostics.empty() ? "" : "\n" + diagnostics));
    }
    *out = new gyrate_catalog{std::move(load.catalog)};
    return GYRATE_OK;
  });
}

void gyrate_catalog_free(gyrate_catalog* catalog) { delete catalog; }

int gyrate_engine_create(gyrate_catalog* catalog, gyrate_engine** out) {
  return guarded([&] {
    if (catalog == nullptr) return null_argument("catalog");
    if (out == nullptr) return null_argument("out");
    *out = new gyrate_engine{make_engine(catalog->catalog)};
    return GYRATE_OK;
  });
}

int gyrate_engine_open(gyrate_catalog* catalog, const gyrate_engine_options* options,
                       gyrate_engine** out) {
  return guarded([&] {
    if (catalog == nullptr) return null_argument("catalog");
    if (options == nullptr) return null_argument("options");
    if (out == nullptr) return null_argument("out");
    *out = nullptr;
    gyrate_engine_options given{};
    given.struct_size = sizeof given;
    if (int s = read_struct(options, given, "options"); s != GYRATE_OK) return s;
    auto engine = make_engine(catalog->catalog, given);
    if (!engine) return fail(engine.status());
    *out = new gyrate_engine{std::move(*engine)};
    return GYRATE_OK;
  });
}

int gyrate_engine_checkpoint(gyrate_engine* engine) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (gyrate::Status s = engine->engine->checkpoint(); !s) return fail(s);
    return GYRATE_OK;
  });
}

void gyrate_engine_destroy(gyrate_engine* engine) { delete engine; }

int gyrate_engine_publish(gyrate_engine* engine, gyrate_catalog* catalog) {
  return guarded([&] {
    if (engine == nullptr) return null_argument("engine");
    if (catalog == nullptr) return null_argument("catalog");
    engine->engine->publish(catalog->catalog);
    return GYRATE_OK;
  });
}

}  // extern "C"
