#!/usr/bin/env bash
# man_pages.sh: each program's manual page (--help-man) is the one the build
# wrote, formats without a single groff warning, renders with man -l, and
# says what --help says: one section per command that --help lists, with
# exactly the flags that command's --help shows, in the same order.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

BUILD=${TOCSIN_BUILD_DIR:?}
command -v groff >/dev/null || fail "groff is not installed (Debian package groff-base)"
command -v man >/dev/null || fail "man is not installed (Debian package man-db)"

# "CMD<TAB>--flag" lines for each .SS section of a page, CMD being the
# heading's command words (up to the first argument or flag).
page_flags() {
	sed -e 's/\\f[BIR]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\e/\\/g' "$1" | awk '
		function words(s,   n, a, i, out) {
			n = split(s, a, " ")
			for (i = 1; i <= n && a[i] !~ /^[-[<|]/; i++)
				out = out (out == "" ? "" : " ") a[i]
			return out
		}
		prev == ".SS" { cmd = words($0); print cmd "\t" }
		prev == ".TP" && cmd != "" { sub(/[= ].*/, ""); print cmd "\t" $0 }
		{ prev = $0 }'
}

# The same from --help: the usage lines name the commands, and each
# command's own --help lists its flags.
help_flags() {
	local prog=$1 cmd
	"$prog" --help | sed -n -e 's/^usage: //p' -e 's/^       \([a-z]\)/\1/p' |
	    awk '{ out = ""; for (i = 1; i <= NF && $i !~ /^[-[<|]/; i++)
	            out = out (out == "" ? "" : " ") $i; print out }' |
	while read -r cmd; do
		printf '%s\t\n' "$cmd"
		# shellcheck disable=SC2086 # the command's words are its argv
		"$prog" ${cmd#"$(basename "$prog")"} --help |
		    awk -v c="$cmd" '/^Flags:/ { f = 1; next }
		        f && /^  --/ { sub(/^  /, ""); sub(/[= ].*/, ""); print c "\t" $0 }'
	done
}

check_page() {
	local prog=$1 name
	name=$(basename "$prog")
	"$prog" --help-man >"$TMP/$name.1" || fail "$name --help-man exited with $?"
	cmp -s "$TMP/$name.1" "$BUILD/man/man1/$name.1" ||
	    expect_eq "$name: build/man/man1/$name.1 is what --help-man prints" same differs
	groff -man -Tutf8 -ww -z "$TMP/$name.1" 2>"$TMP/groff.err" ||
	    expect_eq "$name: groff exit status" 0 "$?"
	expect_eq "$name: groff -man -ww warnings" "" "$(cat "$TMP/groff.err")"
	MANWIDTH=80 man -l "$TMP/$name.1" >"$TMP/$name.txt" 2>"$TMP/man.err" ||
	    expect_eq "$name: man -l exit status" 0 "$?"
	expect_eq "$name: man -l warnings" "" "$(cat "$TMP/man.err")"
	expect_eq "$name: NAME line" "$name - " \
	    "$(sed -n '/^NAME/{n;p;q}' "$TMP/$name.txt" | sed -E 's/^ +//; s/ +/ /g' | cut -c1-$((${#name} + 3)))"
	expect_eq "$name: sections and flags of the page = those of --help" \
	    "$(help_flags "$prog")" "$(page_flags "$TMP/$name.1")"
}

check_page "$TOCSIN_RELAY"
# tocsin-relay's commands, so that a new one cannot slip by both --help and
# the page: this list changes with main.c.
expect_eq "tocsin-relay: commands on the page" \
    "tocsin-relay
tocsin-relay check-config
tocsin-relay config routes
tocsin-relay template render
tocsin-relay send-test
tocsin-relay queue" "$(page_flags "$TMP/tocsin-relay.1" | awk -F'\t' '$2 == "" { print $1 }')"
if [ -x "$BUILD/watchdog/tocsin-watchdog" ]; then
	check_page "$BUILD/watchdog/tocsin-watchdog"
fi
finish
