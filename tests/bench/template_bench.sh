#!/bin/bash
# template_bench.sh: how fast tocsin renders its default Telegram template on
# a real payload, side by side with a baseline in the same run:
#  1. in process, compile once / render many: renders per second;
#  2. one process per render, `tocsin-relay template render` against amtool's
#     `template render` (the baseline), reported as a ratio.
# Usage: tests/bench/template_bench.sh [BUILD_DIR] [SECONDS]
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${TOCSIN_BUILD_DIR:-$here/build}}
secs=${2:-3}
fixture=${TOCSIN_FIXTURES:-$here/../shared/fixtures/alertmanager-0.25}/ssh-login-firing.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The in-process driver links the same static libraries the relay links.
cat >"$tmp/bench.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "tmpl.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct tmpl_set *set = tmpl_set_new();
	struct notification *n;
	struct terr err;
	struct buf out;
	char body[1 << 16];
	size_t len;
	FILE *fp = fopen(argv[2], "r");
	double secs = atof(argv[3]), t0, t;
	long count = 0;

	if (fp == NULL || (len = fread(body, 1, sizeof(body), fp)) == 0)
		return 1;
	fclose(fp);
	if ((n = tmpl_data_parse(body, len, &err)) == NULL ||
	    tmpl_set_add_file(set, argv[1], &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	buf_init(&out, 0);
	t0 = now();
	do {
		for (int i = 0; i < 1000; i++, count++) {
			buf_reset(&out);
			if (tmpl_render(set, "tocsin.telegram.message", n, TMPL_TEXT,
			    NULL, &out, &err) == -1) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
		}
		t = now() - t0;
	} while (t < secs);
	printf("%.0f\n", count / t);
	return 0;
}
C
libs="$build/templates/libtocsin_templates.a $build/core/libtocsin_base.a"
${CC:-cc} -O2 -I"$here/templates" -I"$here/core/base" -o "$tmp/bench" "$tmp/bench.c" \
	$libs $(pkg-config --libs jansson libpcre2-8 gnutls) -lpthread -lm
inproc=$("$tmp/bench" "$here/templates/tocsin.tmpl" "$fixture" "$secs")
echo "in process: $inproc renders/s of tocsin.telegram.message (compile once, render many)"

# One process per render, the same template file and payload for both.
per_process() {	# command... ; prints renders per second over $secs
	local start end count=0
	start=$(date +%s.%N)
	while :; do
		"$@" >/dev/null || return 1
		count=$((count + 1))
		end=$(date +%s.%N)
		if awk -v s="$start" -v e="$end" -v l="$secs" 'BEGIN { exit !(e - s >= l) }'; then
			break
		fi
	done
	awk -v c=$count -v s="$start" -v e="$end" 'BEGIN { printf "%.1f\n", c / (e - s) }'
}
args=(template render --template.glob="$here/templates/tocsin.tmpl"
	--template.data="$fixture" --template.text='{{ template "tocsin.telegram.message" . }}')
ours=$(per_process "$build/relay/tocsin-relay" "${args[@]}")
if command -v amtool >/dev/null; then
	base=$(per_process amtool "${args[@]}")
	echo "per process: tocsin-relay $ours/s, amtool $base/s, ratio $(awk -v a="$ours" -v b="$base" 'BEGIN { printf "%.2f", a / b }')x"
else
	echo "per process: tocsin-relay $ours/s (amtool not installed: no baseline)"
fi
