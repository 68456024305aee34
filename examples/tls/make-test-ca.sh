#!/bin/sh
# Makes a throwaway CA and one certificate per Diameter identity, for trying TLS between gyrate-ocs
# and gyrate-sim (or any freeDiameter peer). Test use only: the keys are unencrypted and the CA's
# key stays beside its certificate.
#
#   examples/tls/make-test-ca.sh DIR IDENTITY...
#
# writes DIR/ca.pem (what --tls-ca / TLS_CA take), DIR/ca.key, and DIR/IDENTITY.pem + DIR/IDENTITY.key
# for each identity. A certificate names its identity as CN and as a DNS subjectAltName: freeDiameter
# checks a server's against the identity it connects to, and gyrate-ocs a client's against its
# Origin-Host. Run it twice into two directories for two unrelated CAs. Needs openssl.
set -eu
if [ "$#" -lt 2 ]; then
  echo "usage: $0 DIR IDENTITY..." >&2
  exit 2
fi
dir=$1
shift
command -v openssl >/dev/null || { echo "$0: openssl is not installed" >&2; exit 3; }
mkdir -p "$dir"
umask 077  # the keys
days=30

if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days "$days" \
    -subj "/O=gyrate test/CN=gyrate test CA $(basename "$dir")" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
fi

for id in "$@"; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
    -subj "/O=gyrate test/CN=$id" -keyout "$dir/$id.key" -out "$dir/$id.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s\n' \
    "$id" >"$dir/$id.ext"
  openssl x509 -req -in "$dir/$id.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -sha256 -days "$days" -extfile "$dir/$id.ext" -out "$dir/$id.pem" 2>/dev/null
  rm -f "$dir/$id.csr" "$dir/$id.ext"
done
chmod 644 "$dir"/*.pem
echo "$dir: ca.pem$(for id in "$@"; do printf ' %s.pem' "$id"; done)"
