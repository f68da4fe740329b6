/* fuzz_config.c: libFuzzer target for the alertmanager.yml loader. Whatever
 * the input, loading must not crash, leak or hang; a failure names the file
 * on each of its lines (check_config_error), and a loaded config must answer its
 * accessors and route an alert. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define FUZZ_NAME "fuzz_config"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *out[16];
	struct config	*cfg;
	struct terr	 err;
	struct kv	 labels;
	size_t		 i;

	err.msg[0] = '\0';
	/* Relative *_file paths resolve into a directory that does not exist, so
	 * the fuzzer exercises the loader, not the file system. */
	cfg = config_load_buffer("fuzz.yml", "/nonexistent-fuzz-dir",
	    (const char *)data, size, &err);
	if (cfg == NULL) {
		check_config_error(err.msg, "fuzz.yml");
		return 0;
	}
	check(config_route(cfg) != NULL, "loaded config without a route");
	for (i = 0; i < config_receiver_count(cfg); i++)
		check(config_receiver(cfg, config_receiver_at(cfg, i)->name) != NULL,
		    "receiver not found by its name");
	for (i = 0; i < config_time_interval_count(cfg); i++)
		(void)time_interval_contains(config_time_interval_at(cfg, i), 0);
	(void)config_check_templates(cfg, &err);
	kv_init(&labels);
	if (kv_set(&labels, "alertname", "Fuzz") == 0 &&
	    kv_set(&labels, "severity", "critical") == 0) {
		size_t n = route_match(config_route(cfg), &labels, out, 16);

		check(n >= 1, "no route matched");
		for (i = 0; i < n && i < 16; i++)
			check(config_receiver(cfg, route_receiver(out[i])) != NULL,
			    "route to an undefined receiver");
	}
	kv_free(&labels);
	config_free(cfg);
	return 0;
}
