#!/usr/bin/env bash
# template_releases_e2e.sh: relay -> queue -> fake Gotify with templates that
# differ between Alertmanager releases. By default (0.34) labels print as
# name=value, tocsin's own route labels render before the message (through
# routeLabels and .RouteLabels), and the rendered route labels an
# Alertmanager 0.34 sends are taken verbatim; with
# --template.alertmanager-version=0.25 labels print as Go maps.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC

post() {	# NAME FILE
	http -X POST -H "$J" --data-binary "@$2" "$RELAY_URL/webhook"
	expect_eq "POST $1" "200 OK" "$HTTP_CODE $HTTP_BODY"
}
title() {	# N: the title of the fake's N-th message (1-based)
	fake_bodies "$GF" | sed -n "${1}p" | jq -r .title
}

fake_start gotify
GF=$FAKE_URL
cat >"$TMP/relay.yml" <<EOF
route:
  receiver: push
  labels:
    team: core
  routes:
    - matchers: ['severity="critical"']
      receiver: push
      labels:
        page: '{{ .CommonLabels.alertname }} for {{ routeLabels "team" }}'
receivers:
  - name: push
    gotify_configs:
      - url: $GF/
        token: ATESTtoken.1234
        title: '{{ .CommonLabels.SortedPairs }} | {{ routeLabels "page" }} | {{ .RouteLabels }}'
EOF

relay_start --config.file="$TMP/relay.yml"
post "ssh login" "$FIX/ssh-login-firing.json"
fake_wait_count "$GF" 1
expect_eq "0.34: name=value, own route labels rendered" \
    'alertname=SSHLoginFromNonLAN, instance=homelab:9100, severity=critical, src_ip=203.0.113.7 | SSHLoginFromNonLAN for core | page=SSHLoginFromNonLAN for core, team=core' \
    "$(title 1)"

# Alertmanager 0.34 sends its route labels rendered: taken as they are,
# template text and all, instead of tocsin's. (A later startsAt each time,
# so that deduplication does not take it for the notification before.)
again() {	# STARTSAT OUT
	jq --arg t "$1" '. + {notification_reason: "first notification",
	    routeLabels: {page: "{{ sent as is }}", team: "db"}} |
	    .alerts[0].startsAt = $t' "$FIX/ssh-login-firing.json" >"$2"
}
again 2026-11-23T13:50:00Z "$TMP/am034.json"
post "0.34 payload" "$TMP/am034.json"
fake_wait_count "$GF" 2
expect_eq "0.34 payload: its route labels verbatim" \
    'alertname=SSHLoginFromNonLAN, instance=homelab:9100, severity=critical, src_ip=203.0.113.7 | {{ sent as is }} | page={{ sent as is }}, team=db' \
    "$(title 2)"
relay_stop

# Debian 12's Alertmanager: Go's map and slice forms. .RouteLabels is 0.34's.
sed -i 's/ | {{ .RouteLabels }}//' "$TMP/relay.yml"
again 2026-11-23T13:51:00Z "$TMP/am034-2.json"
relay_start --config.file="$TMP/relay.yml" --template.alertmanager-version=0.25
post "ssh login again" "$TMP/am034-2.json"
fake_wait_count "$GF" 3
expect_eq "0.25: Go's forms" \
    '[{alertname SSHLoginFromNonLAN} {instance homelab:9100} {severity critical} {src_ip 203.0.113.7}] | {{ sent as is }}' \
    "$(title 3)"
relay_stop

relay_start_fails() {
	"$TOCSIN_RELAY" --config.file="$TMP/relay.yml" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	echo "$? $(cat "$TMP/bad.err")"
}
expect_eq "other versions refused" \
    '1 tocsin-relay: error: --template.alertmanager-version: unsupported Alertmanager version "0.26" (supported: 0.34, 0.25)' \
    "$(relay_start_fails --template.alertmanager-version=0.26)"
finish
