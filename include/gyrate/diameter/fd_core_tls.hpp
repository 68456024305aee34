// TLS towards Diameter peers: the files a freeDiameter core needs for it, and their check before the
// core sees them (freeDiameter reports a bad file as a parse error or a fatal log line, if at all).
#pragma once

#include <string>
#include <vector>

#include "gyrate/base/status.hpp"

namespace gyrate::diameter {

// RFC 6733 TLS on connect (see docs/gy.md "TLS"). Every peer presents a certificate that chains to
// a CA of `ca_files`; this side's certificate must chain to one too and name this side's Diameter
// identity (CN or a dNSName), as peers check it against the identity they connect to.
struct TlsOptions {
  std::string cert_file;  // PEM certificate (chain), leaf first
  std::string key_file;   // PEM private key of cert_file, unencrypted
  // PEM CAs that certificates must chain to. freeDiameter 1.2.1 reads each file as one sorted
  // chain, so unrelated CAs go in separate files.
  std::vector<std::string> ca_files;
  std::string crl_file;   // PEM revocation list; empty: none
  std::string priority;   // GnuTLS priority string; empty: freeDiameter's default ("NORMAL")
};

// Checks up front what freeDiameter would otherwise fail on later or obscurely: each file present
// and readable as PEM, the key matching the certificate, the certificate valid now, chaining to the
// CA files (and not revoked by the CRL) and naming `identity`, and the priority string parsing.
// kInvalidArgument (or kNotFound for a missing file) names the file and what is wrong.
Status check_tls_options(const TlsOptions& tls, const std::string& identity);

}  // namespace gyrate::diameter
