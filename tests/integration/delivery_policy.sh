#!/usr/bin/env bash
# delivery_policy.sh: the policy flags apply. --ratelimit.slack: four
# messages to one Slack webhook, queued in one commit: with the default 1/s
# the fake Slack, which enforces one request per second itself, answers
# every one with 200 and sees them at least a second apart on its own clock
# (the relay held them back); with --ratelimit.slack=0 the relay holds none
# back. --storage.retention: delivered messages are kept for it and pruned
# after it.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
command -v jq >/dev/null || fail "jq is not installed"

statuses() {
	curl -fsS "$1/_fake/requests" | jq -r '[.[].status | tostring] | join(" ")'
}

fake_start slack
SL=$FAKE_URL

# Four integrations with the same URL: one destination, four messages in
# one batch, so all four wait behind the first.
{
	printf 'route:\n  receiver: chat\nreceivers:\n  - name: chat\n    slack_configs:\n'
	for i in 0 1 2 3; do
		printf '      - api_url: %s/services/T000/B000/XXXXXXXX\n        title: "%s"\n' "$SL" "$i"
	done
} >"$TMP/relay.yml"

# Flag errors name the flag and stop the start.
RC=0
"$TOCSIN_RELAY" --config.file="$TMP/relay.yml" --ratelimit.slack=fast 2>"$TMP/err" || RC=$?
expect_eq "bad rate" '1 tocsin-relay: error: --ratelimit.slack: want a rate such as 1/s, 20/m or 100/h, or 0 for no limit, got "fast"' \
    "$RC $(cat "$TMP/err")"

# The default: the fake's own 1/s limit (no burst) is never hit.
curl -fsS -X POST "$SL/_fake/config" \
    -d '{"rate_limits_enabled": true, "rate": {"rate": 1, "burst": 1}}' >/dev/null
rm -rf "$TMP/data"
relay_start --config.file="$TMP/relay.yml"
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "POST" "200 OK" "$HTTP_CODE $HTTP_BODY"
fake_wait_count "$SL" 4
expect_eq "default: no 429" "200 200 200 200" "$(statuses "$SL")"
expect_eq "default: a second apart on the fake's clock" "true" \
    "$(curl -fsS "$SL/_fake/requests" | jq '[.[].received_ms] | [range(1; length) as $i | .[$i] - .[$i - 1] >= 1000] | all')"
expect_eq "default: sends held back" yes \
    "$([ "$(relay_metric 'tocsin_ratelimit_waits_total{integration="slack"}')" -gt 0 ] && echo yes || echo no)"
relay_stop

# 0: no limit. The fake's limit off too, so every request is answered; the
# relay held none of them back.
curl -fsS -X POST "$SL/_fake/reset" >/dev/null
curl -fsS -X POST "$SL/_fake/config" -d '{"rate_limits_enabled": false}' >/dev/null
rm -rf "$TMP/data"
relay_start --config.file="$TMP/relay.yml" --ratelimit.slack=0
http -X POST -H "$J" --data-binary "@$FIX/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "POST" "200 OK" "$HTTP_CODE $HTTP_BODY"
fake_wait_count "$SL" 4
expect_eq "unlimited: all answered" "200 200 200 200" "$(statuses "$SL")"
expect_eq "unlimited: in order" "0 1 2 3" \
    "$(curl -fsS "$SL/_fake/requests" | jq -r '[.[].body | fromjson | .attachments[0].title] | join(" ")')"
expect_eq "unlimited: nothing held back" 0 \
    "$(relay_metric 'tocsin_ratelimit_waits_total{integration="slack"}')"
relay_stop

# The four delivered messages are kept for the default 120h across a
# restart; a restart with a retention of 1ms prunes them at once.
queue() {
	"$TOCSIN_RELAY" queue --storage.path="$TMP/data" --state=delivered -o json list |
	    jq -s length
}
# prune_once: until the relay has pruned once (it does at start).
prune_once() {
	wait_for_line 'msg="Pruned delivered and dead messages"' 10 "$RELAY_ERR" ||
	    fail "no pruning logged"
}
expect_eq "kept" 4 "$(queue)"
relay_start --config.file="$TMP/relay.yml" --log.level=debug
prune_once
relay_stop
expect_eq "kept after pruning with the default" \
    "4 1" "$(queue) $(grep -c 'msg="Pruned delivered and dead messages" deleted=0' "$RELAY_ERR")"
relay_start --config.file="$TMP/relay.yml" --log.level=debug --storage.retention=1ms
prune_once
relay_stop
expect_eq "pruned after the retention" \
    "0 1" "$(queue) $(grep -c 'msg="Pruned delivered and dead messages" deleted=4' "$RELAY_ERR")"
RC=0
"$TOCSIN_RELAY" --config.file="$TMP/relay.yml" --storage.retention=0 2>"$TMP/err" || RC=$?
expect_eq "zero retention" "1 tocsin-relay: error: --storage.retention: must be longer than zero" \
    "$RC $(cat "$TMP/err")"
finish
