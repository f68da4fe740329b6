#!/usr/bin/env bash
# sdnotify.sh: the relay's messages to systemd, read from a NOTIFY_SOCKET the
# test listens on: READY=1 once the port answers, WATCHDOG=1 while the HTTP
# workers answer (and none while they are all stuck), RELOADING=1 with
# MONOTONIC_USEC then READY=1 and a STATUS on SIGHUP and on POST /-/reload
# alike, STOPPING=1 on SIGTERM.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

# The deadline systemd would enforce; the relay pings at half of it.
WD_USEC=4000000
SOCK=$TMP/notify.sock
LOG=$TMP/notify.jsonl
FIFO=$TMP/stuck.fifo
rm -f "$SOCK" "$LOG" "$FIFO"
mkfifo "$FIFO"

# Records each datagram with its arrival time on CLOCK_MONOTONIC. On READY=1
# it also asks the relay's port (read from the relay's "Listening" log line)
# for /-/healthy, so the log says whether the port answered at that moment.
cat >"$TMP/listen.py" <<'PY'
import json, re, socket, sys, time, urllib.request
sock_path, log_path, err_path = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
with open(log_path, "a") as log:
    while True:
        data = s.recv(65536)
        rec = {"t": time.monotonic_ns() // 1000, "msg": data.decode()}
        if data == b"READY=1":
            m = re.findall(r"msg=Listening address=(\S+)", open(err_path).read())
            try:
                with urllib.request.urlopen("http://%s/-/healthy" % m[-1], timeout=5) as r:
                    rec["port"] = "%d %s" % (r.status, r.read().decode().strip())
            except Exception as e:
                rec["port"] = "error: %s" % e
        log.write(json.dumps(rec) + "\n")
        log.flush()
PY
python3 "$TMP/listen.py" "$SOCK" "$LOG" "$TMP/relay.err" &
CLEANUP_PIDS+=("$!")
wait_until 30 test -S "$SOCK" || fail "notify listener did not start"
: >"$LOG"

cat >"$TMP/good.yml" <<YML
route:
  receiver: stuck
receivers:
  - name: stuck
    file_configs:
      - path: $FIFO
YML
echo 'route: [' >"$TMP/bad.yml"
cp "$TMP/good.yml" "$TMP/relay.yml"

count() { grep -c "\"msg\": \"$1\"" "$LOG" || true; }
# Waits until message $1 has been received at least $2 times.
wait_count() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "waited for $2 x $1, got $(count "$1"); received: $(cat "$LOG")"
}

NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=$WD_USEC relay_start --config.file="$TMP/relay.yml"
wait_count 'READY=1' 1
expect_eq "port at READY=1" '200 OK' \
    "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline()).get("port"))' "$LOG")"
wait_count 'WATCHDOG=1' 3

# SIGHUP with a good config, then with a broken one (the old one stays).
before=$(python3 -c 'import time; print(time.monotonic_ns() // 1000)')
kill -HUP "$RELAY_PID"
wait_count 'STATUS=Configuration reloaded' 1
cp "$TMP/bad.yml" "$TMP/relay.yml"
kill -HUP "$RELAY_PID"
wait_count 'READY=1' 3
cp "$TMP/good.yml" "$TMP/relay.yml"

# POST /-/reload tells systemd the same, good config or bad.
http -X POST "$RELAY_URL/-/reload"
expect_eq "POST /-/reload" "200 OK" "$HTTP_CODE $HTTP_BODY"
wait_count 'STATUS=Configuration reloaded' 2
cp "$TMP/bad.yml" "$TMP/relay.yml"
http -X POST "$RELAY_URL/-/reload"
expect_eq "POST /-/reload, bad config" "500 failed to reload config: $TMP/relay.yml:2:1: did not find expected node content while parsing a flow node" \
    "$HTTP_CODE $HTTP_BODY"
wait_count 'READY=1' 5
cp "$TMP/good.yml" "$TMP/relay.yml"

# Every worker stuck in open() on a FIFO without a reader: the self-check
# gets no answer, so pings stop; a reader frees them and pings resume.
payload=$TOCSIN_FIXTURES/$(ls "$TOCSIN_FIXTURES" | grep '\.json$' | head -1)
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -m 120 -X POST -H 'Content-Type: application/json' \
	    --data-binary "@$payload" "$RELAY_URL/webhook" &
	CLEANUP_PIDS+=("$!")
	sleep 0.2
done
wait_for_line 'did not answer the self-check' 30 "$RELAY_ERR" ||
    fail "the self-check never failed while the workers were stuck"
stuck_pings=$(count 'WATCHDOG=1')
n=$(grep -c 'did not answer the self-check' "$RELAY_ERR")
for ((i = 0; i < 600; i++)); do
	[ "$(grep -c 'did not answer the self-check' "$RELAY_ERR")" -gt "$n" ] && break
	sleep 0.05
done
expect_eq "WATCHDOG=1 while the workers are stuck" "$stuck_pings" "$(count 'WATCHDOG=1')"
cat "$FIFO" >/dev/null &
CLEANUP_PIDS+=("$!")
wait_count 'WATCHDOG=1' $((stuck_pings + 2))

relay_stop
wait_count 'STOPPING=1' 1

# The order of everything but the pings, timestamps normalised.
got=$(python3 - "$LOG" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["msg"]
    if m != "WATCHDOG=1":
        print(re.sub(r"MONOTONIC_USEC=\d+", "MONOTONIC_USEC=N", m).replace("\n", "\\n"))
PY
)
want="READY=1
STATUS=Listening on 127.0.0.1:$RELAY_PORT
RELOADING=1\\nMONOTONIC_USEC=N
READY=1
STATUS=Configuration reloaded
RELOADING=1\\nMONOTONIC_USEC=N
READY=1
STATUS=Reload failed, running the previous configuration: $TMP/relay.yml:2:1: did not find expected node content while parsing a flow node
RELOADING=1\\nMONOTONIC_USEC=N
READY=1
STATUS=Configuration reloaded
RELOADING=1\\nMONOTONIC_USEC=N
READY=1
STATUS=Reload failed, running the previous configuration: $TMP/relay.yml:2:1: did not find expected node content while parsing a flow node
STOPPING=1"
expect_eq "messages to systemd" "$want" "$got"

# MONOTONIC_USEC is the relay's CLOCK_MONOTONIC when the reload began:
# after the test sent SIGHUP and no later than the message arrived.
got=$(python3 - "$LOG" "$before" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    m = re.fullmatch(r"RELOADING=1\nMONOTONIC_USEC=(\d+)", r["msg"])
    if m:
        print(int(sys.argv[2]) <= int(m.group(1)) <= r["t"])
        break
PY
)
expect_eq "MONOTONIC_USEC within SIGHUP .. arrival" "True" "$got"

# While healthy (up to the first failed self-check) no two pings are
# further apart than the deadline systemd enforces.
got=$(python3 - "$LOG" "$WD_USEC" "$stuck_pings" <<'PY'
import json, sys
ts = [r["t"] for r in map(json.loads, open(sys.argv[1])) if r["msg"] == "WATCHDOG=1"]
ts = ts[:int(sys.argv[3])]
late = [b - a for a, b in zip(ts, ts[1:]) if b - a > int(sys.argv[2])]
print("%d pings, late: %s" % (len(ts), late))
PY
)
expect_eq "watchdog pings while healthy" "$stuck_pings pings, late: []" "$got"
finish
