#!/usr/bin/env bash
# store_full.sh: when the queue cannot grow (a size cap, or as root a full
# tmpfs) the intake answers 503 with the reason, so Alertmanager retries;
# nothing that got a 200 is lost: once the cause is gone every acknowledged
# notification is delivered, and none that got a 503 is.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

FIX=$TOCSIN_FIXTURES
J='Content-Type: application/json'
command -v jq >/dev/null || fail "jq is not installed"
MNT=$TMP/mnt
cleanup_mount() {
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	return 0
}
trap 'cleanup; cleanup_mount' EXIT
cleanup_mount
rm -rf "$TMP/data" "$TMP/payloads" "$MNT"
mkdir -p "$TMP/payloads" "$MNT"

fake_start telegram
TG=$FAKE_URL
# Telegram fails until the end, so nothing leaves the queue meanwhile.
force_500() {
	curl -fsS -X POST -H "$J" --data-binary '{"force": [{"status": 500, "count": 1000000}]}' \
	    "$TG/_fake/config" >/dev/null
}

cat >"$TMP/relay.yml" <<EOF
route:
  receiver: pager
receivers:
  - name: pager
    telegram_configs:
      - api_url: $TG
        bot_token: 123456:TEST-token
        chat_id: 42
        message: 'full-{{ .CommonLabels.run }}-{{ .CommonLabels.seq }} {{ .CommonAnnotations.filler }}'
EOF

# payload RUN I: a distinct alert carrying 3000 bytes of filler.
filler=$(printf 'x%.0s' $(seq 3000))
payload() {
	local f=$TMP/payloads/$1-$2.json
	jq -c --arg r "$1" --arg i "$2" --arg fp "$(printf '%08x%08x' "${#1}" "$2")" \
	    --arg fill "$filler" \
	    '.alerts[0].labels.seq = $i | .alerts[0].labels.run = $r |
	     .commonLabels.seq = $i | .commonLabels.run = $r |
	     .alerts[0].fingerprint = $fp | .alerts[0].annotations.filler = $fill |
	     .commonAnnotations.filler = $fill' \
	    "$FIX/ssh-login-firing.json" >"$f"
	echo "$f"
}

# fill RUN MAX: posts until the first 503 (at most MAX); ACKED gets the 200s.
fill() {
	local run=$1 max=$2 i
	ACKED=()
	for ((i = 1; i <= max; i++)); do
		http -X POST -H "$J" --data-binary "@$(payload "$run" "$i")" "$RELAY_URL/webhook"
		case $HTTP_CODE in
		200) ACKED+=("$i") ;;
		503) REFUSED=$i; return 0 ;;
		*) fail "$run $i: $HTTP_CODE $HTTP_BODY" ;;
		esac
	done
	fail "$run: no 503 after $max notifications"
}

# wait_delivered RUN: every ACKED of RUN arrives (60 s at most), and the
# refused one never does.
wait_delivered() {
	local run=$1 t i got missing
	for ((t = 0; t < 600; t++)); do
		got=$(curl -fsS "$TG/_fake/requests" |
		    jq -r '.[] | select(.status == 200) | .body | fromjson | .text | split(" ")[0]')
		missing=0
		for i in "${ACKED[@]}"; do
			grep -qx "full-$run-$i" <<<"$got" || { missing=1; break; }
		done
		[ "$missing" = 0 ] && break
		sleep 0.1
	done
	for i in "${ACKED[@]}"; do
		expect_eq "$run: acknowledged $i delivered" 1 "$(grep -cx "full-$run-$i" <<<"$got" || true)"
	done
	expect_eq "$run: refused $REFUSED not delivered" 0 \
	    "$(grep -cx "full-$run-$REFUSED" <<<"$got" || true)"
}

# 1. A size cap on the queue's database (--storage.max-bytes).
force_500
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s \
    --storage.max-bytes=131072
fill cap 200
echo "store_full: cap: ${#ACKED[@]} accepted before the 503"
expect_eq "cap: some accepted first" yes "$([ "${#ACKED[@]}" -ge 5 ] && echo yes || echo no)"
expect_eq "cap: 503 reason" \
    "receiver pager: store: insert failed: database or disk is full (SQLITE_FULL)" "$HTTP_BODY"
expect_eq "cap: logged" 1 "$(grep -c 'msg="Notification not stored" receiver=pager' "$RELAY_ERR")"
relay_stop
# The cause removed (no cap): everything acknowledged goes out.
curl -fsS -X POST "$TG/_fake/reset" >/dev/null
relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s
wait_delivered cap
relay_stop

# 2. A full file system, as root: a small tmpfs whose free space a filler
# file takes; deleting it lets the running relay accept again.
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m tmpfs "$MNT" 2>/dev/null; then
	force_500
	relay_start --config.file="$TMP/relay.yml" --delivery.backoff-max=1s \
	    --storage.path="$MNT/data"
	# Leave about 256 KiB free.
	avail=$(df -B1 --output=avail "$MNT" | tail -1)
	dd if=/dev/zero of="$MNT/filler" bs=4096 count=$(((avail - 262144) / 4096)) status=none
	fill disk 400
	echo "store_full: disk: ${#ACKED[@]} accepted before the 503"
	# Whether SQLite finds the disk full while writing a page or at the
	# commit's WAL write depends on its page cache; the answer is one of:
	case $HTTP_BODY in
	"receiver pager: store: cannot commit: database or disk is full (SQLITE_FULL)" | \
	"receiver pager: store: insert failed: database or disk is full (SQLITE_FULL)") ;;
	*) expect_eq "disk: 503 reason" "receiver pager: store: cannot commit: database or disk is full (SQLITE_FULL)" "$HTTP_BODY" ;;
	esac
	rm -f "$MNT/filler"
	# The same relay accepts again, and the refused notification (as
	# Alertmanager's retry would) is now taken too.
	http -X POST -H "$J" --data-binary "@$TMP/payloads/disk-$REFUSED.json" "$RELAY_URL/webhook"
	expect_eq "disk: accepted again after space was freed" "200 OK" "$HTTP_CODE $HTTP_BODY"
	ACKED+=("$REFUSED")
	REFUSED=none
	curl -fsS -X POST "$TG/_fake/reset" >/dev/null
	wait_delivered disk
	relay_stop
else
	echo "store_full: not root or no tmpfs: the full file system case is skipped"
fi
finish
