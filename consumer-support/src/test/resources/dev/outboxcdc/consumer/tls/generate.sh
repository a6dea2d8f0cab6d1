#!/usr/bin/env bash
# Regenerates the test-only TLS material of the consumer-support tests (valid for 100 years):
#   ca.crt      a CA certificate (PEM), the one the tests trust
#   server.p12  a key and a certificate for host name "localhost" only (no IP address), signed by that CA,
#               store and key password "changeit"
# The private keys are test fixtures: never use them anywhere else.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keytool -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=outbox-cdc test CA" -validity 36500 \
  -ext bc:c -keystore "$work/ca.p12" -storetype PKCS12 -storepass changeit -keypass changeit
keytool -exportcert -rfc -alias ca -keystore "$work/ca.p12" -storepass changeit -file ca.crt
rm -f server.p12
keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname "CN=localhost" -validity 36500 \
  -keystore server.p12 -storetype PKCS12 -storepass changeit -keypass changeit
keytool -certreq -alias server -keystore server.p12 -storepass changeit -file "$work/server.csr"
keytool -gencert -alias ca -keystore "$work/ca.p12" -storepass changeit -infile "$work/server.csr" \
  -outfile "$work/server.crt" -rfc -validity 36500 -ext san=dns:localhost -ext ku:c=digitalSignature -ext eku=serverAuth
keytool -importcert -noprompt -alias ca -keystore server.p12 -storepass changeit -file ca.crt
keytool -importcert -alias server -keystore server.p12 -storepass changeit -file "$work/server.crt"
keytool -delete -alias ca -keystore server.p12 -storepass changeit
