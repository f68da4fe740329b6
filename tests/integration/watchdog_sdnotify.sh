#!/usr/bin/env bash
# watchdog_sdnotify.sh: tocsin-watchdog speaks systemd's notify protocol
# through core/daemon like the relay: READY=1 once the port answers,
# WATCHDOG=1 pings while its HTTP workers answer, RELOADING=1 .. READY=1
# and a STATUS line on SIGHUP and on POST /-/reload (good config or bad),
# STOPPING=1 on SIGTERM. Read from a NOTIFY_SOCKET the test listens on.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

SOCK=$TMP/notify.sock
LOG=$TMP/notify.log
rm -f "$SOCK" "$LOG"
cat >"$TMP/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as log:
    while True:
        log.write(s.recv(65536).decode().replace("\n", "\\n") + "\n")
        log.flush()
PY
python3 "$TMP/listen.py" "$SOCK" "$LOG" &
CLEANUP_PIDS+=("$!")
wait_until 10 test -S "$SOCK" || fail "notify listener did not start"
: >"$LOG"

cat >"$TMP/good.yml" <<EOF
receivers:
  - name: phone
    webhook_configs:
      - url: http://127.0.0.1:9/
checks:
  - {name: backup, kind: ping, period: 1h, grace: 1h, receiver: phone}
EOF
cp "$TMP/good.yml" "$TMP/wd.yml"

count() { grep -c "^$1\$" "$LOG" || true; }
has() { [ "$(count "$1")" -ge "$2" ]; }
wait_count() {
	wait_until 30 has "$1" "$2" || fail "waited for $2 x $1; received: $(cat "$LOG")"
}

NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=2000000 watchdog_start "$TMP/wd.yml"
wait_count 'READY=1' 1
wait_count 'WATCHDOG=1' 2
kill -HUP "$WD_PID"
wait_count 'STATUS=Configuration reloaded' 1
echo 'checks: [' >"$TMP/wd.yml"
http -X POST "$WD_URL/-/reload"
expect_eq "bad reload" "500 failed to reload config: $TMP/wd.yml:2:1: did not find expected node content while parsing a flow node" \
    "$HTTP_CODE $HTTP_BODY"
cp "$TMP/good.yml" "$TMP/wd.yml"
http -X POST "$WD_URL/-/reload"
expect_eq "good reload" "200 OK" "$HTTP_CODE $HTTP_BODY"
watchdog_stop
wait_count 'STOPPING=1' 1

expect_eq "messages to systemd" "READY=1
STATUS=Listening on 127.0.0.1:$WD_PORT
RELOADING=1\\nMONOTONIC_USEC=N
READY=1
STATUS=Configuration reloaded
RELOADING=1\\nMONOTONIC_USEC=N
READY=1
STATUS=Reload failed, running the previous configuration: $TMP/wd.yml:2:1: did not find expected node content while parsing a flow node
RELOADING=1\\nMONOTONIC_USEC=N
READY=1
STATUS=Configuration reloaded
STOPPING=1" "$(grep -v '^WATCHDOG=1$' "$LOG" | sed -E 's/MONOTONIC_USEC=[0-9]+/MONOTONIC_USEC=N/')"
finish
