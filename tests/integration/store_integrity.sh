#!/usr/bin/env bash
# store_integrity.sh: a queue database that lost its content is never taken
# for an empty queue. Emptied (queue.db and its WAL truncated to zero) the
# relay refuses to start, naming the mark beside it; half truncated it
# refuses as damaged; --storage.allow-empty starts it empty on purpose and
# says so. Damaged under a running relay, the intake answers 503, /-/ready
# 503, tocsin_store_healthy 0, and tocsin_queue_messages keeps its last
# counts instead of vanishing.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
N=12
command -v jq >/dev/null || fail "jq is not installed"
rm -rf "$TMP/data" "$TMP/good" "$TMP/payloads"
mkdir -p "$TMP/payloads"
DB=$TMP/data/queue.db
MARK=$TMP/data/queue.mark
DAMAGED="store: $DB is damaged: database disk image is malformed (SQLITE_CORRUPT); refusing to start: restore it from a backup, or move it and its -wal file aside and start with --storage.allow-empty to begin empty on purpose"

# Telegram fails throughout: what was accepted stays pending.
fake_start telegram
TG=$FAKE_URL
curl -fsS -X POST -H "$J" --data-binary '{"force": [{"status": 500, "count": 1000000}]}' \
    "$TG/_fake/config" >/dev/null
cat >"$TMP/relay.yml" <<YML
route:
  receiver: pager
receivers:
  - name: pager
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        message: 'integrity-{{ .CommonLabels.seq }}'
YML

# post I: posts a distinct alert I; HTTP_CODE and HTTP_BODY say how it went.
post() {
	jq -c --arg i "$1" --arg fp "$(printf '%016x' "$1")" \
	    '.alerts[0].labels.seq = $i | .commonLabels.seq = $i | .alerts[0].fingerprint = $fp' \
	    "$FIX/ssh-login-firing.json" >"$TMP/payloads/$1.json"
	http -X POST -H "$J" --data-binary "@$TMP/payloads/$1.json" "$RELAY_URL/webhook"
}

# refused [FLAGS]: the relay must exit with status 1 at start; GOT is its
# error line without the timestamp and the caller.
refused() {
	local rc=0
	timeout 30 "$TOCSIN_RELAY" --config.file="$TMP/relay.yml" \
	    --web.listen-address="127.0.0.1:$(free_port)" --storage.path="$TMP/data" \
	    "$@" >/dev/null 2>"$TMP/refused.err" || rc=$?
	expect_eq "exit status of a refused start" 1 "$rc"
	GOT=$(grep 'level=error' "$TMP/refused.err" | sed -E 's/^ts=[^ ]+ caller=[^ ]+ //')
}

# log_line LEVEL MSG: that line of the running relay's log, without the
# timestamp and the caller.
log_line() {
	grep "level=$1 msg=\"$2" "$RELAY_ERR" | sed -E 's/^ts=[^ ]+ caller=[^ ]+ //'
}

restore_good() {
	rm -rf "$TMP/data"
	cp -a "$TMP/good" "$TMP/data"
}

relay_start --config.file="$TMP/relay.yml"
for ((i = 1; i <= N; i++)); do
	post "$i"
	[ "$HTTP_CODE" = 200 ] || fail "notification $i: $HTTP_CODE $HTTP_BODY"
done
expect_eq "pending before the stop" "$N" "$(relay_metric 'tocsin_queue_messages{state="pending"}')"
relay_stop
expect_eq "the mark after a clean stop" "tocsin-store-mark 1 <id> $N" \
    "$(sed -E 's/ [0-9a-f]{32} / <id> /' "$MARK")"
cp -a "$TMP/data" "$TMP/good"

# Emptied: refused, twice the same way (the refusal changes nothing).
: >"$DB"
: >"$DB-wal"
EMPTY="level=error msg=\"Cannot open the storage\" path=$TMP/data err=\"store: $DB is empty or missing, but $MARK says it held messages up to id $N; refusing to start with an empty queue: restore the database, or start with --storage.allow-empty to begin empty on purpose\""
refused
expect_eq "start on an emptied database" "$EMPTY" "$GOT"
refused
expect_eq "second start on an emptied database" "$EMPTY" "$GOT"

# Half truncated: the integrity check refuses it.
restore_good
truncate -s $(($(stat -c %s "$DB") / 2)) "$DB"
refused
expect_eq "start on a half-truncated database" \
    "level=error msg=\"Cannot open the storage\" path=$TMP/data err=\"$DAMAGED\"" "$GOT"

# Emptied, started empty on purpose: said in the log, and the new database
# is marked so that the next start needs no flag.
restore_good
: >"$DB"
relay_start --config.file="$TMP/relay.yml" --storage.allow-empty
expect_eq "start with --storage.allow-empty" \
    "level=warn msg=\"Starting with an empty queue on purpose (--storage.allow-empty): the messages of the marked database are not in it\" db=$DB mark=$MARK lost_up_to_id=$N" \
    "$(log_line warn 'Starting with an empty queue')"
expect_eq "pending after an allowed empty start" 0 "$(relay_metric 'tocsin_queue_messages{state="pending"}')"
post 100
expect_eq "intake after an allowed empty start" 200 "$HTTP_CODE"
relay_stop
relay_start --config.file="$TMP/relay.yml"
expect_eq "pending after the next start" 1 "$(relay_metric 'tocsin_queue_messages{state="pending"}')"
relay_stop

# Damaged under a running relay: every page but the first overwritten. The
# next intake's insert reads the table's last pages from the damaged file.
restore_good
relay_start --config.file="$TMP/relay.yml"
http "$RELAY_URL/-/ready"
expect_eq "ready before the damage" 200 "$HTTP_CODE"
expect_eq "healthy before the damage" 1 "$(relay_metric tocsin_store_healthy)"
python3 - "$DB" <<'PY'
import os, sys
size = os.path.getsize(sys.argv[1])
with open(sys.argv[1], "r+b") as f:
    f.seek(4096)
    f.write(b"\xa5" * (size - 4096))
    f.flush()
    os.fsync(f.fileno())
PY
post 200
expect_eq "intake on a damaged database" \
    "503 receiver pager: store: insert failed: database disk image is malformed (SQLITE_CORRUPT)" \
    "$HTTP_CODE $HTTP_BODY"
http "$RELAY_URL/-/ready"
expect_eq "ready on a damaged database" "503 Service Unavailable" "$HTTP_CODE $HTTP_BODY"
expect_eq "healthy on a damaged database" 0 "$(relay_metric tocsin_store_healthy)"
http "$RELAY_URL/metrics"
expect_eq "queue counts kept on a damaged database" \
    "tocsin_queue_messages{state=\"dead\"} 0
tocsin_queue_messages{state=\"delivered\"} 0
tocsin_queue_messages{state=\"pending\"} $N" \
    "$(grep '^tocsin_queue_messages' <<<"$HTTP_BODY")"
expect_eq "the damage in the log" \
    "level=error msg=\"The store is damaged: not ready until it is repaired and the daemon restarted\" err=\"store: insert failed: database disk image is malformed (SQLITE_CORRUPT)\"" \
    "$(log_line error 'The store is damaged')"
relay_stop
refused
expect_eq "start after the damage" \
    "level=error msg=\"Cannot open the storage\" path=$TMP/data err=\"store: $DB is damaged: Main freelist: freelist leaf count too big on page <n>; refusing to start: restore it from a backup, or move it and its -wal file aside and start with --storage.allow-empty to begin empty on purpose\"" \
    "$(sed -E 's/page [0-9]+;/page <n>;/' <<<"$GOT")"
finish
