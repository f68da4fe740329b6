#!/usr/bin/env bash
# watchdog_metrics.sh: the README's watchdog metrics table says what
# tocsin-watchdog exposes. Its names and types are exactly the
# tocsin_watchdog_ metrics watchdog/ registers (any other metric watchdog/
# registers is in the relay's table), and after traffic that makes them count
# (a check up, one paused, one down and recovered, its messages delivered),
# every family /metrics shows is in one of the two tables with the same type
# and the same label names.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
SRC=$TOCSIN_SOURCE_DIR
FAMILIES=$SRC/tests/lib/metric_families.py
# Registered but not reached by this traffic (it takes a queue that refuses
# a commit), so exempt from "appears".
NOT_REACHED="tocsin_watchdog_notifications_failed_total"

/usr/bin/python3 "$FAMILIES" table "$SRC/README.md" "## The watchdog" tocsin_watchdog_ \
    >"$TMP/readme.txt"
[ -s "$TMP/readme.txt" ] || fail "no metrics in the README's watchdog table"
/usr/bin/python3 "$FAMILIES" table "$SRC/README.md" "## Metrics" >"$TMP/relay.txt"
/usr/bin/python3 "$FAMILIES" source "$SRC"/watchdog/*.c >"$TMP/source.txt"
expect_eq "README watchdog metrics = tocsin_watchdog_ metrics registered in watchdog/ (name type)" \
    "$(grep '^tocsin_watchdog_' "$TMP/source.txt" | sort -u)" \
    "$(awk '{ print $1, $2 }' "$TMP/readme.txt" | sort -u)"
expect_eq "the other metrics watchdog/ registers are in the relay's table (name type)" \
    "$(grep -v '^tocsin_watchdog_' "$TMP/source.txt" | sort -u)" \
    "$(grep -v '^tocsin_watchdog_' "$TMP/source.txt" | sort -u |
        grep -x -F -f <(awk '{ print $1, $2 }' "$TMP/relay.txt"))"

# Traffic.
fake_start telegram
TG=$FAKE_URL
wd_config "$TMP/wd.yml" <<EOF
checks:
  - {name: job, kind: ping, period: 1h, grace: 1h, receiver: phone}
  - {name: held, kind: ping, period: 1h, grace: 1h, receiver: phone, paused: true}
  - {name: am, kind: heartbeat, period: 1h, grace: 1h, receiver: phone}
EOF
watchdog_start "$TMP/wd.yml"
delivered() {
	curl -fsS "$WD_URL/metrics" | grep -q "^tocsin_queue_messages{state=\"delivered\"} $1\$"
}
http "$WD_URL/ping/job"
expect_eq "ping" 200 "$HTTP_CODE"
http "$WD_URL/ping/job/fail"
expect_eq "failure: DOWN" 200 "$HTTP_CODE"
http "$WD_URL/ping/job"
expect_eq "success: recovered" 200 "$HTTP_CODE"
http "$WD_URL/ping/nope"
expect_eq "unknown check" 404 "$HTTP_CODE"
wait_until 30 delivered 2 || { cat "$WD_LOG" >&2; fail "the two messages were not delivered"; }
http "$WD_URL/metrics"
printf '%s\n' "$HTTP_BODY" >"$TMP/metrics.txt"
/usr/bin/python3 "$FAMILIES" exposed "$TMP/metrics.txt" >"$TMP/exposed.txt"

expect_eq "tocsin_watchdog_ families /metrics shows (name type labels, as in the README)" \
    "$(grep -v -E "^($NOT_REACHED) " "$TMP/readme.txt" | sort)" \
    "$(grep '^tocsin_watchdog_' "$TMP/exposed.txt" | sort)"
expect_eq "the other families /metrics shows are in the relay's table (name type labels)" \
    "$(grep -v '^tocsin_watchdog_' "$TMP/exposed.txt" | sort)" \
    "$(grep -v '^tocsin_watchdog_' "$TMP/exposed.txt" | sort | grep -x -F -f "$TMP/relay.txt")"
expect_eq "the notifications counted" 'tocsin_watchdog_notifications_total{check="job",event="down"} 1
tocsin_watchdog_notifications_total{check="job",event="recovered"} 1' \
    "$(grep '^tocsin_watchdog_notifications_total' "$TMP/metrics.txt")"
watchdog_stop
finish
