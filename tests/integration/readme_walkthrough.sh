#!/usr/bin/env bash
# readme_walkthrough.sh: runs the README's walkthrough (the sh blocks between
# <!-- walkthrough:begin --> and <!-- walkthrough:end -->) exactly as written,
# from the repository's root, and compares each block's output with the text
# block that follows it in the README. The walkthrough uses fixed ports
# (8081, 9096), so it runs in a network namespace of its own where nothing
# else listens, or, where namespaces are not allowed (a container's seccomp
# profile), on the host's loopback if both ports are free. scripts/run-relay
# builds in the test's build directory.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

: "${TOCSIN_BUILD_DIR:?}"
if command -v unshare >/dev/null && command -v ip >/dev/null && unshare -rn true 2>/dev/null; then
	runner=(unshare -rn)
	prelude='ip link set lo up'
else
	for port in 8081 9096; do
		python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' \
		    "$port" 2>/dev/null ||
		    fail "port $port is in use and no network namespace can be made (unshare -rn)"
	done
	echo "no network namespace (unshare -rn): running on the host's loopback"
	runner=()
	prelude=:
fi
rm -rf "$TMP/walk"
mkdir -p "$TMP/walk"

# blocks.json: [["sh"|"text", body], ...] in README order.
/usr/bin/python3 - "$TOCSIN_SOURCE_DIR/README.md" >"$TMP/walk/blocks.json" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<!-- walkthrough:begin -->\n(.*?)<!-- walkthrough:end -->", text, re.S)
if not m:
    sys.exit("README.md has no walkthrough markers")
blocks = re.findall(r"^```(\w*)\n(.*?)^```$", m.group(1), re.S | re.M)
json.dump([[kind, body] for kind, body in blocks], sys.stdout)
PY
nblocks=$(jq length "$TMP/walk/blocks.json")
[ "$nblocks" -gt 0 ] || fail "no blocks in the README's walkthrough"

# One script, one shell: block i's stdout goes to i.out, stderr (the relay's
# log) to walk.err. The trap only cleans up after a failing block.
{
	echo 'set -euo pipefail'
	echo 'trap '\''kill $(jobs -p) 2>/dev/null || true'\'' EXIT'
	echo "$prelude"
	echo "cd '$TOCSIN_SOURCE_DIR'"
	for ((i = 0; i < nblocks; i++)); do
		[ "$(jq -r ".[$i][0]" "$TMP/walk/blocks.json")" = sh ] || continue
		echo "{"
		jq -r ".[$i][1]" "$TMP/walk/blocks.json"
		echo "} >'$TMP/walk/$i.out'"
	done
} >"$TMP/walk/script.sh"

rc=0
timeout 600 "${runner[@]}" bash "$TMP/walk/script.sh" 2>"$TMP/walk/walk.err" || rc=$?
if [ "$rc" -ne 0 ]; then
	cat "$TMP/walk/walk.err" >&2
	fail "the walkthrough's commands failed (exit $rc); script: $TMP/walk/script.sh"
fi

# Each text block is the output of the sh block just before it.
checked=0
for ((i = 1; i < nblocks; i++)); do
	[ "$(jq -r ".[$i][0]" "$TMP/walk/blocks.json")" = text ] || continue
	[ "$(jq -r ".[$((i - 1))][0]" "$TMP/walk/blocks.json")" = sh ] ||
	    fail "README walkthrough: text block $i does not follow an sh block"
	expect_eq "README walkthrough: output of block $((i - 1))" \
	    "$(jq -r ".[$i][1]" "$TMP/walk/blocks.json")" "$(cat "$TMP/walk/$((i - 1)).out")"
	checked=$((checked + 1))
done
[ "$checked" -ge 2 ] || fail "README walkthrough: expected at least 2 outputs to compare, found $checked"
finish
