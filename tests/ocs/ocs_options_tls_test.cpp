// gyrate-ocs's TLS settings as flags and as config keys: the same names, TLS on once any is given,
// the three files together, --tls-ca repeatable, and a plain port only beside TLS.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gyrate/ocs/ocs_options.hpp"

namespace gyrate::ocs {
namespace {

std::vector<std::string> base(std::vector<std::string> more) {
  std::vector<std::string> args = {"--catalog", "c.tariff", "--store", "st"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(OcsOptionsTlsTest, NoTlsFlagsMeansPlainTcp) {
  auto parsed = parse_ocs_args(base({}));
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  EXPECT_FALSE(parsed->options.gy.tls.has_value());
}

TEST(OcsOptionsTlsTest, FlagsFillTheTlsOptions) {
  auto parsed = parse_ocs_args(base({"--tls-cert", "s.pem", "--tls-key", "s.key", "--tls-ca", "a.pem", "--tls-ca",
                                     "b.pem", "--tls-crl", "c.crl", "--tls-priority", "NORMAL", "--tls-plain-port",
                                     "3869"}));
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  const auto& tls = parsed->options.gy.tls;
  ASSERT_TRUE(tls.has_value());
  EXPECT_EQ(tls->cert_file, "s.pem");
  EXPECT_EQ(tls->key_file, "s.key");
  EXPECT_EQ(tls->ca_files, (std::vector<std::string>{"a.pem", "b.pem"}));
  EXPECT_EQ(tls->crl_file, "c.crl");
  EXPECT_EQ(tls->priority, "NORMAL");
  EXPECT_EQ(parsed->options.gy.plain_port, 3869);
}

TEST(OcsOptionsTlsTest, TheThreeFilesGoTogether) {
  for (const auto& partial : std::vector<std::vector<std::string>>{
           {"--tls-cert", "s.pem"}, {"--tls-cert", "s.pem", "--tls-key", "s.key"}, {"--tls-ca", "a.pem"},
           {"--tls-priority", "NORMAL"}}) {
    auto parsed = parse_ocs_args(base(partial));
    ASSERT_FALSE(parsed) << partial[0];
    EXPECT_NE(parsed.status().message().find("--tls-cert, --tls-key and --tls-ca"), std::string::npos)
        << parsed.status().message();
  }
}

TEST(OcsOptionsTlsTest, APlainPortNeedsTls) {
  auto parsed = parse_ocs_args(base({"--tls-plain-port", "3869"}));
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.status().message().find("needs TLS"), std::string::npos) << parsed.status().message();
}

TEST(OcsOptionsTlsTest, ConfigKeysHaveTheFlagsNames) {
  auto path = std::filesystem::temp_directory_path() / ("gyrate-tls-" + std::to_string(::getpid()) + ".conf");
  std::ofstream(path) << "tls-cert = s.pem\ntls-key = \"s.key\"\ntls-ca = a.pem\n";
  auto parsed = parse_ocs_args(base({"--config", path.string(), "--tls-ca", "b.pem"}));
  std::filesystem::remove(path);
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  ASSERT_TRUE(parsed->options.gy.tls.has_value());
  EXPECT_EQ(parsed->options.gy.tls->key_file, "s.key");
  EXPECT_EQ(parsed->options.gy.tls->ca_files, (std::vector<std::string>{"a.pem", "b.pem"}));
}

}  // namespace
}  // namespace gyrate::ocs
