# pg_relays.sh: several relays on the throw-away PostgreSQL of pg.sh, in
# front of a fake Telegram (sourced, not run, after common.sh and pg.sh).
#
# pg_two_chats_config    writes $TMP/relay.yml: alerts labelled chat="a" to
#                         the private chat 42, the others to the group
#                         -1001, both through the bot of the fake Telegram
#                         at $TG, the text "seq <seq label>".
# pg_relay_start N [FLAG...]  relay N (A, B, ...) on PG_URL with
#                         $TMP/relay.yml, its own port, --storage.path and
#                         log ($TMP/relay-N.err, started afresh), and FLAGs
#                         (a lease, rate limits...); sets URL_N and PID_N.
# pg_payload SEQ [CHAT]   the ssh-login-firing fixture as its own alert
#                         (fingerprint from SEQ), with labels seq=SEQ and,
#                         given, chat=CHAT, also in commonLabels.
# pg_post URL SEQ [CHAT]  posts pg_payload to URL/webhook; prints the status.
# pg_sent CHAT            the texts the fake Telegram at $TG answered 200
#                         for chat CHAT, in order, each time it got one.

pg_relay_start() {
	local n=$1 port try
	shift
	for try in 1 2 3; do
		port=$(free_port)
		: >"$TMP/relay-$n.err"
		"$TOCSIN_RELAY" --web.listen-address="127.0.0.1:$port" \
		    --storage.path="$TMP/data-$n" --storage.url="$PG_URL" \
		    --config.file="$TMP/relay.yml" "$@" 2>>"$TMP/relay-$n.err" &
		eval "PID_$n=$!"
		CLEANUP_PIDS+=("$!")
		eval "URL_$n=http://127.0.0.1:$port"
		wait_for_line 'msg=Listening' 10 "$TMP/relay-$n.err" && return 0
		kill "$!" 2>/dev/null || true
		grep -q 'cannot listen' "$TMP/relay-$n.err" || break
	done
	cat "$TMP/relay-$n.err" >&2
	fail "relay $n did not start"
}

pg_payload() {
	jq -c --arg i "$1" --arg c "${2:-}" --arg fp "$(printf '%016x' "$1")" \
	    '.alerts[0].labels.seq = $i | .commonLabels.seq = $i
	     | .alerts[0].fingerprint = $fp
	     | if $c == "" then . else
	         .alerts[0].labels.chat = $c | .commonLabels.chat = $c end' \
	    "$TOCSIN_FIXTURES/ssh-login-firing.json"
}

pg_post() {
	curl -s -o /dev/null -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' \
	    --data-binary "$(pg_payload "$2" "${3:-}")" "$1/webhook"
}

pg_sent() {
	curl -fsS "$TG/_fake/requests" |
	    jq -r --arg c "$1" '.[] | select(.status == 200) | .body | fromjson
	        | select(.chat_id == $c) | .text'
}

pg_two_chats_config() {
	cat >"$TMP/relay.yml" <<EOF
route:
  receiver: group
  routes:
    - {receiver: private, matchers: ['chat="a"']}
receivers:
  - name: private
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        message: 'seq {{ .CommonLabels.seq }}'
  - name: group
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: -1001
        message: 'seq {{ .CommonLabels.seq }}'
EOF
}
