#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS: runs every built fuzz_<name> target for SECONDS over
# a scratch copy of tests/fuzz/corpus/<name>, so new inputs do not touch the
# checked-in seeds. Fails if any target finds a crash, leak or timeout.
set -euo pipefail
build=$1 secs=$2
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for bin in "$build"/tests/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin"); name=${name#fuzz_}
	mkdir -p "$scratch/$name"
	[ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$scratch/$name/"
	echo "fuzz_$name: ${secs}s over $(ls "$scratch/$name" | wc -l) seeds"
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$scratch/" "$scratch/$name" >"$scratch/$name.log" 2>&1; then
		echo "fuzz_$name FAILED:"; tail -40 "$scratch/$name.log"; status=1
	else
		grep -E '^(#[0-9]+ *DONE|Done)' "$scratch/$name.log" | tail -1 || true
	fi
done
exit $status
