#!/usr/bin/env bash
# pushover_e2e.sh: the pushover channel end to end. Alertmanager 0.25 has no
# setting for Pushover's URL, so it reaches the fake Pushover the way it
# would reach the real one through a proxy: http_config's proxy_url names
# the fake, which answers CONNECT api.pushover.net:443 with a certificate
# for api.pushover.net that tls_config's ca_file trusts. Through its
# webhook the same notifications reach the relay (Alertmanager's
# default.tmpl loaded), which posts them to the fake at api_url: the form
# Alertmanager puts in the query string is the relay's request body, byte
# for byte, firing and resolved. The relay also goes through the proxy
# with the default api_url. The relay follows its emergency messages'
# receipts: cancelled when the group resolves, polled at most every 5 s,
# an acknowledgement in the app kept as the group's (queue.db's
# group_acks), logged and counted, an expired one dropped. Then relay ->
# queue -> fake: the month's quota (429) waited out, an unknown user (400)
# dead-lettered with Pushover's words, `send-test`, and neither secret in
# any log line or output.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
TOKEN=azGDORePK8gMaC0QOYAMyEEuzJnyUi
USER=uQiRzpo4DXghDmr9QzzfQu27cmVRsG
BADUSER=uBADBADBADBADBADBADBADBADBADBA
DEFAULT_TMPL=/usr/share/prometheus/alertmanager/default.tmpl
command -v jq >/dev/null || fail "jq is not installed"
command -v openssl >/dev/null || fail "openssl is not installed"
[ -r "$DEFAULT_TMPL" ] || fail "$DEFAULT_TMPL is missing (Debian package prometheus-alertmanager)"
export TZ=UTC

ctl() {	# PATH BODY
	http -X POST -H "$J" --data-binary "$2" "$PO$1"
	[ "$HTTP_CODE" = 200 ] || fail "control $1 $2: $HTTP_CODE $HTTP_BODY"
}
# forms_from AGENT: the form each message of the client whose User-Agent
# starts with AGENT carried (the query string when the body is empty, as
# Alertmanager sends it; else the body), one a line, in order.
forms_from() {
	curl -fsS "$PO/_fake/requests" | jq -r --arg a "$1" '.[]
	    | select(.path | startswith("/1/messages.json"))
	    | select(any(.headers[]; (.[0] | ascii_downcase) == "user-agent" and (.[1] | startswith($a))))
	    | if .body == "" then (.path | sub("^[^?]*\\?"; "")) else .body end'
}
# statuses: the fake's answers to messages (not to receipt polls), in order.
statuses() {
	curl -fsS "$PO/_fake/requests" |
	    jq -r '[.[] | select(.path | startswith("/1/messages.json")) | .status] | map(tostring) | join(" ")'
}
messages() {
	curl -fsS "$PO/_fake/requests" | jq '[.[] | select(.path | startswith("/1/messages.json"))] | length'
}
has_messages() {
	[ "$(messages)" -ge "$1" ]
}
# receipt_is RECEIPT FIELD VALUE: the fake's state of a receipt.
receipt_is() {
	[ "$(curl -fsS "$PO/_fake/receipts" | jq -r --arg r "$1" --arg f "$2" '.[$r][$f]')" = "$3" ]
}
# newest_receipt: the receipt of the fake's last emergency message.
newest_receipt() {
	curl -fsS "$PO/_fake/receipts" | jq -r 'keys | max'
}
# db SQL: rows of the relay's queue.db, columns joined by '|' (read-only,
# beside the running relay: WAL mode allows it).
db() {
	python3 - "$TMP/data/queue.db" "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in c.execute(sys.argv[2]):
    print("|".join(str(v) for v in row))
PY
}
# is WANT CMD...: whether CMD prints WANT (for wait_until, which runs it
# again each time).
is() {
	[ "$("${@:2}")" = "$1" ]
}
cancelled() {
	curl -fsS "$PO/_fake/receipts" | jq '[.[] | select(.cancelled == 1)] | length'
}
acked_metric() {
	relay_metric 'tocsin_receipts_acknowledged_total{integration="pushover/0",receiver="team"}'
}

# A certificate for api.pushover.net, trusted by the clients' ca_file.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$TMP/po.key" -out "$TMP/po.crt" -days 2 -subj /CN=api.pushover.net \
    -addext subjectAltName=DNS:api.pushover.net 2>"$TMP/openssl.err" ||
    { cat "$TMP/openssl.err" >&2; fail "openssl could not make a certificate"; }
fake_start pushover
PO=$FAKE_URL
ctl /_fake/config "{\"tls_cert\": \"$TMP/po.crt\", \"tls_key\": \"$TMP/po.key\"}"

cat >"$TMP/relay.yml" <<EOF
templates: ['$DEFAULT_TMPL']
route:
  receiver: team
  routes:
    - matchers: ['alertname="Unroutable"']
      receiver: wronguser
receivers:
  - name: team
    pushover_configs:
      - api_url: $PO/1/messages.json
        token: $TOKEN
        user_key: $USER
  - name: wronguser
    pushover_configs:
      - api_url: $PO/1/messages.json
        token: $TOKEN
        user_key: $BADUSER
  - name: proxied
    pushover_configs:
      - token: $TOKEN
        user_key: $USER
        priority: 1
        http_config:
          proxy_url: $PO
          tls_config: {ca_file: $TMP/po.crt}
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s --log.level=debug

# ------------------------------------------- the same form as Alertmanager's
cat >"$TMP/am.yml" <<EOF
route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: team
    pushover_configs:
      - token: $TOKEN
        user_key: $USER
        http_config:
          proxy_url: $PO
          tls_config: {ca_file: $TMP/po.crt}
    webhook_configs:
      - url: $RELAY_URL/webhook
        send_resolved: true
EOF
am_start "$TMP/am.yml" --web.external-url=http://am.example:9093
ALERTS='[{"labels":{"alertname":"DiskFull","severity":"critical","instance":"nas<1>&co"},
  "annotations":{"summary":"disk <full> & more","description":"é ünïcode + 100% ~"}ENDS},
 {"labels":{"alertname":"DiskFull","severity":"critical","instance":"nas2"}ENDS}]'
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary "${ALERTS//ENDS/}"
expect_eq "alertmanager accepted the alerts" 200 "$HTTP_CODE"
wait_until 30 has_messages 2 ||
    { cat "$TMP/am.err" >&2; fail "the fake got $(messages) message(s), not 2"; }
wait_idle
expect_eq "firing: one message from each" "1 1" \
    "$(forms_from Alertmanager | wc -l) $(forms_from tocsin | wc -l)"
AM_FORM=$(forms_from Alertmanager | sed -n 1p)
TO_FORM=$(forms_from tocsin | sed -n 1p)
printf '%s\n' "$AM_FORM" >"$TMP/am-firing.form"
expect_eq "firing: relay's body is Alertmanager's form, byte for byte" "$AM_FORM" "$TO_FORM"
expect_eq "firing: emergency priority, Alertmanager's retry and expire" \
    "expire=3600 priority=2 retry=60" \
    "$(tr '&' '\n' <<<"$TO_FORM" | grep -E '^(priority|retry|expire)=' | paste -sd' ')"
expect_eq "firing: both accepted with a receipt" "200 200 2" \
    "$(statuses) $(curl -fsS "$PO/_fake/receipts" | jq length)"
expect_eq "firing: Alertmanager's request went through the proxy" "api.pushover.net" \
    "$(curl -fsS "$PO/_fake/requests" | jq -r '.[] | select(.body == "") | .headers[] | select(.[0] == "Host") | .[1]')"

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
http -X POST -H "$J" "$AM_URL/api/v2/alerts" --data-binary "${ALERTS//ENDS/,\"endsAt\":\"$now\"}"
expect_eq "alertmanager accepted the resolution" 200 "$HTTP_CODE"
wait_until 30 has_messages 4 ||
    { cat "$TMP/am.err" >&2; fail "the fake got $(messages) message(s), not 4"; }
wait_idle
AM_FORM=$(forms_from Alertmanager | sed -n 2p)
TO_FORM=$(forms_from tocsin | sed -n 2p)
expect_eq "resolved: one more message from each" "2 2" \
    "$(forms_from Alertmanager | wc -l) $(forms_from tocsin | wc -l)"
expect_eq "resolved: relay's body is Alertmanager's form, byte for byte" "$AM_FORM" "$TO_FORM"
expect_eq "resolved: normal priority" "priority=0" \
    "$(tr '&' '\n' <<<"$TO_FORM" | grep '^priority=')"
expect_eq "Alertmanager saw no failed notifications" 0 \
    "$(grep -c 'Notify for alerts failed' "$TMP/am.err" || true)"
am_stop
# The group resolved: the relay cancels the receipt of its emergency
# message (Alertmanager leaves its own ringing until it expires).
wait_until 10 is 1 cancelled ||
    fail "the relay cancelled no receipt: $(curl -fsS "$PO/_fake/receipts")"
wait_until 10 is 0 db 'SELECT COUNT(*) FROM receipts' ||
    fail "the cancelled receipt is still kept"
expect_eq "the cancel logged" yes \
    "$(grep -q 'msg="receipt closed" receiver=team integration=pushover/0 group_key="{}:{alertname=\\"DiskFull\\"}" reason=cancelled' "$RELAY_ERR" && echo yes || echo no)"

# ------------------------------------------------ relay -> queue -> fake
# An emergency message's receipt, acknowledged in the app: polled no
# more than once every 5 s, the acknowledgement recorded as the group's,
# logged and counted, the receipt forgotten.
# as_group NAME: the firing fixture as a group of alertname NAME.
as_group() {
	jq --arg n "$1" '.alerts[0].labels.alertname = $n | .groupLabels.alertname = $n
	    | .commonLabels.alertname = $n | .groupKey = "{}:{alertname=\"\($n)\"}"' \
	    "$FIX/ssh-login-firing.json" >"$TMP/$1.json"
}
ctl /_fake/reset '{}'
as_group Acked
http -X POST -H "$J" --data-binary "@$TMP/Acked.json" "$RELAY_URL/webhook"
expect_eq "POST Acked" "200 OK" "$HTTP_CODE $HTTP_BODY"
wait_until 10 has_messages 1 || fail "no message for Acked"
R=$(newest_receipt)
polls() {
	curl -fsS "$PO/_fake/requests" | jq --arg p "/1/receipts/$R.json?token=$TOKEN" '[.[] | select(.path == $p and .method == "GET")] | length'
}
poll_count_ge() {
	[ "$(polls)" -ge "$1" ]
}
wait_until 15 poll_count_ge 2 || fail "receipt $R polled $(polls) time(s)"
expect_eq "polls at least 5 s apart" yes \
    "$(curl -fsS "$PO/_fake/requests" | jq -r --arg r "/1/receipts/$R.json" '[.[] | select(.path | startswith($r)) | .received_ms] | . as $t | [range(1; length) | $t[.] - $t[. - 1]] | if all(. >= 4900) then "yes" else "no: \(.)" end')"
expect_eq "not acknowledged yet" "0 0" \
    "$(acked_metric) $(db 'SELECT COUNT(*) FROM group_acks')"
ctl /_fake/acknowledge "{\"receipt\": \"$R\", \"device\": \"phone\", \"at\": 1795441800}"
wait_until 10 is 1 acked_metric ||
    fail "the acknowledgement was not counted"
expect_eq "acknowledgement kept as the group's" 'team|{}:{alertname="Acked"}|pushover:phone|1795441800000' \
    "$(db 'SELECT receiver, group_key, acked_by, acked_at FROM group_acks')"
expect_eq "acknowledgement logged" yes \
    "$(grep -q 'msg="group acknowledged" receiver=team integration=pushover/0 group_key="{}:{alertname=\\"Acked\\"}" by=pushover:phone at_ms=1795441800000' "$RELAY_ERR" && echo yes || echo no)"
expect_eq "acknowledged receipt forgotten" 0 "$(db 'SELECT COUNT(*) FROM receipts')"
n=$(polls)
sleep 6
expect_eq "no more polls once acknowledged" "$n" "$(polls)"

# An emergency that expires unacknowledged: closed and forgotten.
ctl /_fake/reset '{}'
as_group Expiring
http -X POST -H "$J" --data-binary "@$TMP/Expiring.json" "$RELAY_URL/webhook"
expect_eq "POST Expiring" "200 OK" "$HTTP_CODE $HTTP_BODY"
wait_until 10 has_messages 1 || fail "no message for Expiring"
ctl /_fake/expire "{\"receipt\": \"$(newest_receipt)\"}"
wait_until 15 is 0 db 'SELECT COUNT(*) FROM receipts' || fail "the expired receipt is still kept"
expect_eq "expiry logged" yes \
    "$(grep -q 'msg="receipt closed" receiver=team integration=pushover/0 group_key="{}:{alertname=\\"Expiring\\"}" reason=expired' "$RELAY_ERR" && echo yes || echo no)"
expect_eq "an expired receipt is no acknowledgement" 1 "$(db 'SELECT COUNT(*) FROM group_acks')"

# Over the month's quota: 429, retried after a back-off once it is raised.
ctl /_fake/reset '{}'
ctl /_fake/config "{\"apps\": {\"$TOKEN\": {\"limit\": 0}}}"
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "POST firing fixture" "200 OK" "$HTTP_CODE $HTTP_BODY"
wait_until 10 has_messages 1 || fail "no message over the quota"
ctl /_fake/config "{\"apps\": {\"$TOKEN\": {\"limit\": 10000}}}"
wait_until 30 has_messages 2 || fail "not sent again"
wait_idle
expect_eq "429 waited out: refused, then delivered" "429 200" \
    "$(statuses | awk '{ print $1, $NF }')"
expect_eq "429 waited out: counted as a retry" yes \
    "$([ "$(relay_metric 'tocsin_deliveries_total{integration="pushover/0",receiver="team",result="retry"}')" != 0 ] && echo yes || echo no)"
expect_eq "429 waited out: the same form each time" 1 \
    "$(curl -fsS "$PO/_fake/requests" | jq -r '.[] | select(.path == "/1/messages.json") | .body_b64' | sort -u | wc -l)"

# An unknown user: Pushover's 400 is permanent, one attempt, dead.
ctl /_fake/reset '{}'
jq '.alerts[0].labels.alertname = "Unroutable" | .groupLabels.alertname = "Unroutable"
    | .commonLabels.alertname = "Unroutable" | .groupKey = "{}:{alertname=\"Unroutable\"}"' \
    "$FIX/ssh-login-firing.json" >"$TMP/unroutable.json"
http -X POST -H "$J" --data-binary "@$TMP/unroutable.json" "$RELAY_URL/webhook"
expect_eq "POST unroutable" "200 OK" "$HTTP_CODE $HTTP_BODY"
wait_until 10 has_messages 1 || fail "no message for Unroutable"
wait_until 10 is 1 relay_metric 'tocsin_queue_messages{state="dead"}' || true
expect_eq "400: dead-lettered" 1 "$(relay_metric 'tocsin_queue_messages{state="dead"}')"
expect_eq "400: one attempt" 1 "$(messages)"
expect_eq "400: Pushover's reason logged" yes \
    "$(grep -q 'pushover: 400 user identifier is not a valid user, group, or subscribed user key' "$RELAY_ERR" && echo yes || echo no)"
relay_stop
expect_eq "no token or user key in the relay's log" 0 \
    "$(cat "$RELAY_OUT" "$RELAY_ERR" | grep -c -e "$TOKEN" -e "$USER" -e "$BADUSER" || true)"

# ------------------------------------------------------------- send-test
# Through the proxy, to the default api_url, with tocsin's own templates.
sed '/^templates:/d' "$TMP/relay.yml" >"$TMP/own.yml"
ctl /_fake/reset '{}'
RC=0
"$TOCSIN_RELAY" send-test --config.file="$TMP/own.yml" --receiver=proxied \
    --start=2026-11-23T13:49:41.313Z --web.external-url=http://am.test:9093 \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "send-test: status and output" "0|pushover/0: delivered|" \
    "$RC|$(cat "$TMP/out")|$(cat "$TMP/err")"
expect_eq "send-test: to Pushover's own URL, through the proxy" \
    "POST /1/messages.json api.pushover.net" \
    "$(curl -fsS "$PO/_fake/requests" | jq -r '.[0] | "\(.method) \(.path) \(.headers[] | select(.[0] == "Host") | .[1])"')"
expect_eq "send-test: the form" \
    "expire=3600&message=%F0%9F%94%B5+FIRING+TestAlert+%C2%B7+since+13%3A49+UTC%0ATest+notification+from+tocsin%0Atocsin-relay+send-test+sent+this+to+receiver+proxied+to+check+that+its+notifications+reach+you.&priority=1&retry=60&sound=&title=%F0%9F%94%B5+%5BFIRING%3A1%5D+TestAlert&token=$TOKEN&url=http%3A%2F%2Fam.test%3A9093%2F%23%2Falerts%3Freceiver%3Dproxied&url_title=&user=$USER" \
    "$(fake_bodies "$PO")"
RC=0
"$TOCSIN_RELAY" send-test --config.file="$TMP/relay.yml" --receiver=wronguser \
    >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_eq "send-test: unknown user" "1|pushover/0: permanent failure: pushover: 400 user identifier is not a valid user, group, or subscribed user key|" \
    "$RC|$(cat "$TMP/out")|$(cat "$TMP/err")"
expect_eq "send-test: no secret printed" 0 \
    "$(cat "$TMP/out" "$TMP/err" | grep -c -e "$TOKEN" -e "$USER" -e "$BADUSER" || true)"
finish
