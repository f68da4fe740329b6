#!/usr/bin/env bash
# auth_tls.sh: --web.config.file in exporter-toolkit's format: basic auth with
# bcrypt (401 with WWW-Authenticate, everything behind it), TLS with a minimum
# version, and client certificates.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
# bcrypt("correct horse") at cost 10, made with Python's crypt module:
# crypt.crypt(pw, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)).
HASH='$2b$10$Izv0MZsLNOawWZU5ctJVme2Xr.6Spmi2OEyNn/UEJ.K69pKR2Gjca'
PW='correct horse'
HASH2='$2b$10$h/ocMyKHVekT77IRKb6bY.KnqMZpvnzdxA9CmaUBMLkE193xfpvGi'
PW2='battery staple'

# --- basic auth over plain HTTP ---------------------------------------------
cat >"$TMP/web-auth.yml" <<EOF
basic_auth_users:
  alertmanager: '$HASH'
EOF
relay_start --web.config.file="$TMP/web-auth.yml"

for path in /-/healthy /-/ready /metrics /no/such/path; do
	http "$RELAY_URL$path"
	expect_eq "$path without credentials" "401 Unauthorized" "$HTTP_CODE $HTTP_BODY"
	expect_eq "$path WWW-Authenticate" "WWW-Authenticate: Basic" \
	    "$(grep '^WWW-Authenticate:' <<<"$HTTP_HEADERS")"
done
http -u "alertmanager:wrong" "$RELAY_URL/-/healthy"
expect_eq "wrong password" 401 "$HTTP_CODE"
http -u "mallory:$PW" "$RELAY_URL/-/healthy"
expect_eq "unknown user" 401 "$HTTP_CODE"
http -u "alertmanager:" "$RELAY_URL/-/healthy"
expect_eq "empty password" 401 "$HTTP_CODE"
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "webhook without credentials" 401 "$HTTP_CODE"
for i in 1 2 3; do
	http -u "alertmanager:$PW" "$RELAY_URL/-/healthy"
	expect_eq "right password ($i)" "200 OK" "$HTTP_CODE $HTTP_BODY"
done
http -u "alertmanager:$PW" -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" \
    "$RELAY_URL/webhook"
expect_eq "webhook with credentials" "200 OK" "$HTTP_CODE $HTTP_BODY"
http -u "alertmanager:$PW" "$RELAY_URL/no/such/path"
expect_eq "authenticated unknown path" 404 "$HTTP_CODE"
# The header as Go's Request.BasicAuth reads it: the scheme in any case; a
# NUL after the password is not the password; no ':' is no credentials.
b64() { printf '%b' "$1" | base64 -w0; }
http -H "Authorization: bAsIc $(b64 "alertmanager:$PW")" "$RELAY_URL/-/healthy"
expect_eq "scheme in another case" "200 OK" "$HTTP_CODE $HTTP_BODY"
http -H "Authorization: Basic $(b64 "alertmanager:$PW\\0junk")" "$RELAY_URL/-/healthy"
expect_eq "password, NUL, junk" 401 "$HTTP_CODE"
http -H "Authorization: Basic $(b64 "alertmanager:$PW" | tr -d =)" "$RELAY_URL/-/healthy"
expect_eq "base64 without its padding" 401 "$HTTP_CODE"
http -H "Authorization: Basic $(b64 "alertmanager")" "$RELAY_URL/-/healthy"
expect_eq "no colon" 401 "$HTTP_CODE"
http -H "Authorization: Basic  $(b64 "alertmanager:$PW")" "$RELAY_URL/-/healthy"
expect_eq "two spaces after the scheme" 401 "$HTTP_CODE"

# SIGHUP re-reads the web config: a broken one keeps the running users, a
# good one replaces them (exporter-toolkit reads it on every request).
printf 'basic_auth_users: [\n' >"$TMP/web-auth.yml"
kill -HUP "$RELAY_PID"
wait_for_line 'msg="Loading web config file failed"' 10 "$RELAY_ERR" ||
    fail "no web config reload failure logged"
http -u "alertmanager:$PW" "$RELAY_URL/-/healthy"
expect_eq "users kept after a broken web config" 200 "$HTTP_CODE"
cat >"$TMP/web-auth.yml" <<EOF
basic_auth_users:
  alertmanager: '$HASH2'
EOF
kill -HUP "$RELAY_PID"
for i in $(seq 100); do
	http -u "alertmanager:$PW2" "$RELAY_URL/-/healthy"
	[ "$HTTP_CODE" = 200 ] && break
	sleep 0.1
done
expect_eq "new password after reload" 200 "$HTTP_CODE"
http -u "alertmanager:$PW" "$RELAY_URL/-/healthy"
expect_eq "old password refused after reload" 401 "$HTTP_CODE"
relay_stop
expect_eq "one notification written" 1 "$(wc -l <"$RELAY_OUT")"
expect_eq "no password in the log" 0 \
    "$(grep -c -e 'correct horse' -e 'battery staple' -e 'Authorization' "$RELAY_ERR" || true)"

# A web config with an unknown key stops the start-up with its position.
printf 'basic_auth_users:\n  a: "%s"\ntls_server_confg: {}\n' "$HASH" >"$TMP/web-bad.yml"
rc=0
"$TOCSIN_RELAY" --web.listen-address=127.0.0.1:0 --storage.path="$TMP/data" \
    --web.config.file="$TMP/web-bad.yml" 2>"$TMP/bad.err" || rc=$?
expect_eq "bad web config exit status" 1 "$rc"
expect_eq "bad web config message" 1 \
    "$(grep -c "web-bad.yml:3:1: field tls_server_confg not found in the web config" "$TMP/bad.err")"

# --- TLS ----------------------------------------------------------------------
cd "$TMP"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=tocsin-test-ca -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
    -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile san.ext -out server.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=client \
    -keyout client.key -out client.csr 2>/dev/null
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -out client.crt 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=stranger -keyout stranger.key -out stranger.crt 2>/dev/null
cd - >/dev/null

# Relative file names are resolved against the web config's directory.
cat >"$TMP/web-tls.yml" <<EOF
tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  alertmanager: '$HASH'
EOF
RELAY_SCHEME=https relay_start --web.config.file="$TMP/web-tls.yml"
RELAY_URL="https://127.0.0.1:$RELAY_PORT"
http --cacert "$TMP/ca.crt" -u "alertmanager:$PW" "$RELAY_URL/-/healthy"
expect_eq "TLS with credentials" "200 OK" "$HTTP_CODE $HTTP_BODY"
http --cacert "$TMP/ca.crt" "$RELAY_URL/-/healthy"
expect_eq "TLS without credentials" 401 "$HTTP_CODE"
http --cacert "$TMP/ca.crt" -u "alertmanager:$PW" --tls-max 1.2 "$RELAY_URL/-/healthy"
expect_eq "TLS 1.2 accepted" 200 "$HTTP_CODE"
http --cacert "$TMP/ca.crt" -u "alertmanager:$PW" --tlsv1.3 "$RELAY_URL/-/healthy"
expect_eq "TLS 1.3 accepted" 200 "$HTTP_CODE"
http --cacert "$TMP/ca.crt" -u "alertmanager:$PW" --tlsv1.1 --tls-max 1.1 "$RELAY_URL/-/healthy"
expect_eq "TLS 1.1 refused" 000 "$HTTP_CODE"
http -u "alertmanager:$PW" "http://127.0.0.1:$RELAY_PORT/-/healthy"
expect_eq "plain HTTP on the TLS port gets no answer" 000 "$HTTP_CODE"
relay_stop

# min_version TLS13 refuses TLS 1.2.
cat >"$TMP/web-tls13.yml" <<EOF
tls_server_config:
  cert_file: $TMP/server.crt
  key_file: $TMP/server.key
  min_version: TLS13
EOF
RELAY_SCHEME=https relay_start --web.config.file="$TMP/web-tls13.yml"
http --cacert "$TMP/ca.crt" --tls-max 1.2 "$RELAY_URL/-/healthy"
expect_eq "TLS 1.2 refused with min_version TLS13" 000 "$HTTP_CODE"
http --cacert "$TMP/ca.crt" "$RELAY_URL/-/healthy"
expect_eq "TLS 1.3 with min_version TLS13" 200 "$HTTP_CODE"
relay_stop

# Client certificates signed by client_ca_file are required.
cat >"$TMP/web-mtls.yml" <<EOF
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_ca_file: ca.crt
  client_auth_type: RequireAndVerifyClientCert
EOF
RELAY_SCHEME=https relay_start --web.config.file="$TMP/web-mtls.yml"
http --cacert "$TMP/ca.crt" --cert "$TMP/client.crt" --key "$TMP/client.key" "$RELAY_URL/-/healthy"
expect_eq "client certificate from the CA" "200 OK" "$HTTP_CODE $HTTP_BODY"
http --cacert "$TMP/ca.crt" "$RELAY_URL/-/healthy"
expect_eq "no client certificate" 000 "$HTTP_CODE"
http --cacert "$TMP/ca.crt" --cert "$TMP/stranger.crt" --key "$TMP/stranger.key" "$RELAY_URL/-/healthy"
expect_eq "client certificate from another issuer" 000 "$HTTP_CODE"
relay_stop
finish
