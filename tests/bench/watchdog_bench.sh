#!/bin/bash
# watchdog_bench.sh: tocsin-watchdog with many ping checks (default 100,000):
# how long the config takes to load until /-/ready, peak RSS per check, and
# the rate of durable pings under wrk side by side in the same invocation
# with a bare libmicrohttpd server (bench_baseline_mhd), reported as ratios.
# Not a test: it asserts nothing about timings and is not run by CTest.
#
# Usage: tests/bench/watchdog_bench.sh [BUILD_DIR] [SECONDS] [ROUNDS] [CHECKS]
#   BUILD_DIR  default $TOCSIN_BUILD_DIR or <source>/build-bench; configured as
#              Release and built (tocsin-watchdog, bench_baseline_mhd) if needed
#   SECONDS    length of each wrk run, default 10
#   ROUNDS     runs per server, default 3
#   CHECKS     ping checks in the config, default 100000
# Environment: BENCH_CONNECTIONS (32), BENCH_THREADS (wrk threads, 2),
#   BENCH_BUILD=0 to skip building, BENCH_KEEP=1 to keep the scratch directory.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${TOCSIN_BUILD_DIR:-$here/build-bench}}
secs=${2:-10}
rounds=${3:-3}
checks=${4:-100000}
conns=${BENCH_CONNECTIONS:-32}
wthreads=${BENCH_THREADS:-2}
lua=$here/tests/bench/ping.lua

die() { echo "watchdog_bench: $*" >&2; exit 1; }
. "$here/tests/bench/lib.sh"

command -v wrk >/dev/null ||
	die "wrk not found; install it with: apt-get install -y wrk (Debian/Ubuntu package \"wrk\")"
command -v curl >/dev/null || die "curl not found; install it with: apt-get install -y curl"
command -v python3 >/dev/null || die "python3 not found (used to pick free ports)"

bench_build watchdog_bench tocsin-watchdog bench_baseline_mhd
watchdog=$build/watchdog/tocsin-watchdog
baseline=$build/tests/bench_baseline_mhd
[ -x "$watchdog" ] || die "no $watchdog"
[ -x "$baseline" ] || die "no $baseline"

bench_scratch

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# CHECKS ping checks, one receiver whose webhook points where nothing
# listens: nothing goes down during a run (period 1h), so every ping is a
# state change committed to watchdog.db before its 200.
dead_port=$(free_port)
awk -v n="$checks" -v port="$dead_port" 'BEGIN {
	print "receivers:\n  - name: r\n    webhook_configs:\n      - url: http://127.0.0.1:" port "/unreachable\nchecks:"
	for (i = 0; i < n; i++)
		printf "  - {name: job-%06d, kind: ping, period: 1h, grace: 5m, receiver: r}\n", i
}' >"$tmp/wd.yml"

now_ms() { date +%s%3N; }
peak_rss_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

stop_server() {
	kill "$bench_pid" 2>/dev/null || true
	wait "$bench_pid" 2>/dev/null || true
	bench_pid=
}

# start_watchdog DATA: starts it and waits for /-/ready; sets url, ready_ms.
start_watchdog() {
	local t0 i
	port=$(free_port)
	url=http://127.0.0.1:$port
	t0=$(now_ms)
	"$watchdog" --config.file="$tmp/wd.yml" --web.listen-address="127.0.0.1:$port" \
	    --storage.path="$1" >"$1.out" 2>"$1.err" &
	bench_pid=$!
	for i in $(seq 1200); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/-/ready" 2>/dev/null)" = 200 ] && break
		kill -0 "$bench_pid" 2>/dev/null || { tail -5 "$1.err" >&2; die "watchdog exited"; }
		sleep 0.02
	done
	ready_ms=$(( $(now_ms) - t0 ))
}

run_wrk() {		# run_wrk URL OUT
	BENCH_CHECKS=$checks wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency -s "$lua" "$1" >"$2" 2>&1 ||
		{ cat "$2" >&2; die "wrk failed"; }
	grep -q '^BENCH ' "$2" || { cat "$2" >&2; die "wrk printed no BENCH line"; }
}

field() { sed -n "s/^BENCH .*\<$2=\([0-9.]*\).*/\1/p" "$1"; }

echo "watchdog_bench: $checks checks, $rounds rounds x ${secs}s, $conns connections, $wthreads wrk threads"
echo "watchdog_bench: watchdog $watchdog, source $(cd "$here" && git describe --always --dirty 2>/dev/null || echo unknown), $(nproc) CPUs"
echo "watchdog_bench: stores under $tmp on $(df -T "$tmp" | awk 'NR == 2 { print $2 " (" $1 ")" }') (fsync cost depends on it; set TMPDIR to move it)"

# Load: from a fresh store until /-/ready.
mkdir -p "$tmp/load"
start_watchdog "$tmp/load"
load_ms=$ready_ms load_hwm=$(peak_rss_kb "$bench_pid") load_rss=$(rss_kb "$bench_pid")
stop_server

: >"$tmp/results"
for r in $(seq "$rounds"); do
	port=$(free_port)
	"$baseline" "$port" >"$tmp/baseline.out" 2>"$tmp/baseline.err" &
	bench_pid=$!
	for i in $(seq 100); do grep -q '^listening on' "$tmp/baseline.out" 2>/dev/null && break; sleep 0.05; done
	run_wrk "http://127.0.0.1:$port" "$tmp/wrk-b$r"
	stop_server
	echo "baseline $r $(field "$tmp/wrk-b$r" rps) $(field "$tmp/wrk-b$r" p50_us) $(field "$tmp/wrk-b$r" p99_us) $(field "$tmp/wrk-b$r" non2xx) $(field "$tmp/wrk-b$r" errors)" >>"$tmp/results"

	mkdir -p "$tmp/data-$r"
	start_watchdog "$tmp/data-$r"
	run_wrk "$url" "$tmp/wrk-w$r"
	# Before the scrape, whose seven series per check cost memory too.
	hwm=$(peak_rss_kb "$bench_pid")
	up=$(curl -s "$url/metrics" | awk '$1 ~ /^tocsin_watchdog_check_state\{/ && $1 ~ /state="up"/ { s += $2 } END { print s + 0 }')
	stop_server
	echo "watchdog $r $(field "$tmp/wrk-w$r" rps) $(field "$tmp/wrk-w$r" p50_us) $(field "$tmp/wrk-w$r" p99_us) $(field "$tmp/wrk-w$r" non2xx) $(field "$tmp/wrk-w$r" errors) $ready_ms $hwm $up" >>"$tmp/results"
done

echo
printf '%-8s %5s %11s %9s %9s %9s %7s %9s %12s %9s\n' server round "pings/s" "p50 ms" "p99 ms" non-2xx errors "ready ms" "peak RSS KiB" "checks up"
awk '{ printf "%-8s %5s %11.0f %9.3f %9.3f %9s %7s %9s %12s %9s\n", $1, $2, $3, $4 / 1000, $5 / 1000, $6, $7, $8 ? $8 : "-", $9 ? $9 : "-", $10 ? $10 : "-" }' "$tmp/results"
echo
awk -v checks="$checks" -v load_ms="$load_ms" -v load_hwm="$load_hwm" -v load_rss="$load_rss" '
function median(a, n,   i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ k = $1; n[k]++; rps[k, n[k]] = $3; if (k == "baseline") b[$2] = $3; else w[$2] = $3; if ($9 > hwm) hwm = $9 }
END {
	printf "load: %d checks ready after %.2f s (goal: 5 s); peak RSS %d KiB, %.0f bytes per check (goal: 64 MiB, about 512 bytes per check); RSS once ready %d KiB\n",
	    checks, load_ms / 1000, load_hwm, load_hwm * 1024 / checks, load_rss
	for (s = 0; s < 2; s++) {
		k = s ? "watchdog" : "baseline"
		for (i = 1; i <= n[k]; i++) a[i] = rps[k, i]
		m[k] = median(a, n[k])
	}
	printf "pings: baseline median %.0f requests/s, watchdog median %.0f pings/s, peak RSS under pings %d KiB\n", m["baseline"], m["watchdog"], hwm
	printf "ratio watchdog/baseline (medians): %.3f (goal in issue 14: at least 0.25); per round:", m["baseline"] ? m["watchdog"] / m["baseline"] : 0
	for (i = 1; i <= n["baseline"]; i++) printf " %.3f", b[i] ? w[i] / b[i] : 0
	printf "\n"
}' "$tmp/results"
