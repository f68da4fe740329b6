#!/usr/bin/env bash
# slack_update_message_e2e.sh: slack_configs' update_message (Alertmanager
# 0.32+) through the relay's queue to the fake Slack's Web API: a group's
# first notification posts its message (chat.postMessage), every later one
# edits it (chat.update with the channel id and ts Slack answered, kept
# across a restart), the resolved one too, and the group firing anew posts a
# new message. A message deleted in Slack (message_not_found) gets the
# notification as a new message. With send_resolved false the resolved
# notification sends nothing but still ends the group's message. Alertmanager
# 0.25, the real one installed, has no update_message: the bodies are
# Alertmanager 0.34's request type with its `ts` field, pinned here.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
TOKEN=xoxb-TEST-token
command -v jq >/dev/null || fail "jq is not installed"
rm -rf "$TMP/data" "$TMP/cred"
mkdir -p "$TMP/cred"
export TZ=UTC

post() {	# NAME FILE
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL/webhook"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}
# The calls since request SEEN: "path ts-or-dash ok|error" each.
calls_since() {
	curl -fsS "$SL/_fake/requests?since=$SEEN" | jq -r '.[] | "\(.path) \(.body |
	    fromjson | .ts // "-") \(.response | fromjson | if .ok then "ok" else .error end)"'
}
bodies_since() {
	curl -fsS "$SL/_fake/requests?since=$SEEN" | jq -r '.[].body'
}

fake_start slack
SL=$FAKE_URL
printf '%s\n' "$TOKEN" >"$TMP/cred/slack-token"

# An incoming webhook cannot edit: refused as Alertmanager 0.34 refuses it.
cat >"$TMP/hook.yml" <<EOF
route: {receiver: chat}
receivers:
  - name: chat
    slack_configs:
      - api_url: $SL/services/T000/B000/XXXXXXXX
        update_message: true
EOF
out=$("$TOCSIN_RELAY" check-config "$TMP/hook.yml" 2>&1) && fail "check-config accepted update_message on a webhook"
expect_eq "update_message on a webhook" \
    "$TMP/hook.yml:6:25: update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage" \
    "$(printf '%s\n' "$out" | grep -o "$TMP/hook.yml:.*")"

cat >"$TMP/relay.yml" <<EOF
global:
  slack_app_token_file: $TMP/cred/slack-token
  slack_app_url: $SL/api/chat.postMessage
route:
  receiver: chat
  routes:
    - matchers: ['severity="warning"']
      receiver: quiet
receivers:
  - name: chat
    slack_configs:
      - channel: '#alerts'
        username: tocsin
        title: '{{ .Status }} {{ .CommonLabels.alertname }}'
        title_link: ''
        text: '{{ range .Alerts }}{{ .Labels.instance }} {{ end }}'
        fallback: fb
        send_resolved: true
        update_message: true
  - name: quiet
    slack_configs:
      - channel: '#alerts'
        username: tocsin
        title: '{{ .Status }} {{ .CommonLabels.alertname }}'
        title_link: ''
        text: '{{ range .Alerts }}{{ .Labels.instance }} {{ end }}'
        fallback: fb
        update_message: true
EOF
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
SEEN=0

body() {	# STATUS TEXT COLOR [CHANNEL TS]
	local head='"channel":"#alerts"'
	[ $# -eq 5 ] && head="\"channel\":\"$4\",\"ts\":\"$5\""
	printf '{%s,"username":"tocsin","attachments":[{"title":"%s SSHLoginFromNonLAN","text":"%s","fallback":"fb","callback_id":"","footer":"","color":"%s","mrkdwn_in":["fallback","pretext","text"]}]}' \
	    "$head" "$1" "$2" "$3"
}
# fire NAME STARTS [INSTANCE...]: the group's firing notification into
# $TMP/NAME.json, started at STARTS, with one more alert per INSTANCE (a
# notification the relay has not seen: new alerts or a new start).
fire() {
	local name=$1 starts=$2
	shift 2
	jq --arg s "$starts" --args '.alerts[0].startsAt = $s | .alerts[0].fingerprint = ""
	    | .alerts += [$ARGS.positional[] as $i | .alerts[0] | .labels.instance = $i]' \
	    "$@" <"$FIX/ssh-login-firing.json" >"$TMP/$name.json"
}

# 1. The group's first notification posts its message.
fire first 2026-11-23T13:49:41Z
post "first firing" "$TMP/first.json"
fake_wait_count "$SL" 1
wait_idle
expect_eq "first: chat.postMessage" "/api/chat.postMessage - ok" "$(calls_since)"
expect_eq "first: Alertmanager's body, no group line" \
    "$(body firing 'homelab:9100 ' danger)" "$(bodies_since)"
TS=$(curl -fsS "$SL/_fake/requests" | jq -r '.[0].response | fromjson | .ts')
expect_eq "Slack's ts" 1700000001.000100 "$TS"

# 2. Across a restart, the next notification of the group (one more alert)
# edits it.
relay_stop
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
SEEN=$(fake_count "$SL")
fire more 2026-11-23T13:49:41Z nas:9100
post "the group again" "$TMP/more.json"
fake_wait_count "$SL" $((SEEN + 1))
wait_idle
expect_eq "more: chat.update of the first" "/api/chat.update $TS ok" "$(calls_since)"
expect_eq "more: channel id and ts first, then the new text" \
    "$(body firing 'homelab:9100 nas:9100 ' danger C0ALERTS01 "$TS")" \
    "$(bodies_since)"

# 3. The resolved notification edits it too, and ends the group's message.
SEEN=$(fake_count "$SL")
post "resolved" "$FIX/ssh-login-resolved.json"
fake_wait_count "$SL" $((SEEN + 1))
wait_idle
expect_eq "resolved: chat.update" "/api/chat.update $TS ok" "$(calls_since)"
expect_eq "resolved: the edit's body" \
    "$(body resolved 'homelab:9100 ' good C0ALERTS01 "$TS")" "$(bodies_since)"

# 4. Firing anew is a new message, and the next one edits that one.
SEEN=$(fake_count "$SL")
fire anew 2026-11-23T14:10:00Z
fire anew-more 2026-11-23T14:10:00Z nas:9100
post "firing anew" "$TMP/anew.json"
fake_wait_count "$SL" $((SEEN + 1))
post "firing anew, one more alert" "$TMP/anew-more.json"
fake_wait_count "$SL" $((SEEN + 2))
wait_idle
expect_eq "anew: a new message, then its edit" \
    "/api/chat.postMessage - ok
/api/chat.update 1700000002.000100 ok" "$(calls_since)"

# 5. Deleted in Slack: the edit finds nothing and the notification is
# posted as a new message.
curl -fsS -X DELETE "$SL/_fake/messages" >/dev/null
SEEN=$(fake_count "$SL")
fire after-delete 2026-11-23T14:10:00Z nas:9100 nas2:9100
post "after the message was deleted" "$TMP/after-delete.json"
fake_wait_count "$SL" $((SEEN + 2))
wait_idle
expect_eq "deleted: message_not_found, then a new message" \
    "/api/chat.update 1700000002.000100 message_not_found
/api/chat.postMessage - ok" "$(calls_since)"
expect_eq "deleted: nothing given up" 0 "$(relay_metric 'tocsin_queue_messages{state="dead"}')"
grep -q 'msg="Slack refused to update the group'"'"'s message; posting the notification anew".*reason="slack: 200 message_not_found"' "$RELAY_ERR" ||
    { cat "$RELAY_ERR" >&2; fail "no log line for the refused edit"; }

# 6. send_resolved false: the resolved notification sends nothing, and the
# group firing anew posts a new message instead of editing the old one.
quiet() {	# NAME STATUS STARTS [INSTANCE]
	jq --arg st "$2" --arg s "$3" --arg i "${4:-homelab:9100}" '
	    .alerts[0].labels.severity = "warning" | .commonLabels.severity = "warning"
	    | .groupKey = "{}:{alertname=\"Quiet\"}" | .status = $st
	    | .alerts[0].status = $st | .alerts[0].startsAt = $s | .alerts[0].fingerprint = ""
	    | .alerts[0].labels.instance = $i
	    | if $st == "resolved" then .alerts[0].endsAt = "2026-11-23T15:00:00Z" else . end' \
	    "$FIX/ssh-login-firing.json" >"$TMP/$1.json"
}
quiet q1 firing 2026-11-23T14:20:00Z
quiet q2 firing 2026-11-23T14:20:00Z nas:9100
quiet q3 resolved 2026-11-23T14:20:00Z nas:9100
quiet q4 firing 2026-11-23T14:40:00Z nas:9100
SEEN=$(fake_count "$SL")
post "quiet firing" "$TMP/q1.json"
fake_wait_count "$SL" $((SEEN + 1))
post "quiet firing, another alert" "$TMP/q2.json"
fake_wait_count "$SL" $((SEEN + 2))
post "quiet resolved" "$TMP/q3.json"
wait_idle
post "quiet firing anew" "$TMP/q4.json"
fake_wait_count "$SL" $((SEEN + 3))
wait_idle
expect_eq "send_resolved false: post, edit, (resolved: nothing), post" \
    "/api/chat.postMessage - ok
/api/chat.update 1700000004.000100 ok
/api/chat.postMessage - ok" "$(calls_since)"

relay_stop
if grep -q "$TOKEN" "$RELAY_ERR" "$RELAY_OUT"; then
	fail "the bot token appears in the relay's log"
fi
finish
