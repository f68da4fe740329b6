#!/usr/bin/env bash
# pg_watchdog.sh: tocsin-watchdog with its delivery queue in PostgreSQL
# (--storage.url): a ping check goes down and its DOWN message goes out
# through the database's queue; its state is in the database too (table
# watchdog_checks, where a second watchdog would find it: see
# pg_watchdog_pair.sh), nothing under --storage.path. Alone on the
# database, the watchdog leads.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"

export TZ=UTC
pg_test_start

fake_start telegram
TG=$FAKE_URL
wd_config "$TMP/wd.yml" <<EOF
checks:
  - {name: job, kind: ping, period: 1h, grace: 1h, receiver: phone, repeat_interval: 0s}
EOF
watchdog_start "$TMP/wd.yml" --storage.url="$PG_URL"
expect_eq "the log names the database" 1 \
    "$(grep -c "msg=\"The delivery queue is in PostgreSQL\" url=postgresql://tocsin@127.0.0.1:$PG_PORT/tocsin" "$WD_LOG")"

http -X POST "$WD_URL/ping/job/fail"
expect_eq "failure reported" "200 OK" "$HTTP_CODE $HTTP_BODY"
tg_wait_count 1
expect_eq "DOWN sent" "\"🔴 <b>DOWN</b> job · ping\\nfailure reported (/fail)\\ndown since $(wd_since job)\"" \
    "$(tg_texts)"
expect_eq "through the database's queue" "1 delivered" \
    "$(pg_psql "SELECT count(*) || ' ' || min(state) FROM messages")"
expect_eq "check state in the database" "job down failure reported (/fail)" \
    "$(pg_psql "SELECT name || ' ' || state || ' ' || reason FROM watchdog_checks")"
expect_eq "neither check states nor a queue under --storage.path" "yes yes" \
    "$([ ! -e "$TMP/wd/watchdog.db" ] && echo yes) $([ ! -e "$TMP/wd/queue.db" ] && echo yes)"
expect_eq "alone on the database, it leads" 1 \
    "$(grep -c 'msg="Leading the watchdog pair: deadlines and notifications are this watchdog'"'"'s"' "$WD_LOG")"
watchdog_stop
finish
