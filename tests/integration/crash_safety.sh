#!/usr/bin/env bash
# crash_safety.sh: notifications posted while Telegram answers 500 and the
# relay is SIGKILLed (in the middle of requests) and restarted four times;
# once Telegram accepts again, every notification that got a 200 arrives,
# each at most once plus one duplicate per kill.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
KILLS=4
PER_ROUND=6
command -v jq >/dev/null || fail "jq is not installed"
rm -rf "$TMP/data" "$TMP/payloads" "$TMP/codes"
mkdir -p "$TMP/payloads" "$TMP/codes"

fake_start telegram
TG=$FAKE_URL
curl -fsS -X POST -H "$J" --data-binary '{"force": [{"status": 500, "count": 1000000}]}' \
    "$TG/_fake/config" >/dev/null

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: pager
receivers:
  - name: pager
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        message: 'crash-seq-{{ .CommonLabels.seq }}'
EOF

# Payload i: a distinct alert (own label, own fingerprint).
total=$(((KILLS + 1) * PER_ROUND))
for ((i = 1; i <= total; i++)); do
	jq -c --arg i "$i" --arg fp "$(printf '%016x' "$i")" \
	    '.alerts[0].labels.seq = $i | .commonLabels.seq = $i | .alerts[0].fingerprint = $fp' \
	    "$FIX/ssh-login-firing.json" >"$TMP/payloads/$i.json"
done

# post_bg I: posts payload I in the background, its status code to codes/I.
post_bg() {
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "$J" \
	    --data-binary "@$TMP/payloads/$1.json" "$RELAY_URL/webhook" \
	    >"$TMP/codes/$1" 2>/dev/null &
}

relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
n=0
for ((round = 0; round <= KILLS; round++)); do
	# Half the round one after the other, half at once with the kill.
	for ((k = 0; k < PER_ROUND / 2; k++)); do
		n=$((n + 1))
		post_bg "$n"
		wait $!
	done
	pids=()
	for ((k = 0; k < PER_ROUND / 2; k++)); do
		n=$((n + 1))
		post_bg "$n"
		pids+=($!)
	done
	if [ "$round" -lt "$KILLS" ]; then
		sleep "0.0$((round * 2))"
		kill -KILL "$RELAY_PID"
		wait "$RELAY_PID" 2>/dev/null || true
	fi
	for p in "${pids[@]}"; do wait "$p" || true; done
	if [ "$round" -lt "$KILLS" ]; then
		relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
	fi
done

acked=()
for ((i = 1; i <= total; i++)); do
	[ "$(cat "$TMP/codes/$i")" = 200 ] && acked+=("$i")
done
echo "crash_safety: ${#acked[@]} of $total notifications got 200 across $KILLS kills"
[ "${#acked[@]}" -ge $((total / 2)) ] || fail "only ${#acked[@]} of $total got 200"
expect_eq "nothing delivered while Telegram failed" 0 \
    "$(curl -fsS "$TG/_fake/requests" | jq '[.[] | select(.status == 200)] | length')"

# Telegram accepts again: everything acknowledged arrives.
curl -fsS -X POST "$TG/_fake/reset" >/dev/null
delivered() {
	curl -fsS "$TG/_fake/requests" |
	    jq -r '.[] | select(.status == 200) | .body | fromjson | .text'
}
for ((t = 0; t < 600; t++)); do
	missing=0
	got=$(delivered)
	for i in "${acked[@]}"; do
		grep -qx "crash-seq-$i" <<<"$got" || { missing=$((missing + 1)); break; }
	done
	[ "$missing" = 0 ] && break
	sleep 0.1
done
got=$(delivered)
for i in "${acked[@]}"; do
	expect_eq "acknowledged notification $i delivered" 1 \
	    "$(grep -cx "crash-seq-$i" <<<"$got" | awk '{print ($1 >= 1)}')"
done
dups=$(sort <<<"$got" | uniq -d | wc -l)
extra=$(($(wc -l <<<"$got") - $(sort -u <<<"$got" | wc -l)))
echo "crash_safety: $(sort -u <<<"$got" | wc -l) distinct delivered, $extra duplicate(s) in $dups message(s)"
expect_eq "duplicates at most one per kill" yes "$([ "$extra" -le "$KILLS" ] && echo yes || echo no)"
relay_stop
finish
