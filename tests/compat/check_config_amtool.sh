#!/usr/bin/env bash
# check_config_amtool.sh: `tocsin-relay check-config` against the real
# `amtool check-config` over tests/compat/configs/*.yml: same verdict and exit
# status for every file, byte-identical stdout for the files amtool accepts
# (rejections differ only in wording: ours carry file:line:column), and the
# same errors for the files it rejects: where amtool lists Go's type errors
# ("yaml: unmarshal errors", every one in the file), tocsin lists as many at
# the same lines; where amtool reports one other error, so does tocsin. Files
# using tocsin-only extensions live in configs/tocsin-only/ and are checked
# with tocsin alone: valid/ must pass, invalid/ must fail with the message in
# the .err file next to them.
set -uo pipefail

: "${TOCSIN_RELAY:?TOCSIN_RELAY must point at the built tocsin-relay}"
: "${TOCSIN_SOURCE_DIR:?}"
TMP=${TOCSIN_TEST_TMP:?}
mkdir -p "$TMP"
AMTOOL=${AMTOOL:-amtool}
command -v "$AMTOOL" >/dev/null || { echo "amtool not found" >&2; exit 1; }

CONFIGS=$TOCSIN_SOURCE_DIR/tests/compat/configs
comparisons=0
agree=0
failures=0

differ() {
	echo "DIFFER: $*" >&2
	failures=$((failures + 1))
}

# The lines amtool's failure names, one per error: "list N N..." for Go's
# "yaml: unmarshal errors" (every type error of the file), "one" for any
# other error (reported alone, without a line). tocsin's lists its errors
# with FILE:LINE:COL, one per line when there are several.
amtool_lines() {	# file out
	if grep -q "^Checking '$1'  FAILED: yaml: unmarshal errors:$" "$2"; then
		echo "list $(sed -n 's/^  line \([0-9]*\): .*/\1/p' "$2" | tr '\n' ' ')"
	else
		echo one
	fi
}
tocsin_lines() {	# file out
	if grep -q "^Checking '$1'  FAILED: $1: [0-9]* errors:$" "$2"; then
		echo "list $(grep "^  $1:[0-9]*:[0-9]*: " "$2" | cut -d: -f2 | tr '\n' ' ')"
	else
		echo "one $(sed -n "s/^Checking '$1'  FAILED: $1:\([0-9]*\):.*/\1/p" "$2")"
	fi
}

# Both tools print the path as given, so run them from the file's directory.
cd "$CONFIGS" || exit 1
for f in *.yml; do
	comparisons=$((comparisons + 1))
	"$AMTOOL" check-config "$f" >"$TMP/am.out" 2>"$TMP/am.err"
	am_rc=$?
	"$TOCSIN_RELAY" check-config "$f" >"$TMP/ts.out" 2>"$TMP/ts.err"
	ts_rc=$?
	if [ "$am_rc" != "$ts_rc" ]; then
		differ "$f: amtool exit $am_rc, tocsin exit $ts_rc"
		echo "--- amtool:" >&2; cat "$TMP/am.out" >&2
		echo "--- tocsin:" >&2; cat "$TMP/ts.out" >&2
		continue
	fi
	if [ "$am_rc" = 0 ] || ! grep -q "^Checking '$f'  FAILED: " "$TMP/am.out"; then
		# Accepted (or only the templates failed): stdout must be identical.
		if ! cmp -s "$TMP/am.out" "$TMP/ts.out"; then
			differ "$f: stdout differs"
			diff -u "$TMP/am.out" "$TMP/ts.out" >&2
			continue
		fi
	else
		if ! grep -q "^Checking '$f'  FAILED: $f:[0-9]*:[0-9]*: \|^Checking '$f'  FAILED: $f: " "$TMP/ts.out"; then
			differ "$f: tocsin's failure has no FILE:LINE:COL position"
			cat "$TMP/ts.out" >&2
			continue
		fi
		# The same errors: every type error at amtool's lines, or a
		# single error where amtool stops at one.
		am_lines=$(amtool_lines "$f" "$TMP/am.out")
		ts_lines=$(tocsin_lines "$f" "$TMP/ts.out")
		case $am_lines in
		list*) [ "$am_lines" = "list ${ts_lines#* } " ] ||
		    [ "$am_lines" = "$ts_lines" ] ;;
		*) [ "${ts_lines%% *}" = one ] ;;
		esac || {
			differ "$f: amtool reports $am_lines, tocsin $ts_lines"
			cat "$TMP/am.out" "$TMP/ts.out" >&2
			continue
		}
		want_err="tocsin-relay: error: failed to validate 1 file(s)"
		if [ "$(head -n1 "$TMP/ts.err")" != "$want_err" ]; then
			differ "$f: stderr is not '$want_err'"
			cat "$TMP/ts.err" >&2
			continue
		fi
	fi
	agree=$((agree + 1))
done

# Several files in one run: amtool's per-file blocks and failure count.
comparisons=$((comparisons + 1))
multi=(minimal.yml invalid-bad-duration.yml routes-tree.yml bad-template-glob.yml)
"$AMTOOL" check-config "${multi[@]}" >"$TMP/am.out" 2>"$TMP/am.err"
am_rc=$?
"$TOCSIN_RELAY" check-config "${multi[@]}" >"$TMP/ts.out" 2>"$TMP/ts.err"
ts_rc=$?
sed 's/FAILED: invalid-bad-duration.yml:3:15: group_wait: /FAILED: /' "$TMP/ts.out" >"$TMP/ts.norm"
if [ "$am_rc" != "$ts_rc" ] || ! cmp -s "$TMP/am.out" "$TMP/ts.norm"; then
	differ "several files: exit $am_rc vs $ts_rc"
	diff -u "$TMP/am.out" "$TMP/ts.norm" >&2
elif [ "$(sed 's/^amtool:/tocsin-relay:/' "$TMP/am.err")" != "$(cat "$TMP/ts.err")" ]; then
	differ "several files: stderr differs"
	diff -u "$TMP/am.err" "$TMP/ts.err" >&2
else
	agree=$((agree + 1))
fi

# Several files with several errors each: every file is checked and
# listed in turn (verdicts, exit status and the count of failed files).
comparisons=$((comparisons + 1))
multi=(invalid-multi-wrong-types.yml minimal.yml invalid-multi-duplicates.yml
    invalid-multi-then-invalid-value.yml)
"$AMTOOL" check-config "${multi[@]}" >"$TMP/am.out" 2>"$TMP/am.err"
am_rc=$?
"$TOCSIN_RELAY" check-config "${multi[@]}" >"$TMP/ts.out" 2>"$TMP/ts.err"
ts_rc=$?
verdicts() { grep -o "^Checking '[^']*'  [A-Z]*" "$1"; }
if [ "$am_rc" != "$ts_rc" ] || [ "$(verdicts "$TMP/am.out")" != "$(verdicts "$TMP/ts.out")" ] ||
    [ "$(sed 's/^amtool:/tocsin-relay:/' "$TMP/am.err")" != "$(cat "$TMP/ts.err")" ] ||
    [ "$(grep -c "^  invalid-multi-[a-z-]*.yml:[0-9]*:[0-9]*: " "$TMP/ts.out")" != \
    "$(grep -c "^  line [0-9]*: " "$TMP/am.out")" ]; then
	differ "several files with several errors: exit $am_rc vs $ts_rc"
	diff -u "$TMP/am.out" "$TMP/ts.out" >&2
else
	agree=$((agree + 1))
fi

# A path that does not exist, or a directory, is refused before anything
# is checked.
for bad in no-such.yml secrets; do
	comparisons=$((comparisons + 1))
	"$AMTOOL" check-config minimal.yml "$bad" >"$TMP/am.out" 2>"$TMP/am.err"
	am_rc=$?
	"$TOCSIN_RELAY" check-config minimal.yml "$bad" >"$TMP/ts.out" 2>"$TMP/ts.err"
	ts_rc=$?
	if [ "$am_rc" != "$ts_rc" ] || ! cmp -s "$TMP/am.out" "$TMP/ts.out" ||
	    [ "$(sed 's/^amtool:/tocsin-relay:/' "$TMP/am.err")" != "$(cat "$TMP/ts.err")" ]; then
		differ "argument $bad: exit $am_rc vs $ts_rc"
		cat "$TMP/am.err" "$TMP/ts.err" >&2
	else
		agree=$((agree + 1))
	fi
done

# No file arguments: both read the config from standard input.
comparisons=$((comparisons + 1))
"$AMTOOL" check-config <routes-tree.yml >"$TMP/am.out" 2>"$TMP/am.err"
am_rc=$?
"$TOCSIN_RELAY" check-config <routes-tree.yml >"$TMP/ts.out" 2>"$TMP/ts.err"
ts_rc=$?
if [ "$am_rc" != "$ts_rc" ] || ! cmp -s "$TMP/am.out" "$TMP/ts.out"; then
	differ "standard input: exit $am_rc vs $ts_rc"
	diff -u "$TMP/am.out" "$TMP/ts.out" >&2
else
	agree=$((agree + 1))
fi

# tocsin-only extensions.
cd "$CONFIGS/tocsin-only/valid" || exit 1
for f in *.yml; do
	if ! "$TOCSIN_RELAY" check-config "$f" >"$TMP/ts.out" 2>"$TMP/ts.err" ||
	    [ "$(head -n1 "$TMP/ts.out")" != "Checking '$f'  SUCCESS" ]; then
		differ "tocsin-only/valid/$f: not accepted"
		cat "$TMP/ts.out" "$TMP/ts.err" >&2
	fi
done
cd "$CONFIGS/tocsin-only/invalid" || exit 1
for f in *.yml; do
	want="Checking '$f'  FAILED: $(cat "${f%.yml}.err")"
	"$TOCSIN_RELAY" check-config "$f" >"$TMP/ts.out" 2>"$TMP/ts.err"
	rc=$?
	if [ "$rc" != 1 ] || [ "$(head -n1 "$TMP/ts.out")" != "$want" ]; then
		differ "tocsin-only/invalid/$f: exit $rc"
		echo "want: $want" >&2
		echo "got:  $(head -n1 "$TMP/ts.out")" >&2
	fi
	if grep -q "inline-secret-value\|123456:ABC" "$TMP/ts.out" "$TMP/ts.err"; then
		differ "tocsin-only/invalid/$f: a secret appears in the output"
	fi
done

echo "check_config_amtool: $comparisons comparisons, $agree agree"
[ "$failures" = 0 ]
