#include "gyrate/diameter/currency_code.hpp"

#include <array>
#include <utility>

namespace gyrate::diameter {

uint32_t iso4217_numeric(std::string_view alphabetic) {
  static constexpr std::array<std::pair<std::string_view, uint32_t>, 40> kCodes{{
      {"AED", 784}, {"ARS", 32},  {"AUD", 36},  {"BRL", 986}, {"CAD", 124}, {"CHF", 756},
      {"CLP", 152}, {"CNY", 156}, {"COP", 170}, {"CZK", 203}, {"DKK", 208}, {"EGP", 818},
      {"EUR", 978}, {"GBP", 826}, {"HKD", 344}, {"HUF", 348}, {"IDR", 360}, {"ILS", 376},
      {"INR", 356}, {"JPY", 392}, {"KES", 404}, {"KRW", 410}, {"MXN", 484}, {"MYR", 458},
      {"NGN", 566}, {"NOK", 578}, {"NZD", 554}, {"PHP", 608}, {"PKR", 586}, {"PLN", 985},
      {"RUB", 643}, {"SAR", 682}, {"SEK", 752}, {"SGD", 702}, {"THB", 764}, {"TRY", 949},
      {"TWD", 901}, {"USD", 840}, {"VND", 704}, {"ZAR", 710},
  }};
  for (const auto& [code, number] : kCodes) {
    if (code == alphabetic) return number;
  }
  return 0;
}

}  // namespace gyrate::diameter
