#!/usr/bin/env bash
# http_auth_flood.sh: a flood of wrong passwords does not stall good clients.
# Credentials verified once are answered from the cache without a bcrypt;
# bcrypt runs on auth workers, not on the request threads; an address whose
# passwords keep failing waits before its next check (429 with Retry-After)
# while other addresses are checked as usual.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

ATTACK=(python3 "$TOCSIN_SOURCE_DIR/tests/lib/attack.py")
# bcrypt("correct horse") at cost 12 (about 0.4 s a check here), made with
# libxcrypt's crypt_gensalt("$2b$", 12) and crypt().
HASH='$2b$12$yGQMiPxMpbJ3CmMmbiDDm.byu1WmyYtlx3n30E3WL.xDPoSj/Y5D2'
PW='correct horse'
cat >"$TMP/web.yml" <<EOF
basic_auth_users:
  alertmanager: '$HASH'
EOF
relay_start --web.config.file="$TMP/web.yml"

http -u "alertmanager:$PW" "$RELAY_URL/-/healthy"
expect_eq "the good client's first request" 200 "$HTTP_CODE"

# --- a flood from eight addresses while the good client goes on --------------
for i in 2 3 4 5 6 7 8 9; do
	"${ATTACK[@]}" flood "$RELAY_PORT" "127.0.0.$i" alertmanager "$PW" 6 2 \
	    >"$TMP/flood.$i" &
	FLOOD+=($!)
done
sleep 0.5
good=$("${ATTACK[@]}" good "$RELAY_PORT" 127.0.0.1 alertmanager "$PW" 4)
wait "${FLOOD[@]}"
# Each of the flood's checks costs a bcrypt of about 0.4 s on two workers; a
# good request waiting behind them would finish a handful at most.
echo "good client during the flood: $good"
ok=$(sed -n 's/^ok=\([0-9]*\) .*/\1/p' <<<"$good")
[ "${ok:-0}" -ge 50 ] || fail "good client during the flood: $good, want ok>=50"
expect_eq "good client: no failures" other=0 "$(cut -d' ' -f2 <<<"$good")"
for i in 2 3 4 5 6 7 8 9; do
	grep -Eq '^401=[0-9]+' "$TMP/flood.$i" ||
	    fail "flood from 127.0.0.$i: $(cat "$TMP/flood.$i"), want 401s"
	grep -q '200=' "$TMP/flood.$i" && fail "flood from 127.0.0.$i got in: $(cat "$TMP/flood.$i")"
done

# --- per-address backoff ------------------------------------------------------
A=127.0.0.10
for i in 1 2 3 4; do
	http --interface "$A" -u "alertmanager:wrong$i" "$RELAY_URL/-/healthy"
	expect_eq "wrong password $i from $A" 401 "$HTTP_CODE"
done
http --interface "$A" -u "alertmanager:wrong5" "$RELAY_URL/-/healthy"
expect_eq "fifth wrong password at once: held off" \
    "429 too many failed logins from this address" "$HTTP_CODE $HTTP_BODY"
expect_eq "its Retry-After" "Retry-After: 1" "$(grep '^Retry-After:' <<<"$HTTP_HEADERS")"
http --interface "$A" -u "alertmanager:$PW" "$RELAY_URL/-/healthy"
expect_eq "verified credentials from the held-off address: no check needed" 200 "$HTTP_CODE"
http --interface 127.0.0.11 -u "alertmanager:wrong" "$RELAY_URL/-/healthy"
expect_eq "a wrong password from another address: checked as usual" 401 "$HTTP_CODE"
sleep 1.2
http --interface "$A" -u "alertmanager:wrong6" "$RELAY_URL/-/healthy"
expect_eq "after the wait: checked again" 401 "$HTTP_CODE"
http --interface "$A" -u "alertmanager:wrong7" "$RELAY_URL/-/healthy"
expect_eq "and held off twice as long" "429 Retry-After: 2" \
    "$HTTP_CODE $(grep '^Retry-After:' <<<"$HTTP_HEADERS")"
relay_stop
finish
