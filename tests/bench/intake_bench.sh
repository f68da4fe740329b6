#!/bin/bash
# intake_bench.sh: durable intake rate and ack latency of tocsin-relay under
# wrk, side by side in the same invocation with a bare libmicrohttpd server
# (bench_baseline_mhd) answering a canned 200 on the same payload. Runs are
# alternated (baseline, relay, baseline, relay, ...) so both see the same
# machine noise, and the result is reported as a ratio. Not a test: it asserts
# nothing about timings and is not run by CTest.
#
# Usage: tests/bench/intake_bench.sh [BUILD_DIR] [SECONDS] [ROUNDS]
#   BUILD_DIR  default $TOCSIN_BUILD_DIR or <source>/build-bench; configured as
#              Release and built (tocsin-relay, bench_baseline_mhd) if needed
#   SECONDS    length of each wrk run, default 10
#   ROUNDS     runs per server, default 3
# Environment: BENCH_CONNECTIONS (32), BENCH_THREADS (wrk threads, 2),
#   BENCH_PAYLOAD (default the ssh-login-firing fixture), BENCH_BUILD=0 to
#   skip building, BENCH_KEEP=1 to keep the scratch directory.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${TOCSIN_BUILD_DIR:-$here/build-bench}}
secs=${2:-10}
rounds=${3:-3}
conns=${BENCH_CONNECTIONS:-32}
wthreads=${BENCH_THREADS:-2}
fixtures=${TOCSIN_FIXTURES:-$here/../shared/fixtures/alertmanager-0.25}
payload=${BENCH_PAYLOAD:-$fixtures/ssh-login-firing.json}
lua=$here/tests/bench/post.lua

die() { echo "intake_bench: $*" >&2; exit 1; }
. "$here/tests/bench/lib.sh"

command -v wrk >/dev/null ||
	die "wrk not found; install it with: apt-get install -y wrk (Debian/Ubuntu package \"wrk\")"
command -v curl >/dev/null || die "curl not found; install it with: apt-get install -y curl"
command -v python3 >/dev/null || die "python3 not found (used to pick free ports)"
[ -r "$payload" ] || die "cannot read payload $payload"

# Build the two programs to compare (see lib.sh).
bench_build intake_bench tocsin-relay bench_baseline_mhd
relay=$build/relay/tocsin-relay
baseline=$build/tests/bench_baseline_mhd
[ -x "$relay" ] || die "no $relay"
[ -x "$baseline" ] || die "no $baseline"

bench_scratch

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The payload's alerts all route to one receiver whose webhook integration
# goes through the durable store. Its URL is valid but nothing listens there:
# the dispatcher's retries run in the background and do not gate the 200.
dead_port=$(free_port)
cat >"$tmp/relay.yml" <<EOF
route:
  receiver: bench
  group_by: [alertname]
receivers:
  - name: bench
    webhook_configs:
      - url: http://127.0.0.1:$dead_port/unreachable
EOF

# metric_sum FILE NAME: the sum of every series of NAME (all labels).
metric_sum() {
	awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.0f\n", s }' "$1"
}
# metric_delta BEFORE AFTER NAME: the growth of a series without labels,
# fractions kept.
metric_delta() {
	awk -v n="$3" 'FNR == 1 { f++ } $1 == n { v[f] = $2 } END { printf "%.6f\n", v[2] - v[1] }' "$1" "$2"
}
# webhook_codes FILE: "code=count ..." of tocsin_http_requests_total for /webhook.
webhook_codes() {
	sed -n 's/^tocsin_http_requests_total{.*handler="\/webhook".*code="\([0-9]*\)".*} \(.*\)$/\1 \2/p;
	        s/^tocsin_http_requests_total{.*code="\([0-9]*\)".*handler="\/webhook".*} \(.*\)$/\1 \2/p' "$1" |
		sort -n | awk '{ printf "%s%s=%.0f", sep, $1, $2; sep = " " }'
}

peak_rss_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

wait_baseline() {	# waits for the "listening on" line
	local i
	for i in $(seq 100); do
		grep -q '^listening on' "$1" 2>/dev/null && return 0
		kill -0 "$bench_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

wait_relay() {		# waits until /-/ready answers 200
	local i
	for i in $(seq 200); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$1/-/ready" 2>/dev/null)" = 200 ] && return 0
		kill -0 "$bench_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

stop_server() {
	kill "$bench_pid" 2>/dev/null || true
	wait "$bench_pid" 2>/dev/null || true
	bench_pid=
}

# run_wrk URL TAG OUT: one wrk run; its BENCH line ends up in OUT.
run_wrk() {
	BENCH_PAYLOAD=$payload BENCH_TAG=$2 \
	    wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency -s "$lua" "$1/webhook" >"$3" 2>&1 ||
		{ cat "$3" >&2; die "wrk failed"; }
	grep -q '^BENCH ' "$3" || { cat "$3" >&2; die "wrk printed no BENCH line"; }
}

field() {		# field FILE KEY: a key=value from the BENCH line
	sed -n "s/^BENCH .*\<$2=\([0-9.]*\).*/\1/p" "$1"
}

: >"$tmp/results"
echo "intake_bench: $rounds rounds x ${secs}s, $conns connections, $wthreads wrk threads, payload $(basename "$payload")"
# A relay built from a working tree with local changes is not that commit.
echo "intake_bench: relay $relay, source $(cd "$here" && git describe --always --dirty 2>/dev/null || echo unknown), $(nproc) CPUs"
echo "intake_bench: stores under $tmp on $(df -T "$tmp" | awk 'NR == 2 { print $2 " (" $1 ")" }') (fsync cost depends on it; set TMPDIR to move it)"
for r in $(seq "$rounds"); do
	# Baseline.
	port=$(free_port)
	"$baseline" "$port" >"$tmp/baseline.out" 2>"$tmp/baseline.err" &
	bench_pid=$!
	wait_baseline "$tmp/baseline.out" || { cat "$tmp/baseline.err" >&2; die "baseline did not start"; }
	run_wrk "http://127.0.0.1:$port" "b$r" "$tmp/wrk-b$r"
	rss=$(peak_rss_kb "$bench_pid")
	stop_server
	echo "baseline $r $(field "$tmp/wrk-b$r" rps) $(field "$tmp/wrk-b$r" p50_us) $(field "$tmp/wrk-b$r" p99_us) $rss $(field "$tmp/wrk-b$r" requests) $(field "$tmp/wrk-b$r" non2xx) $(field "$tmp/wrk-b$r" errors)" >>"$tmp/results"

	# Relay, with a fresh store each run.
	port=$(free_port)
	"$relay" --config.file="$tmp/relay.yml" --web.listen-address="127.0.0.1:$port" \
	    --storage.path="$tmp/data-$r" >"$tmp/relay-$r.out" 2>"$tmp/relay-$r.err" &
	bench_pid=$!
	url=http://127.0.0.1:$port
	wait_relay "$url" || { tail -20 "$tmp/relay-$r.err" >&2; die "relay did not become ready"; }
	curl -s "$url/metrics" >"$tmp/m-before-$r"
	run_wrk "$url" "r$r" "$tmp/wrk-r$r"
	curl -s "$url/metrics" >"$tmp/m-after-$r"
	rss=$(peak_rss_kb "$bench_pid")
	stop_server
	echo "relay $r $(field "$tmp/wrk-r$r" rps) $(field "$tmp/wrk-r$r" p50_us) $(field "$tmp/wrk-r$r" p99_us) $rss $(field "$tmp/wrk-r$r" requests) $(field "$tmp/wrk-r$r" non2xx) $(field "$tmp/wrk-r$r" errors)" >>"$tmp/results"
done

# Per-run table, then medians and the ratio of medians.
echo
printf '%-8s %5s %11s %9s %9s %12s %9s %7s\n' server round "requests/s" "p50 ms" "p99 ms" "peak RSS KiB" non-2xx errors
awk '{ printf "%-8s %5s %11.0f %9.3f %9.3f %12s %9s %7s\n", $1, $2, $3, $4 / 1000, $5 / 1000, $6, $8, $9 }' "$tmp/results"
echo
awk -v rounds="$rounds" '
function median(a, n,   i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = $1; n[k]++
	rps[k, n[k]] = $3; p50[k, n[k]] = $4; p99[k, n[k]] = $5
	if ($6 > rss[k]) rss[k] = $6
	if (k == "baseline") brps[$2] = $3; else rrps[$2] = $3
}
END {
	for (s = 0; s < 2; s++) {
		k = s ? "relay" : "baseline"
		for (i = 1; i <= n[k]; i++) { a[i] = rps[k, i] } ; mr[k] = median(a, n[k])
		for (i = 1; i <= n[k]; i++) { a[i] = p50[k, i] } ; m50 = median(a, n[k])
		for (i = 1; i <= n[k]; i++) { a[i] = p99[k, i] } ; m99 = median(a, n[k])
		printf "%-8s median of %d: %.0f requests/s, p50 %.3f ms, p99 %.3f ms, peak RSS %d KiB\n",
		    k, n[k], mr[k], m50 / 1000, m99 / 1000, rss[k]
	}
	printf "ratio relay/baseline (medians of requests/s): %.3f (goal in issue 4: at least 0.5)\n",
	    mr["baseline"] ? mr["relay"] / mr["baseline"] : 0
	printf "ratio per round:"
	for (i = 1; i <= rounds; i++)
		printf " %.3f", brps[i] ? rrps[i] / brps[i] : 0
	printf "\n"
}' "$tmp/results"

# What the relay did with the requests, from its own counters: the mode that
# was measured, and how many store commits (fsyncs) they cost.
echo
for r in $(seq "$rounds"); do
	b=$tmp/m-before-$r a=$tmp/m-after-$r
	d() { echo $(( $(metric_sum "$a" "$1") - $(metric_sum "$b" "$1") )); }
	queued=$(d tocsin_notifications_queued_total)
	dedup=$(d tocsin_notifications_deduplicated_total)
	failed=$(d tocsin_notifications_failed_total)
	if [ "$queued" -gt 0 ]; then
		mode="durable (committed to the store before the 200)"
	else
		mode="NOTHING QUEUED (the run did not measure durable intake)"
	fi
	echo "relay round $r: mode $mode; /webhook answers: $(webhook_codes "$a"); queued +$queued, deduplicated +$dedup, failed +$failed"
	commits=$(d tocsin_store_commits_total)
	if [ "$commits" -gt 0 ]; then
		awk -v r="$r" -v c="$commits" -v q="$(d tocsin_store_commit_requests_sum)" \
		    -v t="$(metric_delta "$b" "$a" tocsin_store_commit_duration_seconds_sum)" \
		    'BEGIN { printf "relay round %s: store commits +%d for %d write requests (%.1f per commit), %.2f ms per commit\n", r, c, q, q / c, t * 1000 / c }'
	fi
done
