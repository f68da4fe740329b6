#!/usr/bin/env bash
# pg_watchdog.sh: tocsin-watchdog with its delivery queue in PostgreSQL
# (--storage.url): a ping check goes down and its DOWN message goes out
# through the database's queue, while the check states stay in watchdog.db
# under --storage.path.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"
. "$TOCSIN_SOURCE_DIR/tests/lib/pg.sh"

command -v jq >/dev/null || fail "jq is not installed"
pg_available || fail "PostgreSQL's server programs are not installed (postgresql-15)"
trap 'cleanup; pg_cleanup' EXIT
export TZ=UTC
pg_start || fail "PostgreSQL did not start"

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
expect_eq "check states under --storage.path, no queue there" "watchdog.db yes" \
    "$(cd "$TMP/wd" && ls watchdog.db) $([ ! -e "$TMP/wd/queue.db" ] && echo yes)"
watchdog_stop
finish
