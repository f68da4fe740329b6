/* test_sender.c: the helpers every channel shares (sender.h): the describe
 * of a JSON payload and the destination of a secret URL. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sender.h"

static void
describe(const char *json, const char *const *paths, const char *want)
{
	char	 out[64];

	memset(out, 'x', sizeof(out));
	sender_json_describe(json, strlen(json), paths, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_json_describe_takes_the_first_non_empty_path(void **state)
{
	static const char *const tm[] = { "title", "message", NULL };
	static const char *const deep[] = { "embeds/0/title", "embeds/1/title",
	    "content", NULL };

	describe("{\"title\":\"Disk full\\nmore\",\"message\":\"m\"}", tm, "Disk full");
	describe("{\"title\":\"\",\"message\":\"  m1\\n m2\"}", tm, "m1");
	describe("{\"title\":7,\"message\":\"m\"}", tm, "m");
	describe("{\"embeds\":[{\"title\":\"\"},{\"title\":\"second\"}]}", deep,
	    "second");
	describe("{\"embeds\":{\"0\":{\"title\":\"an object\"}},\"content\":\"c\"}",
	    deep, "an object");
	describe("{\"embeds\":[],\"content\":\"c\"}", deep, "c");
	describe("{\"other\":\"x\"}", tm, "");
	describe("not json", tm, "");
}

static void
test_url_dest_hides_the_url(void **state)
{
	char	 a[64], b[64], c[64];

	sender_url_dest("slack", "https://hooks.example/T0/B0/SECRET", a, sizeof(a));
	sender_url_dest("slack", "https://hooks.example/T0/B0/SECRET", b, sizeof(b));
	sender_url_dest("slack", "https://hooks.example/T0/B0/OTHER", c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), strlen("slack:") + 16);
	assert_memory_equal(a, "slack:", 6);
	assert_null(strstr(a, "SECRET"));
	sender_url_dest("gotify", NULL, b, sizeof(b));
	sender_url_dest("gotify", "", c, sizeof(c));
	assert_string_equal(b, c);
}

static struct notification *
two_alerts(enum alert_status second)
{
	struct notification	*n = notification_new(), *s;
	size_t			 idx[] = { 0, 1 };

	assert_non_null(n);
	n->alerts = calloc(2, sizeof(*n->alerts));
	assert_non_null(n->alerts);
	for (size_t i = 0; i < 2; i++) {
		struct alert *a = &n->alerts[n->nalerts++];

		a->status = i == 0 ? ALERT_FIRING : second;
		assert_int_equal(kv_set(&a->labels, "alertname", "Disk"), 0);
		assert_int_equal(kv_set(&a->labels, "host", i ? "b" : "a"), 0);
		tstamp_zero(&a->starts_at);
		tstamp_zero(&a->ends_at);
		a->generator_url = strdup("");
		a->fingerprint = strdup(i ? "2" : "1");
	}
	s = notification_subset(n, idx, 2, "r");
	notification_free(n);
	assert_non_null(s);
	return s;
}

/* The view is the notification itself when the copy would equal it, and
 * the copy otherwise. */
static void
test_filter_resolved_view_copies_only_when_it_must(void **state)
{
	struct notification		*n = two_alerts(ALERT_FIRING), *own;
	const struct notification	*use;
	struct terr			 err;

	(void)state;
	assert_int_equal(sender_filter_resolved_view(n, false, &use, &own,
	    &err), 0);
	assert_ptr_equal(use, n);
	assert_null(own);
	notification_free(n);

	n = two_alerts(ALERT_RESOLVED);
	assert_int_equal(sender_filter_resolved_view(n, true, &use, &own,
	    &err), 0);
	assert_ptr_equal(use, n);
	assert_null(own);
	/* Without send_resolved the resolved alert goes: a copy. */
	assert_int_equal(sender_filter_resolved_view(n, false, &use, &own,
	    &err), 0);
	assert_non_null(own);
	assert_ptr_equal(use, own);
	assert_int_equal(use->nalerts, 1);
	assert_string_equal(kv_get(&use->common_labels, "host"), "a");
	notification_free(own);

	/* Common labels that are not its alerts': a copy that recomputes
	 * them, as before. */
	assert_int_equal(kv_set(&n->common_labels, "host", "a"), 0);
	assert_int_equal(sender_filter_resolved_view(n, true, &use, &own,
	    &err), 0);
	assert_non_null(own);
	assert_null(kv_get(&use->common_labels, "host"));
	assert_string_equal(kv_get(&use->common_labels, "alertname"), "Disk");
	notification_free(own);
	notification_free(n);

	/* Only resolved alerts and no send_resolved: nothing. */
	n = two_alerts(ALERT_RESOLVED);
	n->alerts[0].status = ALERT_RESOLVED;
	assert_int_equal(sender_filter_resolved_view(n, false, &use, &own,
	    &err), 0);
	assert_null(use);
	assert_null(own);
	notification_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_describe_takes_the_first_non_empty_path),
		cmocka_unit_test(test_url_dest_hides_the_url),
		cmocka_unit_test(test_filter_resolved_view_copies_only_when_it_must),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
