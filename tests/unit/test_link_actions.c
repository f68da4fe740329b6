/* test_link_actions.c: the actions extension of email_configs, ntfy_configs
 * and pushover_configs (slack_configs' link_actions): its section
 * (values, every error with its position), the links a firing e-mail
 * notification offers (exact URLs, each token verified), the record that
 * goes with the stored message, the links in tocsin's default e-mail
 * templates and in .Actions, ntfy's action buttons, Pushover's
 * supplementary URL and Slack's link buttons, and what offers none (resolved, no external URL, no
 * section). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "channel.h"
#include "config_cases.h"
#include "config_tmpl.h"
#include "link_actions.h"
#include "payload.h"
#include "receiver.h"
#include "receiver_configs.h"
#include "sender.h"
#include "sender_email.h"
#include "sender_ntfy.h"
#include "sender_pushover.h"
#include "sender_slack.h"
#include "tmpl.h"
#include "tmpl_builtin.h"

/* The tests' clock (2026-11-23T13:49:41Z) and the links' expiry. */
#define NOW_MS		INT64_C(1795441781000)
#define EXPIRES		(NOW_MS + INT64_C(7) * 24 * 3600 * 1000)
#define BASE		"https://phone.example.org/tocsin"

struct env {
	struct tmpl_opts	 opts;
	char			 dir[64];
	struct action_key	 key;
	struct action_links	 links;
	struct config		*cfg;
	struct tmpl_set		*tmpl;
};

static const char CONFIG[] =
    "route:\n  receiver: mail\nreceivers:\n"
    "- name: mail\n  email_configs:\n"
    "  - to: ops@example.org\n    from: alerts@example.org\n"
    "    smarthost: localhost:25\n    send_resolved: true\n"
    "    actions:\n      silence: [1h, 24h]\n      ack: true\n"
    "      alertmanager_url: http://127.0.0.1:9093\n"
    "- name: phone\n  ntfy_configs:\n"
    "  - topic: alerts\n    title: T\n    message: M\n    tags: []\n"
    "    click: ''\n    actions:\n      silence: [1h, 24h, 7d, 30d]\n"
    "      ack: true\n"
    "  pushover_configs:\n"
    "  - user_key: SECRET-user\n    token: SECRET-token\n    title: T\n"
    "    message: M\n    url: http://am/\n    url_title: Alertmanager\n"
    "    actions:\n      silence: [2h]\n"
    "- name: chat\n  slack_configs:\n"
    "  - api_url: http://127.0.0.1:9/hook\n"
    "    actions:\n    - {type: button, text: Runbook, url: 'http://rb/'}\n"
    "    link_actions:\n      silence: [1h]\n"
    "      alertmanager_url: http://127.0.0.1:9093\n"
    "- name: plain\n  email_configs:\n"
    "  - to: ops@example.org\n    from: alerts@example.org\n"
    "    smarthost: localhost:25\n";

static int
setup(void **state)
{
	static const struct tmpl_builtin *const b[] = {
		&tmpl_builtin_tocsin, &tmpl_builtin_actions,
	};
	struct env	*e = calloc(1, sizeof(*e));
	struct terr	 err;

	assert_non_null(e);
	scratch_make(e->dir, sizeof(e->dir), "tocsin-links");
	e->opts.now_sec = NOW_MS / 1000;
	e->opts.local_tz = "UTC";
	for (size_t i = 0; i < ACTION_KEY_LEN; i++)
		e->key.bytes[i] = (unsigned char)(7 * i);
	e->links.base_url = BASE;
	e->links.key = &e->key;
	e->cfg = config_must_load(e->dir, CONFIG);
	if ((e->tmpl = tmpl_set_for_config(e->cfg, b, 2, &err)) == NULL)
		fail_msg("templates: %s", err.msg);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	tmpl_set_free(e->tmpl);
	config_free(e->cfg);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

static struct notification *
notif(const char *status)
{
	char			 body[1024];
	struct terr		 err;
	struct notification	*n;

	snprintf(body, sizeof(body),
	    "{\"version\":\"4\",\"status\":\"%s\",\"receiver\":\"mail\","
	    "\"groupKey\":\"{}:{alertname=\\\"Disk\\\"}\","
	    "\"externalURL\":\"http://am:9093\","
	    "\"groupLabels\":{\"alertname\":\"Disk\"},"
	    "\"commonLabels\":{\"alertname\":\"Disk\"},"
	    "\"alerts\":[{\"status\":\"%s\",\"labels\":{\"alertname\":\"Disk\","
	    "\"instance\":\"nas\"},\"startsAt\":\"2026-11-23T13:49:41Z\"}]}",
	    status, status);
	if ((n = payload_parse(body, strlen(body), &err)) == NULL)
		fail_msg("payload: %s", err.msg);
	return n;
}

static const struct tg_actions *
acts_of(struct env *e)
{
	return &EMAIL_AT(config_receiver(e->cfg, "mail"), 0)->actions;
}

static struct sender_render_ctx
ctx_of(struct env *e)
{
	struct sender_render_ctx c = { .tmpl = e->tmpl, .opts = &e->opts,
	    .links = &e->links, .integration = "email/0" };

	return c;
}

/* BASE "/action/" and the token of kind and duration on record id. */
static void
want_url(struct env *e, enum action_kind kind, int64_t duration_ms,
    const char *id, char *out, size_t len)
{
	struct action_token	 t = { .kind = kind, .duration_ms = duration_ms,
	    .expires = EXPIRES };
	struct terr		 err;
	char			 tok[ACTION_TOKEN_MAX];

	snprintf(t.id, sizeof(t.id), "%s", id);
	assert_int_equal(action_token_sign(&e->key, &t, tok, sizeof(tok), &err), 0);
	snprintf(out, len, BASE "/action/%s", tok);
}

static void
test_link_actions_config_values_and_lookup(void **state)
{
	struct env		*e = *state;
	const struct tg_actions	*a = acts_of(e);
	const struct receiver	*r = config_receiver(e->cfg, "mail");

	assert_true(a->enabled);
	assert_int_equal(a->nsilence, 2);
	assert_int_equal(a->silence[1], 86400000);
	assert_string_equal(a->silence_text[0], "1h");
	assert_true(a->ack);
	assert_int_equal(a->nusers, 0);
	assert_string_equal(a->alertmanager_url, "http://127.0.0.1:9093");
	assert_ptr_equal(link_actions_lookup(r, "email/0"), a);
	assert_null(link_actions_lookup(r, "email/1"));
	assert_null(link_actions_lookup(r, "telegram/0"));
	assert_null(link_actions_lookup(config_receiver(e->cfg, "plain"),
	    "email/0"));
	assert_false(EMAIL_AT(config_receiver(e->cfg, "plain"), 0)->actions.enabled);
}

static void
test_link_actions_config_errors_with_positions(void **state)
{
	struct env	*e = *state;
	static const char head[] =
	    "route:\n  receiver: m\nreceivers:\n- name: m\n  email_configs:\n"
	    "  - to: ops@example.org\n    from: a@example.org\n"
	    "    smarthost: localhost:25\n";
	static const struct errcase cases[] = {
		{ "    actions:\n",
		  "9:13: email_config actions offer no link: set silence "
		  "durations or ack: true" },
		{ "    actions:\n      ack: false\n",
		  "10:7: email_config actions offer no link: set silence "
		  "durations or ack: true" },
		{ "    actions:\n      ack: true\n      allowed_users: [1]\n",
		  "11:7: unknown field allowed_users in email_config actions" },
		{ "    actions:\n      silence: [1h, 60m]\n",
		  "10:21: silence duration 60m is offered twice" },
		{ "    actions:\n      silence: [0s]\n",
		  "10:17: silence durations must be positive" },
		{ "    actions:\n      silence: [1h]\n"
		  "      alertmanager_url: ftp://am\n",
		  "11:25: alertmanager_url: unsupported scheme \"ftp\" for URL" },
	};

	check_errors(e->dir, head, "", cases, nitems(cases));
}

/* A firing notification gets one link per action, in the config's order,
 * each URL the base and a token that verifies; the record says what they
 * act on. */
static void
test_link_actions_offer_exact_links_and_record(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx c = ctx_of(e);
	struct notification	*n = notif("firing");
	struct action_rec	*rec;
	struct action_token	 t;
	struct terr		 err;
	char			 url[256];

	assert_int_equal(link_actions_offer(acts_of(e), &c, n, &rec, &err), 0);
	assert_non_null(rec);
	assert_true(action_id_valid(rec->id));
	assert_string_equal(rec->receiver, "mail");
	assert_string_equal(rec->integration, "email/0");
	assert_string_equal(rec->group_key, "{}:{alertname=\"Disk\"}");
	assert_string_equal(rec->labels, "{\"external_url\":\"http://am:9093\","
	    "\"group\":{\"alertname\":\"Disk\"},\"common\":{\"alertname\":"
	    "\"Disk\"},\"alerts\":[{\"alertname\":\"Disk\",\"instance\":"
	    "\"nas\"}]}");
	assert_string_equal(rec->chat, "");
	assert_string_equal(rec->silence_id, "");
	assert_int_equal(rec->created, NOW_MS);
	assert_int_equal(rec->expires, EXPIRES);
	assert_int_equal(n->nlinks, 3);
	assert_string_equal(n->links[0].name, "Silence 1h");
	assert_string_equal(n->links[1].name, "Silence 24h");
	assert_string_equal(n->links[2].name, "Acknowledge");
	want_url(e, ACTION_SILENCE, 3600000, rec->id, url, sizeof(url));
	assert_string_equal(n->links[0].url, url);
	want_url(e, ACTION_SILENCE, 86400000, rec->id, url, sizeof(url));
	assert_string_equal(n->links[1].url, url);
	want_url(e, ACTION_ACK, 0, rec->id, url, sizeof(url));
	assert_string_equal(n->links[2].url, url);
	assert_int_equal(action_token_verify(&e->key, n->links[1].url +
	    strlen(BASE "/action/"), NOW_MS, &t), ACTION_TOKEN_OK);
	assert_int_equal(t.kind, ACTION_SILENCE);
	assert_int_equal(t.duration_ms, 86400000);
	assert_string_equal(t.id, rec->id);
	action_rec_free(rec);
	notification_free(n);
}

/* A base URL written with a trailing slash gives the same links. */
static void
test_link_actions_base_url_trailing_slash(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx c = ctx_of(e);
	struct action_links	 l = { BASE "//", &e->key };
	struct notification	*n = notif("firing");
	struct action_rec	*rec;
	struct terr		 err;
	char			 url[256];

	c.links = &l;
	assert_int_equal(link_actions_offer(acts_of(e), &c, n, &rec, &err), 0);
	want_url(e, ACTION_SILENCE, 3600000, rec->id, url, sizeof(url));
	assert_string_equal(n->links[0].url, url);
	action_rec_free(rec);
	notification_free(n);
}

/* Resolved notifications, a relay without --web.external-url and a
 * receiver without the section offer nothing. */
static void
test_link_actions_none_when_resolved_unlinked_or_absent(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx c = ctx_of(e);
	struct notification	*n = notif("resolved");
	struct action_rec	*rec = (struct action_rec *)1;
	struct terr		 err;

	assert_int_equal(link_actions_offer(acts_of(e), &c, n, &rec, &err), 0);
	assert_null(rec);
	assert_int_equal(n->nlinks, 0);
	notification_free(n);
	n = notif("firing");
	c.links = NULL;
	assert_int_equal(link_actions_offer(acts_of(e), &c, n, &rec, &err), 0);
	assert_null(rec);
	c.links = &e->links;
	assert_int_equal(link_actions_offer(&EMAIL_AT(config_receiver(e->cfg,
	    "plain"), 0)->actions, &c, n, &rec, &err), 0);
	assert_null(rec);
	assert_int_equal(link_actions_offer(NULL, &c, n, &rec, &err), 0);
	assert_null(rec);
	assert_int_equal(n->nlinks, 0);
	notification_free(n);
}

/* .Actions in a text template, and nothing in one without links. */
static void
test_link_actions_template_field(void **state)
{
	struct env		*e = *state;
	struct notification	*n = notif("firing");
	struct buf		 b;
	struct terr		 err;
	static const char t[] = "{{ len .Actions }}:{{ range .Actions }}"
	    "[{{ .Name }} {{ .URL }}]{{ end }}";

	buf_init(&b, 0);
	assert_int_equal(tmpl_render_text(e->tmpl, t, n, TMPL_TEXT, &e->opts,
	    &b, &err), 0);
	assert_string_equal(buf_str(&b), "0:");
	assert_int_equal(notification_add_link(n, "Silence 1h", "https://x/a"), 0);
	assert_int_equal(notification_add_link(n, "Acknowledge", "https://x/b"), 0);
	buf_reset(&b);
	assert_int_equal(tmpl_render_text(e->tmpl, t, n, TMPL_TEXT, &e->opts,
	    &b, &err), 0);
	assert_string_equal(buf_str(&b),
	    "2:[Silence 1h https://x/a][Acknowledge https://x/b]");
	buf_free(&b);
	notification_free(n);
}

/* tocsin's default HTML body shows the links under its heading, its text
 * body under the subject; without links neither changes. */
static void
test_link_actions_default_email_templates(void **state)
{
	struct env		*e = *state;
	struct notification	*n = notif("firing");
	struct buf		 b;
	struct terr		 err;

	buf_init(&b, 0);
	assert_int_equal(tmpl_render(e->tmpl, "tocsin.email.html", n, TMPL_HTML,
	    &e->opts, &b, &err), 0);
	assert_null(strstr(buf_str(&b), "<a href=\"https://x/"));
	assert_non_null(strstr(buf_str(&b), "</h2>\n<div style="));
	buf_reset(&b);
	assert_int_equal(tmpl_render(e->tmpl, "tocsin.email.text", n, TMPL_TEXT,
	    &e->opts, &b, &err), 0);
	assert_string_equal(buf_str(&b), "[FIRING:1] Disk\n\n"
	    "FIRING: Disk on nas\n"
	    "  started: 2026-11-23 13:49:41 UTC\n"
	    "  labels: alertname=Disk, instance=nas\n\n"
	    "Alertmanager: http://am:9093\n");
	assert_int_equal(notification_add_link(n, "Silence 1h",
	    "https://x/action/a.b"), 0);
	assert_int_equal(notification_add_link(n, "Acknowledge",
	    "https://x/action/c.d"), 0);
	buf_reset(&b);
	assert_int_equal(tmpl_render(e->tmpl, "tocsin.email.html", n, TMPL_HTML,
	    &e->opts, &b, &err), 0);
	assert_non_null(strstr(buf_str(&b), "</h2>\n"
	    "<p><a href=\"https://x/action/a.b\">Silence 1h</a> | "
	    "<a href=\"https://x/action/c.d\">Acknowledge</a></p>\n"
	    "<div style="));
	buf_reset(&b);
	assert_int_equal(tmpl_render(e->tmpl, "tocsin.email.text", n, TMPL_TEXT,
	    &e->opts, &b, &err), 0);
	assert_string_equal(buf_str(&b), "[FIRING:1] Disk\n"
	    "Silence 1h: https://x/action/a.b\n"
	    "Acknowledge: https://x/action/c.d\n\n"
	    "FIRING: Disk on nas\n"
	    "  started: 2026-11-23 13:49:41 UTC\n"
	    "  labels: alertname=Disk, instance=nas\n\n"
	    "Alertmanager: http://am:9093\n");
	buf_free(&b);
	notification_free(n);
}

/* The e-mail sender's render: the stored part carries the record its
 * links point to; a resolved notification's carries none. */
static void
test_link_actions_email_part_carries_record(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx c = ctx_of(e);
	const struct email_config *ec = EMAIL_AT(config_receiver(e->cfg, "mail"), 0);
	struct notification	*n = notif("firing");
	struct sender_parts	 parts;
	struct terr		 err;

	memset(&parts, 0, sizeof(parts));
	assert_int_equal(channel_email.ops->render(ec, n, &c, &parts, &err), 0);
	assert_int_equal(parts.n, 1);
	assert_non_null(parts.v[0].action);
	assert_string_equal(parts.v[0].action->integration, "email/0");
	assert_string_equal(parts.v[0].action->receiver, "mail");
	/* The caller's notification is left as it was. */
	assert_int_equal(n->nlinks, 0);
	sender_parts_free(&parts);
	notification_free(n);
	n = notif("resolved");
	assert_int_equal(channel_email.ops->render(ec, n, &c, &parts, &err), 0);
	assert_int_equal(parts.n, 1);
	assert_null(parts.v[0].action);
	sender_parts_free(&parts);
	notification_free(n);
}

/* ntfy gets the links as http action buttons, at most three. */
static void
test_link_actions_ntfy_action_buttons(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx c = ctx_of(e);
	const struct receiver	*r = config_receiver(e->cfg, "phone");
	struct notification	*n = notif("firing");
	struct sender_parts	 parts;
	struct terr		 err;
	char			 u1[256], u2[256], u3[256], want[2048];

	c.integration = "ntfy/0";
	memset(&parts, 0, sizeof(parts));
	assert_int_equal(channel_ntfy.ops->render(receiver_config(r,
	    &channel_ntfy, 0), n, &c, &parts, &err), 0);
	assert_int_equal(parts.n, 1);
	assert_non_null(parts.v[0].action);
	assert_string_equal(parts.v[0].action->integration, "ntfy/0");
	want_url(e, ACTION_SILENCE, 3600000, parts.v[0].action->id, u1, sizeof(u1));
	want_url(e, ACTION_SILENCE, 86400000, parts.v[0].action->id, u2, sizeof(u2));
	want_url(e, ACTION_SILENCE, 604800000, parts.v[0].action->id, u3, sizeof(u3));
	snprintf(want, sizeof(want), "{\"topic\":\"alerts\",\"title\":\"T\","
	    "\"message\":\"M\",\"priority\":3,\"actions\":["
	    "{\"action\":\"http\",\"label\":\"Silence 1h\",\"url\":\"%s\","
	    "\"method\":\"POST\",\"clear\":true},"
	    "{\"action\":\"http\",\"label\":\"Silence 24h\",\"url\":\"%s\","
	    "\"method\":\"POST\",\"clear\":true},"
	    "{\"action\":\"http\",\"label\":\"Silence 7d\",\"url\":\"%s\","
	    "\"method\":\"POST\",\"clear\":true}]}", u1, u2, u3);
	assert_string_equal(parts.v[0].payload, want);
	assert_ptr_equal(link_actions_lookup(r, "ntfy/0"),
	    &((const struct ntfy_config *)receiver_config(r, &channel_ntfy,
	    0))->actions);
	sender_parts_free(&parts);
	notification_free(n);
}

/* Pushover's one supplementary URL is the first link, its title the
 * action's name, in place of the configured ones. */
static void
test_link_actions_pushover_supplementary_url(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx c = ctx_of(e);
	const struct receiver	*r = config_receiver(e->cfg, "phone");
	const void		*pc;
	struct notification	*n = notif("firing");
	struct sender_parts	 parts;
	struct terr		 err;
	char			 u[256], want[1024];

	pc = receiver_config(r, &channel_pushover, 0);
	assert_non_null(pc);
	c.integration = "pushover/0";
	memset(&parts, 0, sizeof(parts));
	assert_int_equal(channel_pushover.ops->render(pc, n, &c, &parts, &err), 0);
	assert_int_equal(parts.n, 1);
	assert_non_null(parts.v[0].action);
	want_url(e, ACTION_SILENCE, 7200000, parts.v[0].action->id, u, sizeof(u));
	snprintf(want, sizeof(want), "&url=https%%3A%%2F%%2Fphone.example.org"
	    "%%2Ftocsin%%2Faction%%2F%s&url_title=Silence+2h\n",
	    u + strlen(BASE "/action/"));
	assert_non_null(strstr(parts.v[0].payload, want));
	sender_parts_free(&parts);
	notification_free(n);
	/* Resolved: the configured URL. */
	n = notif("resolved");
	assert_int_equal(channel_pushover.ops->render(pc, n, &c, &parts, &err), 0);
	assert_null(parts.v[0].action);
	assert_non_null(strstr(parts.v[0].payload,
	    "&url=http%3A%2F%2Fam%2F&url_title=Alertmanager"));
	sender_parts_free(&parts);
	notification_free(n);
}

/* Slack's own `actions` stay Alertmanager's; the links follow them as
 * link buttons. */
static void
test_link_actions_slack_link_buttons(void **state)
{
	struct env		*e = *state;
	struct sender_render_ctx c = ctx_of(e);
	const struct receiver	*r = config_receiver(e->cfg, "chat");
	const struct slack_config *sc = receiver_config(r, &channel_slack, 0);
	struct notification	*n = notif("firing");
	struct sender_parts	 parts;
	struct terr		 err;
	char			 u[256], want[1024];

	assert_true(sc->link_actions.enabled);
	assert_ptr_equal(link_actions_lookup(r, "slack/0"), &sc->link_actions);
	c.integration = "slack/0";
	memset(&parts, 0, sizeof(parts));
	assert_int_equal(channel_slack.ops->render(sc, n, &c, &parts, &err), 0);
	assert_int_equal(parts.n, 1);
	assert_non_null(parts.v[0].action);
	want_url(e, ACTION_SILENCE, 3600000, parts.v[0].action->id, u, sizeof(u));
	snprintf(want, sizeof(want), ",\"actions\":[{\"type\":\"button\","
	    "\"text\":\"Runbook\",\"url\":\"http://rb/\"},"
	    "{\"type\":\"button\",\"text\":\"Silence 1h\",\"url\":\"%s\"}]",
	    u);
	if (strstr(parts.v[0].payload, want) == NULL)
		fail_msg("%s\nhas no\n%s", parts.v[0].payload, want);
	sender_parts_free(&parts);
	notification_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_actions_config_values_and_lookup),
		cmocka_unit_test(test_link_actions_config_errors_with_positions),
		cmocka_unit_test(test_link_actions_offer_exact_links_and_record),
		cmocka_unit_test(test_link_actions_base_url_trailing_slash),
		cmocka_unit_test(test_link_actions_none_when_resolved_unlinked_or_absent),
		cmocka_unit_test(test_link_actions_template_field),
		cmocka_unit_test(test_link_actions_default_email_templates),
		cmocka_unit_test(test_link_actions_email_part_carries_record),
		cmocka_unit_test(test_link_actions_ntfy_action_buttons),
		cmocka_unit_test(test_link_actions_pushover_supplementary_url),
		cmocka_unit_test(test_link_actions_slack_link_buttons),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
