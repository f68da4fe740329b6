#!/bin/bash
# slack_bench.sh: deliveries per second from tocsin's durable queue to the
# fake Slack (tests/fakes/fake_slack.py) with rate limits off, on both sides:
# bench_slack_deliveries fills a store, then times a dispatcher without rate
# limits until every message is delivered. The fake's own rate for one
# keep-alive client (wrk, one connection) is printed alongside as the
# ceiling. Not a test: it asserts nothing about timings and CTest does not
# run it; it only checks that the fake received exactly what was delivered.
#
# Usage: tests/bench/slack_bench.sh [BUILD_DIR] [NOTIFICATIONS]
#   BUILD_DIR      default $TOCSIN_BUILD_DIR or <source>/build-bench (Release)
#   NOTIFICATIONS  per run, default 2000; each goes to every destination
# Environment: BENCH_RUNS ("DESTINATIONS:WORKERS ...", default "1:4 4:4 16:4"),
#   BENCH_BUILD=0 to skip building, BENCH_KEEP=1 to keep the scratch directory.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${TOCSIN_BUILD_DIR:-$here/build-bench}}
count=${2:-2000}
runs=${BENCH_RUNS:-1:4 4:4 16:4}
fixtures=${TOCSIN_FIXTURES:-$here/../shared/fixtures/alertmanager-0.25}
payload=$fixtures/ssh-login-firing.json
py=/usr/bin/python3

die() { echo "slack_bench: $*" >&2; exit 1; }
. "$here/tests/bench/lib.sh"

[ -x "$py" ] || py=python3
command -v curl >/dev/null || die "curl not found; install it with: apt-get install -y curl"
[ -r "$payload" ] || die "cannot read payload $payload"

bench_build slack_bench bench_slack_deliveries
prog=$build/tests/bench_slack_deliveries
[ -x "$prog" ] || die "no $prog"

bench_scratch

# The fake as the tests start it, with its rate limits and its recording
# off (recording every body would make the fake the thing measured), and the
# webhooks bench_slack_deliveries posts to (T000/B000/BENCH0000, ...).
"$py" - >"$tmp/slack.json" <<'PY'
import json
hooks = {"T000/B000/BENCH%04d" % i: "ok" for i in range(256)}
hooks["T000/B000/CEILING"] = "ok"
print(json.dumps({"rate_limits_enabled": False, "record_requests": False, "webhooks": hooks}))
PY
"$py" "$here/tests/fakes/fake_slack.py" --port 0 --port-file "$tmp/slack.port" \
    --config "$tmp/slack.json" 2>"$tmp/slack.err" &
bench_pid=$!
for i in $(seq 200); do [ -s "$tmp/slack.port" ] && break; sleep 0.05; done
[ -s "$tmp/slack.port" ] || { cat "$tmp/slack.err" >&2; die "fake Slack did not start"; }
base=http://127.0.0.1:$(cat "$tmp/slack.port")

fake_count() {		# requests the fake answered 200 since its last reset
	curl -sf "$base/_fake/count" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["by_status"].get("200", 0))'
}

echo "slack_bench: $count notifications per run, runs (destinations:workers) $runs, $(nproc) CPUs"
echo "slack_bench: source $(cd "$here" && git describe --always --dirty 2>/dev/null || echo unknown), store under $tmp on $(df -T "$tmp" | awk 'NR == 2 { print $2 }')"

# The fake's ceiling: one keep-alive client posting a Slack body.
if command -v wrk >/dev/null; then
	cat >"$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"channel":"","username":"Alertmanager","attachments":[{"title":"[FIRING:1] SSHLogin","text":"bench","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}'
LUA
	wrk -t1 -c1 -d5s -s "$tmp/post.lua" "$base/services/T000/B000/CEILING" >"$tmp/wrk.out" 2>&1 ||
		{ cat "$tmp/wrk.out" >&2; die "wrk failed"; }
	ceiling=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$tmp/wrk.out")
	! grep -q 'Non-2xx' "$tmp/wrk.out" || { cat "$tmp/wrk.out" >&2; die "the fake refused the ceiling run"; }
	echo "fake Slack alone, one keep-alive client (wrk -c1, 5 s): $ceiling requests/s"
else
	ceiling=
	echo "fake Slack alone: wrk not installed, ceiling not measured (apt-get install -y wrk)"
fi

echo
printf '%12s %8s %12s %9s %14s %8s %12s\n' destinations workers deliveries seconds "deliveries/s" commits "fake got"
for run in $runs; do
	dests=${run%%:*} workers=${run##*:}
	curl -sf -X POST -d '{}' "$base/_fake/reset" >/dev/null
	rm -rf "$tmp/store"
	"$prog" "$base" "$here/templates/tocsin.tmpl" "$payload" "$tmp/store" "$count" "$dests" "$workers" \
	    >"$tmp/run.out" 2>"$tmp/run.err" ||
		{ cat "$tmp/run.out" >&2; tail -5 "$tmp/run.err" >&2; die "run $run failed"; }
	line=$(grep '^BENCH ' "$tmp/run.out")
	f() { echo "$line" | sed -n "s/.*\<$1=\([0-9.]*\).*/\1/p"; }
	got=$(fake_count)
	[ "$got" = "$(f deliveries)" ] || die "run $run: delivered $(f deliveries) but the fake answered $got"
	printf '%12s %8s %12s %9s %14s %8s %12s\n' "$dests" "$workers" "$(f deliveries)" "$(f seconds)" \
	    "$(f rate)" "$(f commits)" "$got"
done
