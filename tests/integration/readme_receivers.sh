#!/usr/bin/env bash
# readme_receivers.sh: every YAML example in the README's "## Receivers"
# section loads: with a route to its receiver added and its
# /run/credentials/tocsin-relay.service/ secrets in a scratch directory
# instead, `tocsin-relay check-config` accepts it.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

rm -rf "$TMP/rcv"
mkdir -p "$TMP/rcv/cred"
printf '123456:TEST-token\n' >"$TMP/rcv/cred/telegram-token"
printf 'https://hooks.slack.com/services/T000/B000/XXXXXXXX\n' >"$TMP/rcv/cred/slack-url"
printf 'xoxb-TEST-token\n' >"$TMP/rcv/cred/slack-token"
printf 'secret\n' >"$TMP/rcv/cred/smtp-password"
printf 'ATESTtoken.1234\n' >"$TMP/rcv/cred/gotify-token"
printf '0123456789abcdef0123456789abcdef\n' >"$TMP/rcv/cred/pagerduty-key"
printf 'tk_tocsintesttoken0000000000000\n' >"$TMP/rcv/cred/ntfy-token"
printf 'https://discord.com/api/webhooks/123456789012345678/TEST-token\n' >"$TMP/rcv/cred/discord-url"
printf 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG\n' >"$TMP/rcv/cred/pushover-user"
printf 'azGDORePK8gMaC0QOYAMyEEuzJnyUi\n' >"$TMP/rcv/cred/pushover-token"

/usr/bin/python3 - "$TOCSIN_SOURCE_DIR/README.md" "$TMP/rcv" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^## Receivers\n(.*?)(?=^## )", text, re.S | re.M)
if not m:
    sys.exit("README.md has no '## Receivers' section")
blocks = re.findall(r"^```yaml\n(.*?)^```$", m.group(1), re.S | re.M)
for i, body in enumerate(blocks):
    name = re.search(r"^  - name: (\S+)", body, re.M).group(1)
    body = body.replace("/run/credentials/tocsin-relay.service/", sys.argv[2] + "/cred/")
    open(f"{sys.argv[2]}/{i}-{name}.yml", "w").write(f"route:\n  receiver: {name}\n{body}")
PY
n=0
for f in "$TMP"/rcv/*.yml; do
	n=$((n + 1))
	out=$("$TOCSIN_RELAY" check-config "$f" 2>&1) ||
	    expect_eq "README receiver example ${f##*/} loads" "" "$out"
done
expect_eq "YAML examples in the README's Receivers section" 9 "$n"
finish
