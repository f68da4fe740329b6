#!/usr/bin/env bash
# readme_phone.sh: the README's "Acting on an alert from your phone" config,
# as written (its token file in a scratch directory and the fake Telegram as
# api_url), puts buttons on an alert a real Alertmanager 0.25 sends, and a
# press of "Silence 1h" by the allowed user makes the silence amtool lists;
# its escalate example loads.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v amtool >/dev/null || fail "amtool is not installed"
fake_start telegram
TG=$FAKE_URL
curl -fsS -X POST -d '{"chats": {"123456789": {"type": "private"}}}' \
    "$TG/_fake/config" >/dev/null
mkdir -p "$TMP/cred"
printf '123456:TEST-token\n' >"$TMP/cred/telegram-token"

{
	printf 'route:\n  receiver: phone\n'
	readme_block "Acting on an alert from your phone" "allowed_users" |
	    sed "s|/run/credentials/tocsin-relay.service/|$TMP/cred/|" |
	    sed "s|^        chat_id: 123456789$|&\n        api_url: $TG|"
} >"$TMP/relay.yml"
grep -q "api_url: $TG" "$TMP/relay.yml" || fail "the README's example has no chat_id line to add api_url to"
out=$("$TOCSIN_RELAY" check-config "$TMP/relay.yml" 2>&1) ||
    fail "the README's example does not load: $out"
relay_start --config.file="$TMP/relay.yml"
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" '--web.external-url=http://127.0.0.1:{PORT}'

amtool alert add --alertmanager.url="$AM_URL" alertname=NasDown severity=critical
has_buttons() {
	curl -fsS "$TG/_fake/requests" | jq -e '[.[] | select(.path | endswith("/sendMessage"))
	    | .body | fromjson | .reply_markup.inline_keyboard[0][] | .text] ==
	    ["Silence 1h", "Silence 24h", "Ack"]' >/dev/null
}
wait_until 30 has_buttons || { cat "$RELAY_ERR" >&2; fail "no message with the README's buttons"; }
curl -fsS -X POST -d '{"chat": "123456789", "message_id": 1, "button": "Silence 1h",
    "from": {"id": 123456789, "username": "me"}}' "$TG/_fake/press" >/dev/null
silenced() {
	[ -n "$(amtool silence query --alertmanager.url="$AM_URL" -q alertname=NasDown)" ]
}
wait_until 30 silenced || { cat "$RELAY_ERR" >&2; fail "no silence after the press"; }
expect_eq "amtool silence query: who" "@me (123456789)" \
    "$(amtool silence query --alertmanager.url="$AM_URL" -o json | jq -r '.[0].createdBy')"
relay_stop

# The escalate example loads as written, its secrets in the scratch directory.
printf 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG\n' >"$TMP/cred/pushover-user"
printf 'azGDORePK8gMaC0QOYAMyEEuzJnyUi\n' >"$TMP/cred/pushover-token"
{
	printf 'route:\n  receiver: pager\n'
	readme_block "Acting on an alert from your phone" "escalate:" |
	    sed "s|/run/credentials/tocsin-relay.service/|$TMP/cred/|"
} >"$TMP/escalate.yml"
out=$("$TOCSIN_RELAY" check-config "$TMP/escalate.yml" 2>&1) ||
    fail "the README's escalate example does not load: $out"
finish
