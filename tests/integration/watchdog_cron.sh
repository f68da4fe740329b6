#!/usr/bin/env bash
# watchdog_cron.sh: README.md's cron line, run by /bin/sh as cron runs it,
# against tocsin-watchdog: a backup that succeeds keeps the check up with its
# output as the last message; one that exits 2 notifies the fake Telegram
# with the exit status and the output; the next good run sends the recovery.
source "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

# What the template's .StartsAt.Format "2006-01-02 15:04 MST" writes.
minute() { date -u -d "$1" '+%Y-%m-%d %H:%M UTC'; }

fake_start telegram
TG=$FAKE_URL
wd_config "$TMP/watchdog.yml" "send_resolved: true" <<EOF
checks:
  - {name: nightly-backup, kind: ping, schedule: "0 3 * * *", tz: Europe/Berlin, grace: 1h, receiver: phone}
EOF
watchdog_start "$TMP/watchdog.yml"

# The crontab line without its schedule, the watchdog's address, the backup
# script and its log put where this test has them.
readme_block "The watchdog" "ping/nightly-backup/start" >"$TMP/crontab"
cut -d' ' -f6- "$TMP/crontab" | sed -e "s|http://WATCHDOG-HOST:9097/|$WD_URL/|g" \
    -e "s|/usr/local/bin/backup.sh|$TMP/backup.sh|" -e "s|/tmp/backup.log|$TMP/backup.log|g" \
    >"$TMP/job.sh"
expect_eq "the README's cron line, here" \
    "curl -fsS -m 10 --retry 5 -o /dev/null $WD_URL/ping/nightly-backup/start; $TMP/backup.sh >$TMP/backup.log 2>&1; curl -fsS -m 10 --retry 5 -o /dev/null --data-binary @$TMP/backup.log $WD_URL/ping/nightly-backup/\$?" \
    "$(cat "$TMP/job.sh")"
cat >"$TMP/backup.sh" <<'EOF'
#!/bin/sh
echo "$BACKUP_SAYS" >&2
exit "$BACKUP_STATUS"
EOF
chmod +x "$TMP/backup.sh"
run_job() { BACKUP_SAYS=$1 BACKUP_STATUS=$2 /bin/sh "$TMP/job.sh"; }

run_job 'backup of /srv: 12 GB' 0
expect_eq "state after a good run" up "$(wd_check nightly-backup state)"
expect_eq "its output is the last message" 'backup of /srv: 12 GB' "$(wd_check nightly-backup last_message)"
[ "$(wd_check nightly-backup last_duration_seconds)" != null ] ||
    expect_eq "the run's duration (start to success)" "a number" null
expect_eq "no notification for a good run" 0 "$(tg_count)"

run_job 'tar: /srv/db: Cannot open: Permission denied' 2
expect_eq "state after exit status 2" down "$(wd_check nightly-backup state)"
wait_until 30 tg_has_count 1 || fail "no DOWN notification"
since=$(wd_check nightly-backup down_since)
expect_eq "DOWN message" "$(tg_body "$(printf '🔴 <b>DOWN</b> nightly-backup · ping\nexit status 2\ndown since %s\nlast message:\n<pre>tar: /srv/db: Cannot open: Permission denied\n</pre>' \
    "$(minute "$since")")")" "$(tg_requests | jq -r '.[0].body')"

run_job 'backup of /srv: 12 GB' 0
wait_until 30 tg_has_count 2 || fail "no recovery notification"
text=$(tg_requests | jq -r '.[1].body | fromjson | .text')
down_for=$(sed -n 's/^back after \(.*\) down$/\1/p' <<<"$text")
[[ $down_for =~ ^[0-9]+s$ ]] || expect_eq "time down" "a few seconds" "$down_for"
expect_eq "UP message" "$(tg_body "$(printf '✅ <b>UP</b> nightly-backup · ping\nback after %s down\nwas: exit status 2\nlast message:\n<pre>backup of /srv: 12 GB\n</pre>' \
    "$down_for")")" "$(tg_requests | jq -r '.[1].body')"
expect_eq "notifications in all" 2 "$(tg_count)"
watchdog_stop
finish
