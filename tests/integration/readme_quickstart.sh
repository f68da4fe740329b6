#!/usr/bin/env bash
# readme_quickstart.sh: the README's quick start says what the relay does.
# On its embedded default config the relay logs the lines shown (less ts=
# and caller=, which the README leaves out because they change with every
# run and every edit of the file that logs); the curl command shown gets
# OK and the relay's stdout is the JSON line shown; the severity demo
# splits the mixed payload into the two lines shown, whose "..." stand for
# the rest of each line. The relay runs on a free port instead of 9096.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

cd "$TOCSIN_SOURCE_DIR"		# the README's paths are the repository's

# with_port: the README's 127.0.0.1:9096 as this relay's address.
with_port() {
	sed "s|127\.0\.0\.1:9096|127.0.0.1:$RELAY_PORT|g"
}

# stdout_lines N: the relay has written at least N lines to its stdout.
stdout_lines() {
	[ "$(wc -l <"$RELAY_OUT")" -ge "$1" ]
}

relay_start
want=$(readme_block "Quick start" "msg=Listening" | with_port)
[ -n "$want" ] || fail "no log lines in the README's quick start"
# The relay's log with ts= and caller= taken out, only the lines the README
# shows (in the relay's order), so a line added to the log does not break
# the README while a changed or reordered one does.
got=$(sed -E 's/^ts=[^ ]+ caller=[^ ]+ //' "$RELAY_ERR" | grep -F -x -f <(printf '%s\n' "$want") || true)
expect_eq "the quick start's log lines" "$want" "$got"

readme_block "Quick start" "ssh-login-firing.json" | with_port >"$TMP/post.sh"
expect_eq "curl's answer to the quick start's post" "OK" "$(bash "$TMP/post.sh")"
wait_until 10 stdout_lines 1 || fail "the relay wrote no notification: $(cat "$RELAY_ERR")"
expect_eq "the notification the quick start shows" \
    "$(readme_block "Quick start" '"receiver":"stdout"')" "$(cat "$RELAY_OUT")"
relay_stop

# The severity demo: the README starts the relay itself; here relay_start
# does, with the same config.
readme_block "Quick start" "severity-demo.yml" >"$TMP/demo.sh"
expect_eq "how the quick start starts the severity demo" \
    "./build/relay/tocsin-relay --config.file=etc/severity-demo.yml &" "$(head -n 1 "$TMP/demo.sh")"
relay_start --config.file=etc/severity-demo.yml
tail -n +2 "$TMP/demo.sh" | with_port >"$TMP/post.sh"
expect_eq "curl's answer to the severity demo's post" "OK" "$(bash "$TMP/post.sh")"
wait_until 10 stdout_lines 2 || fail "the relay wrote $(wc -l <"$RELAY_OUT") of 2 notifications"
readme_block "Quick start" '"receiver":"phone"' >"$TMP/demo-want.txt"
# Each README line, split at "...", must be the relay's line with the parts
# in order and the first and last at its ends.
got=$(/usr/bin/python3 - "$TMP/demo-want.txt" "$RELAY_OUT" <<'PY'
import re, sys
want = open(sys.argv[1], encoding="utf-8").read().splitlines()
got = sorted(open(sys.argv[2], encoding="utf-8").read().splitlines())
if len(want) != len(got):
    print(f"{len(got)} lines, the README shows {len(want)}")
for w, g in zip(want, got):
    pattern = ".*".join(re.escape(p) for p in w.split("..."))
    if not re.fullmatch(pattern, g, re.S):
        print(f"README: {w}\nrelay:  {g}")
PY
)
expect_eq "the severity demo's notifications, as the quick start shows them" "" "$got"
relay_stop
finish
