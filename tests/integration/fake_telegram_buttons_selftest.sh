#!/usr/bin/env bash
# fake_telegram_buttons_selftest.sh: pins the fake Telegram's button calls
# as the Bot API answers them: inline keyboards on sendMessage (and their
# limits), presses injected through /_fake/press, getUpdates' long polling
# and offsets (an offset confirms the updates before it; a newer poll ends
# a waiting one with 409), answerCallbackQuery, editMessageText and
# editMessageReplyMarkup with Telegram's errors, and replies
# (reply_to_message_id, allow_sending_without_reply).
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

fake_start telegram
TG=$FAKE_URL
B=$TG/bot123456:TEST-token
J='Content-Type: application/json'

# call METHOD JSON: sets HTTP_CODE and BODY (the answer without the dates
# that depend on the clock).
call() {
	http -X POST -H "$J" --data-binary "$2" "$B/$1"
	BODY=$(jq -cS 'if (.result | type) == "object" then
	    del(.result.date, .result.edit_date, .result.reply_to_message.date)
	    elif (.result | type) == "array" then
	    .result |= map(del(.callback_query.message.date)) else . end' <<<"$HTTP_BODY")
}
check() {
	expect_eq "$1" "$2 $(jq -cS . <<<"$3")" "$HTTP_CODE $BODY"
}
e400() {
	printf '{"ok":false,"error_code":400,"description":"Bad Request: %s"}' "$1"
}
KB='{"inline_keyboard":[[{"text":"Silence 1h","callback_data":"R:s:1h"},{"text":"Ack","callback_data":"R:a"}]]}'
MSG='{"chat":{"first_name":"Test","id":42,"type":"private"},"entities":[{"length":4,"offset":0,"type":"bold"}],"from":{"first_name":"Fake Bot","id":123456,"is_bot":true,"username":"fake_bot"},"message_id":1,"reply_markup":'"$KB"',"text":"Disk full"}'

call sendMessage '{"chat_id":"42","parse_mode":"HTML","text":"<b>Disk</b> full","reply_markup":'"$KB"'}'
check "sendMessage with a keyboard" 200 '{"ok":true,"result":'"$MSG"'}'
call sendMessage '{"chat_id":"42","text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"'"$(printf '%065d' 0)"'"}]]}}'
check "callback data over 64 bytes" 400 "$(e400 BUTTON_DATA_INVALID)"
call sendMessage '{"chat_id":"42","text":"x","reply_markup":"{"}'
check "reply_markup not JSON" 400 "$(e400 "can't parse reply keyboard markup JSON object")"

# ---- getUpdates
call getUpdates '{"timeout":0}'
check "no updates" 200 '{"ok":true,"result":[]}'
T0=$(date +%s%3N)
call getUpdates '{"timeout":1}'
T1=$(date +%s%3N)
check "long poll with nothing to say" 200 '{"ok":true,"result":[]}'
[ $((T1 - T0)) -ge 900 ] || fail "the long poll returned after $((T1 - T0)) ms, not 1 s"

http -X POST --data-binary '{"chat": "42", "message_id": 1, "button": "Ack", "from": {"id": 111, "username": "ann"}}' "$TG/_fake/press"
expect_eq "press by button text" '200 {"ok": true, "update_id": 1, "query_id": "4000000000000000001"}' "$HTTP_CODE $HTTP_BODY"
http -X POST --data-binary '{"chat": "42", "message_id": 1, "button": "Nope"}' "$TG/_fake/press"
expect_eq "press on a button that is not there" '404 {"ok": false, "error": "no such button"}' "$HTTP_CODE $HTTP_BODY"
http -X POST --data-binary '{"chat": "42", "message_id": 9, "data": "forged"}' "$TG/_fake/press"
expect_eq "forged data on any message" 200 "$HTTP_CODE"
UPD1='{"callback_query":{"chat_instance":"-5000","data":"R:a","from":{"first_name":"Test","id":111,"is_bot":false,"username":"ann"},"id":"4000000000000000001","message":'"$MSG"'},"update_id":1}'
UPD2='{"callback_query":{"chat_instance":"-5000","data":"forged","from":{"first_name":"Test","id":123456789,"is_bot":false},"id":"4000000000000000002","message":{"chat":{"id":42,"type":"private"},"message_id":9}},"update_id":2}'
call getUpdates '{"offset":0,"timeout":5,"allowed_updates":["callback_query"]}'
check "pending updates come at once" 200 '{"ok":true,"result":['"$UPD1"','"$UPD2"']}'
call getUpdates '{"offset":0,"limit":1}'
check "limit" 200 '{"ok":true,"result":['"$UPD1"']}'
call getUpdates '{"offset":2}'
check "an offset confirms the updates before it" 200 '{"ok":true,"result":['"$UPD2"']}'
call getUpdates '{"offset":0}'
check "confirmed updates are gone" 200 '{"ok":true,"result":['"$UPD2"']}'
call getUpdates '{"offset":0,"allowed_updates":["message"]}'
check "allowed_updates filters" 200 '{"ok":true,"result":[]}'
call getUpdates '{"offset":3,"timeout":0}'
check "all confirmed" 200 '{"ok":true,"result":[]}'

# A waiting poll returns as soon as a press arrives.
(sleep 0.5; curl -fsS -X POST --data-binary '{"chat": "42", "message_id": 1, "button": "Silence 1h"}' "$TG/_fake/press" >/dev/null) &
T0=$(date +%s%3N)
call getUpdates '{"offset":3,"timeout":10}'
T1=$(date +%s%3N)
expect_eq "woken by the press" "200 3 R:s:1h" "$HTTP_CODE $(jq -r '.result[0] | "\(.update_id) \(.callback_query.data)"' <<<"$BODY")"
[ $((T1 - T0)) -lt 5000 ] || fail "the waiting poll took $((T1 - T0)) ms"
wait $!

# A second poller ends the waiting one with 409.
curl -s -H "$J" -d '{"offset":4,"timeout":5}' "$B/getUpdates" >"$TMP/first" &
FIRST=$!
sleep 0.5
call getUpdates '{"offset":4,"timeout":0}'
check "the newer poll answers" 200 '{"ok":true,"result":[]}'
wait "$FIRST"
expect_eq "the older poll gets 409" \
    '{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}' \
    "$(cat "$TMP/first")"

# Another bot's poll is its own: no 409 across tokens, no updates either.
curl -fsS -X POST -d '{"tokens": ["123456:TEST-token", "999:other"]}' "$TG/_fake/config" >/dev/null
curl -s -H "$J" -d '{"timeout":2}' "$TG/bot999:other/getUpdates" >"$TMP/other" &
OTHER=$!
sleep 0.5
call getUpdates '{"offset":4,"timeout":0}'
check "a poll of this bot" 200 '{"ok":true,"result":[]}'
wait "$OTHER"
expect_eq "the other bot's poll is untouched" '{"ok":true,"result":[]}' "$(cat "$TMP/other")"

# ---- answerCallbackQuery
call answerCallbackQuery '{"callback_query_id":"4000000000000000001","text":"Acknowledged."}'
check "answer" 200 '{"ok":true,"result":true}'
call answerCallbackQuery '{"callback_query_id":"4000000000000000001","text":"again"}'
check "answered twice" 400 "$(e400 "query is too old and response timeout expired or query ID is invalid")"
call answerCallbackQuery '{"callback_query_id":"77","text":"x"}'
check "unknown query" 400 "$(e400 "query is too old and response timeout expired or query ID is invalid")"

# ---- editMessageText / editMessageReplyMarkup
UN='{"inline_keyboard":[[{"text":"Unsilence","callback_data":"R:u"}]]}'
call editMessageText '{"chat_id":"42","message_id":1,"text":"Disk full\n\nSilenced","entities":[{"type":"bold","offset":0,"length":4}],"reply_markup":'"$UN"'}'
check "edit text" 200 '{"ok":true,"result":{"chat":{"first_name":"Test","id":42,"type":"private"},"entities":[{"length":4,"offset":0,"type":"bold"}],"from":{"first_name":"Fake Bot","id":123456,"is_bot":true,"username":"fake_bot"},"message_id":1,"reply_markup":'"$UN"',"text":"Disk full\n\nSilenced"}}'
call editMessageText '{"chat_id":"42","message_id":1,"text":"Disk full\n\nSilenced","entities":[{"type":"bold","offset":0,"length":4}],"reply_markup":'"$UN"'}'
check "the same edit again" 400 "$(e400 "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")"
call editMessageText '{"chat_id":"42","message_id":1,"text":"Disk full\n\nSilenced","entities":[{"type":"bold","offset":0,"length":40}]}'
check "an entity past the text" 400 "$(e400 "can't parse entities: entity beyond the end of text")"
call editMessageText '{"chat_id":"42","message_id":1,"text":" "}'
check "empty text" 400 "$(e400 "message text is empty")"
call editMessageText '{"chat_id":"42","message_id":99,"text":"x"}'
check "no such message" 400 "$(e400 "message to edit not found")"
call editMessageText '{"chat_id":"42","text":"x"}'
check "no message id" 400 "$(e400 "message identifier is not specified")"
call editMessageReplyMarkup '{"chat_id":"42","message_id":1,"reply_markup":'"$UN"'}'
check "the same markup" 400 "$(e400 "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")"
call editMessageReplyMarkup '{"chat_id":"42","message_id":1}'
check "markup removed" 200 '{"ok":true,"result":{"chat":{"first_name":"Test","id":42,"type":"private"},"entities":[{"length":4,"offset":0,"type":"bold"}],"from":{"first_name":"Fake Bot","id":123456,"is_bot":true,"username":"fake_bot"},"message_id":1,"text":"Disk full\n\nSilenced"}}'
http -X POST --data-binary '{"chat": "42", "message_id": 1, "editable": false}' "$TG/_fake/message"
call editMessageText '{"chat_id":"42","message_id":1,"text":"x"}'
check "a message that can no longer be edited" 400 "$(e400 "message can't be edited")"
http -X POST --data-binary '{"chat": "42", "message_id": 1, "deleted": true}' "$TG/_fake/message"
call editMessageReplyMarkup '{"chat_id":"42","message_id":1,"reply_markup":'"$KB"'}'
check "a deleted message" 400 "$(e400 "message to edit not found")"

# ---- replies
call sendMessage '{"chat_id":"42","text":"again","reply_to_message_id":"1"}'
check "a reply to a deleted message" 400 "$(e400 "message to be replied not found")"
call sendMessage '{"allow_sending_without_reply":"true","chat_id":"42","text":"again","reply_to_message_id":"1"}'
check "allow_sending_without_reply: no reply" 200 '{"ok":true,"result":{"chat":{"first_name":"Test","id":42,"type":"private"},"from":{"first_name":"Fake Bot","id":123456,"is_bot":true,"username":"fake_bot"},"message_id":4,"text":"again"}}'
call sendMessage '{"chat_id":"42","text":"once more","reply_to_message_id":"4"}'
check "a reply carries the message it answers" 200 '{"ok":true,"result":{"chat":{"first_name":"Test","id":42,"type":"private"},"from":{"first_name":"Fake Bot","id":123456,"is_bot":true,"username":"fake_bot"},"message_id":5,"reply_to_message":{"chat":{"first_name":"Test","id":42,"type":"private"},"from":{"first_name":"Fake Bot","id":123456,"is_bot":true,"username":"fake_bot"},"message_id":4,"text":"again"},"text":"once more"}}'
finish
