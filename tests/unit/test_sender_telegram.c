/* test_sender_telegram.c: the Telegram sender against the fake Bot API: the
 * exact body Alertmanager's format gives for a real payload, parse-error
 * fallback, long messages split, chat migration followed and remembered,
 * classification of errors, and no token in any result. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "default_tmpl.h"
#include "fake_client.h"
#include "payload.h"
#include "receiver_configs.h"
#include "sender.h"
#include "sender_telegram_text.h"
#include "tmpl.h"

#define TOKEN "123456:TEST-token"

struct env {
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	struct notification	*firing;
	char			 memodir[64];
};

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*p;
	long	 n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;
	size_t		 len;
	char		*body;

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_telegram.py",
	    "{\"chats\": {\"42\": {\"type\": \"private\"},"
	    " \"-100\": {\"type\": \"group\", \"migrate_to_chat_id\": -1001234567890},"
	    " \"-1001234567890\": {\"type\": \"supergroup\"}},"
	    " \"rate_limits_enabled\": false}"), 0);
	if ((e->tmpl = default_tmpl_load(&e->opts, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	body = slurp(TOCSIN_FIXTURES_DIR "/ssh-login-firing.json", &len);
	e->firing = payload_parse(body, len, &err);
	assert_non_null(e->firing);
	free(body);
	snprintf(e->memodir, sizeof(e->memodir), "/tmp/tocsin-memo-XXXXXX");
	assert_non_null(mkdtemp(e->memodir));
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	char		 cmd[128];

	fake_stop(&e->fake);
	tmpl_set_free(e->tmpl);
	notification_free(e->firing);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->memodir);
	assert_int_equal(system(cmd), 0);
	free(e);
	return 0;
}

static int
reset(void **state)
{
	struct env	*e = *state;

	assert_int_equal(fake_reset(&e->fake), 0);
	return 0;
}

/* A config with one telegram integration; extra YAML lines go under it. */
static struct config *
tg_config(struct env *e, const char *chat, const char *extra)
{
	char		 yaml[2048];
	struct terr	 err;
	struct config	*cfg;

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n"
	    "  - bot_token: '" TOKEN "'\n    chat_id: %s\n    api_url: %s\n%s",
	    chat, e->fake.base, extra ? extra : "");
	cfg = config_load_buffer("test.yml", "/tmp", yaml, strlen(yaml), &err);
	if (cfg == NULL)
		fail_msg("config: %s", err.msg);
	return cfg;
}

static const struct telegram_config *
tg_of(const struct config *cfg)
{
	const struct receiver *r = config_receiver(cfg, "tg");

	assert_non_null(r);
	assert_int_equal(NTELEGRAM(r), 1);
	return TELEGRAM_AT(r, 0);
}

static void
render(struct env *e, const struct telegram_config *c,
    const struct notification *n, struct sender_parts *parts)
{
	struct sender_render_ctx	ctx = { e->tmpl, &e->opts };
	struct terr			err;

	memset(parts, 0, sizeof(*parts));
	if (sender_telegram_ops.render(c, n, &ctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
}

static void
send1(const struct telegram_config *c, struct sender_memo *memo,
    const struct sender_part *p, struct send_result *r)
{
	struct sender_send_ctx ctx = { .receiver = "tg",
	    .integration = "telegram/0", .memo = memo, .timeout_ms = 5000 };

	sender_telegram_ops.send(c, &ctx, p->dest, p->payload, p->len, r);
	assert_null(strstr(r->reason, "TEST-token"));
}

/* The body for the fixture is Alertmanager's: sorted string-valued keys,
 * disable_web_page_preview, HTML parse mode, default template, Go escaping;
 * the fake received exactly those bytes on the bot's path. */
static void
test_fixture_exact_body(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "42", NULL);
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs;
	const char		*want =
	    "{\"chat_id\":\"42\",\"disable_web_page_preview\":\"true\","
	    "\"parse_mode\":\"HTML\",\"text\":\"\\n\\nAlerts Firing:\\n"
	    "Labels:\\n - alertname = SSHLoginFromNonLAN\\n"
	    " - instance = homelab:9100\\n - severity = critical\\n"
	    " - src_ip = 203.0.113.7\\nAnnotations:\\n"
	    " - description = A shell login succeeded from a non-LAN address.\\n"
	    " - summary = Shell login for root from 203.0.113.7\\nSource: \\n\\n\\n\\n\"}";

	render(e, tg_of(cfg), e->firing, &parts);
	assert_int_equal(parts.n, 1);
	assert_string_equal(parts.v[0].dest, "telegram:123456:42");
	assert_string_equal(parts.v[0].payload, want);
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	assert_string_equal(fake_req_str(reqs, 0, "path"), "/bot" TOKEN "/sendMessage");
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	assert_int_equal(fake_req_int(reqs, 0, "status"), 200);
	json_decref(reqs);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* HTML-special characters in labels: the body is the one a real
 * Alertmanager 0.25 sent for the same alert (pinned in
 * tests/integration/fakes_selftest.sh): values HTML-escaped by the template,
 * then &, <, > escaped again by Go's JSON encoder. */
static void
test_matches_real_alertmanager(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "42", "    parse_mode: HTML\n");
	static const char	 in[] =
	    "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"both\","
	    "\"groupKey\":\"{}:{}\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"alertname\":\"DiskFull\",\"severity\":\"critical\","
	    "\"instance\":\"a<b>&c\"},\"annotations\":{\"summary\":"
	    "\"disk <full> & more\"},\"startsAt\":\"2026-11-23T13:49:41Z\"}]}";
	struct terr		 err;
	struct notification	*n = payload_parse(in, strlen(in), &err);
	struct sender_parts	 parts;
	struct send_result	 r;

	assert_non_null(n);
	render(e, tg_of(cfg), n, &parts);
	assert_int_equal(parts.n, 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"chat_id\":\"42\",\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"\\n\\nAlerts Firing:\\nLabels:\\n - alertname = DiskFull\\n"
	    " - instance = a\\u0026lt;b\\u0026gt;\\u0026amp;c\\n - severity = critical\\n"
	    "Annotations:\\n - summary = disk \\u0026lt;full\\u0026gt; \\u0026amp; more\\n"
	    "Source: \\n\\n\\n\\n\"}");
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* disable_notifications, message_thread_id and a custom message; resolved
 * alerts with send_resolved false give no message at all. */
static void
test_options_and_send_resolved(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "42",
	    "    disable_notifications: true\n    message_thread_id: 5\n"
	    "    message: '{{ .Status }} <b>{{ .CommonLabels.alertname }}</b> a&b'\n"
	    "    send_resolved: false\n");
	struct sender_parts	 parts;
	struct notification	*resolved;

	render(e, tg_of(cfg), e->firing, &parts);
	assert_int_equal(parts.n, 1);
	assert_string_equal(parts.v[0].payload,
	    "{\"chat_id\":\"42\",\"disable_notification\":\"true\","
	    "\"disable_web_page_preview\":\"true\",\"message_thread_id\":\"5\","
	    "\"parse_mode\":\"HTML\",\"text\":\"firing \\u003cb\\u003eSSHLoginFromNonLAN"
	    "\\u003c/b\\u003e a\\u0026b\"}");
	sender_parts_free(&parts);
	resolved = notification_subset(e->firing, (size_t[]){ 0 }, 1, "tocsin");
	resolved->alerts[0].status = ALERT_RESOLVED;
	render(e, tg_of(cfg), resolved, &parts);
	assert_int_equal(parts.n, 0);
	notification_free(resolved);
	config_free(cfg);
}

/* "can't parse entities": the same text again as plain text, at once. */
static void
test_parse_error_fallback(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "42",
	    "    message: 'Disk <foo>full</foo> &amp; <b>hot</b> &#65;'\n");
	struct sender_parts	 parts;
	struct send_result	 r;
	json_t			*reqs;

	render(e, tg_of(cfg), e->firing, &parts);
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "telegram: 200 (sent as plain text)");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 2);
	assert_int_equal(fake_req_int(reqs, 0, "status"), 400);
	assert_string_equal(fake_req_str(reqs, 0, "body"), parts.v[0].payload);
	assert_string_equal(fake_req_str(reqs, 1, "body"),
	    "{\"chat_id\":\"42\",\"disable_web_page_preview\":\"true\","
	    "\"text\":\"Disk full \\u0026 hot A\"}");
	assert_int_equal(fake_req_int(reqs, 1, "status"), 200);
	json_decref(reqs);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* A message over 4096 units is split at line breaks into numbered parts the
 * fake accepts, in order. */
static void
test_long_message_split(void **state)
{
	struct env		*e = *state;
	/* 100 lines of 60 visible units each ("&amp;" counts one). */
	struct config		*cfg;
	struct sender_parts	 parts;
	struct tgtext_parts	 tp;
	struct send_result	 r;
	struct buf		 text;
	json_t			*reqs;

	/* The splitter itself, on a text built here. */
	buf_init(&text, 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_printf(&text, "<b>%02d</b> &amp; %054d\n", i, 0), 0);
	assert_int_equal(tgtext_units(buf_str(&text), text.len, true), 6000);
	assert_int_equal(tgtext_split(buf_str(&text), text.len, true, 4096, &tp), 0);
	assert_int_equal(tp.n, 2);
	/* 68 whole lines fit in 4096 - 16 units. */
	assert_int_equal(strncmp(tp.v[0], "(1/2)\n<b>00</b> &amp; ", 22), 0);
	assert_int_equal(strncmp(tp.v[1], "(2/2)\n<b>68</b> &amp; ", 22), 0);
	assert_int_equal(tgtext_units(tp.v[0], strlen(tp.v[0]), true), 6 + 68 * 60);
	assert_int_equal(tgtext_units(tp.v[1], strlen(tp.v[1]), true), 6 + 32 * 60);
	/* The cut is right after a line break. */
	assert_int_equal(tp.v[0][strlen(tp.v[0]) - 1], '\n');
	tgtext_parts_free(&tp);

	/* Through the sender and the fake. */
	{
		char yaml_msg[256];

		snprintf(yaml_msg, sizeof(yaml_msg), "    message: '{{ .CommonAnnotations.long | safeHtml }}'\n");
		cfg = tg_config(e, "42", yaml_msg);
	}
	{
		struct notification *n = notification_subset(e->firing,
		    (size_t[]){ 0 }, 1, "tocsin");

		assert_int_equal(kv_set(&n->alerts[0].annotations, "long", buf_str(&text)), 0);
		render(e, tg_of(cfg), n, &parts);
		notification_free(n);
	}
	buf_free(&text);
	assert_int_equal(parts.n, 2);
	for (size_t i = 0; i < parts.n; i++) {
		send1(tg_of(cfg), NULL, &parts.v[i], &r);
		assert_int_equal(r.status, SEND_OK);
	}
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 2);
	assert_string_equal(fake_req_str(reqs, 0, "body"), parts.v[0].payload);
	assert_string_equal(fake_req_str(reqs, 1, "body"), parts.v[1].payload);
	assert_int_equal(fake_req_int(reqs, 0, "status"), 200);
	assert_int_equal(fake_req_int(reqs, 1, "status"), 200);
	json_decref(reqs);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* What counts: tags nothing, entities one, a '<' that starts no tag one,
 * astral characters two, an invalid byte one (an overlong F0 80 80 80 is
 * four of them, as Go's range over a string reads it). */
static void
test_units(void **state)
{
	(void)state;
	assert_int_equal(tgtext_units("<b>ab</b>", 9, true), 2);
	assert_int_equal(tgtext_units("<b>ab</b>", 9, false), 9);
	assert_int_equal(tgtext_units("&lt;&amp;&#128293;&#x41;&nbsp;", 30, true), 1 + 1 + 2 + 1 + 6);
	assert_int_equal(tgtext_units("a < b > c", 9, true), 9);
	assert_int_equal(tgtext_units("a <b < c>", 9, true), 9);
	assert_int_equal(tgtext_units("\xf0\x9f\x94\xa5\xc3\xa9", 6, true), 3);
	assert_int_equal(tgtext_units("\xf0\x80\x80\x80", 4, true), 4);
	assert_int_equal(tgtext_units("\xed\xa0\x80", 3, true), 3);
}

/* A long line without breaks is cut between characters, never inside an
 * entity or a UTF-8 sequence. */
static void
test_split_no_newline(void **state)
{
	struct buf		 text;
	struct tgtext_parts	 tp;

	(void)state;
	buf_init(&text, 0);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(buf_adds(&text, "é&lt;"), 0);
	assert_int_equal(tgtext_split(buf_str(&text), text.len, true, 4096, &tp), 0);
	assert_int_equal(tp.n, 2);
	/* 4080 units: 2040 pairs. */
	assert_int_equal(strlen(tp.v[0]), 6 + 2040 * 6);
	assert_int_equal(tgtext_units(tp.v[1], strlen(tp.v[1]), true), 6 + 1920);
	tgtext_parts_free(&tp);
	buf_free(&text);
}

/* Without a line break or a space the cut falls between characters as a
 * reader sees them: never inside a ZWJ family emoji (7 runes, 11 UTF-16
 * units), between a letter and its combining accent, or inside a flag. */
static void
test_split_keeps_graphemes_whole(void **state)
{
	static const char family[] = "\xf0\x9f\x91\xa8\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa6";			/* man ZWJ woman ZWJ girl ZWJ boy */
	static const char e_acute[] = "e\xcc\x81";	/* e + U+0301 */
	static const char flag[] = "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa"; /* DE */
	const char *const units[] = { family, e_acute, flag };
	const size_t	 widths[] = { 11, 2, 4 };
	/* text before the cluster, so that its first rune still fits in the
	 * 30 units of a part (max 46 less the prefix room) and the rest not */
	const int	 lead[] = { 28, 29, 28 };

	(void)state;
	for (size_t u = 0; u < 3; u++) {
		struct buf		 text;
		struct tgtext_parts	 tp;
		size_t			 n = 0;
		char			 want[64];

		buf_init(&text, 0);
		for (int i = 0; i < lead[u]; i++)
			assert_int_equal(buf_addc(&text, 'x'), 0);
		assert_int_equal(buf_adds(&text, units[u]), 0);
		assert_int_equal(buf_adds(&text, "yyyyyyyyyyyyyyyyyy"), 0);
		assert_int_equal(tgtext_split(buf_str(&text), text.len, false, 46,
		    &tp), 0);
		assert_int_equal(tp.n, 2);
		/* the first part ends before the cluster, the second holds it whole */
		snprintf(want, sizeof(want), "(1/2)\n%.*s", lead[u],
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		assert_string_equal(tp.v[0], want);
		assert_int_equal(strncmp(tp.v[1] + 6, units[u], strlen(units[u])), 0);
		for (size_t k = 0; k < tp.n; k++)
			n += tgtext_units(tp.v[k], strlen(tp.v[k]), false) - 6;
		assert_int_equal(n, (size_t)lead[u] + widths[u] + 18);
		tgtext_parts_free(&tp);
		buf_free(&text);
	}
}

/* A <pre> block longer than the limit is cut at a line break inside it; the
 * element is closed and opened again, so each part parses on its own. */
static void
test_split_inside_element(void **state)
{
	struct env		*e = *state;
	struct buf		 text;
	struct tgtext_parts	 tp;
	struct config		*cfg;
	struct sender_parts	 parts;
	struct send_result	 r;
	struct notification	*n;
	json_t			*reqs;

	buf_init(&text, 0);
	assert_int_equal(buf_adds(&text, "head\n<pre language=\"x\"><b>"), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_printf(&text, "%059d\n", i), 0);
	assert_int_equal(buf_adds(&text, "</b></pre>\ntail"), 0);
	assert_int_equal(tgtext_split(buf_str(&text), text.len, true, 4096, &tp), 0);
	assert_int_equal(tp.n, 2);
	/* 5 + 67 lines of 60 fit in 4080. */
	assert_int_equal(strncmp(tp.v[0], "(1/2)\nhead\n<pre language=\"x\"><b>0", 33), 0);
	assert_string_equal(tp.v[0] + strlen(tp.v[0]) - 22, "00000000066\n</b></pre>");
	assert_int_equal(strncmp(tp.v[1], "(2/2)\n<pre language=\"x\"><b>0000", 31), 0);
	assert_string_equal(tp.v[1] + strlen(tp.v[1]) - 16, "\n</b></pre>\ntail");
	tgtext_parts_free(&tp);

	/* The fake (TDLib's parser) accepts both parts as HTML. */
	cfg = tg_config(e, "42", "    message: '{{ .CommonAnnotations.long | safeHtml }}'\n");
	n = notification_subset(e->firing, (size_t[]){ 0 }, 1, "tocsin");
	assert_int_equal(kv_set(&n->alerts[0].annotations, "long", buf_str(&text)), 0);
	render(e, tg_of(cfg), n, &parts);
	notification_free(n);
	buf_free(&text);
	assert_int_equal(parts.n, 2);
	for (size_t i = 0; i < parts.n; i++) {
		send1(tg_of(cfg), NULL, &parts.v[i], &r);
		assert_int_equal(r.status, SEND_OK);
		assert_string_equal(r.reason, "telegram: 200");
	}
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 2);
	json_decref(reqs);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* migrate_to_chat_id: re-sent to the new chat in the same attempt, and the
 * new id remembered (on disk) for the next message. */
static void
test_migrate(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "-100", "    message: 'hi'\n");
	struct sender_parts	 parts;
	struct send_result	 r;
	struct sender_memo	*memo;
	struct terr		 err;
	json_t			*reqs;
	char			 v[64];

	memo = sender_memo_open(e->memodir, &err);
	assert_non_null(memo);
	render(e, tg_of(cfg), e->firing, &parts);
	assert_string_equal(parts.v[0].dest, "telegram:123456:-100");
	send1(tg_of(cfg), memo, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	send1(tg_of(cfg), memo, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	sender_memo_free(memo);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 3);
	assert_int_equal(fake_req_int(reqs, 0, "status"), 400);
	assert_string_equal(fake_req_str(reqs, 1, "body"),
	    "{\"chat_id\":\"-1001234567890\",\"disable_web_page_preview\":\"true\","
	    "\"parse_mode\":\"HTML\",\"text\":\"hi\"}");
	assert_string_equal(fake_req_str(reqs, 2, "body"), fake_req_str(reqs, 1, "body"));
	json_decref(reqs);
	/* A restart keeps it. */
	memo = sender_memo_open(e->memodir, &err);
	assert_non_null(memo);
	assert_int_equal(sender_memo_get(memo, "telegram-chat:tg/telegram/0", v, sizeof(v)), 1);
	assert_string_equal(v, "-1001234567890");
	sender_memo_free(memo);
	sender_parts_free(&parts);
	config_free(cfg);
}

/* Classification: unknown chat and bad token are permanent, 5xx and 429
 * transient (429 with the wait Telegram asked for), no server transient. */
static void
test_classification(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "41", "    message: 'x'\n");
	struct sender_parts	 parts;
	struct send_result	 r;
	char			*s;

	render(e, tg_of(cfg), e->firing, &parts);
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "telegram: 400 Bad Request: chat not found");
	sender_parts_free(&parts);
	config_free(cfg);

	cfg = tg_config(e, "42", "    message: 'x'\n");
	render(e, tg_of(cfg), e->firing, &parts);
	s = fake_call(&e->fake, "/_fake/config",
	    "{\"force\": [{\"status\": 500}, {\"status\": 429, \"retry_after\": 7},"
	    " {\"status\": 401}]}");
	free(s);
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, -1);
	assert_string_equal(r.reason, "telegram: 500 Internal Server Error");
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, 7000);
	assert_string_equal(r.reason, "telegram: 429 Too Many Requests: retry after 7");
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_PERMFAIL);
	assert_string_equal(r.reason, "telegram: 401 Unauthorized");

	/* A wait beyond reason is capped as a Retry-After header is (nine
	 * digits of seconds), not multiplied past int64. */
	s = fake_call(&e->fake, "/_fake/config",
	    "{\"force\": [{\"status\": 429, \"retry_after\": 9223372036854775807}]}");
	free(s);
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_int_equal(r.retry_after_ms, INT64_C(999999999000));
	assert_string_equal(r.reason, "telegram: 429 Too Many Requests: retry after "
	    "9223372036854775807");
	sender_parts_free(&parts);
	config_free(cfg);

	/* Nobody listening: transient, and the URL's path (the token) redacted. */
	{
		char		 yaml[512];
		struct terr	 err;

		snprintf(yaml, sizeof(yaml),
		    "route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n"
		    "  - bot_token: '" TOKEN "'\n    chat_id: 42\n    api_url: http://127.0.0.1:1\n");
		cfg = config_load_buffer("t.yml", "/tmp", yaml, strlen(yaml), &err);
		assert_non_null(cfg);
	}
	render(e, tg_of(cfg), e->firing, &parts);
	send1(tg_of(cfg), NULL, &parts.v[0], &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_string_equal(r.reason,
	    "telegram: POST http://127.0.0.1:1/<redacted>: Couldn't connect to server");
	sender_parts_free(&parts);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fixture_exact_body, reset),
		cmocka_unit_test_setup(test_matches_real_alertmanager, reset),
		cmocka_unit_test_setup(test_options_and_send_resolved, reset),
		cmocka_unit_test_setup(test_parse_error_fallback, reset),
		cmocka_unit_test_setup(test_long_message_split, reset),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_split_no_newline),
		cmocka_unit_test(test_split_keeps_graphemes_whole),
		cmocka_unit_test_setup(test_split_inside_element, reset),
		cmocka_unit_test_setup(test_migrate, reset),
		cmocka_unit_test_setup(test_classification, reset),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
