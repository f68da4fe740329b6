#!/usr/bin/env bash
# systemd_units.sh: every unit in systemd/ must pass `systemd-analyze verify`
# (with ExecStart pointing at the built program) and be rated 2.0 or lower
# by `systemd-analyze security --offline=true`; every flag on its ExecStart
# must be one its program's --help lists; and every systemd credential an
# example config in etc/ reads must have its LoadCredential= line in the unit.
set -euo pipefail

: "${TOCSIN_RELAY:?TOCSIN_RELAY must point at the built tocsin-relay}"
: "${TOCSIN_SOURCE_DIR:?}"
TMP=${TOCSIN_TEST_TMP:?}
MAX_EXPOSURE=2.0
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze not installed" >&2; exit 1; }

rm -rf "$TMP/units" "$TMP/man"
mkdir -p "$TMP/units" "$TMP/man/man1"
# verify runs man(1) for the units' Documentation=man:... pages: the built ones.
export MANPATH="${TOCSIN_BUILD_DIR:?}/man:$TMP/man"
failures=0
checked=0
for unit in "$TOCSIN_SOURCE_DIR"/systemd/*.service; do
	name=$(basename "$unit")
	bin=
	case $name in
	tocsin-relay.service) bin=$TOCSIN_RELAY ;;
	tocsin-watchdog.service)
		bin=${TOCSIN_WATCHDOG:-${TOCSIN_BUILD_DIR:?}/watchdog/tocsin-watchdog} ;;
	*) echo "FAIL: $name: no built program known for this unit" >&2
	   failures=$((failures + 1)); continue ;;
	esac
	# The unit names /usr/bin/<program>; verify wants it to exist, so the
	# copy names the built one. Nothing else in the copy changes.
	grep -q "^ExecStart=/usr/bin/${name%.service} " "$unit" ||
	    { echo "FAIL: $name: ExecStart is not /usr/bin/${name%.service}" >&2
	      failures=$((failures + 1)); continue; }
	if [ -x "$bin" ]; then
		help=$("$bin" --help 2>&1 || true)
		# ExecStart's continuation lines hold one flag each.
		for flag in $(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" |
		    grep -oE -- '--[a-z][a-z.-]*'); do
			grep -qE -- "^  $flag(=| |\$)" <<<"$help" ||
			    { echo "FAIL: $name: $flag is not in ${bin##*/} --help" >&2
			      failures=$((failures + 1)); }
		done
	else
		# The program's daemon is not built yet: check the unit against
		# a stand-in with the same path semantics.
		echo "$name: ${bin##*/} is not built; verifying the unit with a stand-in program"
		bin=$TMP/units/${name%.service}
		printf '#!/bin/sh\nexit 1\n' >"$bin"
		chmod +x "$bin"
		printf '.TH STAND-IN 1\n' >"$TMP/man/man1/${name%.service}.1"
	fi
	for cred in $(grep -ohE "/run/credentials/$name/[A-Za-z0-9][A-Za-z0-9_-]*" \
	    "$TOCSIN_SOURCE_DIR"/etc/*.yml | sort -u); do
		grep -qE "^#?LoadCredential=${cred##*/}:/etc/tocsin/credentials/${cred##*/}\$" "$unit" ||
		    { echo "FAIL: $name: no LoadCredential= line for $cred (read by etc/)" >&2
		      failures=$((failures + 1)); }
	done
	sed "s#^ExecStart=/usr/bin/${name%.service} #ExecStart=$bin #" "$unit" >"$TMP/units/$name"
	if ! out=$(systemd-analyze verify "$TMP/units/$name" 2>&1) || [ -n "$out" ]; then
		echo "FAIL: systemd-analyze verify $name:" >&2
		echo "$out" >&2
		failures=$((failures + 1))
	fi
	sec=$(systemd-analyze security --offline=true "$TMP/units/$name" 2>&1 || true)
	line=$(printf '%s\n' "$sec" | grep 'Overall exposure level' || true)
	level=$(printf '%s\n' "$line" | sed -nE 's/.*Overall exposure level for [^:]*: ([0-9]+\.[0-9]+) .*/\1/p')
	if [ -z "$level" ]; then
		echo "FAIL: $name: no exposure level in systemd-analyze security output:" >&2
		echo "$sec" >&2
		failures=$((failures + 1))
	elif ! awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l + 0 <= m + 0) }'; then
		echo "FAIL: $name: exposure level $level, want $MAX_EXPOSURE or lower:" >&2
		printf '%s\n' "$sec" | grep '✗' >&2 || true
		failures=$((failures + 1))
	else
		echo "$name: verify clean, exposure $level"
	fi
	checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "FAIL: no units in $TOCSIN_SOURCE_DIR/systemd" >&2; exit 1; }
if [ "$failures" -ne 0 ]; then
	echo "$failures unit check(s) failed" >&2
	exit 1
fi
echo PASS
