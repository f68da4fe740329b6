#!/usr/bin/env bash
# etc_examples.sh: every relay config under etc/ loads with `tocsin-relay
# check-config`, routes the label sets its comments promise to the receivers
# they name, and agrees with the real amtool on an Alertmanager 0.25 copy.
#
# The examples read secrets from /run/credentials/tocsin-relay.service/ (the
# unit's LoadCredential=), and check-config reads every *_file at load time,
# so each example is copied with those paths pointing at dummy secrets here.
# The amtool copy also drops what Alertmanager 0.25 does not know:
# file_configs (tocsin-only; the receiver keeps its name) and
# telegram bot_token_file (Alertmanager 0.26+; replaced by an inline
# bot_token). Everything else is the example as shipped.
set -uo pipefail

: "${TOCSIN_RELAY:?TOCSIN_RELAY must point at the built tocsin-relay}"
: "${TOCSIN_SOURCE_DIR:?}"
TMP=${TOCSIN_TEST_TMP:?}/etc_examples
AMTOOL=$(command -v amtool || true)
if [[ -z $AMTOOL ]]; then
	echo "FAIL: amtool not found (install prometheus-alertmanager)" >&2
	exit 1
fi
if [[ ! -x $TOCSIN_RELAY ]]; then
	echo "FAIL: $TOCSIN_RELAY is not built" >&2
	exit 1
fi

ETC=$TOCSIN_SOURCE_DIR/etc
CREDS_IN=/run/credentials/tocsin-relay.service
rm -rf "$TMP"
mkdir -p "$TMP/creds" "$TMP/ts" "$TMP/am" || exit 1
CREDS=$TMP/creds
printf '123456789:AAdummy-telegram-token\n' >"$CREDS/telegram-token"
printf 'https://hooks.slack.com/services/T000/B000/dummy\n' >"$CREDS/slack-url"
printf 'dummy-smtp-password\n' >"$CREDS/smtp-password"

checks=0
passed=0

fail() {
	echo "FAIL: $*" >&2
}

pass() {
	passed=$((passed + 1))
}

# Drops each file_configs key and every line indented below it (block style),
# or its one line (flow style: file_configs: [{path: "-"}]).
strip_file_configs() {
	awk '
	{
		match($0, /^ */); ind = RLENGTH
		if (skip && (ind > skipind || $0 ~ /^ *$/))
			next
		skip = 0
		if ($0 ~ /^ *file_configs:/) {
			if ($0 ~ /^ *file_configs: *(#.*)?$/) {
				skip = 1
				skipind = ind
			}
			next
		}
		print
	}'
}

# prepare NAME: the tocsin copy ts/NAME and the amtool copy am/NAME.
prepare() {
	local name=$1
	sed "s|$CREDS_IN/|$CREDS/|g" "$ETC/$name" >"$TMP/ts/$name"
	sed 's|^\([ -]*\)bot_token_file: .*|\1bot_token: "123456789:AAdummy-telegram-token"|' \
	    "$TMP/ts/$name" | strip_file_configs >"$TMP/am/$name"
	# The rewrites must have caught everything, or the comparison below
	# would be against something else than what the example says.
	checks=$((checks + 1))
	if grep -q "$CREDS_IN" "$TMP/ts/$name"; then
		fail "$name: a $CREDS_IN path was not rewritten"
	elif grep -q '^[^#]*\(file_configs\|bot_token_file\)' "$TMP/am/$name"; then
		fail "$name: the amtool copy still has tocsin-only keys"
		grep -n '^[^#]*\(file_configs\|bot_token_file\)' "$TMP/am/$name" >&2
	else
		pass
	fi
}

# check_config NAME RECEIVERS: tocsin's exact SUCCESS block on the tocsin
# copy, and tocsin's output equal to amtool's on the amtool copy. Both run
# from the copy's directory because both print the path as given.
check_config() {
	local name=$1 nrecv=$2 want ts_rc am_rc
	want=$(printf "Checking '%s'  SUCCESS\nFound:\n - global config\n - route\n - 0 inhibit rules\n - %s receivers\n - 0 templates\n" \
	    "$name" "$nrecv")

	checks=$((checks + 1))
	(cd "$TMP/ts" && "$TOCSIN_RELAY" check-config "$name") >"$TMP/out" 2>"$TMP/err"
	ts_rc=$?
	if [[ $ts_rc != 0 || "$(cat "$TMP/out")" != "$want" || -s $TMP/err ]]; then
		fail "$name: tocsin check-config (exit $ts_rc) is not the expected SUCCESS"
		diff -u <(printf '%s\n' "$want") "$TMP/out" >&2
		cat "$TMP/err" >&2
	else
		pass
	fi

	checks=$((checks + 1))
	(cd "$TMP/am" && "$AMTOOL" check-config "$name") >"$TMP/am.out" 2>"$TMP/am.err"
	am_rc=$?
	(cd "$TMP/am" && "$TOCSIN_RELAY" check-config "$name") >"$TMP/out" 2>"$TMP/err"
	ts_rc=$?
	if [[ $am_rc != 0 || $ts_rc != 0 ]] || ! cmp -s "$TMP/am.out" "$TMP/out"; then
		fail "$name: amtool check-config (exit $am_rc) and tocsin (exit $ts_rc) differ on the amtool copy"
		diff -u "$TMP/am.out" "$TMP/out" >&2
		cat "$TMP/am.err" >&2
	else
		pass
	fi
}

# route NAME WANT LABEL=VALUE...: tocsin routes the label set to WANT (the
# receivers in amtool's format) on the tocsin copy, and amtool prints the
# same on the amtool copy.
route() {
	local name=$1 want=$2 ts_rc am_rc
	shift 2

	checks=$((checks + 1))
	"$TOCSIN_RELAY" config routes test --config.file="$TMP/ts/$name" "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	ts_rc=$?
	if [[ $ts_rc != 0 || "$(cat "$TMP/out")" != "$want" ]]; then
		fail "$name: {$*} reaches '$(cat "$TMP/out")' (exit $ts_rc), the example says '$want'"
		cat "$TMP/err" >&2
	else
		pass
	fi

	checks=$((checks + 1))
	"$AMTOOL" config routes test --config.file="$TMP/am/$name" "$@" \
	    >"$TMP/am.out" 2>"$TMP/am.err"
	am_rc=$?
	"$TOCSIN_RELAY" config routes test --config.file="$TMP/am/$name" "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	ts_rc=$?
	if [[ $am_rc != "$ts_rc" ]] || ! cmp -s "$TMP/am.out" "$TMP/out"; then
		fail "$name: {$*}: amtool (exit $am_rc) and tocsin (exit $ts_rc) differ"
		diff -u "$TMP/am.out" "$TMP/out" >&2
		cat "$TMP/am.err" >&2
	else
		pass
	fi
}

# --- etc/default.yml: the embedded default, tocsin-only (file_configs).
prepare default.yml
check_config default.yml 1
route default.yml stdout alertname=Anything
route default.yml stdout severity=critical

# --- etc/severity-demo.yml: tocsin-only (file_configs).
prepare severity-demo.yml
check_config severity-demo.yml 3
route severity-demo.yml phone severity=critical
route severity-demo.yml chat severity=warning
route severity-demo.yml chat severity=info
route severity-demo.yml everything-else alertname=NoSeverity

# --- etc/relay-severity.yml: critical -> Telegram, warning -> Slack,
# info and anything unmatched -> e-mail.
prepare relay-severity.yml
check_config relay-severity.yml 3
route relay-severity.yml phone alertname=HostDown severity=critical
route relay-severity.yml chat alertname=DiskFilling severity=warning
route relay-severity.yml mail-digest alertname=UpdatesPending severity=info
route relay-severity.yml mail-digest alertname=NoSeverity
route relay-severity.yml mail-digest alertname=HostDown severity=Critical

# --- etc/relay-security.yml: a login from a non-private address rings; from
# the LAN it goes to chat; the regex is anchored, covers 172.16/12 and
# 100.64/10 exactly, and IPv6 loopback, link-local and unique-local.
prepare relay-security.yml
check_config relay-security.yml 3
for ip in 203.0.113.7 1.10.0.1 11.0.0.1 172.15.0.1 172.32.0.1 100.63.0.1 \
    100.128.0.1 192.169.0.1 2001:db8::1 fe7f::1; do
	route relay-security.yml phone alertname=SSHLoginSucceeded src_ip="$ip"
done
for ip in 127.0.0.1 10.1.2.3 172.16.0.1 172.31.255.254 192.168.1.20 \
    100.64.0.1 100.127.255.1 ::1 fe80::1 FE80::1 febf::1 fc00::1 fd12:3456::1; do
	route relay-security.yml chat alertname=SSHLoginSucceeded src_ip="$ip"
done
# No src_ip at all: unknown source, treated as foreign.
route relay-security.yml phone alertname=SSHLoginSucceeded
route relay-security.yml phone alertname=DiskFull severity=critical
route relay-security.yml chat alertname=DiskFilling severity=warning
route relay-security.yml mail alertname=UpdatesPending severity=info
route relay-security.yml mail alertname=NoSeverity

# --- etc/relay-llm-team.yml: everything to audit-log (continue: true), the
# ML team's alerts by severity, everything else to ops-mail.
prepare relay-llm-team.yml
check_config relay-llm-team.yml 5
route relay-llm-team.yml audit-log,ml-oncall job=local-llm severity=critical
route relay-llm-team.yml audit-log,ml-chat job=local-llm severity=warning
route relay-llm-team.yml audit-log,ml-mail job=local-llm severity=info
route relay-llm-team.yml audit-log,ml-chat job=local-llm
route relay-llm-team.yml audit-log,ml-oncall team=ml severity=critical
route relay-llm-team.yml audit-log,ml-chat team=ml alertname=GPUHot
route relay-llm-team.yml audit-log,ml-mail team=ml job=local-llm severity=info
route relay-llm-team.yml audit-log,ops-mail job=node severity=critical
route relay-llm-team.yml audit-log,ops-mail alertname=Watchdog
route relay-llm-team.yml audit-log,ops-mail team=ML severity=critical

# The comments promise that a missing secret file fails check-config.
checks=$((checks + 1))
rm -f "$CREDS/smtp-password"
(cd "$TMP/ts" && "$TOCSIN_RELAY" check-config relay-severity.yml) >"$TMP/out" 2>"$TMP/err"
rc=$?
if [[ $rc != 1 ]] || ! grep -q "^Checking 'relay-severity.yml'  FAILED: .*smtp-password" "$TMP/out"; then
	fail "relay-severity.yml: check-config without the smtp-password file: exit $rc"
	cat "$TMP/out" "$TMP/err" >&2
else
	pass
fi

# etc/watchdog.yml (heartbeat, cron ping, textfile freshness) waits for the
# tocsin-watchdog daemon, which does not load configs yet.

echo "etc_examples: $checks checks, $passed passed"
[[ $checks == "$passed" ]]
