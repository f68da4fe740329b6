/* test_template_am034.c: Alertmanager v0.34.0's own template test cases
 * (template/template_test.go at that tag), transcribed into
 * tests/compat/am034/template_test.json and run here against the engine
 * with its default semantics. Go's tests hand templates any value as dot
 * (slices, maps, times), which template render cannot, so this runner
 * builds those values through the engine's internal header. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "tmpl_int.h"

#define CASES TOCSIN_SOURCE_DIR "/tests/compat/am034/template_test.json"

/* The render's clock: 2026-01-01T00:00:00Z. */
static const struct tmpl_opts fixed_now = {
	.now_sec = 1767225600, .now_nsec = 0, .local_tz = "UTC",
};

/* What a case's dot is built from; freed after the case. */
struct dot {
	struct val		 v;
	struct notification	*data;
	const char		**strs;
	struct vmap		 map;
	struct vlist		 list;
};

static void
dot_free(struct dot *d)
{
	notification_free(d->data);
	free(d->strs);
	free(d->map.k);
	free(d->map.v);
	free(d->list.v);
}

static void
num_val(json_t *j, bool as_float, struct val *v)
{
	if (json_is_integer(j) && !as_float) {
		v->t = V_INT;
		v->u.i = json_integer_value(j);
	} else {
		v->t = V_FLOAT;
		v->u.f = json_number_value(j);
	}
}

static int
cmpkey(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* map[string]any / map[string]string, keys sorted as Go's fmt and json
 * walk a map. */
static void
build_map(json_t *value, struct dot *d)
{
	const char	*k;
	json_t		*e;
	size_t		 n = json_object_size(value), i = 0;

	d->map.k = calloc(n + 1, sizeof(*d->map.k));
	d->map.v = calloc(n + 1, sizeof(*d->map.v));
	assert_non_null(d->map.k);
	assert_non_null(d->map.v);
	json_object_foreach(value, k, e)
		d->map.k[i++] = (char *)k;
	qsort(d->map.k, n, sizeof(*d->map.k), cmpkey);
	for (i = 0; i < n; i++) {
		e = json_object_get(value, d->map.k[i]);
		if (json_is_string(e)) {
			d->map.v[i].t = V_STR;
			d->map.v[i].u.s = json_string_value(e);
		} else
			num_val(e, false, &d->map.v[i]);
	}
	d->map.n = n;
	d->v.t = V_MAP;
	d->v.u.map = &d->map;
}

static void
build_list(json_t *value, const char *type, struct dot *d)
{
	size_t	 n = json_array_size(value);
	json_t	*e;
	size_t	 i;

	d->list.v = calloc(n + 1, sizeof(*d->list.v));
	assert_non_null(d->list.v);
	json_array_foreach(value, i, e)
		num_val(e, strcmp(type, "[]float64") == 0, &d->list.v[i]);
	d->list.n = n;
	d->v.t = V_LIST;
	d->v.u.list = &d->list;
}

/* "-1h": a time that long before the render's clock (time.Now().Add). */
static void
build_relative(const char *s, struct dot *d)
{
	char	*end;
	long	 n = strtol(s, &end, 10);
	long	 unit = *end == 'h' ? 3600 : *end == 'm' ? 60 : 1;

	d->v.t = V_TIME;
	d->v.u.tm.sec = fixed_now.now_sec + n * unit;
	strcpy(d->v.u.tm.zone, "UTC");
}

static void
build_dot(json_t *c, struct dot *d)
{
	json_t		*data = json_object_get(c, "data"), *value, *e;
	const char	*type;
	struct terr	 err;
	size_t		 i;

	memset(d, 0, sizeof(*d));
	if (data == NULL)
		return;		/* Go's nil data */
	type = json_string_value(json_object_get(data, "type"));
	value = json_object_get(data, "value");
	if (strcmp(type, "Data") == 0) {
		char *s = json_dumps(value, JSON_COMPACT);

		assert_non_null(s);
		d->data = tmpl_data_parse(s, strlen(s), &err);
		free(s);
		if (d->data == NULL)
			fail_msg("%s", err.msg);
		d->data->route_labels_rendered = json_is_true(
		    json_object_get(c, "routeLabelsRendered"));
		d->v.t = V_DATA;
		d->v.u.data = d->data;
	} else if (strcmp(type, "[]string") == 0) {
		d->strs = calloc(json_array_size(value) + 1, sizeof(*d->strs));
		assert_non_null(d->strs);
		json_array_foreach(value, i, e)
			d->strs[i] = json_string_value(e);
		d->v.t = V_STRS;
		d->v.u.strs.v = d->strs;
		d->v.u.strs.n = json_array_size(value);
	} else if (strncmp(type, "map[string]", 11) == 0)
		build_map(value, d);
	else if (strcmp(type, "time.Time") == 0) {
		d->v.t = V_TIME;
		assert_int_equal(tstamp_parse_rfc3339(json_string_value(value),
		    &d->v.u.tm, &err), 0);
	} else if (strcmp(type, "time.Now().Add") == 0)
		build_relative(json_string_value(value), d);
	else if (type[0] == '[')
		build_list(value, type, d);
	else
		fail_msg("unknown data type %s", type);
}

/* Runs one case; returns whether it passed, printing why not. */
static bool
run_case(const struct tmpl_set *set, json_t *c)
{
	const char	*title = json_string_value(json_object_get(c, "title"));
	const char	*test = json_string_value(json_object_get(c, "test"));
	const char	*in = json_string_value(json_object_get(c, "in"));
	const char	*exp = json_string_value(json_object_get(c, "exp"));
	const char	*experr = json_string_value(json_object_get(c, "expErr"));
	bool		 fail = json_is_true(json_object_get(c, "fail"));
	bool		 html = json_is_true(json_object_get(c, "html"));
	struct dot	 d;
	struct buf	 out;
	struct terr	 err = { "" };
	bool		 ok;
	int		 rc;

	build_dot(c, &d);
	buf_init(&out, 0);
	rc = tmpl_render_text_dot(set, in, d.data, &d.v, html ? TMPL_HTML :
	    TMPL_TEXT, &fixed_now, &out, &err);
	if (experr != NULL)
		ok = rc == -1 && strcmp(err.msg, experr) == 0 && out.len == 0;
	else if (fail)
		ok = rc == -1;
	else
		ok = rc == 0 && strcmp(buf_str(&out), exp) == 0;
	if (!ok)
		printf("FAIL %s/%s:\n  got  %s\n  err  %s\n  want %s\n", test, title,
		    buf_str(&out), rc == 0 ? "(none)" : err.msg,
		    experr ? experr : fail ? "(an error)" : exp);
	buf_free(&out);
	dot_free(&d);
	return ok;
}

static void
test_alertmanager_034_template_cases_pass(void **state)
{
	json_error_t	 je;
	json_t		*doc = json_load_file(CASES, 0, &je), *cases, *c;
	struct tmpl_set	*set = tmpl_set_new();
	size_t		 i, failed = 0;

	(void)state;
	if (doc == NULL)
		fail_msg("%s:%d: %s", CASES, je.line, je.text);
	assert_non_null(set);
	cases = json_object_get(doc, "cases");
	assert_true(json_array_size(cases) >= 70);
	json_array_foreach(cases, i, c)
		if (!run_case(set, c))
			failed++;
	printf("%zu cases, %zu failed\n", json_array_size(cases), failed);
	assert_int_equal(failed, 0);
	tmpl_set_free(set);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alertmanager_034_template_cases_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
