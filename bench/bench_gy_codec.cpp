// The Gy codec's cost per message beside the stack's own parse of the same CCR: what the server adds
// to the ~73 us of stack CPU per CCR (freediameter-notes.md). A core configured, never started.
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fd_core.hpp"
#include "fd_gy_codec.hpp"
#include "fd_msg_edit.hpp"
#include "gy_fixtures.hpp"

namespace gd = gyrate::diameter;
namespace fd = gyrate::diameter::fd;

namespace {

gd::CreditControlRequest update() {
  return gd::fixtures::sample_ccr(gd::CcRequestType::kUpdate, 1, "pgw.bench;1;1", "pgw.bench.test",
                                  "bench.test");
}

struct msg* received_update() { return fd::testing::over_the_wire(*fd::build_ccr(update())); }

void BM_BuildCcr(benchmark::State& state) {
  gd::CreditControlRequest q = update();
  for (auto _ : state) {
    struct msg* m = *fd::build_ccr(q);
    benchmark::DoNotOptimize(m);
    fd_msg_free(m);
  }
}
BENCHMARK(BM_BuildCcr);

// A received CCR's bytes, parsed as the stack does before a handler runs (buffer, dictionary,
// rules); then, when `codec`, the handler's work: parse_ccr, build_cca, and the answer's bytes.
void server_path(benchmark::State& state, bool codec) {
  struct msg* m = *fd::build_ccr(update());
  uint8_t* buf = nullptr;
  size_t len = 0;
  fd_msg_bufferize(m, &buf, &len);
  fd_msg_free(m);
  gd::CreditControlAnswer a = gd::fixtures::sample_cca(update(), "ocs.bench.test", "bench.test");
  for (auto _ : state) {
    auto* copy = static_cast<uint8_t*>(std::malloc(len));
    std::memcpy(copy, buf, len);
    struct msg* parsed = nullptr;
    fd_msg_parse_buffer(&copy, len, &parsed);
    fd_msg_parse_dict(parsed, fd::gy_dictionary().dict, nullptr);
    fd_msg_parse_rules(parsed, fd::gy_dictionary().dict, nullptr);
    if (codec) {
      auto q = fd::parse_ccr(parsed);
      benchmark::DoNotOptimize(q);
      fd::build_cca(&parsed, a).is_ok();
      uint8_t* out = nullptr;
      size_t out_len = 0;
      fd_msg_bufferize(parsed, &out, &out_len);
      std::free(out);
    }
    fd_msg_free(parsed);
  }
  std::free(buf);
}
void BM_StackParseCcr(benchmark::State& state) { server_path(state, false); }
BENCHMARK(BM_StackParseCcr);
void BM_StackParseCcrThenCodec(benchmark::State& state) { server_path(state, true); }
BENCHMARK(BM_StackParseCcrThenCodec);

void BM_ParseCcr(benchmark::State& state) {
  struct msg* m = received_update();
  for (auto _ : state) {
    auto q = fd::parse_ccr(m);
    benchmark::DoNotOptimize(q);
  }
  fd_msg_free(m);
}
BENCHMARK(BM_ParseCcr);

void BM_ParseCca(benchmark::State& state) {
  struct msg* m = received_update();
  fd::build_cca(&m, gd::fixtures::sample_cca(update(), "ocs.bench.test", "bench.test")).is_ok();
  struct msg* answer = fd::testing::over_the_wire(m);
  for (auto _ : state) {
    auto a = fd::parse_cca(answer);
    benchmark::DoNotOptimize(a);
  }
  fd_msg_free(answer);
}
BENCHMARK(BM_ParseCca);

}  // namespace

int main(int argc, char** argv) {
  fd::CoreOptions options;
  options.identity = "ocs.bench.test";
  options.realm = "bench.test";
  options.conf_path = "/tmp/bench_gy_codec." + std::to_string(getpid()) + ".conf";
  bool ok = fd::configure_core(options).is_ok();
  std::remove(options.conf_path.c_str());
  if (!ok) {
    std::fprintf(stderr, "bench_gy_codec: cannot configure the freeDiameter core\n");
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
