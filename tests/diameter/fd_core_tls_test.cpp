// check_tls_options on files made by examples/tls/make-test-ca.sh (openssl) at test time: what it
// accepts and how it names each wrong file; certificate_names on a DER certificate. Skipped where
// openssl is missing.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fd_core.hpp"
#include "gyrate/diameter/fd_core_tls.hpp"

namespace gyrate::diameter {
namespace {

namespace fs = std::filesystem;

class FdCoreTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) return;
    char pattern[] = "/tmp/gyrate-tls-test-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return;
    dir_ = pattern;
    std::string script = std::string(GYRATE_SOURCE_DIR) + "/examples/tls/make-test-ca.sh";
    bool made = std::system(("sh " + script + " " + dir_ + "/good ocs.gyrate.test sim.gyrate.test >/dev/null").c_str()) == 0 &&
                std::system(("sh " + script + " " + dir_ + "/other ocs.gyrate.test >/dev/null").c_str()) == 0;
    if (!made) dir_.clear();
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void SetUp() override {
    if (dir_.empty()) GTEST_SKIP() << "openssl is not installed (or the test CA could not be made)";
  }
  static std::string path(const std::string& name) { return dir_ + "/" + name; }
  static TlsOptions good() {
    TlsOptions tls;
    tls.cert_file = path("good/ocs.gyrate.test.pem");
    tls.key_file = path("good/ocs.gyrate.test.key");
    tls.ca_files = {path("good/ca.pem")};
    return tls;
  }
  // The check's message, or "ok".
  static std::string check(const TlsOptions& tls, const std::string& identity = "ocs.gyrate.test") {
    Status s = check_tls_options(tls, identity);
    return s ? "ok" : s.message();
  }
  static std::string dir_;
};
std::string FdCoreTlsTest::dir_;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(FdCoreTlsTest, AcceptsMatchingFiles) {
  EXPECT_EQ(check(good()), "ok");
  TlsOptions two_cas = good();
  two_cas.ca_files.push_back(path("other/ca.pem"));  // a second, unrelated CA in its own file
  two_cas.priority = "NORMAL:-VERS-TLS1.0";
  EXPECT_EQ(check(two_cas), "ok");
}

TEST_F(FdCoreTlsTest, NamesAMissingFile) {
  TlsOptions tls = good();
  tls.key_file = path("good/nope.key");
  Status s = check_tls_options(tls, "ocs.gyrate.test");
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_TRUE(contains(s.message(), "nope.key: no such file")) << s.message();
}

TEST_F(FdCoreTlsTest, RefusesAKeyOfAnotherCertificate) {
  TlsOptions tls = good();
  tls.key_file = path("good/sim.gyrate.test.key");
  EXPECT_TRUE(contains(check(tls), "sim.gyrate.test.key: is not the key of the certificate")) << check(tls);
}

TEST_F(FdCoreTlsTest, RefusesWhatIsNotAKey) {
  TlsOptions tls = good();
  tls.key_file = path("good/ca.pem");
  EXPECT_TRUE(contains(check(tls), "not an unencrypted PEM private key")) << check(tls);
}

TEST_F(FdCoreTlsTest, RefusesACertificateOfAnotherIdentity) {
  EXPECT_TRUE(contains(check(good(), "other.gyrate.test"), "does not name this side's Diameter identity"));
}

TEST_F(FdCoreTlsTest, RefusesACertificateOfAnotherCa) {
  TlsOptions tls = good();
  tls.ca_files = {path("other/ca.pem")};
  EXPECT_TRUE(contains(check(tls), "does not chain to the CA files: not issued by a CA")) << check(tls);
}

TEST_F(FdCoreTlsTest, RefusesTwoUnrelatedCasInOneFile) {
  // freeDiameter 1.2.1 imports a TLS_CA file as one sorted chain and fails its parse otherwise.
  std::ofstream both(path("both.pem"));
  for (const char* ca : {"good/ca.pem", "other/ca.pem"}) {
    std::ifstream in(path(ca));
    both << std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  both.close();
  TlsOptions tls = good();
  tls.ca_files = {path("both.pem")};
  EXPECT_TRUE(contains(check(tls), "not one chain")) << check(tls);
}

TEST_F(FdCoreTlsTest, RefusesAPriorityThatDoesNotParse) {
  TlsOptions tls = good();
  tls.priority = "NORMAL:+NO-SUCH-THING";
  EXPECT_TRUE(contains(check(tls), "does not parse")) << check(tls);
}

TEST_F(FdCoreTlsTest, NeedsACaFile) {
  TlsOptions tls = good();
  tls.ca_files.clear();
  EXPECT_TRUE(contains(check(tls), "needs a CA file")) << check(tls);
}

TEST_F(FdCoreTlsTest, CertificateNamesItsIdentityOnly) {
  std::string der_path = path("ocs.der");
  ASSERT_EQ(std::system(("openssl x509 -in " + path("good/ocs.gyrate.test.pem") + " -outform DER -out " + der_path).c_str()),
            0);
  std::ifstream in(der_path, std::ios::binary);
  std::string der(std::istreambuf_iterator<char>(in), {});
  gnutls_datum_t datum{reinterpret_cast<unsigned char*>(der.data()), static_cast<unsigned>(der.size())};
  EXPECT_TRUE(fd::certificate_names(datum, "ocs.gyrate.test"));
  EXPECT_TRUE(fd::certificate_names(datum, "OCS.gyrate.test"));  // Diameter identities are case-blind
  EXPECT_FALSE(fd::certificate_names(datum, "sim.gyrate.test"));
  EXPECT_FALSE(fd::certificate_names(gnutls_datum_t{nullptr, 0}, "ocs.gyrate.test"));
}

}  // namespace
}  // namespace gyrate::diameter
