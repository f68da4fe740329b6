/* fuzz_wdconfig.c: libFuzzer target for tocsin-watchdog's config loader.
 * Whatever the input, loading must not crash, leak or hang; a failure names
 * the file on each of its lines (check_config_error), and every loaded
 * check keeps the rules the loader promises (a receiver that exists, the
 * durations each kind needs, a freshness check's timeout shorter than its
 * interval). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "wdconfig.h"

#define FUZZ_NAME "fuzz_wdconfig"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wdconfig_check *c;
	struct wdconfig	*wc;
	struct terr	 err;
	size_t		 i;

	err.msg[0] = '\0';
	/* Relative *_file paths resolve into a directory that does not exist, so
	 * the fuzzer exercises the loader, not the file system. */
	wc = wdconfig_load_buffer("fuzz.yml", "/nonexistent-fuzz-dir",
	    (const char *)data, size, &err);
	if (wc == NULL) {
		check_config_error(err.msg, "fuzz.yml");
		return 0;
	}
	check(wdconfig_check_count(wc) > 0, "loaded config without checks");
	check(registry_count(wdconfig_registry(wc)) == wdconfig_check_count(wc),
	    "registry and checks differ");
	for (i = 0; i < wdconfig_check_count(wc); i++) {
		c = wdconfig_check_at(wc, i);
		check(wdconfig_check(wc, c->conf.name) == c, "check not found by name");
		check(wdconfig_receiver(wc, c->receiver) != NULL, "undefined receiver");
		check(c->conf.period_ms > 0 && c->conf.grace_ms >= 0 &&
		    c->conf.repeat_ms >= 0, "bad period, grace or repeat_interval");
		if (c->conf.kind != CHECK_FRESHNESS)
			continue;
		check(c->fresh.prometheus_url != NULL && c->fresh.query != NULL &&
		    c->fresh.query[0] != '\0', "freshness check without its question");
		check(c->fresh.max_age_ms > 0 && c->fresh.timeout_ms > 0 &&
		    c->fresh.timeout_ms < c->fresh.interval_ms,
		    "bad max_age, interval or timeout");
	}
	wdconfig_free(wc);
	return 0;
}
