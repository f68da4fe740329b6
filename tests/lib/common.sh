# common.sh: shared helpers for the script tests (sourced, not run).
#
# relay_start [flags...]  starts tocsin-relay on a free loopback port with its
#                         stdout in $RELAY_OUT and stderr in $RELAY_ERR, and
#                         waits for its "Listening" line; sets RELAY_PID,
#                         RELAY_PORT and RELAY_URL (http or https by $RELAY_SCHEME).
# relay_stop              SIGTERM and wait; fails if the exit status is not 0.
# http ARGS...            curl; sets HTTP_CODE and HTTP_BODY (and HTTP_HEADERS).
# expect_eq WHAT WANT GOT prints both and fails when they differ.
# fake_start KIND [PORT]  starts tests/fakes/fake_KIND.py with rate limits off;
#                         sets FAKE_URL and FAKE_PID.
# am_start CONFIG [FLAGS] starts the real Alertmanager on a free loopback port
#                         (clustering off, data in $TMP/am) and waits until it
#                         is ready; sets AM_URL and AM_PORT.
# Processes started through these helpers are killed on exit.

set -euo pipefail

: "${TOCSIN_RELAY:?TOCSIN_RELAY must point at the built tocsin-relay}"
: "${TOCSIN_SOURCE_DIR:?}"
: "${TOCSIN_FIXTURES:?}"
TMP=${TOCSIN_TEST_TMP:?}
mkdir -p "$TMP"

CLEANUP_PIDS=()
RELAY_SCHEME=${RELAY_SCHEME:-http}
FAILURES=0

cleanup() {
	local pid
	for pid in "${CLEANUP_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${CLEANUP_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to $2 seconds (default 10) for a line matching regex $1 in file $3.
wait_for_line() {
	local re=$1 secs=${2:-10} file=$3 i
	for ((i = 0; i < secs * 20; i++)); do
		if grep -qE "$re" "$file" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

relay_start() {
	local try
	RELAY_OUT=${RELAY_OUT:-$TMP/relay.out}
	RELAY_ERR=${RELAY_ERR:-$TMP/relay.err}
	for try in 1 2 3; do
		RELAY_PORT=$(free_port)
		: >"$RELAY_OUT"
		: >"$RELAY_ERR"
		"$TOCSIN_RELAY" --web.listen-address="127.0.0.1:$RELAY_PORT" \
		    --storage.path="$TMP/data" "$@" >"$RELAY_OUT" 2>"$RELAY_ERR" &
		RELAY_PID=$!
		CLEANUP_PIDS+=("$RELAY_PID")
		RELAY_URL="$RELAY_SCHEME://127.0.0.1:$RELAY_PORT"
		if wait_for_line 'msg=Listening' 10 "$RELAY_ERR"; then
			return 0
		fi
		# Lost a race for the port, or a real start-up failure.
		kill "$RELAY_PID" 2>/dev/null || true
		wait "$RELAY_PID" 2>/dev/null || true
		grep -q 'cannot listen' "$RELAY_ERR" || break
	done
	cat "$RELAY_ERR" >&2
	fail "tocsin-relay did not start"
}

relay_stop() {
	local rc=0
	kill -TERM "$RELAY_PID"
	wait "$RELAY_PID" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$RELAY_ERR" >&2; fail "tocsin-relay exited with status $rc"; }
}

http() {
	local out
	out=$(mktemp "$TMP/http.XXXXXX")
	HTTP_CODE=$(curl -s -S -o "$out" -D "$out.h" -w '%{http_code}' "$@" || true)
	HTTP_BODY=$(cat "$out")
	HTTP_HEADERS=$(tr -d '\r' <"$out.h")
	rm -f "$out" "$out.h"
}

fake_start() {
	local kind=$1 port=${2:-0} pf=$TMP/$1.port i
	rm -f "$pf"
	echo '{"rate_limits_enabled": false}' >"$TMP/$kind.json"
	python3 "$TOCSIN_SOURCE_DIR/tests/fakes/fake_$kind.py" --port "$port" \
	    --port-file "$pf" --config "$TMP/$kind.json" 2>"$TMP/$kind.err" &
	FAKE_PID=$!
	CLEANUP_PIDS+=("$FAKE_PID")
	for ((i = 0; i < 200; i++)); do [ -s "$pf" ] && break; sleep 0.05; done
	[ -s "$pf" ] || { cat "$TMP/$kind.err" >&2; fail "fake $kind did not start"; }
	FAKE_URL="http://127.0.0.1:$(cat "$pf")"
}

am_start() {
	local config=$1 am=${ALERTMANAGER:-/usr/bin/prometheus-alertmanager} i
	shift
	[ -x "$am" ] || fail "$am is not installed (Debian package prometheus-alertmanager)"
	rm -rf "$TMP/am"
	AM_PORT=$(free_port)
	AM_URL="http://127.0.0.1:$AM_PORT"
	"$am" --config.file="$config" --storage.path="$TMP/am" \
	    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
	    "$@" >"$TMP/am.out" 2>"$TMP/am.err" &
	CLEANUP_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		curl -fs "$AM_URL/-/ready" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$TMP/am.err" >&2
	fail "Alertmanager did not start"
}

expect_eq() {
	local what=$1 want=$2 got=$3
	if [ "$want" != "$got" ]; then
		echo "FAIL: $what" >&2
		echo "  want: $want" >&2
		echo "  got:  $got" >&2
		FAILURES=$((FAILURES + 1))
	fi
	return 0
}

# Exits with the number of failed expectations (0 when all passed).
finish() {
	if [ "$FAILURES" -ne 0 ]; then
		echo "$FAILURES expectation(s) failed" >&2
		exit 1
	fi
	echo "PASS"
}
