#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the certificates the fake servers present, in DIR: a CA (ca.pem),
# a good server certificate for 127.0.0.1/localhost signed by it, one that
# expired, one for another host name (both signed by the CA too, so only
# the flaw under test is wrong), and a self-signed one. Uses certtool
# (gnutls-bin) because it can set dates in the past.
set -eu
dir=$1
cd "$dir"

template ()
{
  # $1: file, then lines
  file=$1
  shift
  printf '%s\n' "$@" >"$file"
}

certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile ca.key 2>/dev/null
template ca.tmpl 'cn = "Pigeon fake CA"' 'ca' 'cert_signing_key' 'expiration_days = 30'
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.pem 2>/dev/null

certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile server.key 2>/dev/null

sign ()
{
  # $1: name, then template lines
  name=$1
  shift
  template "$name.tmpl" "$@" 'tls_www_server' 'signing_key'
  certtool --generate-certificate --load-privkey server.key --load-ca-certificate ca.pem \
    --load-ca-privkey ca.key --template "$name.tmpl" --outfile "$name.pem" 2>/dev/null
}

sign good 'cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"' 'expiration_days = 30'
sign expired 'cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"' \
  'activation_date = "2020-01-01 00:00:00"' 'expiration_date = "2021-01-01 00:00:00"'
sign wronghost 'cn = "mail.example.org"' 'dns_name = "mail.example.org"' 'expiration_days = 30'

template selfsigned.tmpl 'cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"' \
  'expiration_days = 30' 'tls_www_server' 'signing_key'
certtool --generate-self-signed --load-privkey server.key --template selfsigned.tmpl \
  --outfile selfsigned.pem 2>/dev/null
