#!/usr/bin/env bash
# fakes_selftest.sh: pins the behaviour of tests/fakes (fake Telegram Bot API
# and fake Slack webhooks) so that sender tests can trust them: exact status
# codes and bodies, entity and length rules, rate limits, forced outages and
# the byte-exact request record.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FAKES=$TOCSIN_SOURCE_DIR/tests/fakes
J='Content-Type: application/json'

# fake_start KIND: starts tests/fakes/fake_KIND.py on a free port (killed on
# exit by common.sh) and sets FAKE_URL.
fake_start() {
	local kind=$1 pf=$TMP/$1.port i
	rm -f "$pf"
	python3 "$FAKES/fake_$kind.py" --port 0 --port-file "$pf" \
	    2>"$TMP/$kind.err" &
	CLEANUP_PIDS+=($!)
	for ((i = 0; i < 200; i++)); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	[ -s "$pf" ] || { cat "$TMP/$kind.err" >&2; fail "fake $kind did not start"; }
	FAKE_URL="http://127.0.0.1:$(cat "$pf")"
}

# ctl BASE PATH JSON: a control call that must succeed.
ctl() {
	http -X POST -H "$J" --data-binary "$3" "$1$2"
	[ "$HTTP_CODE" = 200 ] || fail "control $2 $3: $HTTP_CODE $HTTP_BODY"
}

fake_start telegram
TG=$FAKE_URL
fake_start slack
SL=$FAKE_URL

# ---------------------------------------------------------------- Telegram
TOKEN=123456:TEST-token
SEND=$TG/bot$TOKEN/sendMessage
ctl "$TG" /_fake/config '{
  "tokens": ["123456:TEST-token", "999:other"],
  "chats": {
    "42": {"type": "private"},
    "43": {"type": "private"},
    "7": {"type": "private", "blocked": true},
    "-100": {"type": "group", "migrate_to_chat_id": -1001234567890},
    "-1001": {"type": "supergroup", "title": "ops"},
    "-1002": {"type": "group", "blocked": true},
    "@alerts": {"type": "channel", "id": -100555}
  },
  "rate_limits_enabled": false
}'

# tg NAME WANT_CODE WANT_BODY JSON: posts JSON to sendMessage; with WANT_BODY
# starting with '{' the body must match exactly (after dropping result.date,
# the only field that depends on the wall clock).
tg() {
	local name=$1 code=$2 want=$3 json=$4 url=${5:-$SEND} got
	http -X POST -H "$J" --data-binary "$json" "$url"
	got=$HTTP_BODY
	if [ "$HTTP_CODE" = 200 ]; then
		got=$(printf '%s' "$HTTP_BODY" | jq -cS 'del(.result.date)')
		want=$(printf '%s' "$want" | jq -cS .)
	fi
	expect_eq "telegram: $name" "$code $want" "$HTTP_CODE $got"
}

e400() {
	printf '{"ok":false,"error_code":400,"description":"Bad Request: %s"}' "$1"
}
perr() {
	e400 "can't parse entities: $1"
}

tg "unknown token" 401 '{"ok":false,"error_code":401,"description":"Unauthorized"}' \
    '{"chat_id":42,"text":"x"}' "$TG/bot123456:WRONG/sendMessage"
tg "malformed token" 401 '{"ok":false,"error_code":401,"description":"Unauthorized: invalid token specified"}' \
    '{"chat_id":42,"text":"x"}' "$TG/botnocolon/sendMessage"
tg "unknown method" 404 '{"ok":false,"error_code":404,"description":"Not Found: method not found"}' \
    '{"chat_id":42,"text":"x"}' "$TG/bot$TOKEN/sendPhotoX"
tg "no chat_id" 400 "$(e400 'chat_id is empty')" '{"text":"x"}'
tg "no text" 400 "$(e400 'message text is empty')" '{"chat_id":42}'
tg "unknown chat" 400 "$(e400 'chat not found')" '{"chat_id":41,"text":"x"}'
tg "unknown channel" 400 "$(e400 'chat not found')" '{"chat_id":"@nope","text":"x"}'
tg "migrated group" 400 \
    '{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}}' \
    '{"chat_id":-100,"text":"x"}'
tg "blocked user" 403 '{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}' \
    '{"chat_id":7,"text":"x"}'
tg "kicked from group" 403 '{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the group chat"}' \
    '{"chat_id":"-1002","text":"x"}'
tg "bad parse_mode" 400 "$(e400 'unsupported parse_mode')" \
    '{"chat_id":42,"text":"x","parse_mode":"BBCode"}'

# HTML, with TDLib's messages and byte offsets.
tg "html unclosed b" 400 "$(perr "Can't find end tag corresponding to start tag b")" \
    '{"chat_id":42,"text":"<b>Disk full","parse_mode":"HTML"}'
# As in the Bot API, the text is checked before the chat.
tg "entities before chat" 400 "$(perr "Can't find end tag corresponding to start tag b")" \
    '{"chat_id":41,"text":"<b>Disk full","parse_mode":"HTML"}'
tg "empty text before chat" 400 "$(e400 'message text is empty')" '{"chat_id":41,"text":""}'
tg "html unsupported tag" 400 "$(perr 'Unsupported start tag \"foo\" at byte offset 12')" \
    '{"chat_id":42,"text":"Disk almost <foo> full","parse_mode":"HTML"}'
# The offset counts bytes: "é" is two.
tg "html offset in bytes" 400 "$(perr 'Unsupported start tag \"x\" at byte offset 3')" \
    '{"chat_id":42,"text":"é <x>","parse_mode":"HTML"}'
tg "html bare <" 400 "$(perr 'Unsupported start tag \"\" at byte offset 2')" \
    '{"chat_id":42,"text":"a < b","parse_mode":"HTML"}'
tg "html unmatched end" 400 \
    "$(perr 'Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\"')" \
    '{"chat_id":42,"text":"<b><i>x</b></i>","parse_mode":"HTML"}'
tg "html unexpected end" 400 "$(perr 'Unexpected end tag at byte offset 1')" \
    '{"chat_id":42,"text":"x</b>","parse_mode":"HTML"}'
tg "html unclosed start" 400 "$(perr 'Unclosed start tag at byte offset 2')" \
    '{"chat_id":42,"text":"a <b","parse_mode":"HTML"}'
tg "html span without class" 400 \
    "$(perr 'Tag \"span\" must have class \"tg-spoiler\" at byte offset 0')" \
    '{"chat_id":42,"text":"<span>x</span>","parse_mode":"HTML"}'
tg "html empty after tags" 400 "$(e400 'message text is empty')" \
    '{"chat_id":42,"text":"<b> </b>\n","parse_mode":"HTML"}'
# Entities decoded, unknown named entities kept literally (as Telegram does),
# tags stripped; entity offsets in UTF-16 units (the emoji counts two).
tg "html accepted" 200 '{"ok":true,"result":{"message_id":1,
  "from":{"id":123456,"is_bot":true,"first_name":"Fake Bot","username":"fake_bot"},
  "chat":{"id":42,"type":"private","first_name":"Test"},
  "text":"🔥 Load > 90% & <rising> \"x\" A&nbsp;",
  "entities":[{"type":"bold","offset":3,"length":4},
              {"type":"text_link","offset":8,"length":1,"url":"https://x/?a=1&b=2"},
              {"type":"code","offset":25,"length":3}]}}' \
    '{"chat_id":42,"text":"🔥 <b>Load</b> <a href=\"https://x/?a=1&amp;b=2\">&gt;</a> 90% &amp; &lt;rising&gt; <code>&quot;x&quot;</code> &#65;&nbsp;","parse_mode":"HTML"}'

tg "entities follow the trimmed text" 200 '{"ok":true,"result":{"message_id":2,
  "from":{"id":123456,"is_bot":true,"first_name":"Fake Bot","username":"fake_bot"},
  "chat":{"id":42,"type":"private","first_name":"Test"},"text":"x y",
  "entities":[{"type":"bold","offset":0,"length":1},{"type":"italic","offset":2,"length":1}]}}' \
    '{"chat_id":42,"text":"\n <b> x</b> <i>y\n</i>\n","parse_mode":"HTML"}'

# Length: 4096 UTF-16 code units after parsing.
long() { python3 -c "import json,sys; print(json.dumps({'chat_id':42,'parse_mode':'HTML','text':sys.argv[1]*int(sys.argv[2])+sys.argv[3]}))" "$@"; }
http -X POST -H "$J" --data-binary "$(long a 4096 '')" "$SEND"
expect_eq "telegram: 4096 characters pass" 200 "$HTTP_CODE"
tg "4097 characters fail" 400 "$(e400 'message is too long')" "$(long a 4097 '')"
http -X POST -H "$J" --data-binary "$(long a 4095 '&lt;')" "$SEND"
expect_eq "telegram: &lt; counts as one character" 200 "$HTTP_CODE"
http -X POST -H "$J" --data-binary "$(long a 4095 '<b>b</b>')" "$SEND"
expect_eq "telegram: tags do not count" 200 "$HTTP_CODE"
tg "over 32768 bytes before parsing" 400 "$(e400 'text is too long')" "$(long '<b></b>' 4682 '')"
http -X POST -H "$J" --data-binary "$(long '<b></b>' 4681 '')" "$SEND"
expect_eq "telegram: 32767 bytes of tags are no text" "400 $(e400 'message text is empty')" "$HTTP_CODE $HTTP_BODY"
tg "4096 + entity fail" 400 "$(e400 'message is too long')" "$(long a 4096 '&amp;')"
http -X POST -H "$J" --data-binary "$(long a 4094 '🔥')" "$SEND"
expect_eq "telegram: an emoji counts as two units (4096)" 200 "$HTTP_CODE"
tg "emoji makes 4097 units" 400 "$(e400 'message is too long')" "$(long a 4095 '🔥')"

# MarkdownV2 and Markdown. The description ends in '\\', one backslash in JSON.
BS='\\'
tg "mdv2 reserved dot" 400 "$(perr "Character '.' is reserved and must be escaped with the preceding '$BS'")" \
    '{"chat_id":42,"text":"disk 91.5%","parse_mode":"MarkdownV2"}'
tg "mdv2 reserved dash" 400 "$(perr "Character '-' is reserved and must be escaped with the preceding '$BS'")" \
    '{"chat_id":42,"text":"a - b","parse_mode":"MarkdownV2"}'
tg "mdv2 unclosed bold" 400 "$(perr "Can't find end of Bold entity at byte offset 2")" \
    '{"chat_id":42,"text":"a *b","parse_mode":"MarkdownV2"}'
tg "mdv2 accepted" 200 '{"ok":true,"result":{"message_id":7,
  "from":{"id":123456,"is_bot":true,"first_name":"Fake Bot","username":"fake_bot"},
  "chat":{"id":42,"type":"private","first_name":"Test"},"text":"bold 91.5% link",
  "entities":[{"type":"bold","offset":0,"length":4},{"type":"text_link","offset":11,"length":4,"url":"https://x.y/"}]}}' \
    '{"chat_id":42,"text":"*bold* 91\\.5% [link](https://x.y/)","parse_mode":"MarkdownV2"}'
tg "markdown unclosed" 400 "$(perr "Can't find end of the entity starting at byte offset 2")" \
    '{"chat_id":42,"text":"a _b","parse_mode":"Markdown"}'

# Form-encoded, string values (as Alertmanager's telebot sends), channels.
http -X POST --data-urlencode 'chat_id=@alerts' --data-urlencode 'text=<b>hi</b> ✓' \
    --data-urlencode parse_mode=HTML --data-urlencode disable_notification=true "$SEND"
expect_eq "telegram: form-encoded to @channel" \
    '200 {"chat":{"id":-100555,"title":"Test channel","type":"channel","username":"alerts"},"text":"hi ✓"}' \
    "$HTTP_CODE $(printf '%s' "$HTTP_BODY" | jq -cS '{chat: .result.chat, text: .result.text}')"
expect_eq "telegram: non-ASCII escaped like Telegram" '"text":"hi \u2713"' \
    "$(printf '%s' "$HTTP_BODY" | grep -o '"text":"[^"]*"')"

# Rate limits on a frozen fake clock.
ctl "$TG" /_fake/reset '{}'
ctl "$TG" /_fake/config '{"rate_limits_enabled": true,
  "rate_private": {"rate": 1, "burst": 1},
  "rate_group": {"rate": 0.3333333333333333, "burst": 20},
  "rate_bot": {"rate": 30, "burst": 30}}'
ctl "$TG" /_fake/clock '{"freeze": true}'
R429() {
	printf '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}' "$1" "$1"
}
http -X POST -H "$J" --data-binary '{"chat_id":42,"text":"one"}' "$SEND"
expect_eq "telegram: first message passes" 200 "$HTTP_CODE"
tg "second within 1s is limited" 429 "$(R429 1)" '{"chat_id":42,"text":"two"}'
http -X POST -H "$J" --data-binary '{"chat_id":43,"text":"other chat"}' "$SEND"
expect_eq "telegram: another chat is not limited" 200 "$HTTP_CODE"
ctl "$TG" /_fake/clock '{"advance": 1}'
http -X POST -H "$J" --data-binary '{"chat_id":42,"text":"two"}' "$SEND"
expect_eq "telegram: passes after retry_after" 200 "$HTTP_CODE"
for i in $(seq 20); do
	http -X POST -H "$J" --data-binary "{\"chat_id\":-1001,\"text\":\"g$i\"}" "$SEND"
	[ "$HTTP_CODE" = 200 ] || expect_eq "telegram: group message $i" 200 "$HTTP_CODE"
done
tg "21st group message in a minute" 429 "$(R429 3)" '{"chat_id":-1001,"text":"g21"}'
ctl "$TG" /_fake/clock '{"advance": 2}'
tg "still limited after 2s" 429 "$(R429 1)" '{"chat_id":-1001,"text":"g21"}'
ctl "$TG" /_fake/clock '{"advance": 1}'
http -X POST -H "$J" --data-binary '{"chat_id":-1001,"text":"g21"}' "$SEND"
expect_eq "telegram: group passes after 3s" 200 "$HTTP_CODE"
ctl "$TG" /_fake/config '{"rate_bot": {"rate": 30, "burst": 2}, "rate_private": {"rate": 1, "burst": 5}}'
ctl "$TG" /_fake/clock '{"advance": 10}'
http -X POST -H "$J" --data-binary '{"chat_id":42,"text":"b1"}' "$SEND"
http -X POST -H "$J" --data-binary '{"chat_id":43,"text":"b2"}' "$SEND"
tg "per-bot limit across chats" 429 "$(R429 1)" '{"chat_id":-1001,"text":"b3"}'
# And on the real clock: wait what retry_after says, then pass.
ctl "$TG" /_fake/reset '{}'
ctl "$TG" /_fake/config '{"rate_private": {"rate": 1, "burst": 1}, "rate_bot": {"rate": 30, "burst": 30}}'
http -X POST -H "$J" --data-binary '{"chat_id":42,"text":"r1"}' "$SEND"
tg "real clock: limited" 429 "$(R429 1)" '{"chat_id":42,"text":"r2"}'
sleep 1.1
http -X POST -H "$J" --data-binary '{"chat_id":42,"text":"r2"}' "$SEND"
expect_eq "telegram: real clock: passes after waiting" 200 "$HTTP_CODE"

# Forced outage: two 500s, one 429, one dropped connection, then normal.
ctl "$TG" /_fake/reset '{}'
ctl "$TG" /_fake/config '{"rate_limits_enabled": false, "force": [
  {"status": 500, "count": 2}, {"status": 429, "retry_after": 2}, {"close": true}]}'
tg "forced 500 (1)" 500 '{"ok":false,"error_code":500,"description":"Internal Server Error"}' '{"chat_id":42,"text":"f"}'
tg "forced 500 (2)" 500 '{"ok":false,"error_code":500,"description":"Internal Server Error"}' '{"chat_id":42,"text":"f"}'
tg "forced 429" 429 "$(R429 2)" '{"chat_id":42,"text":"f"}'
http -X POST -H "$J" --data-binary '{"chat_id":42,"text":"f"}' "$SEND"
expect_eq "telegram: forced close gives no answer" 000 "$HTTP_CODE"
http -X POST -H "$J" --data-binary '{"chat_id":42,"text":"f"}' "$SEND"
expect_eq "telegram: normal after the outage" 200 "$HTTP_CODE"

# A slow upstream: the answer comes after the client's timeout.
ctl "$TG" /_fake/config '{"force": [{"delay": 2}]}'
http --max-time 0.5 -X POST -H "$J" --data-binary '{"chat_id":42,"text":"slow"}' "$SEND"
expect_eq "telegram: delayed answer times the client out" 000 "$HTTP_CODE"
http "$TG/_fake/count"
expect_eq "telegram: counts by status" '{"by_status":{"0":1,"200":2,"429":1,"500":2},"requests":6}' \
    "$(printf '%s' "$HTTP_BODY" | jq -cS .)"
http "$TG/_fake/requests?since=5"
expect_eq "telegram: requests since 5" '[6,"slow"]' \
    "$(printf '%s' "$HTTP_BODY" | jq -c 'map([.seq, (.body | fromjson | .text)])[]')"

# The record: every request, secrets included, exact bytes, status sent.
printf '{"chat_id":42,"text":"caf\xc3\xa9 <b>x</b>\\n","parse_mode":"HTML"}' >"$TMP/tg-body"
ctl "$TG" /_fake/reset '{}'
http -X POST -H "$J" --data-binary "@$TMP/tg-body" "$SEND"
http "$TG/_fake/requests"
rec=$HTTP_BODY
expect_eq "telegram: one request recorded" 1 "$(printf '%s' "$rec" | jq length)"
expect_eq "telegram: record method, path, status" \
    "POST /bot$TOKEN/sendMessage 200 application/json" \
    "$(printf '%s' "$rec" | jq -r '.[0] | "\(.method) \(.path) \(.status) \(.headers | map(select(.[0] == "Content-Type"))[0][1])"')"
printf '%s' "$rec" | jq -r '.[0].body_b64' | base64 -d >"$TMP/tg-got"
cmp -s "$TMP/tg-body" "$TMP/tg-got" || expect_eq "telegram: recorded bytes" \
    "$(od -c "$TMP/tg-body")" "$(od -c "$TMP/tg-got")"
expect_eq "telegram: recorded text" "$(cat "$TMP/tg-body")" "$(printf '%s' "$rec" | jq -j '.[0].body')"

# ---------------------------------------------------------------- Slack
HOOK=$SL/services/T000/B000/XXXXXXXX
ctl "$SL" /_fake/config '{"webhooks": {"T000/B000/XXXXXXXX": "ok",
  "T000/B001/gone": "no_service", "T000/B002/nochan": "channel_not_found",
  "T000/B003/archived": "channel_is_archived"}, "rate_limits_enabled": false}'
AMPAYLOAD='{"channel":"#alerts","username":"Alertmanager","attachments":[{"title":"[FIRING:1] HighLoad","title_link":"http://am/#/alerts","text":"load > 9","fallback":"[FIRING:1] HighLoad | http://am/#/alerts","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}'
sl() {
	local name=$1 want=$2 url=$3
	shift 3
	http -X POST "$@" "$url"
	expect_eq "slack: $name" "$want" "$HTTP_CODE $HTTP_BODY"
}
sl "Alertmanager payload" "200 ok" "$HOOK" -H "$J" --data-binary "$AMPAYLOAD"
sl "text only" "200 ok" "$HOOK" -H "$J" --data-binary '{"text":"hi"}'
sl "form payload=" "200 ok" "$HOOK" --data-urlencode 'payload={"text":"hi"}'
sl "bad JSON" "400 invalid_payload" "$HOOK" -H "$J" --data-binary '{"text":'
sl "JSON not an object" "400 invalid_payload" "$HOOK" -H "$J" --data-binary '["x"]'
sl "no text" "400 no_text" "$HOOK" -H "$J" --data-binary '{"username":"am"}'
sl "attachment without text" "400 no_text" "$HOOK" -H "$J" --data-binary '{"attachments":[{"color":"danger"}]}'
sl "unknown webhook" "403 invalid_token" "$SL/services/T000/B000/WRONG" -H "$J" --data-binary '{"text":"x"}'
sl "no service" "404 no_service" "$SL/services/T000/B001/gone" -H "$J" --data-binary '{"text":"x"}'
sl "channel not found" "404 channel_not_found" "$SL/services/T000/B002/nochan" -H "$J" --data-binary '{"text":"x"}'
sl "archived" "410 channel_is_archived" "$SL/services/T000/B003/archived" -H "$J" --data-binary '{"text":"x"}'
sl "101 attachments" "400 too_many_attachments" "$HOOK" -H "$J" \
    --data-binary "$(python3 -c 'import json; print(json.dumps({"attachments":[{"text":"x"}]*101}))')"

# Rate limit: 1/s per webhook.
ctl "$SL" /_fake/config '{"rate_limits_enabled": true, "rate": {"rate": 1, "burst": 1}}'
ctl "$SL" /_fake/clock '{"freeze": true}'
sl "first passes" "200 ok" "$HOOK" -H "$J" --data-binary '{"text":"1"}'
sl "second is limited" "429 rate_limited" "$HOOK" -H "$J" --data-binary '{"text":"2"}'
expect_eq "slack: Retry-After" "Retry-After: 1" "$(printf '%s\n' "$HTTP_HEADERS" | grep -i '^retry-after:')"
ctl "$SL" /_fake/clock '{"advance": 1}'
sl "passes after Retry-After" "200 ok" "$HOOK" -H "$J" --data-binary '{"text":"2"}'
ctl "$SL" /_fake/clock '{"freeze": false}'
sl "real clock: limited" "429 rate_limited" "$HOOK" -H "$J" --data-binary '{"text":"3"}'
sleep 1.1
sl "real clock: passes after waiting" "200 ok" "$HOOK" -H "$J" --data-binary '{"text":"3"}'

# Forced outage.
ctl "$SL" /_fake/reset '{}'
ctl "$SL" /_fake/config '{"rate_limits_enabled": false, "force": [
  {"status": 500, "count": 2}, {"status": 429, "retry_after": 5}, {"status": 503, "body": "upstream down"}]}'
sl "forced rollup_error (1)" "500 rollup_error" "$HOOK" -H "$J" --data-binary '{"text":"x"}'
sl "forced rollup_error (2)" "500 rollup_error" "$HOOK" -H "$J" --data-binary '{"text":"x"}'
sl "forced 429" "429 rate_limited" "$HOOK" -H "$J" --data-binary '{"text":"x"}'
expect_eq "slack: forced Retry-After" "Retry-After: 5" "$(printf '%s\n' "$HTTP_HEADERS" | grep -i '^retry-after:')"
sl "forced body" "503 upstream down" "$HOOK" -H "$J" --data-binary '{"text":"x"}'
sl "normal after the outage" "200 ok" "$HOOK" -H "$J" --data-binary '{"text":"x"}'

# The record.
ctl "$SL" /_fake/reset '{}'
printf '%s' "$AMPAYLOAD" >"$TMP/sl-body"
http -X POST -H "$J" --data-binary "@$TMP/sl-body" "$HOOK"
http -X POST -H "$J" --data-binary '{"text":' "$HOOK"
ctl "$SL" /_fake/config '{"record_requests": false}'
http -X POST -H "$J" --data-binary '{"text":"not kept"}' "$HOOK"
ctl "$SL" /_fake/config '{"record_requests": true}'
http "$SL/_fake/count"
expect_eq "slack: counted though not recorded" '{"by_status":{"200":2,"400":1},"requests":3}' \
    "$(printf '%s' "$HTTP_BODY" | jq -cS .)"
http "$SL/_fake/requests"
rec=$HTTP_BODY
expect_eq "slack: records" "POST /services/T000/B000/XXXXXXXX 200 ok|POST /services/T000/B000/XXXXXXXX 400 invalid_payload" \
    "$(printf '%s' "$rec" | jq -r 'map("\(.method) \(.path) \(.status) \(.response)") | join("|")')"
printf '%s' "$rec" | jq -r '.[0].body_b64' | base64 -d >"$TMP/sl-got"
cmp -s "$TMP/sl-body" "$TMP/sl-got" || expect_eq "slack: recorded bytes" \
    "$(cat "$TMP/sl-body")" "$(cat "$TMP/sl-got")"
expect_eq "slack: receive times are monotonic" true \
    "$(printf '%s' "$rec" | jq '.[0].received_ms <= .[1].received_ms')"
http -X POST -H "$J" --data-binary '{"bogus": 1}' "$SL/_fake/config"
expect_eq "slack: unknown config key refused" 400 "$HTTP_CODE"

# ------------------------------------------- Slack Web API chat.postMessage
# What Alertmanager 0.30+ posts with app_token (0.25 cannot, so no real
# Alertmanager here): JSON with a bot token, answered with the Web API's
# JSON, errors as HTTP 200 {"ok":false}, but 429 ratelimited.
API=$SL/api/chat.postMessage
ctl "$SL" /_fake/reset '{}'
ctl "$SL" /_fake/config '{"rate_limits_enabled": false, "app_tokens": {"xoxb-TEST-token": "ok",
  "xoxb-revoked": "token_revoked"}, "channels": {"#alerts": {"id": "C0ALERTS01"},
  "#old": {"id": "C0OLD00001", "state": "is_archived"}, "#priv": {"id": "C0PRIV0001", "state": "not_in_channel"}}}'
B='Authorization: Bearer xoxb-TEST-token'
JU='Content-Type: application/json; charset=utf-8'
sl "api: posted" '200 {"ok":true,"channel":"C0ALERTS01","ts":"1700000001.000100","message":{"type":"message","subtype":"bot_message","text":"","ts":"1700000001.000100","bot_id":"B0FAKEBOT1"}}' \
    "$API" -H "$B" -H "$JU" --data-binary "$AMPAYLOAD"
expect_eq "slack api: JSON answer" "Content-Type: application/json; charset=utf-8" \
    "$(printf '%s\n' "$HTTP_HEADERS" | grep -i '^content-type:')"
sl "api: missing charset warned" '200 {"ok":true,"channel":"C0ALERTS01","ts":"1700000002.000100","message":{"type":"message","subtype":"bot_message","text":"hi","ts":"1700000002.000100","bot_id":"B0FAKEBOT1"},"warning":"missing_charset","response_metadata":{"warnings":["missing_charset"]}}' \
    "$API" -H "$B" -H "$J" --data-binary '{"channel":"C0ALERTS01","text":"hi"}'
sl "api: form with token" '200 {"ok":true,"channel":"C0ALERTS01","ts":"1700000003.000100","message":{"type":"message","subtype":"bot_message","text":"hi","ts":"1700000003.000100","bot_id":"B0FAKEBOT1"}}' \
    "$API" --data 'token=xoxb-TEST-token&channel=alerts&text=hi'
sl "api: no token" '200 {"ok":false,"error":"not_authed"}' "$API" -H "$JU" --data-binary '{"channel":"#alerts","text":"x"}'
sl "api: unknown token" '200 {"ok":false,"error":"invalid_auth"}' "$API" -H 'Authorization: Bearer xoxb-nope' -H "$JU" --data-binary '{"channel":"#alerts","text":"x"}'
sl "api: revoked token" '200 {"ok":false,"error":"token_revoked"}' "$API" -H 'Authorization: Bearer xoxb-revoked' -H "$JU" --data-binary '{"channel":"#alerts","text":"x"}'
sl "api: bad JSON" '200 {"ok":false,"error":"invalid_json"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":'
sl "api: JSON not an object" '200 {"ok":false,"error":"json_not_object"}' "$API" -H "$B" -H "$JU" --data-binary '[1]'
sl "api: no channel" '200 {"ok":false,"error":"channel_not_found"}' "$API" -H "$B" -H "$JU" --data-binary '{"text":"x"}'
sl "api: unknown channel" '200 {"ok":false,"error":"channel_not_found"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#nope","text":"x"}'
sl "api: no text" '200 {"ok":false,"error":"no_text"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#alerts"}'
sl "api: archived" '200 {"ok":false,"error":"is_archived"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#old","text":"x"}'
sl "api: not in channel" '200 {"ok":false,"error":"not_in_channel"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#priv","text":"x"}'
sl "api: text too long" '200 {"ok":false,"error":"msg_too_long"}' "$API" -H "$B" -H "$JU" \
    --data-binary "$(python3 -c 'import json; print(json.dumps({"channel":"#alerts","text":"x"*40001}))')"
sl "api: unknown method" '404 {"ok":false,"error":"unknown_method"}' "$SL/api/chat.nothing" -H "$B" -H "$JU" --data-binary '{}'
# 1/s per channel, 429 with Retry-After.
ctl "$SL" /_fake/config '{"rate_limits_enabled": true, "rate": {"rate": 1, "burst": 1}}'
ctl "$SL" /_fake/clock '{"freeze": true}'
sl "api: first passes" '200 {"ok":true,"channel":"C0ALERTS01","ts":"1700000004.000100","message":{"type":"message","subtype":"bot_message","text":"1","ts":"1700000004.000100","bot_id":"B0FAKEBOT1"}}' \
    "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#alerts","text":"1"}'
sl "api: second is limited" '429 {"ok":false,"error":"ratelimited"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":"C0ALERTS01","text":"2"}'
expect_eq "slack api: Retry-After" "Retry-After: 1" "$(printf '%s\n' "$HTTP_HEADERS" | grep -i '^retry-after:')"
ctl "$SL" /_fake/clock '{"advance": 1}'
sl "api: passes after Retry-After" '200 {"ok":true,"channel":"C0ALERTS01","ts":"1700000005.000100","message":{"type":"message","subtype":"bot_message","text":"2","ts":"1700000005.000100","bot_id":"B0FAKEBOT1"}}' \
    "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#alerts","text":"2"}'
ctl "$SL" /_fake/config '{"rate_limits_enabled": false, "force": [{"status": 503}, {"status": 200, "error": "fatal_error"}]}'
sl "api: forced 503" '503 {"ok":false,"error":"service_unavailable"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#alerts","text":"x"}'
sl "api: forced error" '200 {"ok":false,"error":"fatal_error"}' "$API" -H "$B" -H "$JU" --data-binary '{"channel":"#alerts","text":"x"}'

# ------------------------------------------------- real Alertmanager -> fakes
# The requests Alertmanager 0.25 itself sends are accepted, and its telegram
# client understands the fake's errors (telebot maps the exact description).
ctl "$TG" /_fake/reset '{}'
ctl "$TG" /_fake/config '{"rate_limits_enabled": false}'
ctl "$SL" /_fake/reset '{}'
ctl "$SL" /_fake/config '{"rate_limits_enabled": false}'
cat >"$TMP/am.yml" <<EOF
route:
  receiver: both
  group_wait: 0s
  group_interval: 1s
  routes:
    - matchers: [alertname="Lost"]
      receiver: lost
receivers:
  - name: both
    telegram_configs:
      - api_url: $TG
        bot_token: $TOKEN
        chat_id: 42
        parse_mode: HTML
    slack_configs:
      - api_url: $HOOK
        channel: '#alerts'
  - name: lost
    telegram_configs:
      - api_url: $TG
        bot_token: $TOKEN
        chat_id: 41
EOF
am_start "$TMP/am.yml" --web.external-url=http://am.example:9093
http -X POST -H "$J" "http://127.0.0.1:$AM_PORT/api/v2/alerts" --data-binary \
    '[{"labels":{"alertname":"DiskFull","severity":"critical","instance":"a<b>&c"},"annotations":{"summary":"disk <full> & more"}},
      {"labels":{"alertname":"Lost"}}]'
expect_eq "alertmanager accepted the alerts" 200 "$HTTP_CODE"
for ((i = 0; i < 200; i++)); do
	http "$SL/_fake/requests"
	ns=$(printf '%s' "$HTTP_BODY" | jq length)
	http "$TG/_fake/requests"
	nt=$(printf '%s' "$HTTP_BODY" | jq 'map(select(.status == 200)) | length')
	[ "$ns" -ge 1 ] && [ "$nt" -ge 1 ] && grep -q 'chat not found (400)' "$TMP/am.err" && break
	sleep 0.1
done
expect_eq "alertmanager -> telegram" \
    '200 {"chat_id":"42","disable_web_page_preview":"true","parse_mode":"HTML","text":"\n\nAlerts Firing:\nLabels:\n - alertname = DiskFull\n - instance = a\u0026lt;b\u0026gt;\u0026amp;c\n - severity = critical\nAnnotations:\n - summary = disk \u0026lt;full\u0026gt; \u0026amp; more\nSource: \n\n\n\n"}' \
    "$(printf '%s' "$HTTP_BODY" | jq -j 'map(select(.status == 200))[0] | "\(.status) \(.body)"')"
expect_eq "alertmanager -> telegram: text as Telegram parsed it" \
    '"Alerts Firing:\nLabels:\n - alertname = DiskFull\n - instance = a<b>&c\n - severity = critical\nAnnotations:\n - summary = disk <full> & more\nSource:"' \
    "$(printf '%s' "$HTTP_BODY" | jq -r 'map(select(.status == 200))[0].response' | jq .result.text)"
expect_eq "alertmanager -> telegram: unknown chat refused" 400 \
    "$(printf '%s' "$HTTP_BODY" | jq 'map(select(.status != 200))[0].status')"
grep -q 'integration=telegram\[0\] msg="Notify attempt failed, will retry later" attempts=1 err="telegram: chat not found (400)"' "$TMP/am.err" ||
    expect_eq "alertmanager logs the fake's Telegram error" "telegram: chat not found (400)" "$(grep telegram "$TMP/am.err")"
http "$SL/_fake/requests"
expect_eq "alertmanager -> slack" \
    '200 ok {"channel":"#alerts","username":"Alertmanager","attachments":[{"title":"[FIRING:1]  (DiskFull a\u003cb\u003e\u0026c critical)","title_link":"http://am.example:9093/#/alerts?receiver=both","text":"","fallback":"[FIRING:1]  (DiskFull a\u003cb\u003e\u0026c critical) | http://am.example:9093/#/alerts?receiver=both","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}' \
    "$(printf '%s' "$HTTP_BODY" | jq -j '.[0] | "\(.status) \(.response) \(.body)"')"

finish
