#!/usr/bin/env bash
# web_reload.sh: a reload re-reads --web.config.file with the config. A web
# config that does not load (unparsable, a hash that is not bcrypt, missing,
# naming missing TLS files) fails the reload for both daemons: POST /-/reload
# answers 500 with the reason, tocsin_config_last_reload_successful is 0 and
# the running users stay. A renewed certificate is served to the next
# connection after a reload (checked by its fingerprint), without a restart.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

: "${TOCSIN_WATCHDOG:?}"
# bcrypt("correct horse") and bcrypt("battery staple") at cost 10, as in
# auth_tls.sh.
HASH='$2b$10$Izv0MZsLNOawWZU5ctJVme2Xr.6Spmi2OEyNn/UEJ.K69pKR2Gjca'
PW='correct horse'
HASH2='$2b$10$h/ocMyKHVekT77IRKb6bY.KnqMZpvnzdxA9CmaUBMLkE193xfpvGi'
PW2='battery staple'

# metric URL NAME [CURL ARGS...]: NAME's value in the /metrics at URL.
metric() {
	local url=$1 name=$2
	shift 2
	http "$@" "$url/metrics"
	grep "^$name " <<<"$HTTP_BODY" | awk '{print $2}'
}

# broken_reloads URL WEBFILE CRED: each broken web config in turn, reloaded
# over HTTP with the running credentials CRED; then the good one back.
broken_reloads() {
	local url=$1 web=$2 cred=$3 good
	good=$(cat "$web")
	printf 'basic_auth_users: [\n' >"$web"
	http -u "$cred" -X POST "$url/-/reload"
	expect_eq "$url unparsable web config" "500 failed to reload config: web config: $web:2:1: did not find expected node content while parsing a flow node" \
	    "$HTTP_CODE $HTTP_BODY"
	expect_eq "$url reload metric after an unparsable web config" 0 \
	    "$(metric "$url" tocsin_config_last_reload_successful -u "$cred")"
	http -u "$cred" "$url/-/healthy"
	expect_eq "$url users kept after an unparsable web config" 200 "$HTTP_CODE"

	printf 'basic_auth_users:\n  alertmanager: plaintext\n' >"$web"
	http -u "$cred" -X POST "$url/-/reload"
	expect_eq "$url non-bcrypt hash" "500 failed to reload config: web config: $web:2:17: basic_auth_users: the password of user alertmanager is not a bcrypt hash" \
	    "$HTTP_CODE $HTTP_BODY"

	rm -f "$web"
	http -u "$cred" -X POST "$url/-/reload"
	expect_eq "$url missing web config" "500 failed to reload config: web config: open $web: No such file or directory" \
	    "$HTTP_CODE $HTTP_BODY"

	printf 'tls_server_config:\n  cert_file: %s/gone.crt\n  key_file: %s/gone.key\n' \
	    "$TMP" "$TMP" >"$web"
	http -u "$cred" -X POST "$url/-/reload"
	expect_eq "$url missing TLS files" "500 failed to reload config: web config: $web: failed to read cert_file: open $TMP/gone.crt: No such file or directory" \
	    "$HTTP_CODE $HTTP_BODY"
	expect_eq "$url reload metric after missing TLS files" 0 \
	    "$(metric "$url" tocsin_config_last_reload_successful -u "$cred")"
	http -u "$cred" "$url/-/healthy"
	expect_eq "$url users kept after the broken web configs" 200 "$HTTP_CODE"

	# A good one: the new password at once, the metric back to 1.
	printf '%s\n' "${good//$HASH/$HASH2}" >"$web"
	http -u "$cred" -X POST "$url/-/reload"
	expect_eq "$url good web config" 200 "$HTTP_CODE"
	http -u "alertmanager:$PW" "$url/-/healthy"
	expect_eq "$url old password refused after the good reload" 401 "$HTTP_CODE"
	expect_eq "$url reload metric after the good web config" 1 \
	    "$(metric "$url" tocsin_config_last_reload_successful -u "alertmanager:$PW2")"
}

# --- the relay ------------------------------------------------------------
cat >"$TMP/web-relay.yml" <<EOF
basic_auth_users:
  alertmanager: '$HASH'
EOF
relay_start --web.config.file="$TMP/web-relay.yml"
broken_reloads "$RELAY_URL" "$TMP/web-relay.yml" "alertmanager:$PW"
# SIGHUP takes the same way.
printf 'basic_auth_users: [\n' >"$TMP/web-relay.yml"
kill -HUP "$RELAY_PID"
wait_for_line 'msg="Loading web config file failed"' 10 "$RELAY_ERR" ||
    fail "SIGHUP: no web config failure logged"
wait_until 10 test "$(metric "$RELAY_URL" tocsin_config_last_reload_successful \
    -u "alertmanager:$PW2")" = 0 || fail "SIGHUP: the reload metric stayed 1"
relay_stop

# --- the watchdog ---------------------------------------------------------
fake_start telegram
TG=$FAKE_URL
wd_config "$TMP/wd.yml" <<EOF
checks:
  - {name: backup, kind: ping, period: 1h, grace: 1m, receiver: phone}
EOF
# Starts without users (its readiness is polled without credentials), then
# takes them by a reload.
printf 'http_server_config:\n  headers:\n    X-Frame-Options: deny\n' >"$TMP/web-wd.yml"
WD_LOG=$TMP/wd.log
watchdog_start "$TMP/wd.yml" --web.config.file="$TMP/web-wd.yml"
printf 'basic_auth_users:\n  alertmanager: %s\n' "'$HASH'" >"$TMP/web-wd.yml"
http -X POST "$WD_URL/-/reload"
expect_eq "watchdog takes users by a reload" 200 "$HTTP_CODE"
broken_reloads "$WD_URL" "$TMP/web-wd.yml" "alertmanager:$PW"
watchdog_stop

# --- a renewed certificate --------------------------------------------------
# Two certificates for 127.0.0.1 from one CA: the first, then its renewal.
cd "$TMP"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=tocsin-test-ca -keyout ca.key -out ca.crt 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
for n in 1 2; do
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj /CN=127.0.0.1 -keyout "server$n.key" -out "server$n.csr" 2>/dev/null
	openssl x509 -req -in "server$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
	    -days 2 -extfile san.ext -out "server$n.crt" 2>/dev/null
done
cp server1.crt server.crt
cp server1.key server.key
cd - >/dev/null
fp() {
	openssl x509 -noout -fingerprint -sha256 -in "$1" | cut -d= -f2
}
# served: the fingerprint of the certificate a new connection gets.
served() {
	openssl s_client -connect "127.0.0.1:$RELAY_PORT" -CAfile "$TMP/ca.crt" \
	    </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2
}
cat >"$TMP/web-tls.yml" <<EOF
tls_server_config:
  cert_file: server.crt
  key_file: server.key
EOF
RELAY_SCHEME=https relay_start --web.config.file="$TMP/web-tls.yml"
expect_eq "the first certificate served" "$(fp "$TMP/server1.crt")" "$(served)"
http --cacert "$TMP/ca.crt" "$RELAY_URL/-/healthy"
expect_eq "TLS answer with the first certificate" 200 "$HTTP_CODE"
# The renewal hook: new files in place, then a reload.
cp "$TMP/server2.crt" "$TMP/server.crt"
cp "$TMP/server2.key" "$TMP/server.key"
http --cacert "$TMP/ca.crt" -X POST "$RELAY_URL/-/reload"
expect_eq "reload with the renewed certificate" 200 "$HTTP_CODE"
expect_eq "the renewed certificate served" "$(fp "$TMP/server2.crt")" "$(served)"
http --cacert "$TMP/ca.crt" "$RELAY_URL/-/healthy"
expect_eq "TLS answer with the renewed certificate" 200 "$HTTP_CODE"
# A key that does not match the certificate fails the reload; the renewed
# certificate stays.
cp "$TMP/server1.key" "$TMP/server.key"
http --cacert "$TMP/ca.crt" -X POST "$RELAY_URL/-/reload"
expect_eq "mismatched key refused" 500 "$HTTP_CODE"
expect_eq "the renewed certificate still served" "$(fp "$TMP/server2.crt")" "$(served)"
relay_stop

finish
