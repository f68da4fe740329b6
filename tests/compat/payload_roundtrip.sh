#!/usr/bin/env bash
# payload_roundtrip.sh: a real Alertmanager sends the same notifications to a
# capturing listener and to tocsin-relay (default config: one receiver that
# writes each notification as a JSON line); the relay's lines, which are
# payload_to_json(payload_parse(body)), must equal Alertmanager's bytes.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v prometheus-alertmanager >/dev/null || fail "prometheus-alertmanager is not installed"

rm -rf "$TMP/cap" "$TMP/am" "$TMP/data"
mkdir -p "$TMP/cap" "$TMP/am"
relay_start

CAP_PORT=$(free_port)
python3 - "$CAP_PORT" "$TMP/cap" >"$TMP/cap.log" 2>&1 <<'EOF' &
import http.server, os, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        H.n += 1
        with open(os.path.join(out, ".%d" % H.n), "wb") as f:
            f.write(body)
        os.rename(os.path.join(out, ".%d" % H.n), os.path.join(out, "%03d.json" % H.n))
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
CLEANUP_PIDS+=($!)

# The receiver is named like the relay's default one so that the relay's
# regrouped notification carries the same receiver name.
cat >"$TMP/am.yml" <<EOF
route:
  receiver: stdout
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: stdout
    webhook_configs:
      - url: $RELAY_URL/webhook
        send_resolved: true
      - url: http://127.0.0.1:$CAP_PORT/
        send_resolved: true
EOF
am_start "$TMP/am.yml" --web.external-url="http://am.example:9093/<&>" --web.route-prefix=/

# post_alerts JSON: POSTs alerts to Alertmanager's v2 API.
post_alerts() {
	python3 - "http://127.0.0.1:$AM_PORT/api/v2/alerts" "$1" <<'EOF' || fail "posting alerts failed"
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(),
                             headers={"Content-Type": "application/json"})
assert urllib.request.urlopen(req).status == 200
EOF
}

# wait_for N: until N bodies were captured and the relay wrote N lines.
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do
		if [ "$(ls "$TMP/cap" | grep -c '\.json$')" -ge "$1" ] &&
		    [ "$(wc -l <"$RELAY_OUT")" -ge "$1" ]; then
			return 0
		fi
		sleep 0.1
	done
	fail "waited for $1 notifications: captured $(ls "$TMP/cap" | wc -l), relay wrote $(wc -l <"$RELAY_OUT")"
}

# Labels and annotations full of what Go's encoding/json escapes (<, >, &,
# control characters, U+2028/U+2029), raw DEL and C1, non-ASCII, quotes.
post_alerts '[
 {"labels":{"alertname":"Escapes","severity":"critical","html":"<b>a & b</b>",
   "ctl":"t\tn\nr\rb\bf\fx\u0001\u001f\u007f","uni":"é\u2028\u2029\u0085😀",
   "quote":"\"q\" \\ /"},
  "annotations":{"summary":"<script>alert(1)</script> & more","description":""},
  "generatorURL":"http://prom:9090/graph?g0.expr=up%3D%3D0&g0.tab=1"},
 {"labels":{"alertname":"Escapes","severity":"warning","instance":"host:9100"}},
 {"labels":{"alertname":"Disk","device":"/dev/sda1","mountpoint":"/"},
  "annotations":{"summary":"Disk 95% full"}}
]'
wait_for 2
post_alerts '[{"labels":{"alertname":"Disk","device":"/dev/sda1","mountpoint":"/"},
  "annotations":{"summary":"Disk 95% full"},
  "startsAt":"2026-01-02T03:04:05.5+01:00","endsAt":"2026-01-02T04:04:05Z"}]'
wait_for 3

n=0
for f in "$TMP/cap"/*.json; do
	body=$(cat "$f")
	n=$((n + 1))
	# Go's encoder ends the body with a newline; $(...) drops it, and the
	# relay writes one line per notification.
	if ! LC_ALL=C grep -qxF -- "$body" "$RELAY_OUT"; then
		echo "FAIL: Alertmanager's body $(basename "$f") was not reproduced byte for byte" >&2
		echo "  alertmanager: $body" >&2
		echo "  relay lines:" >&2
		sed 's/^/    /' "$RELAY_OUT" >&2
		FAILURES=$((FAILURES + 1))
	fi
done
expect_eq "relay lines" "$n" "$(wc -l <"$RELAY_OUT")"
grep -q '"status":"resolved"' "$TMP/cap"/*.json || fail "no resolved notification was captured"
echo "compared $n Alertmanager bodies"
finish
