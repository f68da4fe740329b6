/* test_template.c: the template engine's parser errors, evaluator edge
 * cases and the Alertmanager functions newer than the 0.25 oracle (pinned to
 * their documented Go behaviour, since amtool 0.25 cannot check them). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tmpl.h"

static const char data_json[] =
    "{\"receiver\":\"team-x\",\"status\":\"firing\",\"alerts\":["
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"Disk\",\"zone\":\"b\","
    "\"instance\":\"n1\"},\"annotations\":{\"summary\":\"full <90%>\"},"
    "\"startsAt\":\"2026-11-23T13:49:41.5Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
    "\"generatorURL\":\"http://prom/g?x=1&y=2\",\"fingerprint\":\"f1\"},"
    "{\"status\":\"resolved\",\"labels\":{\"alertname\":\"Disk\",\"instance\":\"n2\"},"
    "\"annotations\":{},\"startsAt\":\"2026-11-23T12:00:00+01:00\","
    "\"endsAt\":\"2026-11-23T13:00:00Z\",\"generatorURL\":\"\",\"fingerprint\":\"f2\"}],"
    "\"groupLabels\":{\"alertname\":\"Disk\"},\"commonLabels\":{\"alertname\":\"Disk\"},"
    "\"commonAnnotations\":{},\"externalURL\":\"http://am:9093\"}";

/* 2026-11-23T14:00:00Z, so since/now are reproducible */
static const struct tmpl_opts fixed_now = {
	.now_sec = 1795442400, .now_nsec = 0, .local_tz = "UTC",
};

/* The release the helpers below render as (reset by each test using it). */
static enum tmpl_am_version render_am = TMPL_AM_0_34;

static char *
render_kind(const char *text, enum tmpl_kind kind, struct terr *err, int *rc)
{
	struct tmpl_set		*set = tmpl_set_new();
	struct notification	*n;
	struct buf		 out;
	struct terr		 e;
	char			*s;

	assert_non_null(set);
	tmpl_set_am_version(set, render_am);
	n = tmpl_data_parse(data_json, strlen(data_json), &e);
	assert_non_null(n);
	buf_init(&out, 0);
	*rc = tmpl_render_text(set, text, n, kind, &fixed_now, &out, err);
	s = buf_steal(&out);
	notification_free(n);
	tmpl_set_free(set);
	return s;
}

static void
expect(const char *text, const char *want)
{
	struct terr	 err;
	int		 rc;
	char		*got = render_kind(text, TMPL_TEXT, &err, &rc);

	if (rc != 0)
		fail_msg("%s: %s", text, err.msg);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_html(const char *text, const char *want)
{
	struct terr	 err;
	int		 rc;
	char		*got = render_kind(text, TMPL_HTML, &err, &rc);

	if (rc != 0)
		fail_msg("%s: %s", text, err.msg);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_err(const char *text, const char *want)
{
	struct terr	 err;
	int		 rc;
	char		*got = render_kind(text, TMPL_TEXT, &err, &rc);

	assert_int_equal(rc, -1);
	assert_string_equal(err.msg, want);
	free(got);
}

static void
test_parse_errors_name_line_like_go(void **state)
{
	expect_err("{{ if }}", "template: :1: missing value for if");
	expect_err("a\n{{ range .Alerts }}", "template: :2: unexpected EOF");
	expect_err("{{ end }}", "template: :1: unexpected {{end}}");
	expect_err("{{ nope }}", "template: :1: function \"nope\" not defined");
	expect_err("{{ $x }}", "template: :1: undefined variable \"$x\"");
	expect_err("{{ \"abc }}", "template: :1: unterminated quoted string");
	expect_err("{{ break }}", "template: :1: {{break}} outside {{range}}");
	expect_err("{{/* open", "template: :1: unclosed comment");
	expect_err("{{ define \"x\" }}a{{ else }}b{{ end }}",
	    "template: :1: unexpected {{else}} in define clause");
	expect_err("{{ block \"y\" . }}a{{ else }}b{{ end }}",
	    "template: :1: unexpected {{else}} in block clause");
}

static void
test_parse_errors_carry_file_name(void **state)
{
	struct tmpl_set	*set = tmpl_set_new();
	struct terr	 err;

	assert_int_equal(tmpl_set_add_text(set, "mine.tmpl",
	    "{{ define \"a\" }}ok{{ end }}\n\n{{ if }}", &err), -1);
	assert_string_equal(err.msg, "template: mine.tmpl:3: missing value for if");
	tmpl_set_free(set);
}

static void
test_exec_errors_name_position_and_operand(void **state)
{
	expect_err("{{ .Nope }}", "template: :1:3: executing \"\" at <.Nope>: "
	    "can't evaluate field Nope in type template.Data");
	expect_err("x\n  {{ .Alerts.Firing.Firing }}", "template: :2:12: executing "
	    "\"\" at <.Alerts.Firing.Firing>: can't evaluate field Firing in "
	    "type []template.Alert");
	expect_err("{{ index .Alerts 5 }}", "template: :1:3: executing \"\" at "
	    "<index .Alerts 5>: error calling index: index out of range: 5");
	expect_err("{{ eq 1 \"a\" }}", "template: :1:3: executing \"\" at "
	    "<eq 1 \"a\">: error calling eq: incompatible types for comparison");
	expect_err("{{ len 3 }}", "template: :1:3: executing \"\" at <len 3>: "
	    "error calling len: len of type int");
}

static void
test_kv_methods_sort_alertname_first(void **state)
{
	expect("{{ range .Alerts }}{{ .Labels.SortedPairs.Names }}{{ end }}",
	    "[alertname instance zone][alertname instance]");
	expect("{{ (index .Alerts 0).Labels.Remove (stringSlice \"zone\") }}",
	    "alertname=Disk, instance=n1");
	expect("{{ .CommonLabels.nope }}|{{ index .CommonLabels \"x\" }}|", "||");
	expect("{{ range $k, $v := (index .Alerts 0).Labels }}{{ $k }}={{ $v }},{{ end }}",
	    "alertname=Disk,instance=n1,zone=b,");
}

/* Alertmanager 0.26 gave KV and Pairs a String method and 0.34 Strings.Join;
 * --template.alertmanager-version=0.25 keeps 0.25's Go map and slice forms. */
static void
test_kv_pairs_strings_print_by_release(void **state)
{
	static const char text[] = "{{ .CommonLabels }}|{{ (index .Alerts 0).Labels }}|"
	    "{{ (index .Alerts 0).Labels.SortedPairs }}|{{ .CommonAnnotations }}|"
	    "{{ print (index .Alerts 0).Labels.Names }}|"
	    "{{ index (index .Alerts 0).Labels.SortedPairs 1 }}";

	render_am = TMPL_AM_0_34;
	expect(text, "alertname=Disk|alertname=Disk, instance=n1, zone=b|"
	    "alertname=Disk, instance=n1, zone=b||[alertname instance zone]|{instance n1}");
	expect("{{ (index .Alerts 0).Labels.Values.Join \", \" }}|"
	    "{{ .GroupLabels.Names.Join \"\" }}|{{ .CommonAnnotations.Values.Join \",\" }}",
	    "Disk, n1, b|alertname|");
	expect("{{ index .Alerts 1 }}", "{resolved alertname=Disk, instance=n2  "
	    "2026-11-23 12:00:00 +0100 +0100 2026-11-23 13:00:00 +0000 UTC  f2}");
	expect("{{ dict \"l\" .CommonLabels }} {{ list .GroupLabels }}",
	    "map[l:alertname=Disk] [alertname=Disk]");
	expect_err("{{ .GroupLabels.Names.Join }}", "template: :1:15: executing \"\" "
	    "at <.GroupLabels.Names.Join>: wrong number of args for Join: want 1 got 0");
	expect_err("{{ .GroupLabels.Names.Join 1 }}", "template: :1:15: executing \"\" "
	    "at <.GroupLabels.Names.Join>: wrong type for value; expected string; got int");
	expect_err("{{ (stringSlice \"a\").Join \",\" }}", "template: :1:20: executing "
	    "\"\" at <(stringSlice \"a\").Join>: can't evaluate field Join in type []string");

	render_am = TMPL_AM_0_25;
	expect(text, "map[alertname:Disk]|map[alertname:Disk instance:n1 zone:b]|"
	    "[{alertname Disk} {instance n1} {zone b}]|map[]|[alertname instance zone]|"
	    "{instance n1}");
	expect("{{ index .Alerts 1 }}", "{resolved map[alertname:Disk instance:n2] map[] "
	    "2026-11-23 12:00:00 +0100 +0100 2026-11-23 13:00:00 +0000 UTC  f2}");
	expect_err("{{ .GroupLabels.Names.Join \",\" }}", "template: :1:15: executing \"\" "
	    "at <.GroupLabels.Names.Join>: can't evaluate field Join in type []string");
	expect_err("{{ .RouteLabels }}", "template: :1:3: executing \"\" "
	    "at <.RouteLabels>: can't evaluate field RouteLabels in type template.Data");
	render_am = TMPL_AM_0_34;
}

/* Renders text against data read as template render reads --template.data. */
static void
expect_data(const char *json, const char *text, enum tmpl_am_version am,
    const char *want)
{
	struct tmpl_set		*set = tmpl_set_new();
	struct notification	*n;
	struct buf		 out;
	struct terr		 err;

	assert_non_null(set);
	tmpl_set_am_version(set, am);
	if ((n = tmpl_data_parse(json, strlen(json), &err)) == NULL)
		fail_msg("%s: %s", json, err.msg);
	buf_init(&out, 0);
	if (tmpl_render_text(set, text, n, TMPL_TEXT, &fixed_now, &out, &err) == -1)
		fail_msg("%s: %s", text, err.msg);
	assert_string_equal(buf_str(&out), want);
	buf_free(&out);
	notification_free(n);
	tmpl_set_free(set);
}

/* What --template.data leaves out is Go's zero value: an empty status (as
 * amtool takes it), nil label sets and alerts, which toJson writes as null. */
static void
test_data_absent_fields_are_go_zero_values(void **state)
{
	struct terr err;

	expect_data("{}", "{{ . | toJson }}", TMPL_AM_0_34, "{\"receiver\":\"\","
	    "\"status\":\"\",\"alerts\":null,\"notification_reason\":\"\","
	    "\"groupLabels\":null,\"commonLabels\":null,\"commonAnnotations\":null,"
	    "\"routeLabels\":null,\"externalURL\":\"\"}");
	expect_data("{\"status\":\"\"}", "[{{ .Status }}|{{ .Alerts }}|{{ .Alerts | toJson }}|"
	    "{{ .GroupLabels }}|{{ .Alerts.Firing | toJson }}]", TMPL_AM_0_34,
	    "[|[]|null||[]]");
	expect_data("{}", "[{{ .Status }}|{{ .GroupLabels }}]", TMPL_AM_0_25, "[|map[]]");
	expect_data("{\"alerts\":[{\"labels\":{\"a\":\"b\"}},{\"status\":\"firing\"}]}",
	    "{{ range .Alerts }}[{{ .Status }}]{{ end }} {{ len .Alerts.Firing }} "
	    "{{ len .Alerts.Resolved }} {{ .Alerts | toJson }}", TMPL_AM_0_34,
	    "[][firing] 1 0 [{\"status\":\"\",\"labels\":{\"a\":\"b\"},"
	    "\"annotations\":null,\"startsAt\":\"0001-01-01T00:00:00Z\","
	    "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\","
	    "\"fingerprint\":\"\"},{\"status\":\"firing\",\"labels\":null,"
	    "\"annotations\":null,\"startsAt\":\"0001-01-01T00:00:00Z\","
	    "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\","
	    "\"fingerprint\":\"\"}]");
	/* other statuses stay refused: the alert model has no room for them */
	assert_null(tmpl_data_parse("{\"status\":\"pending\"}", 20, &err));
	assert_string_equal(err.msg, "Data.status: \"pending\" is not firing, "
	    "resolved or empty");
}

static void
test_alerts_firing_resolved_and_printing(void **state)
{
	expect("{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}", "1/1");
	expect("{{ range .Alerts.Resolved }}{{ .StartsAt }}|{{ .EndsAt }}{{ end }}",
	    "2026-11-23 12:00:00 +0100 +0100|2026-11-23 13:00:00 +0000 UTC");
	expect("{{ (index .Alerts 0).StartsAt.Format \"Mon Jan _2 15:04:05.000 MST 2006\" }}",
	    "Mon Nov 23 13:49:41.500 UTC 2026");
	expect("{{ (index .Alerts 0).EndsAt.IsZero }} {{ (index .Alerts 1).StartsAt.UTC }}",
	    "true 2026-11-23 11:00:00 +0000 UTC");
}

static void
test_control_flow_break_continue_and_scopes(void **state)
{
	expect("{{ range $i, $s := stringSlice \"a\" \"b\" \"c\" }}{{ if eq $i 1 }}"
	    "{{ continue }}{{ end }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $s }}{{ end }}",
	    "a");
	expect("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2");
	expect("{{ with .CommonLabels.nope }}y{{ else }}n{{ end }}", "n");
	expect("{{ if and 0 (index .Alerts 99) }}y{{ else }}short-circuit{{ end }}",
	    "short-circuit");
	expect("  {{- \"a\" -}}  \n {{/* c */}} b", "a b");
}

static void
test_printf_and_literals_like_fmt(void **state)
{
	expect("{{ printf \"%5.1f|%-4d|%q|%x|%v\" 3.14159 7 \"a\\\"b\" \"hi\" 1e21 }}",
	    "  3.1|7   |\"a\\\"b\"|6869|1e+21");
	/* Invalid UTF-8 as Go's fmt sees it: a surrogate's bytes are
	 * quoted one by one, a stray byte is one rune wide. */
	expect("{{ printf \"%q\" \"\\xed\\xa0\\x80\" }}", "\"\\xed\\xa0\\x80\"");
	expect("{{ printf \"%3s|%.1s|\" \"\\x80\" \"\\x80\\x80\" }}", "  \x80|\x80|");
	expect("{{ printf \"%d %s\" 1 }}|{{ printf \"x\" 2 }}",
	    "1 %!s(MISSING)|x%!(EXTRA int=2)");
	expect("{{ 0x1F }} {{ 'a' }} {{ 1.0 }} {{ 1e6 }} {{ 123456.0 }}",
	    "31 97 1 1e+06 123456");
}

static void
test_defines_override_and_block(void **state)
{
	expect("{{ define \"x\" }}X{{ . }}{{ end }}{{ template \"x\" 1 }}", "X1");
	expect("{{ block \"b\" .Receiver }}[{{ . }}]{{ end }}", "[team-x]");
}

/* An empty definition does not replace a non-empty one (Go's rule), except
 * one of tocsin's built-in texts, which stand where Alertmanager's
 * default.tmpl does: Alertmanager's empty slack.default.text wins there. */
static void
test_empty_define_replaces_only_builtins(void **state)
{
	struct tmpl_set		*set = tmpl_set_new();
	struct notification	*n;
	struct buf		 out;
	struct terr		 err;

	assert_non_null(set);
	assert_int_equal(tmpl_set_add_builtin(set, "builtin",
	    "{{ define \"b\" }}B{{ end }}{{ define \"c\" }}C{{ end }}", &err), 0);
	assert_int_equal(tmpl_set_add_text(set, "user",
	    "{{ define \"u\" }}U{{ end }}", &err), 0);
	assert_int_equal(tmpl_set_add_text(set, "default.tmpl",
	    "{{ define \"b\" }}{{ end }}{{ define \"u\" }}{{ end }}", &err), 0);
	assert_int_equal(tmpl_set_add_builtin(set, "builtin2",
	    "{{ define \"c\" }}{{ end }}", &err), 0);
	n = tmpl_data_parse(data_json, strlen(data_json), &err);
	assert_non_null(n);
	buf_init(&out, 0);
	assert_int_equal(tmpl_render_text(set,
	    "[{{ template \"b\" }}][{{ template \"u\" }}][{{ template \"c\" }}]",
	    n, TMPL_TEXT, &fixed_now, &out, &err), 0);
	assert_string_equal(buf_str(&out), "[][U][C]");
	buf_free(&out);
	notification_free(n);
	tmpl_set_free(set);
}

static void
test_html_escapes_by_context(void **state)
{
	expect_html("<a href=\"{{ (index .Alerts 0).GeneratorURL }}\" "
	    "title=\"{{ (index .Alerts 0).Annotations.summary }}\">"
	    "{{ (index .Alerts 0).Annotations.summary }}</a><!-- gone -->",
	    "<a href=\"http://prom/g?x=1&amp;y=2\" title=\"full &lt;90%&gt;\">"
	    "full &lt;90%&gt;</a>");
	expect_html("<a href=\"{{ \"javascript:x\" }}\">{{ \"<b>\" | safeHtml }}"
	    "{{ \"a+b\" }}</a><a href=\"{{ safeUrl \"javascript:y\" }}\"></a>",
	    "<a href=\"#ZgotmplZ\"><b>a&#43;b</a><a href=\"javascript:y\"></a>");
}

static void
test_newer_functions_time(void **state)
{
	expect("{{ date \"2006-01-02 15:04\" (index .Alerts 0).StartsAt }}",
	    "2026-11-23 13:49");
	expect("{{ tz \"Europe/Berlin\" (index .Alerts 0).StartsAt }}",
	    "2026-11-23 14:49:41.5 +0100 CET");
	expect("{{ since (index .Alerts 0).StartsAt }}", "10m18.5s");
	expect("{{ toDate \"2006-01-02\" \"2026-03-04\" }}|{{ toDate \"2006\" \"bad\" }}",
	    "2026-03-04 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC");
	expect_err("{{ mustToDate \"2006-01-02\" \"x\" }}", "template: :1:3: "
	    "executing \"\" at <mustToDate \"2006-01-02\" \"x\">: error calling "
	    "mustToDate: parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\"");
	expect("{{ humanizeDuration 90061 }} {{ humanizeDuration 1.5 }} "
	    "{{ humanizeDuration 0.0012 }} {{ humanizeDuration \"0\" }}",
	    "1d 1h 1m 1s 1.5s 1.2ms 0s");
	expect_err("{{ tz \"No/Where\" (index .Alerts 0).StartsAt }}",
	    "template: :1:3: executing \"\" at <tz \"No/Where\" (index .Alerts 0).StartsAt>: "
	    "error calling tz: unknown time zone No/Where");
}

static void
test_newer_functions_data_and_strings(void **state)
{
	expect("{{ toJson .GroupLabels }}", "{\"alertname\":\"Disk\"}");
	/* newer Go (Alertmanager 0.34's) writes \b and \f short */
	expect("{{ toJson \"a\\bb\\fc\\x01\\u2028\" }}",
	    "\"a\\bb\\fc\\u0001\\u2028\"");
	expect("{{ toJson (dict \"b\" (list 1 2.5 \"<&>\" nil true) \"a\" 1e-7) }}",
	    "{\"a\":1e-7,\"b\":[1,2.5,\"\\u003c\\u0026\\u003e\",null,true]}");
	expect("{{ $d := dict \"k\" \"v\" }}{{ $d.k }}{{ index $d \"k\" }}{{ $d.missing }}",
	    "vv<no value>");
	expect("{{ append (list 1) 2 \"x\" }}|{{ list }}", "[1 2 x]|[]");
	expect_err("{{ dict \"a\" }}", "template: :1:3: executing \"\" at "
	    "<dict \"a\">: error calling dict: dict requires an even number of arguments");
	expect("{{ trimSpace \"  x y \\n\" }}|{{ urlUnescape \"a+b%2Fc\" }}|"
	    "{{ base64encode \"hi?>\" }}|{{ base64decode \"aGk_Pg==\" }}",
	    "x y|a b/c|aGk_Pg==|hi?>");
}

static void
test_render_named_and_immutable_set(void **state)
{
	struct tmpl_set		*set = tmpl_set_new();
	struct notification	*n;
	struct buf		 out;
	struct terr		 err;

	n = tmpl_data_parse(data_json, strlen(data_json), &err);
	assert_non_null(n);
	assert_int_equal(tmpl_set_add_text(set, "a.tmpl",
	    "{{ define \"t\" }}{{ .Receiver }}{{ end }}", &err), 0);
	buf_init(&out, 0);
	/* a define inside an ad-hoc text does not leak into the set */
	assert_int_equal(tmpl_render_text(set, "{{ define \"u\" }}u{{ end }}"
	    "{{ template \"u\" }}", n, TMPL_TEXT, NULL, &out, &err), 0);
	assert_false(tmpl_set_has(set, "u"));
	assert_int_equal(tmpl_render(set, "t", n, TMPL_TEXT, NULL, &out, &err), 0);
	assert_string_equal(buf_str(&out), "uteam-x");
	assert_int_equal(tmpl_render(set, "nope", n, TMPL_TEXT, NULL, &out, &err), -1);
	buf_free(&out);
	notification_free(n);
	tmpl_set_free(set);
}

/* tocsin's default Telegram message: marker, status, what, where and since
 * on the first line; values HTML-escaped for Telegram. */
static void
test_default_telegram_template(void **state)
{
	struct tmpl_set		*set = tmpl_set_new();
	struct notification	*n;
	struct buf		 out;
	struct terr		 err;

	n = tmpl_data_parse(data_json, strlen(data_json), &err);
	assert_non_null(n);
	if (tmpl_set_add_file(set, TOCSIN_SOURCE_DIR "/templates/tocsin.tmpl",
	    &err) == -1)
		fail_msg("%s", err.msg);
	buf_init(&out, 0);
	assert_int_equal(tmpl_render(set, "tocsin.telegram.message", n,
	    TMPL_TEXT, NULL, &out, &err), 0);
	assert_string_equal(buf_str(&out),
	    "\xe2\x9a\xaa <b>FIRING</b> Disk on n1 \xc2\xb7 since 13:49 UTC\n"
	    "full &lt;90%&gt;\n"
	    "<a href=\"http://prom/g?x=1&amp;y=2\">source</a>\n\n"
	    "\xe2\x9c\x85 <b>RESOLVED</b> Disk on n2 \xc2\xb7 resolved 13:00 UTC");
	/* What the Telegram sender runs in parse_mode HTML (Alertmanager's
	 * default): the same text through html/template's escaping, the link
	 * still a link. */
	buf_reset(&out);
	assert_int_equal(tmpl_render_text(set, "{{ template \"telegram.default.message\" . }}",
	    n, TMPL_HTML, NULL, &out, &err), 0);
	assert_string_equal(buf_str(&out),
	    "\xe2\x9a\xaa <b>FIRING</b> Disk on n1 \xc2\xb7 since 13:49 UTC\n"
	    "full &lt;90%&gt;\n"
	    "<a href=\"http://prom/g?x=1&amp;y=2\">source</a>\n\n"
	    "\xe2\x9c\x85 <b>RESOLVED</b> Disk on n2 \xc2\xb7 resolved 13:00 UTC");
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "tocsin.slack.text", n, TMPL_TEXT,
	    NULL, &out, &err), 0);
	assert_string_equal(buf_str(&out),
	    "\xe2\x9a\xaa *Disk* on `n1`: full &lt;90%&gt; "
	    "<http://prom/g?x=1&y=2|source>\n\xe2\x9c\x85 *Disk* on `n2`\n");
	buf_free(&out);
	notification_free(n);
	tmpl_set_free(set);
}

/* Exponential recursion ends in an error, not a hang. */
static void
test_runaway_templates_are_stopped(void **state)
{
	struct tmpl_opts	 opts = { .now_sec = 1, .max_steps = 1000 };
	struct tmpl_set		*set = tmpl_set_new();
	struct buf		 out;
	struct terr		 err;
	const char		*text = "{{ define \"a\" }}{{ template \"a\" . }}"
				    "{{ template \"a\" . }}{{ end }}{{ template \"a\" . }}";

	buf_init(&out, 0);
	assert_int_equal(tmpl_render_text(set, text, NULL, TMPL_TEXT, &opts,
	    &out, &err), -1);
	assert_non_null(strstr(err.msg, "template execution exceeded 1000 steps"));
	assert_int_equal(tmpl_render_text(set, text, NULL, TMPL_TEXT, NULL,
	    &out, &err), -1);
	assert_non_null(strstr(err.msg, "exceeded maximum template depth (1000)"));
	buf_free(&out);
	tmpl_set_free(set);
}

/* Globs: no match is fine (Alertmanager allows it), a bad pattern is not. */
static void
test_globs_like_filepath_glob(void **state)
{
	struct tmpl_set	*set = tmpl_set_new();
	struct terr	 err;

	assert_int_equal(tmpl_set_add_glob(set, "/nonexistent/*.tmpl", &err), 0);
	assert_int_equal(tmpl_set_add_glob(set, "/nonexistent/[", &err), -1);
	assert_string_equal(err.msg, "syntax error in pattern");
	assert_int_equal(tmpl_set_add_glob(set, TOCSIN_SOURCE_DIR
	    "/templates/*.tmpl", &err), 0);
	assert_true(tmpl_set_has(set, "tocsin.telegram.message"));
	tmpl_set_free(set);
}

static void
test_data_parse_rejects_bad_types(void **state)
{
	struct terr err;

	assert_null(tmpl_data_parse("{\"receiver\":1}", 14, &err));
	assert_string_equal(err.msg, "json: cannot unmarshal number into Go "
	    "struct field Data.receiver of type string");
	assert_null(tmpl_data_parse("[1]", 3, &err));
}

static char *
render_on(struct tmpl_set *set, const struct notification *n, const char *text,
    int *rc, struct terr *err)
{
	struct buf	 out;

	buf_init(&out, 0);
	*rc = tmpl_render_text(set, text, n, TMPL_TEXT, &fixed_now, &out, err);
	return buf_steal(&out);
}

/* A set parses an ad-hoc text and compiles a pattern on their first render
 * and keeps them: later renders give the same output and the same errors,
 * a text's defines stay its own, and texts past what the set keeps still
 * render. */
static void
test_texts_kept_render_alike_again(void **state)
{
	static const char *const texts[] = {
		"{{ define \"d\" }}<{{ . }}>{{ end }}{{ template \"d\" .Receiver }}",
		"{{ .Receiver | reReplaceAll \"-(.)\" \"+$1\" }} {{ match \"^te\" .Receiver }}",
		"{{ .Receiver | reReplaceAll \"(\" \"\" }}",
		"{{ .Nope }}",
		"{{ if }}",
	};
	static const char *const want[] = {
		"<team-x>", "team+x true", NULL, NULL, NULL,
	};
	struct tmpl_set		*set = tmpl_set_new();
	struct notification	*n;
	struct terr		 err, err1;
	char			*got, text[64];
	int			 rc, rc1;

	assert_non_null(set);
	n = tmpl_data_parse(data_json, strlen(data_json), &err);
	assert_non_null(n);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *first = render_on(set, n, texts[i], &rc1, &err1);

		for (int round = 0; round < 2; round++) {
			got = render_on(set, n, texts[i], &rc, &err);
			assert_int_equal(rc, rc1);
			assert_string_equal(got, first);
			if (want[i] != NULL)
				assert_string_equal(got, want[i]);
			else
				assert_string_equal(err.msg, err1.msg);
			free(got);
		}
		free(first);
	}
	/* "d" was the text's, not the set's */
	got = render_on(set, n, "{{ template \"d\" . }}", &rc, &err);
	assert_int_equal(rc, -1);
	free(got);
	for (int i = 0; i < 1500; i++) {
		char want_s[16];

		snprintf(text, sizeof(text), "{{ %d }}{{ .Receiver | reReplaceAll \"%d\" \"\" }}", i, i);
		snprintf(want_s, sizeof(want_s), "%dteam-x", i);
		got = render_on(set, n, text, &rc, &err);
		assert_int_equal(rc, 0);
		assert_string_equal(got, want_s);
		free(got);
	}
	notification_free(n);
	tmpl_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors_name_line_like_go),
		cmocka_unit_test(test_parse_errors_carry_file_name),
		cmocka_unit_test(test_exec_errors_name_position_and_operand),
		cmocka_unit_test(test_kv_methods_sort_alertname_first),
		cmocka_unit_test(test_kv_pairs_strings_print_by_release),
		cmocka_unit_test(test_data_absent_fields_are_go_zero_values),
		cmocka_unit_test(test_alerts_firing_resolved_and_printing),
		cmocka_unit_test(test_control_flow_break_continue_and_scopes),
		cmocka_unit_test(test_printf_and_literals_like_fmt),
		cmocka_unit_test(test_defines_override_and_block),
		cmocka_unit_test(test_empty_define_replaces_only_builtins),
		cmocka_unit_test(test_html_escapes_by_context),
		cmocka_unit_test(test_newer_functions_time),
		cmocka_unit_test(test_newer_functions_data_and_strings),
		cmocka_unit_test(test_render_named_and_immutable_set),
		cmocka_unit_test(test_default_telegram_template),
		cmocka_unit_test(test_runaway_templates_are_stopped),
		cmocka_unit_test(test_globs_like_filepath_glob),
		cmocka_unit_test(test_data_parse_rejects_bad_types),
		cmocka_unit_test(test_texts_kept_render_alike_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
