/* fuzz_template.c: libFuzzer target for the template engine: the input is
 * parsed as a template text and rendered, as text and as HTML, against a
 * fixed notification (with route labels that refer to each other, and a
 * cycle). Any outcome but a crash is fine; errors must be one
 * line, and a render must never run away (step budget, output cap). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char data_json[] =
    "{\"receiver\":\"r<&>\",\"status\":\"firing\",\"alerts\":["
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"severity\":\"critical\"},"
    "\"annotations\":{\"summary\":\"s \\\"q\\\"\"},\"startsAt\":\"2026-11-23T13:49:41.5Z\","
    "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://p/?a=1&b=2\","
    "\"fingerprint\":\"f\"},{\"status\":\"resolved\",\"labels\":{\"alertname\":\"B\"},"
    "\"annotations\":{},\"startsAt\":\"2026-11-23T12:00:00+01:00\","
    "\"endsAt\":\"2026-11-23T13:00:00Z\"}],\"groupLabels\":{\"alertname\":\"A\"},"
    "\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"http://am\","
    "\"routeLabels\":{\"a\":\"{{ routeLabels \\\"b\\\" }}-{{ routeLabels \\\"b\\\" }}\","
    "\"b\":\"{{ .Status | toUpper }}\",\"c\":\"{{ routeLabels \\\"d\\\" }}\","
    "\"d\":\"{{ routeLabels \\\"c\\\" }}\"}}";

static void
check_err(const struct terr *err)
{
	if (strchr(err->msg, '\n') != NULL || err->msg[0] == '\0') {
		fprintf(stderr, "fuzz_template: bad error message: %s\n", err->msg);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tmpl_set		*set;
	static struct notification	*n;
	struct tmpl_opts		 opts = { .now_sec = 1795442400,
					    .local_tz = "UTC", .max_steps = 200000 };
	struct terr			 err;
	struct buf			 out;
	char				*text;

	if (set == NULL) {
		set = tmpl_set_new();
		n = tmpl_data_parse(data_json, strlen(data_json), &err);
		if (set == NULL || n == NULL ||
		    tmpl_set_add_text(set, "base.tmpl", "{{ define \"t\" }}"
		    "{{ .Status }}{{ end }}", &err) == -1)
			abort();
	}
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (int kind = TMPL_TEXT; kind <= TMPL_HTML; kind++) {
		buf_init(&out, 1 << 20);
		memset(&err, 0, sizeof(err));
		if (tmpl_render_text(set, text, n, (enum tmpl_kind)kind, &opts,
		    &out, &err) == -1)
			check_err(&err);
		buf_free(&out);
	}
	free(text);
	return 0;
}
