#!/usr/bin/env bash
# ntfy_e2e.sh: relay -> queue -> fake ntfy. The exact JSON published for a
# real Alertmanager payload with the token as Bearer; ntfy's 429 (no
# Retry-After) waited out for its 5 s refill and sent again; a topic the
# relay may not write (403) dead at the first answer and reported to the
# dead-letter receiver through ntfy; a real Alertmanager through the relay;
# `tocsin-relay send-test` on both; no token or topic in any log line or
# output.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
TOKEN=tk_tocsintesttoken0000000000000
command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC
rm -rf "$TMP/data"

# wait_metric NAME{LABELS} VALUE: until the metric has that value (30 s).
wait_metric() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(relay_metric "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	cat "$RELAY_ERR" >&2
	fail "$1 did not reach $2, is $(relay_metric "$1")"
}
post() {	# NAME FILE
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL/webhook"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}
reqs() {	# jq filter over the fake's recorded requests
	curl -fsS "$NT/_fake/requests" | jq -r "$1"
}

fake_start ntfy
NT=$FAKE_URL

printf '%s\n' "$TOKEN" >"$TMP/ntfy-token"
chmod 600 "$TMP/ntfy-token"
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: push
  routes:
    - matchers: ['severity="warning"']
      receiver: locked
receivers:
  - name: push
    ntfy_configs:
      - url: $NT
        topic: private
        token_file: $TMP/ntfy-token
  - name: locked
    ntfy_configs:
      - url: $NT/
        topic: private
EOF
relay_start --config.file="$TMP/relay.yml" --dead-letter.receiver=push \
    --delivery.backoff-max=1s --log.level=debug

# The critical alert: one POST to the root, the defaults' title, message,
# priority 5, the firing tag and the link to Alertmanager, with the token.
post "ssh login" "$FIX/ssh-login-firing.json"
fake_wait_count "$NT" 1
expect_eq "ntfy body" \
'{"topic":"private","title":"[FIRING:1] SSHLoginFromNonLAN","message":"🔴 FIRING SSHLoginFromNonLAN on homelab:9100 (critical) · since 13:49 UTC\nShell login for root from 203.0.113.7","priority":5,"tags":["rotating_light"],"click":"http://alertmanager.lan:9093/#/alerts?receiver=push"}' \
    "$(fake_bodies "$NT")"
expect_eq "ntfy request" "POST / Bearer $TOKEN application/json 200" \
    "$(reqs '.[0] | [.method, .path, (.headers[] | select(.[0] == "Authorization") | .[1]), (.headers[] | select(.[0] == "Content-Type") | .[1]), (.status | tostring)] | join(" ")')"
wait_metric 'tocsin_deliveries_total{integration="ntfy/0",receiver="push",result="delivered"}' 1

# ntfy's rate limit answers 429 with its JSON error and no Retry-After:
# the relay waits ntfy's 5 s refill, then the same message goes out.
curl -fsS -X POST "$NT/_fake/reset" >/dev/null
curl -fsS -X POST "$NT/_fake/config" -d '{"force": [{"status": 429}]}' >/dev/null
post "resolved" "$FIX/ssh-login-resolved.json"
fake_wait_count "$NT" 2
expect_eq "429 then 200" "429 200" "$(reqs '[.[].status | tostring] | join(" ")')"
expect_eq "429 answer" '{"code":42901,"http":429,"error":"limit reached: too many requests","link":"https://ntfy.sh/docs/publish/#limitations"}' \
    "$(reqs '.[0].response')"
expect_eq "same body twice" 1 "$(reqs '[.[].body] | unique | length')"
expect_eq "not before ntfy's refill" yes \
    "$(reqs 'if .[1].received_ms - .[0].received_ms >= 5000 then "yes" else "no" end')"
expect_eq "resolved title and tag" '[RESOLVED] SSHLoginFromNonLAN white_check_mark' \
    "$(reqs '.[1].body | fromjson | .title + " " + .tags[0]')"
expect_eq "the wait logged, not as a failure" 0 \
    "$(relay_metric 'tocsin_deliveries_total{integration="ntfy/0",receiver="push",result="dead"}')"

# A warning goes to the receiver without a token: the protected topic
# answers 403, permanent, and the report reaches the dead-letter receiver.
curl -fsS -X POST "$NT/_fake/reset" >/dev/null
post "to a topic it may not write" "$FIX/llm-error-rate-mixed-severity.json"
wait_metric 'tocsin_deliveries_total{integration="ntfy/0",receiver="locked",result="dead"}' 1
fake_wait_count "$NT" 3
expect_eq "locked asked once" 1 \
    "$(reqs '[.[] | select(.status == 403)] | length')"
expect_eq "403 answer" '{"code":40301,"http":403,"error":"forbidden","link":"https://ntfy.sh/docs/publish/#authentication"}' \
    "$(reqs '[.[] | select(.status == 403)][0].response')"
expect_eq "dead logged" 1 \
    "$(grep -c 'msg="message dead" .*receiver=locked integration=ntfy/0 dest=ntfy:[0-9a-f]\{16\}:[0-9a-f]\{16\} reason="ntfy: 403 40301 forbidden"' "$RELAY_ERR" || true)"
wait_until 30 sh -c "curl -fsS '$NT/_fake/requests' | jq -e '[.[] | select(.body | contains(\"TocsinDeliveryFailed\"))] | length == 1' >/dev/null" ||
    fail "no dead-letter report at ntfy"
expect_eq "dead-letter report" \
'[FIRING:1] TocsinDeliveryFailed|🔴 FIRING TocsinDeliveryFailed (critical) · since|Could not deliver a notification to locked (ntfy/0): ntfy: 403 40301 forbidden|5|Bearer' \
    "$(reqs '[.[] | select(.body | contains("TocsinDeliveryFailed"))][0] | (.body | fromjson) as $b | [$b.title, ($b.message | split("\n")[0] | sub(" [0-9:]+ UTC$"; "")), ($b.message | split("\n")[1]), ($b.priority | tostring), (.headers[] | select(.[0] == "Authorization") | .[1] | split(" ")[0])] | join("|")')"
relay_stop
expect_eq "no token or topic in the relay's log" 0 \
    "$(grep -c -e "$TOKEN" -e 'private' "$RELAY_ERR" "$RELAY_OUT" | awk -F: '{s += $NF} END {print s}')"

# A real Alertmanager 0.25 through the relay: its label values reach the
# phone as they are (plain text, no escaping), one message per notification.
command -v amtool >/dev/null || fail "amtool is not installed"
curl -fsS -X POST "$NT/_fake/reset" >/dev/null
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" --web.external-url=http://alertmanager.test:9093
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull severity=critical \
    instance=nas:9100 --annotation=summary='Disk <90%> full & rising'
fake_wait_count "$NT" 1
sleep 2.5
expect_eq "Alertmanager: one message" 1 "$(fake_count "$NT")"
expect_eq "Alertmanager: what the phone shows" \
"[FIRING:1] DiskFull|🔴 FIRING DiskFull on nas:9100 (critical)|Disk <90%> full & rising|5|http://alertmanager.test:9093/#/alerts?receiver=push" \
    "$(reqs '.[0].body | fromjson | [.title, (.message | split("\n")[0] | sub(" · since .*$"; "")), (.message | split("\n")[1]), (.priority | tostring), .click] | join("|")')"
am_stop
relay_stop

# send-test: the sample through each receiver, the result line, the status.
curl -fsS -X POST "$NT/_fake/reset" >/dev/null
send_test() {	# RECEIVER: sets OUT and RC
	RC=0
	OUT=$("$TOCSIN_RELAY" send-test --config.file="$TMP/relay.yml" --receiver="$1" \
	    --start=2026-11-23T13:49:41.313Z --web.external-url=http://am.test:9093 2>&1) || RC=$?
}
send_test push
expect_eq "send-test push" "0|ntfy/0: delivered" "$RC|$OUT"
expect_eq "send-test body" \
'{"topic":"private","title":"[FIRING:1] TestAlert","message":"🔵 FIRING TestAlert (info) · since 13:49 UTC\nTest notification from tocsin","priority":3,"tags":["rotating_light"],"click":"http://am.test:9093/#/alerts?receiver=push"}' \
    "$(fake_bodies "$NT")"
send_test locked
expect_eq "send-test locked" "1|ntfy/0: permanent failure: ntfy: 403 40301 forbidden" "$RC|$OUT"
expect_eq "send-test printed no secret" 0 "$(grep -c -e "$TOKEN" -e private <<<"$OUT" || true)"
finish
