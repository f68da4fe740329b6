/* sender_pushover.c: the pushover channel: pushover_configs (fields,
 * defaults, validation as Alertmanager 0.34's), the form Alertmanager's
 * pushover notifier sends, POSTed to Pushover's messages API, Pushover's
 * JSON answers classified, and an emergency message's receipt (or a
 * resolved group) reported for following (sender_pushover_receipt.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cfgfield.h"
#include "clock.h"
#include "httpclient.h"
#include "log.h"
#include "link_actions.h"
#include "sender.h"
#include "sender_http.h"
#include "sender_pushover.h"
#include "sender_pushover_form.h"
#include "tmpl.h"
#include "urlenc.h"
#include "utf8.h"

/* ---- pushover_configs ---- */

#define PUSHOVER_API_URL	"https://api.pushover.net/1/messages.json"
#define PUSHOVER_RETRY_MS	(60 * 1000)		/* Alertmanager's 1m */
#define PUSHOVER_EXPIRE_MS	(60 * 60 * 1000)	/* and 1h */

/* One secret and its file, in Alertmanager 0.34's order: neither, both;
 * the file is read now so that a missing one is a load error with its
 * position. */
static int
secret_pair(struct cfg_load *ld, const struct cf_walk *w, const char *name,
    const char *filename, char **val, char **file)
{
	if (cfg_empty(*val) && cfg_empty(*file))
		return cfg_fail(ld, w->n, "one of %s or %s must be configured",
		    name, filename);
	if (!cfg_empty(*val) && !cfg_empty(*file))
		return cf_conflict(ld, w, name, filename);
	if (cfg_empty(*file))
		return 0;
	return cf_secret(ld, w, filename, val, file, NULL, NULL);
}

static int
pushover_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct pushover_config *c = w->obj;

	/* Alertmanager's defaults apply where the key is absent: an explicit
	 * 0s is kept. */
	if (cf_given(w, "retry") == NULL)
		c->retry_ms = PUSHOVER_RETRY_MS;
	if (cf_given(w, "expire") == NULL)
		c->expire_ms = PUSHOVER_EXPIRE_MS;
	if (secret_pair(ld, w, "user_key", "user_key_file", &c->user_key,
	    &c->user_key_file) == -1 ||
	    secret_pair(ld, w, "token", "token_file", &c->token,
	    &c->token_file) == -1)
		return -1;
	if (c->html && c->monospace)
		return cf_conflict(ld, w, "monospace", "html");
	return 0;
}

#define PUSHOVER_DEFAULT(name)	"{{ template \"pushover.default." name "\" . }}"

static const struct cf_field pushover_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(pushover_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(pushover_config, http) },
	{ "user_key", CF_STR, CF_AT(pushover_config, user_key), .secret = true },
	{ "user_key_file", CF_FILE, CF_AT(pushover_config, user_key_file) },
	{ "token", CF_STR, CF_AT(pushover_config, token), .secret = true },
	{ "token_file", CF_FILE, CF_AT(pushover_config, token_file) },
	{ "title", CF_STR, CF_AT(pushover_config, title),
	    .def = PUSHOVER_DEFAULT("title") },
	{ "message", CF_STR, CF_AT(pushover_config, message),
	    .def = PUSHOVER_DEFAULT("message") },
	{ "url", CF_STR, CF_AT(pushover_config, url),
	    .def = PUSHOVER_DEFAULT("url") },
	{ "url_title", CF_STR, CF_AT(pushover_config, url_title) },
	{ "device", CF_STR, CF_AT(pushover_config, device) },
	{ "sound", CF_STR, CF_AT(pushover_config, sound) },
	/* Emergency while firing, normal once resolved. */
	{ "priority", CF_STR, CF_AT(pushover_config, priority),
	    .def = "{{ if eq .Status \"firing\" }}2{{ else }}0{{ end }}" },
	{ "retry", CF_DURATION, CF_AT(pushover_config, retry_ms) },
	{ "expire", CF_DURATION, CF_AT(pushover_config, expire_ms) },
	{ "ttl", CF_DURATION, CF_AT(pushover_config, ttl_ms) },
	{ "html", CF_BOOL, CF_AT(pushover_config, html) },
	{ "monospace", CF_BOOL, CF_AT(pushover_config, monospace) },
	{ "api_url", CF_URL, CF_AT(pushover_config, api_url),
	    .def = PUSHOVER_API_URL },
	{ "actions", CF_TABLE, CF_AT(pushover_config, actions),	/* tocsin */
	    .sub = &link_actions_pushover_type },
	{ .name = NULL }
};
static const struct cf_type pushover_type = { "pushover_config", pushover_fields,
    sizeof(struct pushover_config), pushover_finish };

static void
pushover_clear(void *vc)
{
	struct pushover_config *c = vc;

	http_config_clear(&c->http);
	cfg_secret_free(c->user_key);
	free(c->user_key_file);
	cfg_secret_free(c->token);
	free(c->token_file);
	free(c->title);
	free(c->message);
	free(c->url);
	free(c->url_title);
	free(c->device);
	free(c->sound);
	free(c->priority);
	free(c->api_url);
	tga_clear(&c->actions);
}

static const struct tg_actions *
pushover_links(const void *vc)
{
	return &((const struct pushover_config *)vc)->actions;
}

/* ---- the form ---- */

/* Pushover's limits (pushover.net/api#limits), which Alertmanager cuts to
 * with notify.TruncateInRunes. It leaves url_title (100) alone, and so
 * does tocsin: Pushover refuses a longer one with a 400 that names it. */
#define PUSHOVER_TITLE_RUNES	250
#define PUSHOVER_MESSAGE_RUNES	1024
#define PUSHOVER_URL_RUNES	512

static int
form_addb(struct buf *b, const char *key, const struct buf *v)
{
	return form_add(b, key, buf_str(v), v->len);
}

static int
form_secs(struct buf *b, const char *key, int64_t ms)
{
	char	 s[32];

	/* int64(time.Duration(d).Seconds()): whole seconds, cut toward 0. */
	snprintf(s, sizeof(s), "%" PRId64, ms / 1000);
	return form_add(b, key, s, strlen(s));
}

/* Renders t (NULL as "") as kind into out (emptied first), cut to max
 * runes (0: no cut); a failing template gives the fallback text, so the
 * alert still reaches the phone. */
static int
field(const struct sender_render_ctx *ctx, const struct notification *n,
    const char *what, const char *t, enum tmpl_kind kind, size_t max,
    struct buf *out, struct terr *err)
{
	buf_reset(out);
	if (tmpl_render_text_or_fallback(ctx->tmpl, t ? t : "", n, kind,
	    ctx->opts, what, out) == -1 ||
	    (max > 0 && sender_truncate_runes(out, max) == -1))
		return terr_set(err, "out of memory");
	return 0;
}

/* The message as Alertmanager 0.34 makes it: an HTML template when html is
 * set, cut to 1024 runes, then trimmed (Go's strings.TrimSpace), and
 * "(no details)" when nothing is left, because Pushover refuses an empty
 * one. */
static int
message_text(const struct pushover_config *c,
    const struct sender_render_ctx *ctx, const struct notification *n,
    struct buf *out, struct terr *err)
{
	size_t	 off, len;

	if (field(ctx, n, "pushover message", c->message, c->html ? TMPL_HTML :
	    TMPL_TEXT, PUSHOVER_MESSAGE_RUNES, out, err) == -1)
		return -1;
	utf8_trim_space(buf_str(out), out->len, &off, &len);
	if (len == 0) {
		buf_reset(out);
		return buf_adds(out, "(no details)") == -1 ?
		    terr_set(err, "out of memory") : 0;
	}
	memmove(out->data, out->data + off, len);
	out->data[len] = '\0';
	out->len = len;
	return 0;
}

/*
 * After the form, on a line of its own (a form has no raw newline), what
 * send needs to know of the notification and Pushover does not: the group
 * key, and whether the group resolved. "group=<escaped>[&resolved=1]".
 */
static int
meta_add(struct buf *b, const struct notification *n)
{
	if (buf_addc(b, '\n') == -1 || buf_adds(b, "group=") == -1 ||
	    urlenc_query(b, n->group_key ? n->group_key : "",
	    n->group_key ? strlen(n->group_key) : 0) == -1)
		return -1;
	return n->status == ALERT_RESOLVED ? buf_adds(b, "&resolved=1") : 0;
}

/* A stored payload's form and meta line (empty when there is none). */
static void
payload_split(const char *p, size_t len, size_t *formlen, const char **meta,
    size_t *metalen)
{
	const char	*nl = memchr(p, '\n', len);

	*formlen = nl != NULL ? (size_t)(nl - p) : len;
	*meta = nl != NULL ? nl + 1 : p + len;
	*metalen = len - (size_t)(*meta - p);
}

/*
 * The form as Alertmanager's url.Values.Encode writes it: keys sorted,
 * values escaped as Go's QueryEscape. token and user are left out: the
 * store never holds a secret, and send puts them in at their places. The
 * device goes only when it is set (Alertmanager 0.34 sends "device=" when
 * it is not, 0.25 nothing; Pushover reads both as every device), so
 * without device this is 0.25's form byte for byte.
 */
static int
pushover_form(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err)
{
	const struct pushover_config *c = vcfg;
	struct buf	 device, msg, prio, sound, title, url, url_title;
	int		 rc = -1;

	buf_init(&device, 0);
	buf_init(&msg, 0);
	buf_init(&prio, 0);
	buf_init(&sound, 0);
	buf_init(&title, 0);
	buf_init(&url, 0);
	buf_init(&url_title, 0);
	if (field(ctx, n, "pushover title", c->title, TMPL_TEXT,
	    PUSHOVER_TITLE_RUNES, &title, err) == -1 ||
	    message_text(c, ctx, n, &msg, err) == -1 ||
	    field(ctx, n, "pushover url", c->url, TMPL_TEXT, PUSHOVER_URL_RUNES,
	    &url, err) == -1 ||
	    field(ctx, n, "pushover url_title", c->url_title, TMPL_TEXT, 0,
	    &url_title, err) == -1 ||
	    field(ctx, n, "pushover priority", c->priority, TMPL_TEXT, 0,
	    &prio, err) == -1 ||
	    field(ctx, n, "pushover device", c->device, TMPL_TEXT, 0,
	    &device, err) == -1 ||
	    field(ctx, n, "pushover sound", c->sound, TMPL_TEXT, 0,
	    &sound, err) == -1)
		goto out;
	/* Pushover has one supplementary URL: the first action link takes
	 * it (the message's template can show them all through .Actions). */
	if (n->nlinks > 0) {
		buf_reset(&url);
		buf_reset(&url_title);
		if (buf_adds(&url, n->links[0].url) == -1 ||
		    buf_adds(&url_title, n->links[0].name) == -1) {
			terr_set(err, "out of memory");
			goto out;
		}
	}
	if ((device.len > 0 && form_addb(b, "device", &device) == -1) ||
	    form_secs(b, "expire", c->expire_ms) == -1 ||
	    (c->html && form_add(b, "html", "1", 1) == -1) ||
	    form_addb(b, "message", &msg) == -1 ||
	    (c->monospace && form_add(b, "monospace", "1", 1) == -1) ||
	    form_addb(b, "priority", &prio) == -1 ||
	    form_secs(b, "retry", c->retry_ms) == -1 ||
	    form_addb(b, "sound", &sound) == -1 ||
	    form_addb(b, "title", &title) == -1 ||
	    (c->ttl_ms >= 1000 && form_secs(b, "ttl", c->ttl_ms) == -1) ||
	    form_addb(b, "url", &url) == -1 ||
	    form_addb(b, "url_title", &url_title) == -1 ||
	    meta_add(b, n) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	rc = 0;
out:
	buf_free(&device);
	buf_free(&msg);
	buf_free(&prio);
	buf_free(&sound);
	buf_free(&title);
	buf_free(&url);
	buf_free(&url_title);
	if (rc == -1)
		terr_prefix(err, "pushover");
	return rc;
}

static void
pushover_dest(const struct pushover_config *c, char *dest, size_t len)
{
	struct buf	 k;

	/* One destination per application and user: Pushover counts and
	 * orders per application, and a phone gets them in order. */
	buf_init(&k, 0);
	if (buf_printf(&k, "%s\n%s", c->token ? c->token : "",
	    c->user_key ? c->user_key : "") == -1)
		buf_reset(&k);
	sender_url_dest("pushover", buf_str(&k), dest, len);
	if (k.data != NULL)
		explicit_bzero(k.data, k.len);
	buf_free(&k);
}

static int
pushover_render(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct pushover_config *c = vcfg;
	char			 dest[64];

	pushover_dest(c, dest, sizeof(dest));
	return sender_render_one_links(c, c->send_resolved, &c->actions, n, ctx,
	    pushover_form, dest, out, err);
}

/* ---- sending ---- */

int
pushover_answer_parse(const char *body, size_t len, struct pushover_answer *a)
{
	json_t		*root, *v, *e;
	const char	*s;
	struct buf	 line;
	size_t		 i;

	memset(a, 0, sizeof(*a));
	a->status = -1;
	if ((root = json_loadb(body != NULL ? body : "", len, 0, NULL)) == NULL)
		return -1;
	if (!json_is_object(root)) {
		json_decref(root);
		return -1;
	}
	if (json_is_integer(v = json_object_get(root, "status")))
		a->status = json_integer_value(v);
	/* "errors": ["user identifier is not a valid user, ..."], joined
	 * into one line of printable text: the body is the network's. What
	 * does not fit the buffer's cap is left out whole, and
	 * sender_first_line cuts the rest at a character's boundary. */
	buf_init(&line, 4 * sizeof(a->errors));
	json_array_foreach(json_object_get(root, "errors"), i, e)
		if ((s = json_string_value(e)) != NULL &&
		    buf_printf(&line, "%s%s", line.len > 0 ? "; " : "", s) == -1)
			break;
	/* An error's own line breaks become spaces: one line of them all. */
	for (i = 0; i < line.len; i++)
		if ((unsigned char)line.data[i] < 0x20 || line.data[i] == 0x7f)
			line.data[i] = ' ';
	if (line.len > 0)
		sender_first_line(line.data, line.len, a->errors, sizeof(a->errors));
	buf_free(&line);
	/* A receipt is 30 of [A-Za-z0-9]; anything else is not one. */
	if ((s = json_string_value(json_object_get(root, "receipt"))) != NULL &&
	    strlen(s) < sizeof(a->receipt) && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(s))
		memcpy(a->receipt, s, strlen(s) + 1);
	if ((s = json_string_value(json_object_get(root, "request"))) != NULL)
		sender_first_line(s, strlen(s), a->request, sizeof(a->request));
	a->acknowledged = json_integer_value(json_object_get(root, "acknowledged"));
	a->acknowledged_at = json_integer_value(json_object_get(root,
	    "acknowledged_at"));
	a->expired = json_integer_value(json_object_get(root, "expired"));
	if ((s = json_string_value(json_object_get(root,
	    "acknowledged_by_device"))) != NULL)
		sender_first_line(s, strlen(s), a->acknowledged_by_device,
		    sizeof(a->acknowledged_by_device));
	json_decref(root);
	return 0;
}

/* The stored form with the token and the user key put in: the request
 * body. Caller frees body (wiped: it holds both secrets). */
static int
request_body(const struct pushover_config *c, const char *form, size_t len,
    struct buf *body)
{
	struct buf	 t;
	int		 rc;

	buf_init(&t, 0);
	rc = form_insert(&t, form, len, "token", c->token ? c->token : "");
	if (rc == 0)
		rc = form_insert(body, buf_str(&t), t.len, "user",
		    c->user_key ? c->user_key : "");
	if (t.data != NULL)
		explicit_bzero(t.data, t.len);
	buf_free(&t);
	return rc;
}

/* Hands what a delivered message leaves to follow to ctx->receipts: its
 * receipt (an emergency message), or its group's open receipts to cancel
 * (the group resolved). The message is delivered either way; a receipt
 * that cannot be kept is only logged. */
static void
report_receipt(const struct pushover_config *c,
    const struct sender_send_ctx *ctx, const char *meta, size_t metalen,
    const struct pushover_answer *a)
{
	const struct sender_receipts *rb = ctx != NULL ? ctx->receipts : NULL;
	struct buf	 group, resolved;
	struct terr	 err;
	int		 rc = 0;

	if (rb == NULL)
		return;
	buf_init(&group, 0);
	buf_init(&resolved, 0);
	if (form_get(meta, metalen, "group", &group) == -1)
		goto out;
	if (form_get(meta, metalen, "resolved", &resolved) == -1)
		buf_reset(&resolved);	/* firing */
	if (a->receipt[0] != '\0')
		rc = rb->opened(rb->arg, ctx->receiver, ctx->integration,
		    buf_str(&group), a->receipt, wall_ms() + c->expire_ms, &err);
	if (rc == 0 && strcmp(buf_str(&resolved), "1") == 0)
		rc = rb->resolved(rb->arg, ctx->receiver, buf_str(&group), &err);
	if (rc == -1)
		log_warn("pushover receipt not kept", "receiver", ctx->receiver,
		    "integration", ctx->integration, "err", err.msg);
out:
	buf_free(&group);
	buf_free(&resolved);
}

static void
pushover_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len, struct send_result *res)
{
	const struct pushover_config	*c = vcfg;
	struct http_response		 resp;
	struct pushover_answer		 a;
	struct buf			 body;
	const char			*meta;
	size_t				 formlen, metalen;
	bool				 ours;

	(void)dest;
	buf_init(&body, 0);
	http_response_init(&resp);
	payload_split(payload, len, &formlen, &meta, &metalen);
	if (request_body(c, payload, formlen, &body) == -1) {
		send_result_set(res, SEND_TEMPFAIL, -1, "pushover: out of memory");
		goto out;
	}
	/* No answer and 5xx retried, 429 (over the month's messages) waits,
	 * other 4xx dead: Pushover asks that an invalid request is not sent
	 * again. */
	sender_http_post_type("pushover", c->api_url,
	    "application/x-www-form-urlencoded", NULL, &c->http, ctx,
	    body.data, body.len, &resp, res);
	if (resp.status == 0)
		goto out;
	ours = pushover_answer_parse(resp.body.data, resp.body.len, &a) == 0 &&
	    a.status >= 0;
	if (res->status == SEND_OK) {
		/* Pushover answers {"status":1,...}; any other 2xx (a proxy's
		 * page, an api_url that is not Pushover's) reached no phone
		 * and never will, so it is not retried. */
		if (!ours || a.status != 1)
			send_result_set(res, SEND_PERMFAIL, -1, "pushover: %ld answer "
			    "is not a Pushover one; is api_url Pushover's messages "
			    "API?", resp.status);
		else
			report_receipt(c, ctx, meta, metalen, &a);
		goto out;
	}
	if (ours && a.errors[0] != '\0')
		send_result_set(res, res->status, res->retry_after_ms,
		    "pushover: %ld %s", resp.status, a.errors);
out:
	if (body.data != NULL)
		explicit_bzero(body.data, body.len);
	buf_free(&body);
	http_response_free(&resp);
}

static size_t
pushover_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	return sender_limit_per_dest(dest,
	    &sender_limits_of(lim, &channel_pushover)[0], w, max);
}

/* The title, else the message's first line. */
static void
pushover_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	static const char *const keys[] = { "title", "message", NULL };
	struct buf	 v;
	const char	*meta;
	size_t		 i, formlen, metalen;

	out[0] = '\0';
	payload_split(payload, len, &formlen, &meta, &metalen);
	buf_init(&v, 0);
	for (i = 0; keys[i] != NULL && out[0] == '\0'; i++) {
		buf_reset(&v);
		if (form_get(payload, formlen, keys[i], &v) == 0)
			sender_first_line(buf_str(&v), v.len, out, outlen);
	}
	buf_free(&v);
}

static const struct sender_ops sender_pushover_ops = {
	.name = "pushover",
	.render = pushover_render,
	.send = pushover_send,
	.limits = pushover_limits,
	.describe = pushover_describe,
	.follow = pushover_follow,
};

/* Pushover sets no rate per second, but asks for no more than two requests
 * at once and counts every message against the month's quota (10,000 free);
 * one a second per application and user keeps a flapping group from
 * draining it or burying the phone, while an incident's messages still
 * arrive within seconds. */
static const struct channel_limit pushover_rate_limits[] = {
	{ "ratelimit.pushover", "1/s", "Messages per Pushover application and user." },
	{ NULL, NULL, NULL }
};

const struct channel channel_pushover = {
	.name = "pushover",
	.key = "pushover_configs",
	.type = &pushover_type,
	.clear = pushover_clear,
	.ops = &sender_pushover_ops,
	.limits = pushover_rate_limits,
	.links = pushover_links,
};
