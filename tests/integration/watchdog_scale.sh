#!/usr/bin/env bash
# watchdog_scale.sh: tocsin-watchdog with 20,000 checks: the config loads
# (more nodes than the YAML alias budget, no alias), the watchdog gets ready,
# a ping finds its check among all of them, and /api/v1/checks answers in
# pages with exact bodies (the checks never pinged are all nulls), the
# whole list at once, and the page errors. No timing is asserted.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

command -v jq >/dev/null || fail "jq is not installed"
export TZ=UTC

fake_start telegram
TG=$FAKE_URL

N=20000
wd_config "$TMP/wd.yml" < <(
	echo "checks:"
	for i in $(seq -f '%05g' 0 $((N - 1))); do
		echo "  - {name: job-$i, kind: ping, period: 1h, grace: 5m, receiver: phone}"
	done
)
watchdog_start "$TMP/wd.yml"

# new_check NAME: a check never pinged, as /api/v1/checks shows it.
new_check() {
	printf '{"name":"%s","kind":"ping","state":"new","paused":false,"receiver":"phone",' "$1"
	printf '"period_seconds":3600.0,"schedule":null,"tz":null,"grace_seconds":300.0,'
	printf '"repeat_interval_seconds":14400.0,"last_ping":null,"last_start":null,'
	printf '"down_since":null,"late_at":null,"next_expected":null,"next_expected_local":null,'
	printf '"next_deadline":null,"last_duration_seconds":null,"last_message":"","reason":""}'
}

http "$WD_URL/api/v1/checks?limit=2"
expect_eq "first page" "200 {\"checks\":[$(new_check job-00000),$(new_check job-00001)],\"next\":\"job-00001\"}" \
    "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?limit=2&after=job-00001"
expect_eq "second page" "200 {\"checks\":[$(new_check job-00002),$(new_check job-00003)],\"next\":\"job-00003\"}" \
    "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?limit=3&after=job-19998"
expect_eq "last page" "200 {\"checks\":[$(new_check job-19999)],\"next\":null}" "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?limit=10&after=job-19999"
expect_eq "past the end" '200 {"checks":[],"next":null}' "$HTTP_CODE $HTTP_BODY"

# A ping to the last check: up, the others still new.
http -X POST --data-binary 'done' "$WD_URL/ping/job-19999"
expect_eq "ping" "200 OK" "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?limit=1&after=job-19998"
expect_eq "pinged check" '"up" "done" null' \
    "$(jq -r '[.checks[0].state, .checks[0].last_message, .next] | map(tojson) | join(" ")' <<<"$HTTP_BODY")"
expect_eq "late one hour after the ping" 3600 \
    "$(jq -r '.checks[0] | ((.late_at | sub("\\.[0-9]+Z$"; "Z") | fromdate) - (.last_ping | sub("\\.[0-9]+Z$"; "Z") | fromdate))' <<<"$HTTP_BODY")"

# Walk every page of 5000: each check once, in config order.
after= pages=0
: >"$TMP/names"
while :; do
	http "$WD_URL/api/v1/checks?limit=5000${after:+&after=$after}"
	[ "$HTTP_CODE" = 200 ] || fail "page $pages: $HTTP_CODE $HTTP_BODY"
	jq -r '.checks[].name' <<<"$HTTP_BODY" >>"$TMP/names"
	pages=$((pages + 1))
	after=$(jq -r '.next // empty' <<<"$HTTP_BODY")
	[ -n "$after" ] || break
done
expect_eq "pages of 5000" 4 "$pages"
expect_eq "every check once, in order" "$(seq -f 'job-%05g' 0 $((N - 1)))" "$(cat "$TMP/names")"

# Without limit: all of them, no next.
http "$WD_URL/api/v1/checks"
expect_eq "all checks" "200 $N up=1 new=19999 next=false" \
    "$HTTP_CODE $(jq -r '"\(.checks | length) up=\([.checks[] | select(.state == "up")] | length) new=\([.checks[] | select(.state == "new")] | length) next=\(has("next"))"' <<<"$HTTP_BODY")"

http "$WD_URL/api/v1/checks?limit=0"
expect_eq "limit 0" "400 limit must be a number from 1 to 10000" "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?limit=10001"
expect_eq "limit too large" "400 limit must be a number from 1 to 10000" "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?limit=ten"
expect_eq "limit not a number" "400 limit must be a number from 1 to 10000" "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?limit=5&after=nope"
expect_eq "unknown cursor" '400 after: unknown check "nope"' "$HTTP_CODE $HTTP_BODY"
http "$WD_URL/api/v1/checks?after=job-00001"
expect_eq "after without limit" "400 after needs limit" "$HTTP_CODE $HTTP_BODY"

watchdog_stop
finish
