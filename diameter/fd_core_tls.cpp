// The TLS files' check before a core starts, and the generated configuration's TLS lines, with
// GnuTLS (freeDiameter's TLS library) so both read the files the same way.
#include "gyrate/diameter/fd_core_tls.hpp"

#include "fd_core.hpp"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

namespace gyrate::diameter {
namespace {

Status bad(const std::string& file, const std::string& what) {
  return Status::error(ErrorCode::kInvalidArgument, file + ": " + what);
}

// The file's bytes, or why not (fopen's errno is lost inside freeDiameter: say it here).
Status read_file(const std::string& role, const std::string& path, std::string* out) {
  if (path.empty()) return Status::error(ErrorCode::kInvalidArgument, "TLS needs " + role);
  if (::access(path.c_str(), F_OK) != 0) {
    return Status::error(ErrorCode::kNotFound, path + ": no such file (" + role + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad(path, "cannot be read (" + role + ")");
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return bad(path, "cannot be read (" + role + ")");
  return Status::ok();
}

gnutls_datum_t datum(const std::string& s) {
  return gnutls_datum_t{reinterpret_cast<unsigned char*>(const_cast<char*>(s.data())),
                        static_cast<unsigned>(s.size())};
}

std::string gnutls_says(int e) { return gnutls_strerror(e); }

// Owns an imported list of certificates or CRLs.
struct CertList {
  std::vector<gnutls_x509_crt_t> certs;
  ~CertList() {
    for (gnutls_x509_crt_t c : certs) gnutls_x509_crt_deinit(c);
  }
};
struct CrlList {
  std::vector<gnutls_x509_crl_t> crls;
  ~CrlList() {
    for (gnutls_x509_crl_t c : crls) gnutls_x509_crl_deinit(c);
  }
};

Status import_certs(const std::string& path, const std::string& pem, unsigned flags, CertList* out) {
  gnutls_x509_crt_t* list = nullptr;
  unsigned n = 0;
  gnutls_datum_t d = datum(pem);
  int e = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, flags);
  if (e == GNUTLS_E_CERTIFICATE_LIST_UNSORTED) {
    return bad(path, "holds certificates that are not one chain; freeDiameter reads one CA (or one "
                     "chain) per file: put unrelated CAs in separate files");
  }
  if (e < 0 || n == 0) {
    return bad(path, "no PEM certificate in it" + (e < 0 ? " (" + gnutls_says(e) + ")" : std::string()));
  }
  out->certs.assign(list, list + n);
  gnutls_free(list);
  return Status::ok();
}

// The verification status bits as words, the way an operator reads them.
std::string why_untrusted(unsigned status) {
  std::string why;
  auto add = [&](unsigned bit, const char* text) {
    if (status & bit) why += (why.empty() ? "" : ", ") + std::string(text);
  };
  add(GNUTLS_CERT_SIGNER_NOT_FOUND, "not issued by a CA of the CA file");
  add(GNUTLS_CERT_SIGNER_NOT_CA, "its issuer is not a CA");
  add(GNUTLS_CERT_REVOKED, "revoked by the CRL");
  add(GNUTLS_CERT_EXPIRED, "expired");
  add(GNUTLS_CERT_NOT_ACTIVATED, "not valid yet");
  add(GNUTLS_CERT_INSECURE_ALGORITHM, "signed with an insecure algorithm");
  add(GNUTLS_CERT_SIGNATURE_FAILURE, "its signature does not verify");
  return why.empty() ? "not trusted" : why;
}

using TrustList = std::unique_ptr<gnutls_x509_trust_list_st, void (*)(gnutls_x509_trust_list_t)>;

// The CAs and the CRL as freeDiameter's TLS_CA and TLS_CRL lines load them.
Status load_trust(const TlsOptions& tls, gnutls_x509_trust_list_t trust) {
  for (const std::string& path : tls.ca_files) {
    std::string pem;
    if (Status s = read_file("a CA file", path, &pem); !s) return s;
    CertList cas;
    if (Status s = import_certs(path, pem, GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED, &cas); !s) return s;
    if (gnutls_x509_trust_list_add_cas(trust, cas.certs.data(), static_cast<unsigned>(cas.certs.size()), 0) < 0) {
      return bad(path, "its certificates cannot be used as CAs");
    }
    cas.certs.clear();  // the list owns them now
  }
  if (tls.crl_file.empty()) return Status::ok();
  std::string pem;
  if (Status s = read_file("a CRL file", tls.crl_file, &pem); !s) return s;
  gnutls_x509_crl_t* list = nullptr;
  unsigned n = 0;
  gnutls_datum_t d = datum(pem);
  if (int e = gnutls_x509_crl_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0); e < 0 || n == 0) {
    return bad(tls.crl_file, "no PEM revocation list in it" + (e < 0 ? " (" + gnutls_says(e) + ")" : std::string()));
  }
  CrlList crls;
  crls.crls.assign(list, list + n);
  gnutls_free(list);
  if (gnutls_x509_trust_list_add_crls(trust, crls.crls.data(), n, GNUTLS_TL_VERIFY_CRL, 0) < 0) {
    return bad(tls.crl_file, "its revocation lists are not signed by a CA of the CA files");
  }
  crls.crls.clear();
  return Status::ok();
}

Status check_chain(const TlsOptions& tls, const CertList& own, const std::string& identity) {
  gnutls_x509_trust_list_t raw = nullptr;
  if (gnutls_x509_trust_list_init(&raw, 0) < 0) return Status::error(ErrorCode::kInternal, "GnuTLS");
  TrustList trust(raw, [](gnutls_x509_trust_list_t t) { gnutls_x509_trust_list_deinit(t, 1); });
  if (Status s = load_trust(tls, raw); !s) return s;
  unsigned status = 0;
  if (int e = gnutls_x509_trust_list_verify_crt(raw, const_cast<gnutls_x509_crt_t*>(own.certs.data()),
                                                static_cast<unsigned>(own.certs.size()), 0, &status, nullptr);
      e < 0) {
    return bad(tls.cert_file, "cannot be verified (" + gnutls_says(e) + ")");
  }
  if (status != 0) return bad(tls.cert_file, "does not chain to the CA files: " + why_untrusted(status));
  if (!gnutls_x509_crt_check_hostname(own.certs[0], identity.c_str())) {
    return bad(tls.cert_file, "does not name this side's Diameter identity '" + identity +
                                  "' (CN or dNSName); peers check it against the identity they connect to");
  }
  return Status::ok();
}

}  // namespace

Status check_tls_options(const TlsOptions& tls, const std::string& identity) {
  std::string cert_pem, key_pem;
  if (Status s = read_file("a certificate file", tls.cert_file, &cert_pem); !s) return s;
  if (Status s = read_file("a private key file", tls.key_file, &key_pem); !s) return s;
  if (tls.ca_files.empty()) return Status::error(ErrorCode::kInvalidArgument, "TLS needs a CA file");
  CertList own;
  if (Status s = import_certs(tls.cert_file, cert_pem, 0, &own); !s) return s;

  // The key, then whether it belongs to the certificate: GnuTLS compares them when both are set.
  gnutls_x509_privkey_t key = nullptr;
  gnutls_x509_privkey_init(&key);
  std::unique_ptr<gnutls_x509_privkey_int, void (*)(gnutls_x509_privkey_t)> key_owner(key, gnutls_x509_privkey_deinit);
  gnutls_datum_t key_datum = datum(key_pem);
  if (int e = gnutls_x509_privkey_import2(key, &key_datum, GNUTLS_X509_FMT_PEM, nullptr, 0); e < 0) {
    return bad(tls.key_file, "not an unencrypted PEM private key (" + gnutls_says(e) + ")");
  }
  gnutls_certificate_credentials_t creds = nullptr;
  gnutls_certificate_allocate_credentials(&creds);
  std::unique_ptr<gnutls_certificate_credentials_st, void (*)(gnutls_certificate_credentials_t)> creds_owner(
      creds, gnutls_certificate_free_credentials);
  if (int e = gnutls_certificate_set_x509_key(creds, own.certs.data(), static_cast<int>(own.certs.size()), key);
      e < 0) {
    return bad(tls.key_file, e == GNUTLS_E_CERTIFICATE_KEY_MISMATCH
                                 ? "is not the key of the certificate in " + tls.cert_file
                                 : "cannot be used with " + tls.cert_file + " (" + gnutls_says(e) + ")");
  }
  if (Status s = check_chain(tls, own, identity); !s) return s;

  if (!tls.priority.empty()) {
    gnutls_priority_t prio = nullptr;
    const char* where = nullptr;
    if (gnutls_priority_init(&prio, tls.priority.c_str(), &where) < 0) {
      return Status::error(ErrorCode::kInvalidArgument,
                           "TLS priority '" + tls.priority + "' does not parse at '" + (where ? where : "") + "'");
    }
    gnutls_priority_deinit(prio);
  }
  return Status::ok();
}

namespace fd {

bool certificate_names(const gnutls_datum_t& der, const char* identity) {
  gnutls_x509_crt_t cert = nullptr;
  if (gnutls_x509_crt_init(&cert) < 0) return false;
  bool names = gnutls_x509_crt_import(cert, &der, GNUTLS_X509_FMT_DER) >= 0 &&
               gnutls_x509_crt_check_hostname(cert, identity) != 0;
  gnutls_x509_crt_deinit(cert);
  return names;
}

void write_tls_conf(std::ostream& conf, const TlsOptions& tls) {
  conf << "TLS_Cred = \"" << tls.cert_file << "\", \"" << tls.key_file << "\";\n";
  for (const std::string& ca : tls.ca_files) conf << "TLS_CA = \"" << ca << "\";\n";
  if (!tls.crl_file.empty()) conf << "TLS_CRL = \"" << tls.crl_file << "\";\n";
  if (!tls.priority.empty()) conf << "TLS_Prio = \"" << tls.priority << "\";\n";
}

}  // namespace fd
}  // namespace gyrate::diameter
