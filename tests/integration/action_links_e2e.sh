#!/usr/bin/env bash
# action_links_e2e.sh: signed action links against a real Alertmanager 0.25
# and a real SMTP server (aiosmtpd): a firing e-mail carries the links under
# --web.external-url (the exact paragraph of tocsin's default HTML body); a
# GET (and a HEAD) shows the exact confirmation page and creates nothing; a
# tampered token gets 403 and creates nothing; a POST creates the silence
# (checked with the API and amtool: matchers, author, comment, end time)
# and shows its page; the same link again says it was already done; the
# acknowledgement link stores the group's acknowledgement once; refusals
# are logged without the token; tocsin_actions_total counts it all; the key
# generated under --storage.path survives a restart, so the links still
# verify afterwards; ntfy gets them as http action buttons, and a tap
# (the app's POST) silences; the README's example of links loads as written; bad
# --web.external-url and --web.action-key-file values are refused at start.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v amtool >/dev/null || fail "amtool is not installed"
MAIL=$TMP/mail
rm -rf "$MAIL" "$TMP/data"
mkdir -p "$MAIL"
/usr/bin/python3 "$TOCSIN_SOURCE_DIR/tests/smtp/smtp_server.py" --dir "$MAIL" \
    --port-file "$MAIL/ports.json" >"$MAIL/server.log" 2>&1 &
CLEANUP_PIDS+=("$!")
wait_until 60 test -e "$MAIL/ports.json" ||
    { cat "$MAIL/server.log" >&2; fail "SMTP server did not start"; }
PORT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plain"])' "$MAIL/ports.json")

# The relay sits behind a reverse proxy that serves it under /tocsin: the
# links name the proxy; the test asks the relay itself.
EXT=https://phone.example.org/tocsin
fake_start ntfy
NT=$FAKE_URL
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: mail
  routes:
    - matchers: [channel="push"]
      receiver: push
receivers:
  - name: push
    ntfy_configs:
      - url: $NT
        topic: alerts
        title: '{{ .CommonLabels.alertname }}'
        message: 'on {{ .CommonLabels.instance }}'
        tags: []
        click: ''
        actions:
          silence: [24h]
          ack: true
  - name: mail
    email_configs:
      - to: ops@example.org
        from: alerts@example.org
        smarthost: localhost:$PORT
        require_tls: false
        actions:
          silence: [1h]
          ack: true
EOF
# Debug logs name every request: the token must not be among them.
relay_start --config.file="$TMP/relay.yml" --web.external-url="$EXT" --log.level=debug
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" '--web.external-url=http://127.0.0.1:{PORT}'

silences() {
	curl -fsS "$AM_URL/api/v2/silences"
}
# links N: "name url" per link of message N's HTML body, then the
# paragraph that holds them, tokens as TOKEN1, TOKEN2...
links() {
	local i
	for i in $(seq 300); do [ -e "$MAIL/$1.eml" ] && break; sleep 0.1; done
	[ -e "$MAIL/$1.eml" ] || { cat "$RELAY_ERR" >&2; fail "message $1 never arrived"; }
	python3 - "$MAIL/$1.eml" <<'EOF'
import email, email.policy, re, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
html = msg.get_body(("html",)).get_content()
para = [l for l in html.split("\n") if "/action/" in l]
for url, name in re.findall(r'<a href="([^"]*/action/[^"]*)">([^<]*)</a>', html):
    print(name.replace(" ", "_"), url)
n = iter(range(1, 10))
print(re.sub(r"/action/[A-Za-z0-9_.-]+", lambda m: "/action/TOKEN%d" % next(n), "\n".join(para)))
EOF
}

amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull \
    severity=critical instance=nas:9100
L=$(links 1)
expect_eq "the links paragraph of the default HTML body" \
    "<p><a href=\"$EXT/action/TOKEN1\">Silence 1h</a> | <a href=\"$EXT/action/TOKEN2\">Acknowledge</a></p>" \
    "$(tail -1 <<<"$L")"
SIL_URL=$(awk '$1 == "Silence_1h" { print $2 }' <<<"$L")
ACK_URL=$(awk '$1 == "Acknowledge" { print $2 }' <<<"$L")
SIL_TOK=${SIL_URL#"$EXT/action/"}
ACK_TOK=${ACK_URL#"$EXT/action/"}
[[ $SIL_TOK =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$ ]] || fail "silence token $SIL_TOK"
# What the token says: s.<record id>.<duration ms>.<expiry ms>.
PAYLOAD=$(python3 -c 'import base64,sys; s=sys.argv[1].split(".")[0]; print(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode())' "$SIL_TOK")
[[ $PAYLOAD =~ ^s\.([A-Za-z0-9_-]{16})\.3600000\.([0-9]+)$ ]] || fail "token payload $PAYLOAD"
EXPIRES=${BASH_REMATCH[2]}
NOW=$(date +%s%3N)
# Seven days from when the notification was rendered, a moment ago.
[ $((EXPIRES - NOW)) -le 604800000 ] && [ $((EXPIRES - NOW)) -gt 604700000 ] ||
    fail "the link expires at $EXPIRES, now is $NOW"
UNTIL=$(date -u -d "@$((EXPIRES / 1000))" '+%Y-%m-%d %H:%M UTC')

HEAD='<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">
<title>tocsin: TITLE</title></head>
<body>
<h1>TITLE</h1>'
page() {	# TITLE MESSAGE: the exact page of an outcome
	printf '%s\n<p>%s</p>\n</body></html>' "${HEAD//TITLE/$1}" "$2"
}

# ---- GET and HEAD show the confirmation and change nothing
http "$RELAY_URL/action/$SIL_TOK"
expect_eq "GET: status" 200 "$HTTP_CODE"
expect_eq "GET: the confirmation page" \
    "${HEAD//TITLE/Silence for 1h?}
<p>This creates a silence on Alertmanager for 1h, from when you confirm, matching:</p>
<ul>
<li>alertname=&#34;DiskFull&#34;</li>
</ul>
<p>Receiver mail, 1 alert.</p>
<form method=\"post\"><button type=\"submit\">Silence for 1h</button></form>
<p>This link works until $UNTIL.</p>
</body></html>" "$HTTP_BODY"
expect_eq "GET: headers" \
    "Content-Type: text/html; charset=utf-8|Cache-Control: no-store|Content-Security-Policy: default-src 'none'; form-action 'self'; frame-ancestors 'none'|Referrer-Policy: no-referrer|X-Content-Type-Options: nosniff" \
    "$(grep -E '^(Content-Type|Cache-Control|Content-Security-Policy|Referrer-Policy|X-Content-Type-Options):' <<<"$HTTP_HEADERS" | sort -f | awk '/^Content-Type/ { ct = $0; next } { o = o "|" $0 } END { print ct o }')"
http -I "$RELAY_URL/action/$SIL_TOK"
expect_eq "HEAD: status" 200 "$HTTP_CODE"
expect_eq "no silence after GET and HEAD" "[]" "$(silences)"

# ---- a tampered token: 403, nothing done, not logged
BAD=${SIL_TOK:0:5}$( [ "${SIL_TOK:5:1}" = A ] && echo B || echo A )${SIL_TOK:6}
http -X POST "$RELAY_URL/action/$BAD"
expect_eq "tampered: 403 and its page" \
    "403 $(page 'Link refused' 'This link is not one of tocsin&#39;s. Nothing was done.')" \
    "$HTTP_CODE $HTTP_BODY"
http -X POST "$RELAY_URL/action/${SIL_TOK%?}"
expect_eq "truncated: 403" 403 "$HTTP_CODE"
expect_eq "no silence after tampered tokens" "[]" "$(silences)"
grep -q 'msg="Refused an action link" reason=unknown' "$RELAY_ERR" ||
    fail "the refusal is not logged"
grep -q 'msg="HTTP request" method=POST path=/action/{token}' "$RELAY_ERR" ||
    fail "requests of links are not logged by their route"
grep -qF -- "${SIL_TOK:20:20}" "$RELAY_ERR" && fail "a token reached the log"
grep -qF -- "${BAD:20:20}" "$RELAY_ERR" && fail "a tampered token reached the log"

# ---- POST silences, on the real Alertmanager
http -X POST "$RELAY_URL/action/$SIL_TOK"
SIL=$(silences)
expect_eq "one active silence" 1 "$(jq '[.[] | select(.status.state == "active")] | length' <<<"$SIL")"
SID=$(jq -r '.[0].id' <<<"$SIL")
END=$(epoch_ms "$(jq -r '.[0].endsAt' <<<"$SIL")")
START=$(epoch_ms "$(jq -r '.[0].startsAt' <<<"$SIL")")
expect_eq "POST: the silenced page" \
    "200 $(page Silenced "Silenced for 1h, until $(date -u -d "@$((END / 1000))" '+%Y-%m-%d %H:%M UTC') (silence $SID).")" \
    "$HTTP_CODE $HTTP_BODY"
expect_eq "silence matchers, author, comment" \
    '{"comment":"Silenced from an action link through tocsin: DiskFull (receiver mail)","createdBy":"tocsin action link","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"DiskFull"}]}' \
    "$(jq -c '.[0] | {comment, createdBy, matchers}' <<<"$SIL")"
# Alertmanager moves a start in the past to its own now: the silence ends
# exactly 1h after tocsin's now, a few ms after it began.
[ $((END - START)) -le 3600000 ] && [ $((END - START)) -gt 3590000 ] ||
    fail "silence lasts $((END - START)) ms, not 1h"
NOW=$(date +%s%3N)
[ $((NOW - START)) -ge 0 ] && [ $((NOW - START)) -lt 60000 ] || fail "silence starts at $START, now $NOW"
expect_eq "amtool sees it, matching the alert" "$SID" \
    "$(amtool silence query --alertmanager.url="$AM_URL" -q alertname=DiskFull)"
expect_eq "amtool: author" "tocsin action link" \
    "$(amtool silence query --alertmanager.url="$AM_URL" -o json | jq -r '.[0].createdBy')"

# ---- the same link again: already done, nothing more
ALREADY=$(page 'Already silenced' "This alert group was already silenced from this notification (silence $SID). Nothing more was done.")
http -X POST "$RELAY_URL/action/$SIL_TOK"
expect_eq "POST again: already silenced" "200 $ALREADY" "$HTTP_CODE $HTTP_BODY"
http "$RELAY_URL/action/$SIL_TOK"
expect_eq "GET after use: already silenced" "200 $ALREADY" "$HTTP_CODE $HTTP_BODY"
expect_eq "still one silence" 1 "$(silences | jq length)"

# ---- acknowledge, once
http -X POST "$RELAY_URL/action/$ACK_TOK"
expect_eq "POST ack" \
    "200 $(page Acknowledged 'The alert group is acknowledged: its repeats and escalations stop.')" \
    "$HTTP_CODE $HTTP_BODY"
ACKED=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*c.execute("select receiver, group_key, acked_by, acked_at from group_acks").fetchone(), sep="|")' "$TMP/data/queue.db")
expect_eq "the ack is stored" 'mail|{}:{alertname="DiskFull"}|tocsin action link' "${ACKED%|*}"
AT=$(date -u -d "@$((${ACKED##*|} / 1000))" '+%Y-%m-%d %H:%M UTC')

# ---- ntfy: the links as http action buttons, which the app POSTs at a tap
amtool alert add --alertmanager.url="$AM_URL" alertname=BackupLate \
    channel=push instance=nas:9100
fake_wait_count "$NT" 1
PUB=$(fake_bodies "$NT" | head -1)
N_SIL=$(jq -r '.actions[0].url' <<<"$PUB")
N_ACK=$(jq -r '.actions[1].url' <<<"$PUB")
expect_eq "ntfy: the published JSON, tokens aside" \
    '{"topic":"alerts","title":"BackupLate","message":"on nas:9100","priority":3,"actions":[{"action":"http","label":"Silence 24h","url":"'"$EXT"'/action/TOKEN","method":"POST","clear":true},{"action":"http","label":"Acknowledge","url":"'"$EXT"'/action/TOKEN","method":"POST","clear":true}]}' \
    "$(sed -E 's|/action/[A-Za-z0-9_.-]+|/action/TOKEN|g' <<<"$PUB")"
# Their own record, not the e-mail's, shared by both buttons.
rec_of() {	# URL: the record id its token names
	python3 -c 'import base64,sys; s=sys.argv[1].rsplit("/", 1)[1].split(".")[0]; print(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode().split(".")[1])' "$1"
}
expect_eq "ntfy's buttons: one record of their own" \
    "$(rec_of "$N_SIL") true" "$(rec_of "$N_ACK") $([ "$(rec_of "$N_SIL")" != "$(rec_of "$SIL_URL")" ] && echo true)"
# The app sends the action's method to its URL, without a body.
http -X POST "$RELAY_URL/action/${N_SIL#"$EXT/action/"}"
expect_eq "ntfy tap: status" 200 "$HTTP_CODE"
NSIL=$(silences | jq -c '[.[] | select(.matchers[0].value == "BackupLate")]')
expect_eq "ntfy tap: the silence's matchers and author" \
    '[{"createdBy":"tocsin action link","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname","value":"BackupLate"}]}]' \
    "$(jq -c '[.[] | {createdBy, matchers}]' <<<"$NSIL")"
END=$(epoch_ms "$(jq -r '.[0].endsAt' <<<"$NSIL")")
START=$(epoch_ms "$(jq -r '.[0].startsAt' <<<"$NSIL")")
[ $((END - START)) -le 86400000 ] && [ $((END - START)) -gt 86390000 ] ||
    fail "ntfy's silence lasts $((END - START)) ms, not 24h"
expect_eq "two silences now, one per group" 2 "$(silences | jq length)"

metrics() {
	http "$RELAY_URL/metrics"
	grep '^tocsin_actions_total' <<<"$HTTP_BODY" |
	    sed -E 's/.*action="([a-z]+)",result="([a-z]+)"\} ([0-9]+)/\1 \2 \3/' | sort | paste -sd'|'
}
expect_eq "actions metric: POSTs and refusals, not GETs" \
    "ack ok 1|silence done 1|silence ok 2|unknown unknown 2" "$(metrics)"

for t in "$SIL_TOK" "$ACK_TOK"; do
	grep -qF -- "${t:20:20}" "$RELAY_ERR" && fail "a token reached the log"
done

# ---- the key is kept: after a restart the same links still verify
relay_stop
expect_eq "the generated key file" "600 65" \
    "$(stat -c '%a %s' "$TMP/data/action.key")"
relay_start --config.file="$TMP/relay.yml" --web.external-url="$EXT"
http -X POST "$RELAY_URL/action/$ACK_TOK"
expect_eq "POST ack again, after a restart" \
    "200 $(page 'Already acknowledged' "This alert group was already acknowledged by tocsin action link at $AT. Nothing more was done.")" \
    "$HTTP_CODE $HTTP_BODY"
http -X POST "$RELAY_URL/action/$BAD"
expect_eq "tampered after the restart: 403" 403 "$HTTP_CODE"
expect_eq "actions metric after the restart" "ack done 1|unknown unknown 1" "$(metrics)"
expect_eq "still two silences, no other" 2 "$(silences | jq length)"


# ---- the README's example loads as written (its secrets in scratch files)
mkdir -p "$TMP/cred"
for f in pushover-user pushover-token; do printf 'SECRETSECRETSECRETSECRETSECRET1\n' >"$TMP/cred/$f"; done
printf 'https://hooks.slack.com/services/T0/B0/x\n' >"$TMP/cred/slack-webhook"
{
	printf 'global:\n  smtp_from: alerts@example.org\n  smtp_smarthost: localhost:25\n'
	printf 'route:\n  receiver: phone\n'
	readme_block "Acting on an alert from your phone" "link_actions" |
	    sed "s|/run/credentials/tocsin-relay.service/|$TMP/cred/|"
} >"$TMP/readme.yml"
out=$("$TOCSIN_RELAY" check-config "$TMP/readme.yml" 2>&1) ||
    fail "the README's link example does not load: $out"

# ---- without --web.external-url: no links, no /action/
relay_stop
relay_start --config.file="$TMP/relay.yml"
http -X POST "$RELAY_URL/action/$SIL_TOK"
expect_eq "no external URL: /action/ is not served" 404 "$HTTP_CODE"

# ---- flags refused at start, with the reason
refused() {	# FLAGS...: what the relay says, and its exit status
	local out rc=0
	out=$("$TOCSIN_RELAY" --storage.path="$TMP/flags" "$@" 2>&1) || rc=$?
	echo "$out $rc"
}
expect_eq "a base URL that is not http(s)" \
    'tocsin-relay: error: --web.external-url: not an http:// or https:// URL: "ftp://x" 1' \
    "$(refused --web.external-url=ftp://x)"
expect_eq "a key file without links" \
    'tocsin-relay: error: --web.action-key-file: action links need --web.external-url 1' \
    "$(refused --web.action-key-file="$TMP/relay.yml")"
printf 'short\n' >"$TMP/short.key"
"$TOCSIN_RELAY" --web.external-url=http://x --web.action-key-file="$TMP/short.key" \
    --storage.path="$TMP/flags" --web.listen-address=127.0.0.1:0 >/dev/null 2>"$TMP/short.err" &&
    fail "a key file of 6 characters was taken"
grep -qF 'msg="Cannot set up action links" err="--web.action-key-file \"'"$TMP"'/short.key\" holds fewer than 32 characters"' \
    "$TMP/short.err" || { cat "$TMP/short.err" >&2; fail "a short key file: no clear error"; }
finish
