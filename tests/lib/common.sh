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
#                         is ready; sets AM_URL, AM_PORT and AM_PID.
# am_stop                 stops it (SIGTERM, wait); am_restart starts it again
#                         with the same config, flags, port and data.
# prom_start CONFIG [FLAGS] starts the real Prometheus (rule files as the config
#                         names them, relative to its directory) on a free
#                         loopback port with its TSDB in $TMP/prom and waits
#                         until it is ready; sets PROM_URL, PROM_PORT, PROM_PID.
# prom_stop               stops it (SIGTERM, wait).
# prom_query PROMQL       prints Prometheus's JSON answer to an instant query.
# node_exporter_start DIR starts prometheus-node-exporter with only the textfile
#                         collector reading DIR; sets NODE_URL, NODE_PORT,
#                         NODE_PID.
# watchdog_start CONFIG [FLAGS] starts tocsin-watchdog on a free loopback port
#                         with its state in $TMP/wd and its log in $WD_LOG, and
#                         waits until /-/ready answers; sets WD_URL, WD_PORT,
#                         WD_PID. watchdog_restart starts it again with the
#                         same config, flags, port and state ($WD_LOG then
#                         holds the new run's log).
# watchdog_stop           SIGTERM and wait; fails if the exit status is not 0.
# watchdog_kill           SIGKILL and wait: a crash.
# wait_until SECS CMD...  runs CMD every 0.1s until it succeeds; 1 after SECS.
# wd_check NAME FIELD     prints FIELD of check NAME in GET /api/v1/checks.
# tg_body TEXT            the exact sendMessage body tocsin posts for TEXT to
#                         chat 42 (JSON escaped like Go's encoding/json).
# go_duration SECS        seconds as model.Duration writes them: 9s, 1m, 1m1s.
# epoch_ms RFC3339        milliseconds since the epoch.
# at_least MIN TEXT       prints TEXT with every whole-second duration "<n>s" of
#                         at least MIN written "MIN+s", so a message from a timer
#                         compares exactly however late a loaded machine ran it,
#                         while one that fired early still differs.
# readme_block SECTION TEXT prints the first fenced block of README.md's
#                         "## SECTION" that contains TEXT, so that a test runs
#                         what the README shows; fails if there is none.
# Processes started through these helpers are killed on exit.

set -euo pipefail

: "${TOCSIN_RELAY:?TOCSIN_RELAY must point at the built tocsin-relay}"
: "${TOCSIN_SOURCE_DIR:?}"
: "${TOCSIN_FIXTURES:?}"
TMP=${TOCSIN_TEST_TMP:?}
# A fresh scratch directory on every run: a queue left by the run before
# would turn this run's first notification into a duplicate.
rm -rf "$TMP"
mkdir -p "$TMP"

CLEANUP_PIDS=()
RELAY_SCHEME=${RELAY_SCHEME:-http}
FAILURES=0

cleanup() {
	local pid
	# A test may have stopped one (kill -STOP): continued, it can die.
	for pid in "${CLEANUP_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		kill -CONT "$pid" 2>/dev/null || true
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

# fake_bodies URL: the request bodies the fake at URL recorded, one a line;
# fake_count URL: how many requests it recorded.
fake_bodies() {
	curl -fsS "$1/_fake/requests" | jq -r '.[].body'
}
fake_count() {
	curl -fsS "$1/_fake/requests" | jq length
}
fake_has_count() {
	[ "$(fake_count "$1")" -ge "$2" ]
}
# fake_wait_count URL N: until the fake at URL has recorded N requests (30 s
# at most); else fails with the relay's log.
fake_wait_count() {
	wait_until 30 fake_has_count "$1" "$2" ||
	    { cat "$RELAY_ERR" >&2; fail "$1 did not get $2 request(s), got $(fake_count "$1")"; }
}

# relay_metric NAME{LABELS}: its value in the relay's /metrics, 0 when absent.
relay_metric() {
	http "$RELAY_URL/metrics"
	grep -v '^#' <<<"$HTTP_BODY" | grep -F "$1 " | awk '{print $2}' | grep . || echo 0
}

# wait_idle: until the relay's queue has nothing pending (30 s at most).
wait_idle() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(relay_metric 'tocsin_queue_messages{state="pending"}')" = 0 ] && return 0
		sleep 0.1
	done
	fail "queue did not drain"
}

# am_webhook_config FILE URL: an Alertmanager config in FILE that sends every
# alert, grouped by alertname with 1 s group timings (so a test waits
# seconds, not minutes), to the webhook URL, resolved ones included.
am_webhook_config() {
	cat >"$1" <<EOF
route:
  receiver: tocsin
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: tocsin
    webhook_configs:
      - url: $2
        send_resolved: true
EOF
}

wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# server_up READY_URL LOG CMD...: runs CMD in the background with its
# output in LOG until READY_URL answers 2xx (30s on a loaded machine); sets
# SERVER_PID. Returns 1 if CMD exited first (a lost race for its port, a bad
# config) or the deadline passed, with CMD stopped.
server_up() {
	local ready=$1 log=$2 i
	shift 2
	"$@" >"$log" 2>&1 &
	SERVER_PID=$!
	CLEANUP_PIDS+=("$SERVER_PID")
	for ((i = 0; i < 300; i++)); do
		curl -fs -o /dev/null "$ready" 2>/dev/null && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	return 1
}

# server_start NAME PORTVAR READY_PATH LOG CMD...: server_up on the port in
# the variable PORTVAR (a restart: peers know that port) or, when it is empty,
# on a free one that it sets; three tries, as another process may take a free
# port first. CMD's arguments may use {PORT}.
server_start() {
	local name=$1 portvar=$2 path=$3 log=$4 fixed=${!2:-} try port a args
	shift 4
	for try in 1 2 3; do
		port=${fixed:-$(free_port)}
		args=()
		for a in "$@"; do args+=("${a//\{PORT\}/$port}"); done
		if server_up "http://127.0.0.1:$port$path" "$log" "${args[@]}"; then
			printf -v "$portvar" '%s' "$port"
			return 0
		fi
		grep -qi 'address already in use' "$log" || break
		sleep 0.5
	done
	cat "$log" >&2
	fail "$name did not start"
}

wd_check() {
	curl -fsS "$WD_URL/api/v1/checks" |
	    jq -r --arg n "$1" --arg f "$2" '.checks[] | select(.name == $n) | .[$f]'
}

# The watchdog scripts notify receiver "phone", a fake Telegram at $TG.
# wd_config FILE [SETTING...]: writes that receivers section to FILE, with
# each SETTING ("send_resolved: true") added to its telegram_config, then
# stdin (the checks) after it.
wd_config() {
	local setting
	{
		cat <<EOF
receivers:
  - name: phone
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
EOF
		for setting in "${@:2}"; do
			printf '        %s\n' "$setting"
		done
		cat
	} >"$1"
}

# tg_requests: what the fake at $TG recorded, as JSON; tg_texts: every
# message text it received, one JSON string a line; tg_count: how many
# requests it received.
tg_requests() {
	curl -fsS "$TG/_fake/requests"
}
tg_texts() {
	tg_requests | jq -c '.[].body | fromjson | .text'
}
tg_count() {
	tg_requests | jq length
}
tg_has_count() {
	[ "$(tg_count)" -ge "$1" ]
}
# tg_wait_count N: until the fake has N requests; else fails with the
# watchdog's log.
tg_wait_count() {
	wait_until 30 tg_has_count "$1" ||
	    { cat "$WD_LOG" >&2; fail "the fake got $(tg_count) message(s), not $1"; }
}

# wd_json NAME FIELD: one field of the check in /api/v1/checks, as JSON
# (wd_check gives it raw).
wd_json() {
	curl -fsS "$WD_URL/api/v1/checks" | jq -c ".checks[] | select(.name == \"$1\") | .$2"
}
# wd_since NAME: the check's down_since as the messages show it.
wd_since() {
	date -u -d "$(wd_json "$1" down_since | tr -d '"')" '+%Y-%m-%d %H:%M UTC'
}

tg_body() {
	printf '{"chat_id":"42","disable_web_page_preview":"true","parse_mode":"HTML","text":%s}' \
	    "$(printf '%s' "$1" | jq -Rs . | sed 's/</\\u003c/g; s/>/\\u003e/g; s/&/\\u0026/g')"
}

go_duration() {
	local s=$1
	if [ "$s" -ge 3600 ]; then printf '%dh' $((s / 3600)); fi
	if [ $((s % 3600 / 60)) -ne 0 ]; then printf '%dm' $((s % 3600 / 60)); fi
	if [ $((s % 60)) -ne 0 ] || [ "$s" -eq 0 ]; then printf '%ds' $((s % 60)); fi
}

epoch_ms() {
	date -u -d "$1" +%s%3N
}

readme_block() {
	/usr/bin/python3 - "$TOCSIN_SOURCE_DIR/README.md" "$1" "$2" <<'PY' ||
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
parts = text.split("\n## " + sys.argv[2] + "\n", 1)
if len(parts) < 2:
    sys.exit(1)
section = parts[1].split("\n## ", 1)[0]
for block in re.findall(r"^```[a-z]*\n(.*?)^```$", section, re.S | re.M):
    if sys.argv[3] in block:
        sys.stdout.write(block)
        sys.exit(0)
sys.exit(1)
PY
	    fail "README.md's \"## $1\" has no block with \"$2\""
}

AM_ARGS=()
am_start() {
	local am=${ALERTMANAGER:-/usr/bin/prometheus-alertmanager}
	[ -x "$am" ] || fail "$am is not installed (Debian package prometheus-alertmanager)"
	rm -rf "$TMP/am"
	AM_PORT=
	AM_ARGS=("$am" --config.file="$1" --storage.path="$TMP/am" \
	    "--web.listen-address=127.0.0.1:{PORT}" --cluster.listen-address= "${@:2}")
	am_restart
}

am_restart() {
	server_start Alertmanager AM_PORT /-/ready "$TMP/am.err" "${AM_ARGS[@]}"
	AM_PID=$SERVER_PID
	AM_URL="http://127.0.0.1:$AM_PORT"
}

am_stop() {
	kill -TERM "$AM_PID"
	wait "$AM_PID" 2>/dev/null || true
}

prom_start() {
	local prom=${PROMETHEUS:-/usr/bin/prometheus}
	[ -x "$prom" ] || fail "$prom is not installed (Debian package prometheus)"
	rm -rf "$TMP/prom"
	PROM_PORT=
	server_start Prometheus PROM_PORT /-/ready "$TMP/prom.err" "$prom" \
	    --config.file="$1" --storage.tsdb.path="$TMP/prom" \
	    "--web.listen-address=127.0.0.1:{PORT}" "${@:2}"
	PROM_PID=$SERVER_PID
	PROM_URL="http://127.0.0.1:$PROM_PORT"
}

prom_stop() {
	kill -TERM "$PROM_PID"
	wait "$PROM_PID" 2>/dev/null || true
}

prom_query() {
	curl -fsS --data-urlencode "query=$1" "$PROM_URL/api/v1/query"
}

node_exporter_start() {
	local ne=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
	[ -x "$ne" ] || fail "$ne is not installed (Debian package prometheus-node-exporter)"
	NODE_PORT=
	server_start node_exporter NODE_PORT /metrics "$TMP/node_exporter.err" "$ne" \
	    --collector.disable-defaults --collector.textfile \
	    --collector.textfile.directory="$1" "--web.listen-address=127.0.0.1:{PORT}"
	NODE_PID=$SERVER_PID
	NODE_URL="http://127.0.0.1:$NODE_PORT"
}

WD_ARGS=()
WD_LOG=$TMP/watchdog.log
watchdog_start() {
	: "${TOCSIN_WATCHDOG:?TOCSIN_WATCHDOG must point at the built tocsin-watchdog}"
	rm -rf "$TMP/wd"
	WD_PORT=
	WD_ARGS=("$TOCSIN_WATCHDOG" --config.file="$1" --storage.path="$TMP/wd" \
	    "--web.listen-address=127.0.0.1:{PORT}" "${@:2}")
	watchdog_restart
}

watchdog_restart() {
	server_start tocsin-watchdog WD_PORT /-/ready "$WD_LOG" "${WD_ARGS[@]}"
	WD_PID=$SERVER_PID
	WD_URL="http://127.0.0.1:$WD_PORT"
}

watchdog_stop() {
	local rc=0
	kill -TERM "$WD_PID"
	wait "$WD_PID" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$WD_LOG" >&2; fail "tocsin-watchdog exited with status $rc"; }
}

watchdog_kill() {
	kill -KILL "$WD_PID"
	wait "$WD_PID" 2>/dev/null || true
}

at_least() {
	python3 -c 'import re, sys
m = int(sys.argv[1])
print(re.sub(r"\b(\d+)s\b", lambda g: "%d+s" % m if int(g.group(1)) >= m else g.group(0), sys.argv[2]))' "$1" "$2"
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
