#!/usr/bin/env bash
# email_e2e.sh: the relay delivers e-mail through the queue to a real SMTP
# server (aiosmtpd: STARTTLS with a test CA, AUTH required): envelope, TLS,
# AUTH and the rendered message as a mail client reads it; a failing body
# template still sends the alert, with the fallback text, counted; implicit
# TLS on a port other than 465 (force_implicit_tls); and a real Alertmanager
# 0.25 feeding a receiver with threading, whose notifications of one group
# share References and In-Reply-To and those of another group do not.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

MAIL=$TMP/mail
rm -rf "$MAIL" "$TMP/data"
mkdir -p "$MAIL"
# Debian's python3 has aiosmtpd; a python3 earlier on PATH may not.
/usr/bin/python3 "$TOCSIN_SOURCE_DIR/tests/smtp/smtp_server.py" --dir "$MAIL" \
    --port-file "$MAIL/ports.json" >"$MAIL/server.log" 2>&1 &
CLEANUP_PIDS+=("$!")
# It makes its certificates first: seconds on a loaded machine.
wait_until 60 test -e "$MAIL/ports.json" ||
    { cat "$MAIL/server.log" >&2; fail "SMTP server did not start"; }
port_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$MAIL/ports.json" "$1"
}
PORT=$(port_of starttls)
TLS_PORT=$(port_of tls)
command -v amtool >/dev/null || fail "amtool is not installed"

printf 's3cret\n' >"$TMP/smtp-password"
cat >"$TMP/mail.tmpl" <<'EOF'
{{ define "mail.subject" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}
{{ define "mail.text" }}{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.summary }}
{{ end }}{{ end }}
EOF
cat >"$TMP/relay.yml" <<EOF
global:
  smtp_from: 'Alerts <alerts@example.org>'
  smtp_smarthost: 'localhost:$PORT'
  smtp_hello: tocsin-test
  smtp_auth_username: alertuser
  smtp_auth_password_file: $TMP/smtp-password
templates: ['$TMP/mail.tmpl']
route:
  receiver: mail
receivers:
  - name: mail
    email_configs:
      - to: 'ops@example.org'
        tls_config: {ca_file: $MAIL/ca.pem}
        headers: {Subject: '{{ template "mail.subject" . }}'}
        text: '{{ template "mail.text" . }}'
        html: ''
  - name: broken
    email_configs:
      - to: 'ops@example.org'
        tls_config: {ca_file: $MAIL/ca.pem}
        headers: {Subject: '{{ template "mail.subject" . }}'}
        text: '{{ template "no.such.template" . }}'
        html: ''
  - name: smtps
    email_configs:
      - to: 'ops@example.org'
        smarthost: 'localhost:$TLS_PORT'
        force_implicit_tls: true
        tls_config: {ca_file: $MAIL/ca.pem}
        text: 'x'
        html: ''
  - name: threaded
    email_configs:
      - to: 'ops@example.org'
        tls_config: {ca_file: $MAIL/ca.pem}
        headers: {Subject: '{{ template "mail.subject" . }}'}
        text: '{{ template "mail.text" . }}'
        html: ''
        threading: {enabled: true, thread_by_date: daily}
EOF
relay_start --config.file="$TMP/relay.yml"

# Waits for message N at the server and prints envelope and message as
# "key: value" lines, the text part decoded.
message() {
	local n=$1 i
	for i in $(seq 300); do [ -e "$MAIL/$n.eml" ] && break; sleep 0.1; done
	[ -e "$MAIL/$n.eml" ] || { cat "$RELAY_ERR" >&2; fail "message $n never arrived"; }
	python3 - "$MAIL/$n.json" "$MAIL/$n.eml" <<'EOF'
import email, email.policy, json, sys
env = json.load(open(sys.argv[1]))
msg = email.message_from_binary_file(open(sys.argv[2], "rb"), policy=email.policy.default)
print("envelope:", env["mail_from"], env["rcpt_tos"], "tls" if env["tls"] else "plain",
      "auth" if env["auth"] else "anonymous", env["helo"])
for h in ("From", "To", "Subject"):
    print(h + ":", msg[h])
print("Message-Id format:", msg["Message-Id"].startswith("<") and msg["Message-Id"].endswith("@example.org>"))
print("parts:", [p.get_content_type() for p in msg.iter_parts()] if msg.is_multipart() else msg.get_content_type())
body = msg.get_body(("plain",))
print("text:", body.get_content() if body is not None else None, end="")
EOF
}

J='Content-Type: application/json'
http -X POST -H "$J" --data-binary "@$TOCSIN_FIXTURES/ssh-login-firing.json" "$RELAY_URL/webhook"
expect_eq "post to the e-mail receiver" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "message as received" \
"envelope: alerts@example.org ['ops@example.org'] tls auth tocsin-test
From: Alerts <alerts@example.org>
To: ops@example.org
Subject: [FIRING] SSHLoginFromNonLAN
Message-Id format: True
parts: ['text/plain']
text: homelab:9100: Shell login for root from 203.0.113.7" "$(message 1)"

# A body template that cannot run: the alert still goes out, with the fallback.
http -X POST -H "$J" --data-binary "@$TOCSIN_FIXTURES/ssh-login-firing.json" "$RELAY_URL/webhook/broken"
expect_eq "post to the broken receiver" "200 OK" "$HTTP_CODE $HTTP_BODY"
expect_eq "fallback message" \
"envelope: alerts@example.org ['ops@example.org'] tls auth tocsin-test
From: Alerts <alerts@example.org>
To: ops@example.org
Subject: [FIRING] SSHLoginFromNonLAN
Message-Id format: True
parts: ['text/plain']
text: [FIRING:1] SSHLoginFromNonLAN
(tocsin: the email text template failed: template: :1:12: executing \"\" at <{{template \"no.such.template\" .}}>: template \"no.such.template\" not defined)
- firing alertname=SSHLoginFromNonLAN instance=homelab:9100 severity=critical src_ip=203.0.113.7: Shell login for root from 203.0.113.7" \
    "$(message 2)"

# force_implicit_tls: TLS from the first byte on the server's smtps port.
http -X POST -H "$J" --data-binary "@$TOCSIN_FIXTURES/ssh-login-firing.json" "$RELAY_URL/webhook/smtps"
expect_eq "post to the smtps receiver" "200 OK" "$HTTP_CODE $HTTP_BODY"
message 3 >/dev/null
expect_eq "implicit TLS envelope" "tls true true" \
    "$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["port"], str(e["tls"]).lower(), str(e["auth"]).lower())' "$MAIL/3.json")"

# threading through a real Alertmanager 0.25 grouping by alertname: two
# notifications of DiskFull (the second alert joins the group a group
# interval later) and one of BackupLate. Alertmanager 0.25 has no threading
# of its own; the expected id is 0.34's: "<alert-" the first 16 hex digits
# of sha256(groupKey) "-" the day (UTC here) "@alertmanager>".
headers_of() {	# MESSAGE-NUMBER: "Subject|References|In-Reply-To|text"
	python3 - "$MAIL/$1.eml" <<'EOF'
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
text = msg.get_body(("plain",)).get_content().replace("\n", " ").strip()
print("%s|%s|%s|%s" % (msg["Subject"], msg["References"], msg["In-Reply-To"], text))
EOF
}
thread_want() {	# GROUP-KEY
	printf '<alert-%s-%s@alertmanager>' \
	    "$(printf '%s' "$1" | sha256sum | cut -c1-16)" "$(date -u +%F)"
}
am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook/threaded"
am_start "$TMP/alertmanager.yml"
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull instance=a \
    --annotation=summary=full
amtool alert add --alertmanager.url="$AM_URL" alertname=BackupLate instance=b \
    --annotation=summary=late
message 5 >/dev/null
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull instance=c \
    --annotation=summary=full
message 6 >/dev/null
am_stop
DISK=$(thread_want '{}:{alertname="DiskFull"}')
BACKUP=$(thread_want '{}:{alertname="BackupLate"}')
expect_eq "threads per group" \
"[FIRING] BackupLate|$BACKUP|$BACKUP|b: late
[FIRING] DiskFull|$DISK|$DISK|a: full
[FIRING] DiskFull|$DISK|$DISK|a: full c: full" \
    "$(for n in 4 5 6; do headers_of $n; done | sort)"
http "$RELAY_URL/metrics"
expect_eq "fallback counted" 'tocsin_template_fallbacks_total{receiver="broken"} 1' \
    "$(grep '^tocsin_template_fallbacks_total' <<<"$HTTP_BODY")"
expect_eq "password never logged" "" "$(grep -o 's3cret' "$RELAY_ERR" || true)"
relay_stop
finish
