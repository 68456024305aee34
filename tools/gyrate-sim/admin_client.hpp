// gyrate-sim month's client of a server's admin API (docs/admin-api.md): accounts after the
// month, the explanation of a refused request, and pack purchases. Here, not in gyrate_sim, so
// that the library stays free of HTTP; it only turns JSON into gyrate_sim's structs.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gyrate/sim/month_check_types.hpp"

namespace httplib {
class Client;
}

namespace gyrate::sim_tool {

class AdminClient {
 public:
  AdminClient(const std::string& url, std::string token);
  ~AdminClient();

  // GET /v1/subscribers/{id}.
  std::optional<sim::AccountState> account(const std::string& id);
  // GET /v1/subscribers/{id}/explain?format=json.
  std::optional<sim::RefusalView> refusal(const std::string& id);
  // POST /v1/subscribers/{id}/packs: the money charged.
  std::optional<int64_t> buy_pack(const std::string& id, const std::string& pack,
                                  const std::string& order);

 private:
  // The JSON body of a 200 answer, or "" after reporting the failure (once) on stderr.
  std::string call(const std::string& method, const std::string& path, const std::string& body,
                   const std::string& what);

  std::mutex mutex_;
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
  bool complained_ = false;
};

}  // namespace gyrate::sim_tool
