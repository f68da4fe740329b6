/* sender_telegram.c: the telegram channel: telegram_configs (fields,
 * defaults, validation) and Telegram Bot API sendMessage, with the request
 * body Alertmanager's telegram notifier sends, messages over Telegram's
 * length limit split into numbered parts, and the Bot API's answers
 * classified (parse-error fallback to plain text, chat migration followed).
 * tocsin's extensions ride along in the stored body: the buttons of a
 * firing notification (telegram_actions.h) with the record they point to,
 * and the group of update_message, whose resolved message edits the firing
 * one, and of the escalate extension, whose repeats answer it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cfgfield.h"
#include "httpclient.h"
#include "jsonw.h"
#include "matcher.h"
#include "sender.h"
#include "sender_http.h"
#include "sender_telegram.h"
#include "sender_telegram_int.h"
#include "sender_telegram_text.h"
#include "tmpl.h"

/* ---- telegram_configs ---- */

static int
read_chat_id(struct cfg_load *ld, const struct ynode *n, const char *path, int64_t *out)
{
	char		*s = NULL, *end;
	long long	 v;
	int		 rc = 0;

	if (cfg_read_file_value(ld, "chat_id_file", n, path, &s) == -1)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno == ERANGE || v == 0)
		rc = cfg_fail(ld, n, "chat_id_file \"%s\" does not hold a chat id "
		    "(a non-zero integer)", path);
	else
		*out = v;
	free(s);
	return rc;
}

/* tocsin: silent_unless, a list of matcher strings as the route's matchers
 * take them ('severity="critical"', '{a="b",c=~"d"}'), all of which must
 * hold for a firing alert to make the phone ring. */
static int
silent_unless(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct matchers	**out = &((struct telegram_config *)obj)->silent_unless;
	struct terr	 e;
	char		*s = NULL;
	size_t		 i;

	if (cfg_seq(ld, v, k->value) == -1)
		return -1;
	if (ynode_is_null(v) || v->n == 0)
		return 0;
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return cfg_fail(ld, v, "out of memory");
	matchers_init(*out);
	for (i = 0; i < v->n; i++) {
		if (cfg_str(ld, k->value, v->child[i], &s) == -1)
			return -1;
		if (matchers_parse(*out, s ? s : "", &e) == -1) {
			free(s);
			return cfg_fail(ld, v->child[i], "silent_unless: %s", e.msg);
		}
		free(s);
		s = NULL;
	}
	return 0;
}

static int
telegram_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct telegram_config *c = w->obj;
	const struct cfg_global *g = &ld->global;

	if (!cfg_empty(c->bot_token) && c->bot_token_file != NULL)
		return cf_conflict(ld, w, "bot_token", "bot_token_file");
	if (c->chat_id == 0 && c->chat_id_file == NULL)
		return cfg_fail(ld, w->n, "missing chat_id or chat_id_file on "
		    "telegram_config");
	if (c->chat_id != 0 && c->chat_id_file != NULL)
		return cf_conflict(ld, w, "chat_id", "chat_id_file");
	if (strcmp(c->parse_mode, "") != 0 && strcmp(c->parse_mode, "Markdown") != 0 &&
	    strcmp(c->parse_mode, "MarkdownV2") != 0 &&
	    strcmp(c->parse_mode, "HTML") != 0)
		return cfg_fail(ld, cf_value(w, "parse_mode"), "unknown parse_mode on "
		    "telegram_config, must be Markdown, MarkdownV2, HTML or empty string");
	if (cf_inherit(ld, w) == -1)
		return -1;
	if (c->bot_token_file == NULL && cfg_empty(c->bot_token) &&
	    cfg_empty(g->telegram_bot_token))
		return cfg_fail(ld, w->n, "missing bot_token or bot_token_file on "
		    "telegram_config");
	if (cf_secret(ld, w, "bot_token_file", &c->bot_token, &c->bot_token_file,
	    g->telegram_bot_token, g->telegram_bot_token_file) == -1)
		return -1;
	if (c->chat_id_file != NULL)
		return read_chat_id(ld, cf_value(w, "chat_id_file"), c->chat_id_file,
		    &c->chat_id);
	return 0;
}

static const struct cf_field telegram_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(telegram_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(telegram_config, http) },
	{ "api_url", CF_URL, CF_AT(telegram_config, api_url),
	    CF_GLOBAL(telegram_api_url) },
	{ "bot_token", CF_STR, CF_AT(telegram_config, bot_token), .secret = true },
	{ "bot_token_file", CF_FILE, CF_AT(telegram_config, bot_token_file) },
	{ "chat_id", CF_INT, CF_AT(telegram_config, chat_id) },
	{ "chat_id_file", CF_FILE, CF_AT(telegram_config, chat_id_file) },
	{ "message_thread_id", CF_INT, CF_AT(telegram_config, message_thread_id) },
	{ "message", CF_STR, CF_AT(telegram_config, message),
	    .def = "{{ template \"telegram.default.message\" . }}" },
	{ "disable_notifications", CF_BOOL,
	    CF_AT(telegram_config, disable_notifications) },
	{ "parse_mode", CF_STR, CF_AT(telegram_config, parse_mode), .def = "HTML" },
	{ "silent_unless", CF_CUSTOM, .parse = silent_unless },	/* tocsin */
	{ "actions", CF_TABLE, CF_AT(telegram_config, actions),	/* tocsin */
	    .sub = &tga_type },
	{ "update_message", CF_BOOL, CF_AT(telegram_config, update_message) }, /* tocsin */
	{ .name = NULL }
};
static const struct cf_type telegram_type = { "telegram_config", telegram_fields,
    sizeof(struct telegram_config), telegram_finish };

static void
telegram_clear(void *vc)
{
	struct telegram_config *c = vc;

	http_config_clear(&c->http);
	free(c->api_url);
	cfg_secret_free(c->bot_token);
	free(c->bot_token_file);
	free(c->chat_id_file);
	free(c->message);
	free(c->parse_mode);
	if (c->silent_unless != NULL) {
		matchers_free(c->silent_unless);
		free(c->silent_unless);
	}
	tga_clear(&c->actions);
}

/* ---- sending ---- */

void
tg_msg_clear(struct tg_msg *m)
{
	free(m->reply_markup);
	free(m->group_key);
	free(m->context);
	m->reply_markup = m->group_key = m->context = NULL;
	m->action_id[0] = '\0';
}

/*
 * The body as Alertmanager's client (telebot) builds it: a JSON object of
 * string values with keys sorted, disable_notification and message_thread_id
 * only when set, disable_web_page_preview always "true", Go's escaping.
 */
int
tg_body(struct buf *b, const struct tg_msg *m, bool stored)
{
	bool	 edit = m->edit_id != 0, reply = m->reply_to != 0 && !edit;

	/* A repeat whose first message was deleted still goes out. */
	if (buf_adds(b, reply ? "{\"allow_sending_without_reply\":\"true\","
	    "\"chat_id\":" : "{\"chat_id\":") == -1 ||
	    jsonw_cstr(b, m->chat_id) == -1)
		return -1;
	if (m->silent && !edit &&
	    buf_adds(b, ",\"disable_notification\":\"true\"") == -1)
		return -1;
	if (buf_adds(b, ",\"disable_web_page_preview\":\"true\"") == -1)
		return -1;
	if (edit && buf_printf(b, ",\"message_id\":\"%" PRId64 "\"", m->edit_id) == -1)
		return -1;
	if (m->thread_id != 0 && !edit && buf_printf(b,
	    ",\"message_thread_id\":\"%" PRId64 "\"", m->thread_id) == -1)
		return -1;
	if (m->parse_mode[0] != '\0' && (buf_adds(b, ",\"parse_mode\":") == -1 ||
	    jsonw_cstr(b, m->parse_mode) == -1))
		return -1;
	if (m->reply_markup != NULL && (buf_adds(b, ",\"reply_markup\":") == -1 ||
	    buf_adds(b, m->reply_markup) == -1))
		return -1;
	if (reply && buf_printf(b, ",\"reply_to_message_id\":\"%" PRId64 "\"",
	    m->reply_to) == -1)
		return -1;
	if (buf_adds(b, ",\"text\":") == -1 || jsonw_cstr(b, m->text) == -1)
		return -1;
	/* What the record of the buttons needs, for tg_send; never sent. */
	if (stored && m->reply_markup != NULL && (buf_adds(b,
	    ",\"tocsin_action\":{\"id\":") == -1 ||
	    jsonw_cstr(b, m->action_id) == -1 ||
	    buf_adds(b, ",\"group_key\":") == -1 ||
	    jsonw_cstr(b, m->group_key) == -1 ||
	    buf_adds(b, ",\"context\":") == -1 || buf_adds(b, m->context) == -1 ||
	    buf_addc(b, '}') == -1))
		return -1;
	/* update_message and escalate: which group, firing or resolved,
	 * whether its resolved message edits and whether it is a repeat;
	 * never sent. */
	if (stored && m->update && (buf_adds(b, ",\"tocsin_group\":{\"key\":") == -1 ||
	    jsonw_cstr(b, m->group_key) == -1 ||
	    buf_printf(b, ",\"status\":\"%s\"%s%s}", m->resolved ? "resolved" :
	    "firing", m->noedit ? ",\"edit\":false" : "",
	    m->reply ? ",\"reply\":true" : "") == -1))
		return -1;
	return buf_addc(b, '}');
}

/* "<bot id>": the part of the token before ':', the bot's public user id. */
static void
bot_id(const char *token, char *out, size_t len)
{
	size_t n = token ? strcspn(token, ":") : 0;

	if (n >= len)
		n = len - 1;
	memcpy(out, token ? token : "", n);
	out[n] = '\0';
}

/* tocsin's silent_unless: the phone rings only when a firing alert of the
 * notification matches every matcher; all others arrive silently. */
static bool
tg_silent(const struct telegram_config *c, const struct notification *n)
{
	if (c->disable_notifications)
		return true;
	if (c->silent_unless == NULL)
		return false;
	for (size_t i = 0; i < n->nalerts; i++)
		if (n->alerts[i].status == ALERT_FIRING &&
		    matchers_match(c->silent_unless, &n->alerts[i].labels))
			return false;
	return true;
}

static int
tg_render(const void *vcfg, const struct notification *n0,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct telegram_config *c = vcfg;
	const struct notification *n;
	struct notification	*own = NULL;
	struct buf		 text, body, markup, context;
	struct tgtext_parts	 tp = { 0 };
	struct tg_msg		 m;
	char			 bot[32], dest[128];
	bool			 html;
	int			 rc = -1;

	buf_init(&text, 0);
	buf_init(&body, 0);
	buf_init(&markup, 0);
	buf_init(&context, 0);
	if (sender_filter_resolved_view(n0, c->send_resolved, &n, &own,
	    err) == -1)
		return -1;
	if (n == NULL)
		return 0;
	html = c->parse_mode != NULL && strcmp(c->parse_mode, "HTML") == 0;
	/* As Alertmanager: HTML escaping of template values in HTML mode. */
	/* A failing template sends the fallback text: never drop the alert. */
	if (tmpl_render_text_or_fallback(ctx->tmpl, c->message ? c->message : "",
	    n, html ? TMPL_HTML : TMPL_TEXT, ctx->opts, "telegram message",
	    &text) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	if (tgtext_split(buf_str(&text), text.len, html, TGTEXT_MAX_UNITS,
	    &tp) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	snprintf(m.chat_id, sizeof(m.chat_id), "%" PRId64, c->chat_id);
	m.silent = tg_silent(c, n);
	m.thread_id = c->message_thread_id;
	snprintf(m.parse_mode, sizeof(m.parse_mode), "%s",
	    c->parse_mode ? c->parse_mode : "");
	bot_id(c->bot_token, bot, sizeof(bot));
	snprintf(dest, sizeof(dest), "telegram:%s:%" PRId64, bot, c->chat_id);
	for (size_t i = 0; i < tp.n; i++) {
		char *p;

		buf_reset(&body);
		m.text = tp.v[i];
		if (i + 1 == tp.n && tg_buttons(c, n, &m, &markup, &context,
		    err) == -1)
			goto out;
		/* A split message is not edited: its parts would not match.
		 * Repeats answer the first part. */
		m.update = m.noedit = m.reply = false;
		if (c->update_message && tp.n == 1)
			m.update = true;
		else if (n->status == ALERT_FIRING &&
		    ((ctx->thread && i == 0) || ctx->reply))
			m.update = m.noedit = true;
		m.reply = m.update && ctx->reply;
		if (m.update) {
			m.resolved = n->status == ALERT_RESOLVED;
			m.group_key = n->group_key ? n->group_key : (char *)"";
		}
		if (tg_body(&body, &m, true) == -1) {
			terr_set(err, "out of memory");
			goto out;
		}
		if ((p = buf_steal(&body)) == NULL) {
			terr_set(err, "out of memory");
			goto out;
		}
		if (sender_parts_add(out, dest, p, strlen(p), err) == -1)
			goto out;
	}
	rc = 0;
out:
	tgtext_parts_free(&tp);
	buf_free(&text);
	buf_free(&body);
	buf_free(&markup);
	buf_free(&context);
	notification_free(own);
	return rc;
}

/* Reads our own stored body back; -1 when it is not one (a corrupt row). */
static int
tg_parse_payload(const void *payload, size_t len, struct tg_msg *m,
    char **text)
{
	json_t		*root, *v;
	const char	*s;

	memset(m, 0, sizeof(*m));
	*text = NULL;
	if ((root = json_loadb(payload, len, 0, NULL)) == NULL)
		return -1;
	if ((s = json_string_value(json_object_get(root, "chat_id"))) != NULL)
		snprintf(m->chat_id, sizeof(m->chat_id), "%s", s);
	v = json_object_get(root, "disable_notification");
	m->silent = v != NULL && strcmp(json_string_value(v) ?
	    json_string_value(v) : "", "true") == 0;
	if ((s = json_string_value(json_object_get(root, "message_thread_id"))) != NULL)
		m->thread_id = strtoll(s, NULL, 10);
	if ((s = json_string_value(json_object_get(root, "parse_mode"))) != NULL)
		snprintf(m->parse_mode, sizeof(m->parse_mode), "%s", s);
	if ((s = json_string_value(json_object_get(root, "text"))) != NULL)
		*text = strdup(s);
	if (tg_parse_action(root, m) == -1) {
		free(*text);
		*text = NULL;
	}
	json_decref(root);
	if (*text == NULL) {
		tg_msg_clear(m);
		return -1;
	}
	m->text = *text;
	return 0;
}

int
tg_post(const struct telegram_config *c, const struct sender_send_ctx *ctx,
    const char *method, const struct tg_msg *m, struct http_response *resp,
    struct tgbot_answer *a, struct send_result *res)
{
	struct http_request	 req;
	struct buf		 url, body;
	struct terr		 err;
	int			 rc = -1;

	buf_init(&url, 0);
	buf_init(&body, 0);
	if (tgbot_url(&url, c->api_url, c->bot_token, method) == -1 ||
	    tg_body(&body, m, false) == -1) {
		send_result_set(res, SEND_TEMPFAIL, -1, "telegram: out of memory");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.url = buf_str(&url);
	req.content_type = "application/json";
	req.body = body.data;
	req.body_len = body.len;
	req.cfg = &c->http;
	req.timeout_ms = ctx->timeout_ms;
	req.share = ctx->http;
	if (http_post(&req, resp, &err) == -1) {
		send_result_set(res, SEND_TEMPFAIL, -1, "telegram: %s", err.msg);
		sender_http_timeout_note("telegram", ctx, resp, res);
		goto out;
	}
	tgbot_read_answer(resp, a);
	rc = 0;
out:
	buf_free(&url);
	buf_free(&body);
	return rc;
}

static void
memo_key(const struct sender_send_ctx *ctx, char *out, size_t len)
{
	snprintf(out, len, "telegram-chat:%s/%s", ctx->receiver, ctx->integration);
}

static void
tg_send(const void *vcfg, const struct sender_send_ctx *ctx, const char *dest,
    const void *payload, size_t len, struct send_result *res)
{
	const struct telegram_config *c = vcfg;
	struct tg_msg		 m;
	struct tgbot_answer	 a;
	struct http_response	 resp;
	struct terr		 err;
	char			*text = NULL, *plain = NULL, key[300];
	bool			 fell_back = false;

	(void)dest;
	http_response_init(&resp);
	if (tg_parse_payload(payload, len, &m, &text) == -1) {
		send_result_set(res, SEND_PERMFAIL, -1,
		    "telegram: stored message is not a sendMessage body");
		goto out;
	}
	memo_key(ctx, key, sizeof(key));
	(void)sender_memo_get(ctx->memo, key, m.chat_id, sizeof(m.chat_id));
	if (tg_record_put(ctx, &m, res) == -1)
		goto out;
	if (tg_try_edit(c, ctx, &m, res) == 1)
		goto out;	/* edited, or to be retried */
	tg_reply_to(ctx, &m);
	/* At most a migration and a fallback (and one spare) per attempt. */
	for (int round = 0; round < 4; round++) {
		if (tg_post(c, ctx, "sendMessage", &m, &resp, &a, res) == -1)
			goto out;
		if (a.status >= 200 && a.status < 300) {
			send_result_set(res, SEND_OK, -1, "telegram: %ld%s", a.status,
			    fell_back ? " (sent as plain text)" : "");
			tg_record_message(ctx, &m, a.message_id);
			tg_group_message(ctx, &m, a.message_id);
			goto out;
		}
		if (a.status == 400 && a.migrate_to != 0) {
			/* The group became a supergroup: follow it, and
			 * remember it for this receiver's later messages. */
			snprintf(m.chat_id, sizeof(m.chat_id), "%" PRId64, a.migrate_to);
			if (ctx->memo != NULL &&
			    sender_memo_put(ctx->memo, key, m.chat_id, &err) == -1) {
				send_result_set(res, SEND_TEMPFAIL, -1,
				    "telegram: cannot remember migrated chat: %s", err.msg);
				goto out;
			}
			continue;
		}
		if (a.status == 400 && !fell_back &&
		    strstr(a.description, "can't parse entities") != NULL) {
			/* Same text as plain text, at once, in this attempt. */
			if (strcmp(m.parse_mode, "HTML") == 0) {
				free(plain);
				if ((plain = tgtext_html_to_plain(m.text)) == NULL) {
					send_result_set(res, SEND_TEMPFAIL, -1,
					    "telegram: out of memory");
					goto out;
				}
				m.text = plain;
			}
			m.parse_mode[0] = '\0';
			fell_back = true;
			continue;
		}
		break;
	}
	if (a.status == 429) {
		int64_t ra = a.retry_after >= 0 ? a.retry_after * 1000 :
		    resp.retry_after_ms;

		send_result_set(res, SEND_TEMPFAIL, ra, "telegram: 429 %s",
		    a.description);
	} else if (a.status >= 500 || a.status == 408)
		send_result_set(res, SEND_TEMPFAIL, -1, "telegram: %ld %s",
		    a.status, a.description);
	else if (a.status >= 400)
		/* 400 (chat not found, bad request), 401, 403, 404: sending
		 * the same request again cannot succeed. */
		send_result_set(res, SEND_PERMFAIL, -1, "telegram: %ld %s",
		    a.status, a.description);
	else
		send_result_set(res, SEND_TEMPFAIL, -1, "telegram: unexpected status %ld",
		    a.status);
out:
	tg_msg_clear(&m);
	free(text);
	free(plain);
	http_response_free(&resp);
}

static size_t
tg_limits(const char *dest, const struct sender_limits *lim, struct rl_want *w,
    size_t max)
{
	const struct rl_rate *rate = sender_limits_of(lim, &channel_telegram);
	const char	*chat;
	char		 bot[64];
	size_t		 n = 0, bl;

	/* dest is "telegram:<bot>:<chat>". */
	if (max < 3 || strncmp(dest, "telegram:", 9) != 0 ||
	    (chat = strchr(dest + 9, ':')) == NULL)
		return 0;
	bl = (size_t)(chat - (dest + 9));
	if (bl >= sizeof(bot))
		bl = sizeof(bot) - 1;
	memcpy(bot, dest + 9, bl);
	bot[bl] = '\0';
	chat++;
	memset(w, 0, 3 * sizeof(*w));
	snprintf(w[n].key, sizeof(w[n].key), "tg-chat:%s:%s", bot, chat);
	w[n++].rate = rate[0];
	if (chat[0] == '-') {
		snprintf(w[n].key, sizeof(w[n].key), "tg-group:%s:%s", bot, chat);
		w[n++].rate = rate[1];
	}
	snprintf(w[n].key, sizeof(w[n].key), "tg-bot:%s", bot);
	w[n].shared = true;
	w[n++].rate = rate[2];
	return n;
}

/* The text as the chat shows it: markup removed, and for a later part of a
 * split message the "(i/n)" line skipped. */
static void
tg_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	struct tg_msg	 m;
	char		*text, *plain = NULL;
	const char	*s;
	size_t		 n;

	out[0] = '\0';
	if (tg_parse_payload(payload, len, &m, &text) == -1)
		return;
	s = text;
	if (strcmp(m.parse_mode, "HTML") == 0 &&
	    (plain = tgtext_html_to_plain(text)) != NULL)
		s = plain;
	n = strspn(s + (s[0] == '(' ? 1 : 0), "0123456789/");
	if (s[0] == '(' && n > 0 && s[n + 1] == ')' && s[n + 2] == '\n')
		s += n + 3;
	sender_first_line(s, strlen(s), out, outlen);
	tg_msg_clear(&m);
	free(plain);
	free(text);
}

const struct sender_ops sender_telegram_ops = {
	.name = "telegram",
	.render = tg_render,
	.send = tg_send,
	.limits = tg_limits,
	.describe = tg_describe,
};

/* Telegram's published limits: about one message a second per chat, twenty
 * a minute per group, thirty a second per bot. */
static const struct channel_limit tg_rate_limits[] = {
	{ "ratelimit.telegram-chat", "1/s",
	    "Messages per Telegram chat (N/s, N/m or N/h; 0: no limit)." },
	{ "ratelimit.telegram-group", "20/m",
	    "Messages per Telegram group chat, on top of the chat limit." },
	{ "ratelimit.telegram-bot", "30/s",
	    "Messages per Telegram bot, all chats together." },
	{ NULL, NULL, NULL }
};

const struct channel channel_telegram = {
	.name = "telegram",
	.key = "telegram_configs",
	.type = &telegram_type,
	.clear = telegram_clear,
	.ops = &sender_telegram_ops,
	.limits = tg_rate_limits,
};
