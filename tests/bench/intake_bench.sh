#!/bin/bash
# intake_bench.sh: durable intake rate and ack latency of tocsin-relay under
# wrk, side by side in the same invocation with a bare libmicrohttpd server
# (bench_baseline_mhd) answering a canned 200 on the same payload, the relay
# again with its queue on PostgreSQL (a throw-away server, tests/lib/pg.sh)
# and, when installed, the non-durable Go relay alertmanager-irc-relay in
# front of a local ngircd. Runs are alternated (baseline, relay, relay-pg,
# irc, baseline, ...) so
# all see the same machine noise, and the result is reported as ratios. Then
# an idle relay: its private dirty memory and, one notification at a time,
# the ack latency and the time to the first byte at a webhook upstream. Not a
# test: it asserts nothing about timings and is not run by CTest.
#
# Usage: tests/bench/intake_bench.sh [BUILD_DIR] [SECONDS] [ROUNDS]
#   BUILD_DIR  default $TOCSIN_BUILD_DIR or <source>/build-bench; configured as
#              Release and built (tocsin-relay, bench_baseline_mhd) if needed
#   SECONDS    length of each wrk run, default 10
#   ROUNDS     runs per server, default 3
# Environment: BENCH_CONNECTIONS (32), BENCH_THREADS (wrk threads, 2),
#   BENCH_PAYLOAD (default the ssh-login-firing fixture), BENCH_RECEIVER
#   (the relay's one integration: webhook, telegram or slack; default
#   webhook), BENCH_IRC=0 to leave alertmanager-irc-relay out, BENCH_PG=0
#   to leave the PostgreSQL column out (on when postgresql-15 is installed),
#   BENCH_IDLE
#   (notifications in the idle measurement, default 20, one every 1.1 s
#   so that the destination's 1/s rate limit never holds one back; 0 skips
#   it), BENCH_BUILD=0 to skip building, BENCH_KEEP=1 to keep the scratch directory.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${TOCSIN_BUILD_DIR:-$here/build-bench}}
secs=${2:-10}
rounds=${3:-3}
conns=${BENCH_CONNECTIONS:-32}
wthreads=${BENCH_THREADS:-2}
fixtures=${TOCSIN_FIXTURES:-$here/../shared/fixtures/alertmanager-0.25}
payload=${BENCH_PAYLOAD:-$fixtures/ssh-login-firing.json}
receiver=${BENCH_RECEIVER:-webhook}
idle_count=${BENCH_IDLE:-20}
lua=$here/tests/bench/post.lua

die() { echo "intake_bench: $*" >&2; exit 1; }
. "$here/tests/bench/lib.sh"
. "$here/tests/lib/pg.sh"

command -v wrk >/dev/null ||
	die "wrk not found; install it with: apt-get install -y wrk (Debian/Ubuntu package \"wrk\")"
command -v curl >/dev/null || die "curl not found; install it with: apt-get install -y curl"
command -v python3 >/dev/null || die "python3 not found (used to pick free ports)"
[ -r "$payload" ] || die "cannot read payload $payload"
case $receiver in
webhook|telegram|slack) ;;
*) die "BENCH_RECEIVER: webhook, telegram or slack, not $receiver" ;;
esac

# Build the two programs to compare (see lib.sh).
bench_build intake_bench tocsin-relay bench_baseline_mhd
relay=$build/relay/tocsin-relay
baseline=$build/tests/bench_baseline_mhd
[ -x "$relay" ] || die "no $relay"
[ -x "$baseline" ] || die "no $baseline"

bench_scratch
ngircd_pid=
trap 'if [ -n "$ngircd_pid" ]; then kill "$ngircd_pid" 2>/dev/null || true; fi; bench_cleanup; pg_cleanup' EXIT

# The PostgreSQL column: the same relay with --storage.url, on a throw-away
# server whose data is under /tmp like the SQLite stores (the same disk).
# Stock settings but the port: fsync and synchronous_commit on, as the
# relay's 200 requires.
use_pg=0
if [ "${BENCH_PG:-1}" != 0 ]; then
	if pg_available; then
		pg_start >"$tmp/pg-start.log" 2>&1 || { cat "$tmp/pg-start.log" >&2; die "PostgreSQL did not start"; }
		use_pg=1
	else
		echo "intake_bench: PostgreSQL's server programs not installed, its column left out" \
		    "(apt-get install -y postgresql-15)" >&2
	fi
fi

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# relay_config FILE URL: the relay's config. The payload's alerts all route to
# one receiver with one integration (BENCH_RECEIVER) that goes through the
# durable store and sends to URL. webhook renders Alertmanager's body;
# telegram and slack render tocsin's default texts, so their field templates
# are part of the intake's work.
relay_config() {
	{
		printf 'route:\n  receiver: bench\n  group_by: [alertname]\n'
		printf 'receivers:\n  - name: bench\n'
		case $receiver in
		webhook)
			printf '    webhook_configs:\n      - url: %s/unreachable\n' "$2" ;;
		telegram)
			printf '    telegram_configs:\n      - api_url: %s\n' "$2"
			printf '        bot_token: "123456:bench"\n        chat_id: 42\n'
			printf '        parse_mode: HTML\n' ;;
		slack)
			printf '    slack_configs:\n      - api_url: %s/services/T0/B0/bench\n' "$2"
			printf '        channel: "#bench"\n' ;;
		esac
	} >"$1"
}
# Under load the integration's URL is valid but nothing listens there: the
# dispatcher's retries run in the background and do not gate the 200.
relay_config "$tmp/relay.yml" "http://127.0.0.1:$(free_port)"

# The third column: alertmanager-irc-relay answers once the alert is in its
# in-memory buffer (nothing durable). A local ngircd is its IRC server, so it
# runs as deployed.
irc=
if [ "${BENCH_IRC:-1}" != 0 ]; then
	if command -v alertmanager-irc-relay >/dev/null && command -v ngircd >/dev/null; then
		irc=$(command -v alertmanager-irc-relay)
		irc_port=$(free_port)
		cat >"$tmp/ngircd.conf" <<EOF
[Global]
	Name = irc.bench.invalid
	Info = intake bench
	Listen = 127.0.0.1
	Ports = $irc_port
	PidFile = $tmp/ngircd.pid
	MotdPhrase = "bench"
[Limits]
	MaxConnections = 0
[Options]
	PAM = no
	Ident = no
	DNS = no
EOF
		ngircd -n -f "$tmp/ngircd.conf" >"$tmp/ngircd.out" 2>&1 &
		ngircd_pid=$!
	else
		echo "intake_bench: alertmanager-irc-relay or ngircd not installed, its column left out" \
		    "(apt-get install -y alertmanager-irc-relay ngircd)" >&2
	fi
fi

# irc_config FILE HTTP_PORT
irc_config() {
	cat >"$1" <<EOF
http_host: 127.0.0.1
http_port: $2
irc_host: 127.0.0.1
irc_port: $irc_port
irc_use_ssl: no
irc_nickname: benchbot
irc_realname: intake bench
irc_channels:
  - name: "#bench"
msg_once_per_alert_group: yes
use_privmsg: yes
EOF
}

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

# private_dirty_kb PID: memory only this process wrote (heap, stacks, caches).
private_dirty_kb() {
	awk '/^Private_Dirty:/ { print $2 }' "/proc/$1/smaps_rollup"
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

wait_irc() {		# waits until the HTTP port answers and the bot joined
	local i
	for i in $(seq 200); do
		if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/" 2>/dev/null)" != 000 ] &&
		    grep -q 'Session established' "$2" 2>/dev/null; then
			sleep 0.5	# the channel join
			return 0
		fi
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

# run_wrk URL PATH TAG OUT: one wrk run; its BENCH line ends up in OUT.
run_wrk() {
	BENCH_PAYLOAD=$payload BENCH_TAG=$3 BENCH_PATH=$2 \
	    wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency -s "$lua" "$1$2" >"$4" 2>&1 ||
		{ cat "$4" >&2; die "wrk failed"; }
	grep -q '^BENCH ' "$4" || { cat "$4" >&2; die "wrk printed no BENCH line"; }
}

field() {		# field FILE KEY: a key=value from the BENCH line
	sed -n "s/^BENCH .*\<$2=\([0-9.]*\).*/\1/p" "$1"
}

# result NAME ROUND WRKOUT RSS: one line of the results file.
result() {
	echo "$1 $2 $(field "$3" rps) $(field "$3" p50_us) $(field "$3" p99_us) $4 $(field "$3" requests) $(field "$3" non2xx) $(field "$3" errors)" >>"$tmp/results"
}

: >"$tmp/results"
echo "intake_bench: $rounds rounds x ${secs}s, $conns connections, $wthreads wrk threads, payload $(basename "$payload"), relay receiver $receiver"
# A relay built from a working tree with local changes is not that commit.
echo "intake_bench: relay $relay, source $(cd "$here" && git describe --always --dirty 2>/dev/null || echo unknown), $(nproc) CPUs"
echo "intake_bench: stores under $tmp on $(df -T "$tmp" | awk 'NR == 2 { print $2 " (" $1 ")" }') (fsync cost depends on it; set TMPDIR to move it)"
[ "$use_pg" = 1 ] && echo "intake_bench: relay-pg column: PostgreSQL $("$PG_BIN/postgres" --version | awk '{ print $3 }') under $PG_DIR on $(df -T "$PG_DIR" | awk 'NR == 2 { print $2 " (" $1 ")" }'), fsync $(pg_psql 'SHOW fsync'), synchronous_commit on (the relay's writer sets it)"
[ -n "$irc" ] && echo "intake_bench: third column $irc ($(dpkg-query -W -f '${Version}' alertmanager-irc-relay 2>/dev/null || echo version unknown)), not durable, with ngircd on port $irc_port"

# relay_run NAME TAG METRICS [FLAG...]: one round ($r) of the relay with a
# fresh --storage.path and FLAGs, under wrk; its log is $tmp/NAME-$r.err,
# wrk's output $tmp/wrk-TAG$r, its /metrics before and after
# $tmp/METRICS-before-$r and $tmp/METRICS-after-$r.
relay_run() {
	local name=$1 tag=$2 m=$3 port url rss
	shift 3
	port=$(free_port)
	"$relay" --config.file="$tmp/relay.yml" --web.listen-address="127.0.0.1:$port" \
	    --storage.path="$tmp/data-$name-$r" "$@" \
	    >"$tmp/$name-$r.out" 2>"$tmp/$name-$r.err" &
	bench_pid=$!
	url=http://127.0.0.1:$port
	wait_relay "$url" || { tail -20 "$tmp/$name-$r.err" >&2; die "$name did not become ready"; }
	curl -s "$url/metrics" >"$tmp/$m-before-$r"
	run_wrk "$url" /webhook "$tag$r" "$tmp/wrk-$tag$r"
	curl -s "$url/metrics" >"$tmp/$m-after-$r"
	rss=$(peak_rss_kb "$bench_pid")
	stop_server
	result "$name" "$r" "$tmp/wrk-$tag$r" "$rss"
}
for r in $(seq "$rounds"); do
	# Baseline.
	port=$(free_port)
	"$baseline" "$port" >"$tmp/baseline.out" 2>"$tmp/baseline.err" &
	bench_pid=$!
	wait_baseline "$tmp/baseline.out" || { cat "$tmp/baseline.err" >&2; die "baseline did not start"; }
	run_wrk "http://127.0.0.1:$port" /webhook "b$r" "$tmp/wrk-b$r"
	rss=$(peak_rss_kb "$bench_pid")
	stop_server
	result baseline "$r" "$tmp/wrk-b$r" "$rss"

	# Relay, with a fresh store each run.
	relay_run relay r m
	# Relay on PostgreSQL, with an empty database each run (it migrates
	# at start).
	if [ "$use_pg" = 1 ]; then
		pg_psql "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null 2>&1
		relay_run relay-pg p mp --storage.url="$PG_URL"
	fi

	# alertmanager-irc-relay: the URL's path names the channel.
	if [ -n "$irc" ]; then
		port=$(free_port)
		irc_config "$tmp/irc-$r.yml" "$port"
		"$irc" -config "$tmp/irc-$r.yml" >"$tmp/irc-$r.out" 2>&1 &
		bench_pid=$!
		wait_irc "http://127.0.0.1:$port" "$tmp/irc-$r.out" ||
			{ tail -20 "$tmp/irc-$r.out" >&2; die "alertmanager-irc-relay did not start"; }
		run_wrk "http://127.0.0.1:$port" /bench "i$r" "$tmp/wrk-i$r"
		rss=$(peak_rss_kb "$bench_pid")
		stop_server
		result irc "$r" "$tmp/wrk-i$r" "$rss"
	fi
done

# Per-run table, then medians and the ratios of medians.
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
	round[k, $2] = $3
}
END {
	split("baseline relay relay-pg irc", ks, " ")
	for (s = 1; s <= 4; s++) {
		k = ks[s]
		if (!n[k])
			continue
		for (i = 1; i <= n[k]; i++) { a[i] = rps[k, i] } ; mr[k] = median(a, n[k])
		for (i = 1; i <= n[k]; i++) { a[i] = p50[k, i] } ; m50 = median(a, n[k])
		for (i = 1; i <= n[k]; i++) { a[i] = p99[k, i] } ; m99 = median(a, n[k])
		printf "%-8s median of %d: %.0f requests/s, p50 %.3f ms, p99 %.3f ms, peak RSS %d KiB\n",
		    k, n[k], mr[k], m50 / 1000, m99 / 1000, rss[k]
	}
	printf "ratio relay/baseline (medians of requests/s): %.3f (goal in issue 13: at least 0.5)\n",
	    mr["baseline"] ? mr["relay"] / mr["baseline"] : 0
	printf "ratio per round:"
	for (i = 1; i <= rounds; i++)
		printf " %.3f", round["baseline", i] ? round["relay", i] / round["baseline", i] : 0
	printf "\n"
	if (n["relay-pg"]) {
		printf "ratio relay-pg/relay, PostgreSQL against SQLite (medians): %.3f\n",
		    mr["relay"] ? mr["relay-pg"] / mr["relay"] : 0
		printf "ratio per round:"
		for (i = 1; i <= rounds; i++)
			printf " %.3f", round["relay", i] ? round["relay-pg", i] / round["relay", i] : 0
		printf "\n"
		printf "ratio relay-pg/baseline (medians): %.3f\n",
		    mr["baseline"] ? mr["relay-pg"] / mr["baseline"] : 0
	}
	if (n["irc"]) {
		printf "ratio relay/alertmanager-irc-relay (medians): %.3f (goal in issue 13: at least 1.0)\n",
		    mr["irc"] ? mr["relay"] / mr["irc"] : 0
		printf "ratio per round:"
		for (i = 1; i <= rounds; i++)
			printf " %.3f", round["irc", i] ? round["relay", i] / round["irc", i] : 0
		printf "\n"
	}
}' "$tmp/results"

# What the relay did with the requests, from its own counters: the mode that
# was measured, and how many store commits (fsyncs) they cost.
echo
for rr in $(seq "$rounds") $([ "$use_pg" = 1 ] && seq -f 'pg%g' "$rounds"); do
	r=${rr#pg}
	if [ "$rr" = "$r" ]; then
		b=$tmp/m-before-$r a=$tmp/m-after-$r name=relay
	else
		b=$tmp/mp-before-$r a=$tmp/mp-after-$r name=relay-pg
	fi
	d() { echo $(( $(metric_sum "$a" "$1") - $(metric_sum "$b" "$1") )); }
	queued=$(d tocsin_notifications_queued_total)
	dedup=$(d tocsin_notifications_deduplicated_total)
	failed=$(d tocsin_notifications_failed_total)
	if [ "$queued" -gt 0 ]; then
		mode="durable (committed to the store before the 200)"
	else
		mode="NOTHING QUEUED (the run did not measure durable intake)"
	fi
	echo "$name round $r: mode $mode; /webhook answers: $(webhook_codes "$a"); queued +$queued, deduplicated +$dedup, failed +$failed"
	commits=$(d tocsin_store_commits_total)
	if [ "$commits" -gt 0 ]; then
		awk -v name="$name" -v r="$r" -v c="$commits" -v q="$(d tocsin_store_commit_requests_sum)" \
		    -v t="$(metric_delta "$b" "$a" tocsin_store_commit_duration_seconds_sum)" \
		    'BEGIN { printf "%s round %s: store commits +%d for %d write requests (%.1f per commit), %.2f ms per commit\n", name, r, c, q, q / c, t * 1000 / c }'
	fi
done

# An idle relay whose integration has a live upstream (idle_latency.py):
# private dirty memory once ready, then one notification at a time.
[ "$idle_count" -gt 0 ] || exit 0
echo
up_port=$(free_port)
relay_config "$tmp/idle.yml" "http://127.0.0.1:$up_port"
port=$(free_port)
"$relay" --config.file="$tmp/idle.yml" --web.listen-address="127.0.0.1:$port" \
    --storage.path="$tmp/data-idle" >"$tmp/relay-idle.out" 2>"$tmp/relay-idle.err" &
bench_pid=$!
url=http://127.0.0.1:$port
wait_relay "$url" || { tail -20 "$tmp/relay-idle.err" >&2; die "relay did not become ready"; }
sleep 1
dirty0=$(private_dirty_kb "$bench_pid")
python3 "$here/tests/bench/idle_latency.py" "$up_port" "$url" "$payload" "$idle_count" 1100 >"$tmp/idle.out" ||
	{ cat "$tmp/idle.out" >&2; die "idle_latency.py failed"; }
sleep 1
dirty1=$(private_dirty_kb "$bench_pid")
stop_server
echo "idle relay: private dirty $dirty0 KiB once ready, $dirty1 KiB after $idle_count notifications (goal in issue 13: under 4096)"
sed -n 's/^IDLE count=\([0-9]*\) ack_p50_us=\([0-9]*\) ack_p99_us=\([0-9]*\) upstream_p50_us=\([0-9]*\) upstream_p99_us=\([0-9]*\) lost=\([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' "$tmp/idle.out" |
	awk -v rcv="$receiver" '{ printf "idle relay: %d notifications one at a time: ack p50 %.3f ms, p99 %.3f ms (goal: p50 under 2); %s upstream first byte p50 %.3f ms, p99 %.3f ms (goal: p50 under 5); not delivered within 2 s: %d\n", $1, $2 / 1000, $3 / 1000, rcv, $4 / 1000, $5 / 1000, $6 }'
