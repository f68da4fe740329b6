#!/usr/bin/env bash
# alertmanager_e2e.sh: a real Alertmanager 0.25 posts to the relay through a
# webhook_configs receiver; alerts pushed with amtool come out of the file
# receivers routed by severity, firing and then resolved.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v amtool >/dev/null || fail "amtool is not installed"
rm -rf "$TMP/am" "$TMP"/*.jsonl

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: rest
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
receivers:
  - name: pager
    file_configs:
      - path: $TMP/pager.jsonl
  - name: rest
    file_configs:
      - path: $TMP/rest.jsonl
EOF
relay_start --config.file="$TMP/relay.yml"

am_webhook_config "$TMP/alertmanager.yml" "$RELAY_URL/webhook"
am_start "$TMP/alertmanager.yml" --web.external-url=http://alertmanager.test:9093 --log.level=debug

amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull severity=critical \
    instance=nas:9100 --annotation=summary='Disk <90%> full & rising'
amtool alert add --alertmanager.url="$AM_URL" alertname=BackupLate severity=warning \
    job=restic

# Waits for the file to have n lines.
wait_lines() {
	local file=$1 n=$2 i
	for ((i = 0; i < 300; i++)); do
		[ -e "$file" ] && [ "$(wc -l <"$file")" -ge "$n" ] && return 0
		sleep 0.1
	done
	cat "$TMP/am.err" "$RELAY_ERR" >&2
	fail "$file did not reach $n line(s)"
}

# Prints the stable fields of line n of a JSON-lines file; times vary.
stable() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
p = json.loads(lines[int(sys.argv[2]) - 1])
print("receiver=%s status=%s version=%s externalURL=%s groupKey=%s truncated=%s" % (
    p["receiver"], p["status"], p["version"], p["externalURL"], p["groupKey"],
    p["truncatedAlerts"]))
print("groupLabels=%s" % json.dumps(p["groupLabels"], sort_keys=True))
print("commonLabels=%s" % json.dumps(p["commonLabels"], sort_keys=True))
print("commonAnnotations=%s" % json.dumps(p["commonAnnotations"], sort_keys=True))
for a in p["alerts"]:
    print("alert status=%s labels=%s annotations=%s resolved_has_end=%s" % (
        a["status"], json.dumps(a["labels"], sort_keys=True),
        json.dumps(a["annotations"], sort_keys=True),
        a["endsAt"] != "0001-01-01T00:00:00Z"))
EOF
}

wait_lines "$TMP/pager.jsonl" 1
wait_lines "$TMP/rest.jsonl" 1
expect_eq "critical alert, firing" \
'receiver=pager status=firing version=4 externalURL=http://alertmanager.test:9093 groupKey={}:{alertname="DiskFull"} truncated=0
groupLabels={"alertname": "DiskFull"}
commonLabels={"alertname": "DiskFull", "instance": "nas:9100", "severity": "critical"}
commonAnnotations={"summary": "Disk <90%> full & rising"}
alert status=firing labels={"alertname": "DiskFull", "instance": "nas:9100", "severity": "critical"} annotations={"summary": "Disk <90%> full & rising"} resolved_has_end=False' \
    "$(stable "$TMP/pager.jsonl" 1)"
expect_eq "warning alert, firing" \
'receiver=rest status=firing version=4 externalURL=http://alertmanager.test:9093 groupKey={}:{alertname="BackupLate"} truncated=0
groupLabels={"alertname": "BackupLate"}
commonLabels={"alertname": "BackupLate", "job": "restic", "severity": "warning"}
commonAnnotations={}
alert status=firing labels={"alertname": "BackupLate", "job": "restic", "severity": "warning"} annotations={} resolved_has_end=False' \
    "$(stable "$TMP/rest.jsonl" 1)"
# Go's encoding/json escaping survives the relay byte for byte.
expect_eq "escaped summary" 1 \
    "$(grep -c '"summary":"Disk \\u003c90%\\u003e full \\u0026 rising"' "$TMP/pager.jsonl")"

# Resolve the critical alert: an end time in the past.
amtool alert add --alertmanager.url="$AM_URL" alertname=DiskFull severity=critical \
    instance=nas:9100 --annotation=summary='Disk <90%> full & rising' \
    --end="$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)"
wait_lines "$TMP/pager.jsonl" 2
expect_eq "critical alert, resolved" \
'receiver=pager status=resolved version=4 externalURL=http://alertmanager.test:9093 groupKey={}:{alertname="DiskFull"} truncated=0
groupLabels={"alertname": "DiskFull"}
commonLabels={"alertname": "DiskFull", "instance": "nas:9100", "severity": "critical"}
commonAnnotations={"summary": "Disk <90%> full & rising"}
alert status=resolved labels={"alertname": "DiskFull", "instance": "nas:9100", "severity": "critical"} annotations={"summary": "Disk <90%> full & rising"} resolved_has_end=True' \
    "$(stable "$TMP/pager.jsonl" 2)"
expect_eq "one fingerprint for firing and resolved" 1 \
    "$(python3 -c 'import json,sys; [print(json.loads(l)["alerts"][0]["fingerprint"]) for l in open(sys.argv[1])]' "$TMP/pager.jsonl" | sort -u | wc -l)"
expect_eq "Alertmanager saw no failed notifications" 0 \
    "$(grep -c 'Notify for alerts failed' "$TMP/am.err" || true)"
expect_eq "rest got only the warning" 1 "$(wc -l <"$TMP/rest.jsonl")"

relay_stop
finish
