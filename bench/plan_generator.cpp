// Tariff text generator for the 1,000-plan compile benchmark (see plan_generator.hpp).
#include "plan_generator.hpp"

#include <random>
#include <sstream>

namespace gyrate::bench {

std::string generate_plans(int plans, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::ostringstream t;
  t << "currency CNY minor 2;\ntimezone +08:00;\n"
       "service llm  { unit token;   rating_group 100; quota 20k token; }\n"
       "service code { unit request; rating_group 400; quota 1 request; }\n"
       "service data { unit byte;    rating_group 200; quota 20 MiB; }\n"
       "model qwen_turbo { service llm; id 1003; weight 1; modality text; }\n"
       "model qwen_plus  { service llm; id 1002; weight 2; modality text; }\n"
       "model qwen_max   { service llm; id 1001; weight 4; modality text; }\n"
       "attribute segment: string = \"retail\";\n"
       "attribute seats: int = 1;\n"
       "attribute student: bool = false;\n";
  for (int i = 0; i < plans; ++i) {
    t << "plan gen_" << i << " {\n  period monthly anchor billing_day;\n";
    t << "  fee " << pick(5, 50) << ".9 CNY when first_period;\n  fee " << pick(10, 300)
      << " CNY * seats;\n";
    t << "  allowance llm " << pick(1, 50) << "M token;\n";
    if (pick(0, 1) == 0) t << "  eligible when segment == \"opc\" or seats >= " << pick(2, 9) << ";\n";
    t << "  weight llm = " << pick(2, 5) << " when model == qwen_max and hour in 0.." << pick(5, 9)
      << ";\n";
    t << "  grant llm = min(requested, " << pick(10, 200) << "k token);\n";
    t << "  on_exhaust llm charge;\n";
    t << "  overage llm " << pick(1, 4) << " CNY per 1M token when time in 23:00..06:59;\n";
    t << "  overage llm " << pick(5, 9) << " CNY per 1M token;\n";
    t << "  cap spend " << pick(20, 500) << " CNY then terminate;\n";
    if (pick(0, 1) == 0) {
      t << "  allowance code " << pick(1, 20) << "000 requests;\n  limit code " << pick(100, 900)
        << " requests per " << pick(1, 8) << " h;\n  on_exhaust code block;\n";
    }
    if (pick(0, 1) == 0) {
      t << "  allowance data " << pick(1, 50) << " GiB;\n  on_exhaust data restrict \"slow\";\n"
        << "  validity data = " << pick(5, 60) << " min;\n  threshold data = " << pick(10, 30)
        << "%;\n";
    }
    t << "  notify llm at 80%, 100%;\n}\n";
  }
  return t.str();
}

}  // namespace gyrate::bench
