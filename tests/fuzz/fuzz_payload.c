/* fuzz_payload.c: libFuzzer target for the webhook payload parser. Whatever
 * parses must serialise, parse again to the same notification and serialise
 * to the same bytes; errors must be one line without control bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"

#define FUZZ_NAME "fuzz_payload"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_time(const struct tstamp *a, const struct tstamp *b)
{
	char	sa[64], sb[64];

	tstamp_format_rfc3339(a, sa, sizeof(sa));
	tstamp_format_rfc3339(b, sb, sizeof(sb));
	return a->sec == b->sec && a->nsec == b->nsec && a->off == b->off &&
	    strcmp(sa, sb) == 0;
}

static int
same_alert(const struct alert *a, const struct alert *b)
{
	return a->status == b->status && kv_equal(&a->labels, &b->labels) &&
	    kv_equal(&a->annotations, &b->annotations) &&
	    same_time(&a->starts_at, &b->starts_at) &&
	    same_time(&a->ends_at, &b->ends_at) &&
	    strcmp(a->generator_url, b->generator_url) == 0 &&
	    strcmp(a->fingerprint, b->fingerprint) == 0;
}

static int
same(const struct notification *a, const struct notification *b)
{
	if (strcmp(a->receiver, b->receiver) || a->status != b->status ||
	    a->nalerts != b->nalerts || !kv_equal(&a->group_labels,
	    &b->group_labels) || !kv_equal(&a->common_labels, &b->common_labels) ||
	    !kv_equal(&a->common_annotations, &b->common_annotations) ||
	    strcmp(a->external_url, b->external_url) ||
	    strcmp(a->group_key, b->group_key) ||
	    a->truncated_alerts != b->truncated_alerts)
		return 0;
	for (size_t i = 0; i < a->nalerts; i++)
		if (!same_alert(&a->alerts[i], &b->alerts[i]))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notification	*n, *again;
	struct terr		 err = { "" };
	char			*json, *json2;

	if ((n = payload_parse((const char *)data, size, &err)) == NULL) {
		check(err.msg[0] != '\0', "error without a message");
		/* A message that filled the buffer was cut, maybe mid-rune. */
		check(strlen(err.msg) < sizeof(err.msg) - 1, "error truncated");
		for (const unsigned char *p = (const unsigned char *)err.msg;
		    *p; p++)
			check(*p >= 0x20 && *p != 0x7f, "control byte in error");
		check(valid_utf8(err.msg), "invalid UTF-8 in error");
		return 0;
	}
	json = payload_to_json(n, &err);
	check(json != NULL, "payload_to_json failed");
	check(strchr(json, '\n') == NULL, "newline in output");
	again = payload_parse(json, strlen(json), &err);
	if (again == NULL) {
		fprintf(stderr, "fuzz_payload: own output rejected: %s\n", err.msg);
		abort();
	}
	check(same(n, again), "round trip changed the notification");
	json2 = payload_to_json(again, &err);
	check(json2 != NULL && strcmp(json, json2) == 0,
	    "second serialisation differs");
	free(json2);
	free(json);
	notification_free(again);
	notification_free(n);
	return 0;
}
