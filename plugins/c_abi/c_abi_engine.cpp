// The C ABI's catalogs and engines: loading a .tariff, making the engine (in one place,
// make_engine), publishing a catalog hot, and their lifetimes.
#include "c_abi.hpp"

namespace gyrate::c_abi {

std::unique_ptr<engine::Engine> make_engine(std::shared_ptr<const engine::Catalog> catalog) {
  return std::make_unique<engine::Engine>(std::move(catalog));
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
