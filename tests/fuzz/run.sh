#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS: runs every built fuzz_<name> target for SECONDS over
# a scratch copy of tests/fuzz/corpus/<name>, so new inputs do not touch the
# checked-in seeds. Fails if any target finds a crash, leak or timeout.
# FUZZ_JOBS targets run at once (default: one per CPU); each is one process,
# so on two cores the run takes half the time for the same seconds each.
set -euo pipefail
build=$1 secs=$2
jobs=${FUZZ_JOBS:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
names=()
for bin in "$build"/tests/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin"); name=${name#fuzz_}
	mkdir -p "$scratch/$name"
	[ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$scratch/$name/"
	names+=("$name")
	echo "fuzz_$name: ${secs}s over $(ls "$scratch/$name" | wc -l) seeds"
	(
		rc=0
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		    -artifact_prefix="$scratch/$name-" "$scratch/$name" \
		    >"$scratch/$name.log" 2>&1 || rc=$?
		echo "$rc" >"$scratch/$name.rc"
	) &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n || true
	done
done
wait
status=0
for name in "${names[@]}"; do
	if [ "$(cat "$scratch/$name.rc")" != 0 ]; then
		echo "fuzz_$name FAILED:"; tail -40 "$scratch/$name.log"; status=1
	else
		echo "fuzz_$name: $(grep -E '^(#[0-9]+ *DONE|Done)' "$scratch/$name.log" | tail -1 || true)"
	fi
done
exit $status
