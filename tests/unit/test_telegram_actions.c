/* test_telegram_actions.c: the actions extension of telegram_configs: its
 * config (defaults, every error with its position), the callback data, the
 * keyboard a firing notification is stored with and sent with (exact
 * bytes), the record written before the message and its message id after,
 * no keyboard without a place for records or on a resolved notification,
 * the lines of an edited message, update_message's edit and the escalate
 * extension's repeats answering the group's first message. */
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "actionrec.h"
#include "config.h"
#include "config_cases.h"
#include "default_tmpl.h"
#include "fake_client.h"
#include "payload.h"
#include "receiver_configs.h"
#include "sender.h"
#include "telegram_actions.h"
#include "tmpl.h"

#define TOKEN "123456:TEST-token"

struct env {
	struct fake		 fake;
	struct tmpl_set		*tmpl;
	struct tmpl_opts	 opts;
	char			 dir[64];
};

/* Records kept in memory, as the store would keep them. */
struct memrec {
	struct action_rec	 r;
	int			 puts;
	int			 sets;
	int			 fail_put;
	char			 labels[1024], receiver[64], integration[64];
	char			 group_key[256], chat[32];
	/* the group message */
	int			 gputs;
	char			 gkey[256], gchat[32];
	int64_t			 gmsg;
};

static int
mem_gput(void *arg, const char *receiver, const char *integration,
    const char *group_key, const char *chat, int64_t message_id,
    struct terr *err)
{
	struct memrec *m = arg;

	(void)err;
	assert_string_equal(receiver, "tg");
	assert_string_equal(integration, "telegram/0");
	m->gputs++;
	snprintf(m->gkey, sizeof(m->gkey), "%s", group_key);
	snprintf(m->gchat, sizeof(m->gchat), "%s", chat);
	m->gmsg = message_id;
	return 0;
}

static int
mem_gget(void *arg, const char *receiver, const char *integration,
    const char *group_key, char *chat, size_t chatlen, int64_t *message_id,
    int *found, struct terr *err)
{
	struct memrec *m = arg;

	(void)receiver, (void)integration, (void)err;
	*found = m->gputs > 0 && strcmp(group_key, m->gkey) == 0;
	snprintf(chat, chatlen, "%s", m->gchat);
	*message_id = m->gmsg;
	return 0;
}

static int
mem_put(void *arg, const struct action_rec *r, struct terr *err)
{
	struct memrec *m = arg;

	if (m->fail_put)
		return terr_set(err, "store: database or disk is full (SQLITE_FULL)");
	m->puts++;
	m->r = *r;
	snprintf(m->labels, sizeof(m->labels), "%s", r->labels);
	snprintf(m->receiver, sizeof(m->receiver), "%s", r->receiver);
	snprintf(m->integration, sizeof(m->integration), "%s", r->integration);
	snprintf(m->group_key, sizeof(m->group_key), "%s", r->group_key);
	snprintf(m->chat, sizeof(m->chat), "%s", r->chat);
	return 0;
}

static int
mem_set(void *arg, const char *id, int64_t message_id, struct terr *err)
{
	struct memrec *m = arg;

	if (strcmp(id, m->r.id) != 0)
		return terr_set(err, "store: no action record %s", id);
	m->sets++;
	m->r.message_id = message_id;
	return 0;
}

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_telegram.py",
	    "{\"rate_limits_enabled\": false}"), 0);
	if ((e->tmpl = default_tmpl_load(&e->opts, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	scratch_make(e->dir, sizeof(e->dir), "tocsin-tga");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	fake_stop(&e->fake);
	tmpl_set_free(e->tmpl);
	scratch_remove(e->dir);
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

static struct config *
tg_config(struct env *e, const char *actions)
{
	char	 yaml[2048];

	snprintf(yaml, sizeof(yaml),
	    "route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n"
	    "  - bot_token: '" TOKEN "'\n    chat_id: 42\n    api_url: %s\n"
	    "    message: '{{ .CommonLabels.alertname }} <b>{{ .Status }}</b>'\n%s",
	    e->fake.base, actions);
	return config_must_load(e->dir, yaml);
}

static const struct telegram_config *
tg_of(const struct config *cfg)
{
	const struct receiver *r = config_receiver(cfg, "tg");

	assert_non_null(r);
	return TELEGRAM_AT(r, 0);
}

static struct notification *
notif(const char *status)
{
	char		 body[1024];
	struct terr	 err;
	struct notification *n;

	snprintf(body, sizeof(body),
	    "{\"version\":\"4\",\"status\":\"%s\",\"receiver\":\"tg\","
	    "\"groupKey\":\"{}:{alertname=\\\"Disk\\\"}\","
	    "\"externalURL\":\"http://am:9093\","
	    "\"groupLabels\":{\"alertname\":\"Disk\"},"
	    "\"commonLabels\":{\"alertname\":\"Disk\",\"job\":\"node\"},"
	    "\"alerts\":[{\"status\":\"%s\",\"labels\":{\"alertname\":\"Disk\","
	    "\"job\":\"node\",\"instance\":\"a\"},\"startsAt\":"
	    "\"2026-11-23T13:49:41Z\"},{\"status\":\"%s\",\"labels\":"
	    "{\"alertname\":\"Disk\",\"job\":\"node\",\"instance\":\"b<c\"},"
	    "\"startsAt\":\"2026-11-23T13:49:41Z\"}]}", status, status, status);
	n = payload_parse(body, strlen(body), &err);
	if (n == NULL)
		fail_msg("payload: %s", err.msg);
	return n;
}

/* Renders n as the escalate extension asks: thread (the receiver repeats)
 * or reply (a repeat). */
static void
render_as(struct env *e, const struct telegram_config *c,
    const struct notification *n, bool thread, bool reply,
    struct sender_parts *parts)
{
	struct sender_render_ctx	ctx = { .tmpl = e->tmpl, .opts = &e->opts,
	    .thread = thread, .reply = reply };
	struct terr			err;

	memset(parts, 0, sizeof(*parts));
	if (sender_telegram_ops.render(c, n, &ctx, parts, &err) == -1)
		fail_msg("render: %s", err.msg);
}

static void
render(struct env *e, const struct telegram_config *c,
    const struct notification *n, struct sender_parts *parts)
{
	render_as(e, c, n, false, false, parts);
}

/* The id a stored body's buttons carry. */
static void
id_of(const char *payload, char id[ACTION_ID_LEN + 1])
{
	const char *p = strstr(payload, "\"callback_data\":\"");

	assert_non_null(p);
	memcpy(id, p + strlen("\"callback_data\":\""), ACTION_ID_LEN);
	id[ACTION_ID_LEN] = '\0';
	assert_true(action_id_valid(id));
}

static const char ACTIONS[] =
    "    actions:\n"
    "      silence: [1h, 24h]\n"
    "      ack: true\n"
    "      allowed_users: [111, 222]\n";

static void
test_actions_config_defaults_and_values(void **state)
{
	struct env	*e = *state;
	struct config	*cfg = tg_config(e, "");
	const struct telegram_config *c = tg_of(cfg);

	assert_false(c->actions.enabled);
	config_free(cfg);
	cfg = tg_config(e, ACTIONS);
	c = tg_of(cfg);
	assert_true(c->actions.enabled);
	assert_int_equal(c->actions.nsilence, 2);
	assert_int_equal(c->actions.silence[0], 3600000);
	assert_int_equal(c->actions.silence[1], 86400000);
	assert_string_equal(c->actions.silence_text[1], "24h");
	assert_true(c->actions.ack);
	assert_int_equal(c->actions.nusers, 2);
	assert_int_equal(c->actions.users[1], 222);
	assert_null(c->actions.alertmanager_url);
	assert_true(tga_allowed(&c->actions, 111));
	assert_false(tga_allowed(&c->actions, 333));
	assert_true(tga_offers(&c->actions, 86400000));
	assert_false(tga_offers(&c->actions, 7200000));
	config_free(cfg);
}

static void
test_actions_config_errors_with_positions(void **state)
{
	struct env	*e = *state;
	static const char head[] =
	    "route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n"
	    "  - bot_token: SECRET\n    chat_id: 42\n";
	static const struct errcase cases[] = {
		{ "    actions:\n      silence: [1h]\n",
		  "9:7: missing allowed_users on telegram_config actions: who may "
		  "press the buttons" },
		{ "    actions:\n      allowed_users: [1]\n",
		  "9:7: actions on telegram_config offer no button: set silence "
		  "durations or ack: true" },
		{ "    actions:\n",
		  "8:13: actions on telegram_config offer no button: set silence "
		  "durations or ack: true" },
		{ "    actions:\n      silence: [1h, 0s]\n      allowed_users: [1]\n",
		  "9:21: silence durations must be positive" },
		{ "    actions:\n      silence: [1h, 60m]\n      allowed_users: [1]\n",
		  "9:21: silence duration 60m is offered twice" },
		{ "    actions:\n      silence: [soon]\n      allowed_users: [1]\n",
		  "9:17: silence: not a valid duration string: \"soon\"" },
		{ "    actions:\n      silence: 1h\n      allowed_users: [1]\n",
		  "9:16: silence must be a list, not a scalar" },
		{ "    actions:\n      ack: true\n      allowed_users: [0]\n",
		  "10:23: allowed_users holds Telegram user ids (positive integers)" },
		{ "    actions:\n      ack: true\n      allowed_users: [ann]\n",
		  "10:23: allowed_users must be an integer, not \"ann\"" },
		{ "    actions:\n      ack: true\n      allowed_users: [1]\n"
		  "      alertmanager_url: ftp://am\n",
		  "11:25: alertmanager_url: unsupported scheme \"ftp\" for URL" },
		{ "    actions:\n      ack: yes please\n      allowed_users: [1]\n",
		  "9:12: ack must be true or false, not \"yes please\"" },
		{ "    actions:\n      ack: true\n      allowed_users: [1]\n"
		  "      repeat: 5m\n",
		  "11:7: unknown field repeat in telegram_config actions" },
	};

	check_errors(e->dir, head, "", cases, nitems(cases));
}

static void
test_callback_data_round_trip_and_forgeries(void **state)
{
	struct tga_press p, q;
	char		 cb[TGA_CALLBACK_MAX + 1];

	(void)state;
	memset(&p, 0, sizeof(p));
	snprintf(p.id, sizeof(p.id), "AbCdEfGh-_012345");
	p.kind = TGA_SILENCE;
	p.duration_ms = 86400000;
	snprintf(p.duration, sizeof(p.duration), "24h");
	tga_callback(&p, cb, sizeof(cb));
	assert_string_equal(cb, "AbCdEfGh-_012345:s:24h");
	assert_int_equal(tga_callback_parse(cb, &q), 0);
	assert_string_equal(q.id, p.id);
	assert_int_equal(q.kind, TGA_SILENCE);
	assert_int_equal(q.duration_ms, 86400000);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_012345:a", &q), 0);
	assert_int_equal(q.kind, TGA_ACK);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_012345:u", &q), 0);
	assert_int_equal(q.kind, TGA_UNSILENCE);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_01234:a", &q), -1);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_01234!:a", &q), -1);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_012345:x", &q), -1);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_012345:s:", &q), -1);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_012345:s:0s", &q), -1);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_012345:s:-1h", &q), -1);
	assert_int_equal(tga_callback_parse("AbCdEfGh-_012345:a:", &q), -1);
	assert_int_equal(tga_callback_parse("", &q), -1);
	assert_int_equal(tga_callback_parse(NULL, &q), -1);
}

/* A firing notification is stored with its keyboard and the record's
 * context; the bytes sent are the keyboard without the context; the record
 * is put before the send and gets the message id of the answer. */
static void
test_firing_notification_carries_keyboard_and_record(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, ACTIONS);
	struct notification	*n = notif("firing");
	struct sender_parts	 parts;
	struct memrec		 m;
	struct sender_records	 recs = { .put = mem_put, .set_message = mem_set,
	    .arg = &m };
	struct sender_send_ctx	 ctx = { .receiver = "tg",
	    .integration = "telegram/0", .timeout_ms = 5000, .records = &recs };
	struct send_result	 r;
	char			 id[ACTION_ID_LEN + 1], want[2048], kb[512];
	json_t			*reqs;

	memset(&m, 0, sizeof(m));
	render(e, tg_of(cfg), n, &parts);
	assert_int_equal(parts.n, 1);
	id_of(parts.v[0].payload, id);
	snprintf(kb, sizeof(kb), "{\"inline_keyboard\":[[{\"text\":\"Silence 1h\","
	    "\"callback_data\":\"%s:s:1h\"},{\"text\":\"Silence 24h\","
	    "\"callback_data\":\"%s:s:24h\"},{\"text\":\"Ack\",\"callback_data\":"
	    "\"%s:a\"}]]}", id, id, id);
	snprintf(want, sizeof(want), "{\"chat_id\":\"42\",\"disable_web_page_preview\":"
	    "\"true\",\"parse_mode\":\"HTML\",\"reply_markup\":%s,\"text\":"
	    "\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\",\"tocsin_action\":{\"id\":"
	    "\"%s\",\"group_key\":\"{}:{alertname=\\\"Disk\\\"}\",\"context\":"
	    "{\"external_url\":\"http://am:9093\",\"group\":{\"alertname\":\"Disk\"},"
	    "\"common\":{\"alertname\":\"Disk\",\"job\":\"node\"},\"alerts\":["
	    "{\"alertname\":\"Disk\",\"instance\":\"a\",\"job\":\"node\"},"
	    "{\"alertname\":\"Disk\",\"instance\":\"b\\u003cc\",\"job\":\"node\"}]}}}",
	    kb, id);
	assert_string_equal(parts.v[0].payload, want);

	sender_telegram_ops.send(tg_of(cfg), &ctx, parts.v[0].dest,
	    parts.v[0].payload, parts.v[0].len, &r);
	assert_int_equal(r.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 1);
	snprintf(want, sizeof(want), "{\"chat_id\":\"42\",\"disable_web_page_preview\":"
	    "\"true\",\"parse_mode\":\"HTML\",\"reply_markup\":%s,\"text\":"
	    "\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\"}", kb);
	assert_string_equal(fake_req_str(reqs, 0, "body"), want);
	json_decref(reqs);
	assert_int_equal(m.puts, 1);
	assert_int_equal(m.sets, 1);
	assert_string_equal(m.r.id, id);
	assert_string_equal(m.receiver, "tg");
	assert_string_equal(m.integration, "telegram/0");
	assert_string_equal(m.group_key, "{}:{alertname=\"Disk\"}");
	assert_string_equal(m.chat, "42");
	assert_int_equal(m.r.message_id, 1);
	assert_int_equal(m.r.expires - m.r.created, TGA_EXPIRY_MS);
	assert_string_equal(m.labels, "{\"external_url\":\"http://am:9093\",\"group\":"
	    "{\"alertname\":\"Disk\"},\"common\":{\"alertname\":\"Disk\",\"job\":"
	    "\"node\"},\"alerts\":[{\"alertname\":\"Disk\",\"instance\":\"a\","
	    "\"job\":\"node\"},{\"alertname\":\"Disk\",\"instance\":\"b<c\","
	    "\"job\":\"node\"}]}");
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* A record that cannot be stored holds the message back (retried): no
 * button may point nowhere. */
static void
test_unstorable_record_is_a_tempfail_and_nothing_is_sent(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, ACTIONS);
	struct notification	*n = notif("firing");
	struct sender_parts	 parts;
	struct memrec		 m;
	struct sender_records	 recs = { .put = mem_put, .set_message = mem_set,
	    .arg = &m };
	struct sender_send_ctx	 ctx = { .receiver = "tg",
	    .integration = "telegram/0", .timeout_ms = 5000, .records = &recs };
	struct send_result	 r;
	json_t			*reqs;

	memset(&m, 0, sizeof(m));
	m.fail_put = 1;
	render(e, tg_of(cfg), n, &parts);
	sender_telegram_ops.send(tg_of(cfg), &ctx, parts.v[0].dest,
	    parts.v[0].payload, parts.v[0].len, &r);
	assert_int_equal(r.status, SEND_TEMPFAIL);
	assert_string_equal(r.reason, "telegram: cannot store the record of its "
	    "buttons: store: database or disk is full (SQLITE_FULL)");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 0);
	json_decref(reqs);
	sender_parts_free(&parts);
	notification_free(n);
	config_free(cfg);
}

/* Without a place for records (send-test), and for a resolved
 * notification, the message goes without buttons. */
static void
test_no_keyboard_without_records_or_when_resolved(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, ACTIONS);
	struct notification	*n = notif("firing"), *res = notif("resolved");
	struct sender_parts	 parts;
	struct sender_send_ctx	 ctx = { .receiver = "tg",
	    .integration = "telegram/0", .timeout_ms = 5000, .records = NULL };
	struct send_result	 r;
	json_t			*reqs;

	render(e, tg_of(cfg), n, &parts);
	sender_telegram_ops.send(tg_of(cfg), &ctx, parts.v[0].dest,
	    parts.v[0].payload, parts.v[0].len, &r);
	assert_int_equal(r.status, SEND_OK);
	reqs = fake_requests(&e->fake);
	assert_string_equal(fake_req_str(reqs, 0, "body"), "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\"}");
	json_decref(reqs);
	sender_parts_free(&parts);
	render(e, tg_of(cfg), res, &parts);
	assert_int_equal(parts.n, 1);
	assert_string_equal(parts.v[0].payload, "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003eresolved\\u003c/b\\u003e\"}");
	sender_parts_free(&parts);
	notification_free(n);
	notification_free(res);
	config_free(cfg);
}

static void
test_keyboards_context_and_lines(void **state)
{
	struct tg_actions a;
	struct tga_ctx	 c;
	struct buf	 b;
	int64_t		 silence[] = { 900000 };
	char		*text[] = { "15m" };

	(void)state;
	memset(&a, 0, sizeof(a));
	a.silence = silence;
	a.silence_text = text;
	a.nsilence = 1;
	buf_init(&b, 0);
	assert_int_equal(tga_keyboard(&b, &a, "AAAAAAAAAAAAAAAA"), 0);
	assert_string_equal(buf_str(&b), "{\"inline_keyboard\":[[{\"text\":"
	    "\"Silence 15m\",\"callback_data\":\"AAAAAAAAAAAAAAAA:s:15m\"}]]}");
	buf_reset(&b);
	assert_int_equal(tga_unsilence_keyboard(&b, "AAAAAAAAAAAAAAAA"), 0);
	assert_string_equal(buf_str(&b), "{\"inline_keyboard\":[[{\"text\":"
	    "\"Unsilence\",\"callback_data\":\"AAAAAAAAAAAAAAAA:u\"}]]}");
	buf_reset(&b);
	/* 2026-11-23T13:49:41.999Z */
	assert_int_equal(tga_silenced_line(&b, "@ann (111)",
	    INT64_C(1795441781999)), 0);
	assert_string_equal(buf_str(&b), "\xf0\x9f\x94\x95 Silenced by @ann (111) "
	    "until 2026-11-23 13:49 UTC");
	buf_reset(&b);
	assert_int_equal(tga_acked_line(&b, "Bob (7)", INT64_C(1795441781999)), 0);
	assert_string_equal(buf_str(&b), "\xe2\x9c\x85 Acknowledged by Bob (7) "
	    "at 2026-11-23 13:49 UTC");
	buf_free(&b);

	assert_int_equal(tga_ctx_parse("{\"external_url\":\"http://am\",\"group\":{},"
	    "\"common\":{\"job\":\"x\"},\"alerts\":[{\"job\":\"x\",\"i\":\"1\"}]}",
	    &c), 0);
	assert_string_equal(c.external_url, "http://am");
	/* No group labels: a silence matches the common labels. */
	assert_int_equal(tga_ctx_matchers(&c)->n, 1);
	assert_string_equal(kv_get(tga_ctx_matchers(&c), "job"), "x");
	assert_int_equal(c.nalerts, 1);
	assert_string_equal(kv_get(&c.alerts[0], "i"), "1");
	tga_ctx_clear(&c);
	assert_int_equal(tga_ctx_parse("{\"group\":{}}", &c), -1);
	tga_ctx_clear(&c);
	assert_int_equal(tga_ctx_parse("{\"external_url\":\"\",\"group\":{\"a\":1},"
	    "\"common\":{},\"alerts\":[]}", &c), -1);
	tga_ctx_clear(&c);
	assert_int_equal(tga_ctx_parse("not json", &c), -1);
	tga_ctx_clear(&c);
}

static void
send_one(const struct telegram_config *c, struct memrec *m,
    const struct sender_part *p, struct send_result *r)
{
	struct sender_records	 recs = { .put = mem_put, .set_message = mem_set,
	    .group_put = mem_gput, .group_get = mem_gget, .arg = m };
	struct sender_send_ctx	 ctx = { .receiver = "tg",
	    .integration = "telegram/0", .timeout_ms = 5000, .records = &recs };

	sender_telegram_ops.send(c, &ctx, p->dest, p->payload, p->len, r);
}

/* update_message: the firing message's id is kept; the resolved one edits
 * it (exact editMessageText body); when Telegram refuses the edit, the
 * resolved message goes out anew. */
static void
test_update_message_resolved_edits_the_firing_message(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "    update_message: true\n");
	struct notification	*f = notif("firing"), *res = notif("resolved");
	struct sender_parts	 pf, pr;
	struct memrec		 m;
	struct send_result	 r;
	json_t			*reqs;
	static const char	 resolved_body[] = "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003eresolved\\u003c/b\\u003e\"}";

	memset(&m, 0, sizeof(m));
	render(e, tg_of(cfg), f, &pf);
	assert_string_equal(pf.v[0].payload, "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\","
	    "\"tocsin_group\":{\"key\":\"{}:{alertname=\\\"Disk\\\"}\","
	    "\"status\":\"firing\"}}");
	send_one(tg_of(cfg), &m, &pf.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_int_equal(m.gputs, 1);
	assert_string_equal(m.gkey, "{}:{alertname=\"Disk\"}");
	assert_string_equal(m.gchat, "42");
	assert_int_equal(m.gmsg, 1);

	render(e, tg_of(cfg), res, &pr);
	send_one(tg_of(cfg), &m, &pr.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "telegram: 200 (edited message 1)");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 2);
	assert_string_equal(fake_req_str(reqs, 1, "path"),
	    "/bot" TOKEN "/editMessageText");
	assert_string_equal(fake_req_str(reqs, 1, "body"), "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"message_id\":\"1\","
	    "\"parse_mode\":\"HTML\",\"text\":"
	    "\"Disk \\u003cb\\u003eresolved\\u003c/b\\u003e\"}");
	json_decref(reqs);

	/* The message is gone: Telegram refuses, a new message goes out. */
	m.gmsg = 99;
	assert_int_equal(fake_reset(&e->fake), 0);
	send_one(tg_of(cfg), &m, &pr.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "telegram: 200");
	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 2);
	assert_string_equal(fake_req_str(reqs, 0, "response"), "{\"ok\":false,"
	    "\"error_code\":400,\"description\":\"Bad Request: message to edit "
	    "not found\"}");
	assert_string_equal(fake_req_str(reqs, 1, "path"), "/bot" TOKEN "/sendMessage");
	assert_string_equal(fake_req_str(reqs, 1, "body"), resolved_body);
	json_decref(reqs);
	/* The resolved message is not remembered as the group's message. */
	assert_int_equal(m.gputs, 1);
	sender_parts_free(&pf);
	sender_parts_free(&pr);
	notification_free(f);
	notification_free(res);
	config_free(cfg);
}

/* The escalate extension: the firing message of a receiver that repeats
 * is kept (its resolved one does not edit it), a repeat answers it (exact
 * sendMessage body) and is not kept itself; a repeat whose group has no
 * message yet goes out on its own. */
static void
test_escalate_repeat_answers_the_first_message(void **state)
{
	struct env		*e = *state;
	struct config		*cfg = tg_config(e, "");
	struct notification	*f = notif("firing"), *res = notif("resolved");
	struct sender_parts	 pf, pr, pd;
	struct memrec		 m;
	struct send_result	 r;
	json_t			*reqs;

	memset(&m, 0, sizeof(m));
	render_as(e, tg_of(cfg), f, false, true, &pr);
	send_one(tg_of(cfg), &m, &pr.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_int_equal(m.gputs, 0);

	render_as(e, tg_of(cfg), f, true, false, &pf);
	assert_string_equal(pf.v[0].payload, "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\","
	    "\"tocsin_group\":{\"key\":\"{}:{alertname=\\\"Disk\\\"}\","
	    "\"status\":\"firing\",\"edit\":false}}");
	send_one(tg_of(cfg), &m, &pf.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_int_equal(m.gputs, 1);
	assert_int_equal(m.gmsg, 2);

	assert_string_equal(pr.v[0].payload, "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\","
	    "\"tocsin_group\":{\"key\":\"{}:{alertname=\\\"Disk\\\"}\","
	    "\"status\":\"firing\",\"edit\":false,\"reply\":true}}");
	send_one(tg_of(cfg), &m, &pr.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_int_equal(m.gputs, 1);
	assert_int_equal(m.gmsg, 2);

	/* Resolved: no edit without update_message, a new message. */
	render_as(e, tg_of(cfg), res, true, false, &pd);
	send_one(tg_of(cfg), &m, &pd.v[0], &r);
	assert_int_equal(r.status, SEND_OK);
	assert_string_equal(r.reason, "telegram: 200");

	reqs = fake_requests(&e->fake);
	assert_int_equal(json_array_size(reqs), 4);
	assert_string_equal(fake_req_str(reqs, 0, "body"), "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\"}");
	assert_string_equal(fake_req_str(reqs, 2, "body"),
	    "{\"allow_sending_without_reply\":\"true\",\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"reply_to_message_id\":\"2\","
	    "\"text\":\"Disk \\u003cb\\u003efiring\\u003c/b\\u003e\"}");
	assert_string_equal(fake_req_str(reqs, 3, "path"),
	    "/bot" TOKEN "/sendMessage");
	assert_string_equal(fake_req_str(reqs, 3, "body"), "{\"chat_id\":\"42\","
	    "\"disable_web_page_preview\":\"true\",\"parse_mode\":\"HTML\","
	    "\"text\":\"Disk \\u003cb\\u003eresolved\\u003c/b\\u003e\"}");
	json_decref(reqs);
	sender_parts_free(&pf);
	sender_parts_free(&pr);
	sender_parts_free(&pd);
	notification_free(f);
	notification_free(res);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_actions_config_defaults_and_values,
		    reset),
		cmocka_unit_test_setup(test_actions_config_errors_with_positions,
		    reset),
		cmocka_unit_test(test_callback_data_round_trip_and_forgeries),
		cmocka_unit_test_setup(
		    test_firing_notification_carries_keyboard_and_record, reset),
		cmocka_unit_test_setup(
		    test_unstorable_record_is_a_tempfail_and_nothing_is_sent, reset),
		cmocka_unit_test_setup(
		    test_no_keyboard_without_records_or_when_resolved, reset),
		cmocka_unit_test(test_keyboards_context_and_lines),
		cmocka_unit_test_setup(
		    test_update_message_resolved_edits_the_firing_message, reset),
		cmocka_unit_test_setup(
		    test_escalate_repeat_answers_the_first_message, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
