/* sender_gotify.c: the gotify channel: gotify_configs (fields, defaults,
 * validation) and Gotify's REST API, POST {url}/message with an application
 * token, its error bodies read into the reason. */
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
#include "sender.h"
#include "sender_gotify.h"
#include "sender_http.h"
#include "tmpl.h"

/* ---- gotify_configs ---- */

/* The token goes into a request header: a control character or a space
 * would end or split that header, and Gotify's tokens have neither. */
static bool
token_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int
gotify_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct gotify_config *c = w->obj;
	const struct ynode *at;

	/* tocsin appends /message to the URL; a query or fragment would end
	 * up before it. */
	if (c->url != NULL && strpbrk(c->url, "?#") != NULL)
		return cfg_fail(ld, cf_value(w, "url"), "url must not have a "
		    "query or fragment in gotify_config");
	if (!cfg_empty(c->token) && c->token_file != NULL)
		return cf_conflict(ld, w, "token", "token_file");
	if (cfg_empty(c->token) && c->token_file == NULL)
		return cfg_fail(ld, w->n, "missing token or token_file in "
		    "gotify_config");
	if (cf_secret(ld, w, "token_file", &c->token, &c->token_file, NULL,
	    NULL) == -1)
		return -1;
	at = c->token_file != NULL ? cf_value(w, "token_file") : cf_value(w, "token");
	if (cfg_empty(c->token))
		return cfg_fail(ld, at, "token_file \"%s\" holds no token",
		    c->token_file);
	if (!token_ok(c->token))
		return cfg_fail(ld, at, "%s holds a space or a control character; "
		    "a Gotify token has none", c->token_file != NULL ?
		    "token_file" : "token");
	return 0;
}

#define GOTIFY_DEFAULT(name)	"{{ template \"gotify.default." name "\" . }}"

static const struct cf_field gotify_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(gotify_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(gotify_config, http) },
	{ "url", CF_URL, CF_AT(gotify_config, url), .secret = true,
	    .missing = "missing url in gotify_config" },
	{ "token", CF_STR, CF_AT(gotify_config, token), .secret = true },
	{ "token_file", CF_FILE, CF_AT(gotify_config, token_file) },
	{ "title", CF_STR, CF_AT(gotify_config, title),
	    .def = GOTIFY_DEFAULT("title") },
	{ "message", CF_STR, CF_AT(gotify_config, message),
	    .def = GOTIFY_DEFAULT("message") },
	{ "priority", CF_STR, CF_AT(gotify_config, priority),
	    .def = GOTIFY_DEFAULT("priority") },
	{ "markdown", CF_BOOL, CF_AT(gotify_config, markdown) },
	{ "click_url", CF_STR, CF_AT(gotify_config, click_url),
	    .def = GOTIFY_DEFAULT("clickurl") },
	{ .name = NULL }
};
static const struct cf_type gotify_type = { "gotify_config", gotify_fields,
    sizeof(struct gotify_config), gotify_finish };

static void
gotify_clear(void *vc)
{
	struct gotify_config *c = vc;

	http_config_clear(&c->http);
	cfg_secret_free(c->url);
	cfg_secret_free(c->token);
	free(c->token_file);
	free(c->title);
	free(c->message);
	free(c->priority);
	free(c->click_url);
}

/* ---- sending ---- */

/* t rendered as a priority: an integer, white space around it allowed, in
 * the range of Gotify's int column. 0 when it is one. */
static int
priority_of(const struct sender_render_ctx *ctx, const struct notification *n,
    const char *t, int64_t *out)
{
	struct buf	 b;
	struct terr	 err;
	char		*s, *end;
	long long	 v;
	int		 rc = -1;

	buf_init(&b, 0);
	if (tmpl_render_text(ctx->tmpl, t, n, TMPL_TEXT, ctx->opts, &b,
	    &err) == -1)
		goto out;
	s = (char *)buf_str(&b);
	errno = 0;
	v = strtoll(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (end == s || *end != '\0' || errno == ERANGE || v < INT32_MIN ||
	    v > INT32_MAX)
		goto out;
	*out = v;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* A priority template that does not give an integer (a typo, a label
 * holding text) must not silence the alert: the default priority, from
 * the severity label, replaces it, and 4 (a normal notification) when even
 * that was redefined badly. */
static int64_t
gotify_priority(const struct gotify_config *c, const struct sender_render_ctx *ctx,
    const struct notification *n)
{
	int64_t	 v;

	if (priority_of(ctx, n, c->priority ? c->priority : "", &v) == 0 ||
	    priority_of(ctx, n, GOTIFY_DEFAULT("priority"), &v) == 0)
		return v;
	return 4;
}

/* {"title":..,"message":..,"priority":N,"extras":{..}}: extras only when
 * markdown or a click URL asks for them, in Gotify's namespaces. */
static int
gotify_json(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err)
{
	const struct gotify_config *c = vcfg;
	struct buf	 v;
	int		 rc = -1;

	buf_init(&v, 0);
	if (sender_render_text(ctx, n, "gotify title", c->title, &v, err) == -1)
		goto out;
	if (buf_adds(b, "{\"title\":") == -1 || jsonw_str(b, buf_str(&v), v.len) == -1)
		goto oom;
	if (sender_render_text(ctx, n, "gotify message", c->message, &v, err) == -1)
		goto out;
	if (buf_adds(b, ",\"message\":") == -1 ||
	    jsonw_str(b, buf_str(&v), v.len) == -1)
		goto oom;
	if (buf_printf(b, ",\"priority\":%" PRId64, gotify_priority(c, ctx, n)) == -1)
		goto oom;
	if (sender_render_text(ctx, n, "gotify click_url", c->click_url, &v, err) == -1)
		goto out;
	if (c->markdown || v.len > 0) {
		if (buf_adds(b, ",\"extras\":{") == -1)
			goto oom;
		if (c->markdown && buf_adds(b, "\"client::display\":"
		    "{\"contentType\":\"text/markdown\"}") == -1)
			goto oom;
		if (v.len > 0 && (buf_printf(b, "%s\"client::notification\":"
		    "{\"click\":{\"url\":", c->markdown ? "," : "") == -1 ||
		    jsonw_str(b, buf_str(&v), v.len) == -1 ||
		    buf_adds(b, "}}") == -1))
			goto oom;
		if (buf_addc(b, '}') == -1)
			goto oom;
	}
	if (buf_addc(b, '}') == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	terr_set(err, "out of memory");
out:
	buf_free(&v);
	if (rc == -1)
		terr_prefix(err, "gotify");
	return rc;
}

static int
gotify_render(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct gotify_config *c = vcfg;
	char			 dest[64];

	/* One destination per server: its order and its rate limit. */
	sender_url_dest("gotify", c->url, dest, sizeof(dest));
	return sender_render_one(c, c->send_resolved, n, ctx, gotify_json, dest, out,
	    err);
}

/* Gotify's error body, {"error":"Unauthorized","errorCode":401,
 * "errorDescription":"..."}, as "401 Unauthorized: ..." in the reason; an
 * answer of another shape keeps sender_http's reason. */
static void
gotify_error_reason(const struct http_response *resp, struct send_result *res)
{
	json_t		*root;
	const char	*e, *d;
	char		 sd[160];

	if ((root = json_loadb(resp->body.data ? resp->body.data : "",
	    resp->body.len, 0, NULL)) == NULL)
		return;
	e = json_string_value(json_object_get(root, "error"));
	d = json_string_value(json_object_get(root, "errorDescription"));
	if (e != NULL && d != NULL) {
		sender_first_line(d, strlen(d), sd, sizeof(sd));
		snprintf(res->reason, sizeof(res->reason), "gotify: %ld %.40s: %s",
		    resp->status, e, sd);
	}
	json_decref(root);
}

static void
gotify_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len, struct send_result *res)
{
	const struct gotify_config	*c = vcfg;
	struct http_response		 resp;
	struct buf			 url, key;
	const char			*hdrs[2] = { NULL, NULL };
	json_t				*root;
	size_t				 ulen;

	(void)dest;
	buf_init(&url, 0);
	buf_init(&key, 0);
	http_response_init(&resp);
	/* {url}/message, without doubling a trailing slash; the token in a
	 * header, never in the URL, where a proxy's access log would keep it. */
	ulen = c->url ? strlen(c->url) : 0;
	while (ulen > 0 && c->url[ulen - 1] == '/')
		ulen--;
	if (buf_add(&url, c->url ? c->url : "", ulen) == -1 ||
	    buf_adds(&url, "/message") == -1 ||
	    buf_printf(&key, "X-Gotify-Key: %s", c->token ? c->token : "") == -1) {
		send_result_set(res, SEND_TEMPFAIL, -1, "gotify: out of memory");
		goto out;
	}
	hdrs[0] = buf_str(&key);
	sender_http_post_headers("gotify", buf_str(&url), hdrs, &c->http, ctx,
	    payload, len, &resp, res);
	if (resp.status == 0)
		goto out;
	if (res->status != SEND_OK) {
		gotify_error_reason(&resp, res);
		goto out;
	}
	/* Gotify answers the message it created; any other 2xx (a proxy's
	 * login page, a URL that is not the Gotify server) reached no phone
	 * and never will, so it is not retried. */
	root = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0,
	    NULL);
	if (!json_is_integer(json_object_get(root, "id")))
		send_result_set(res, SEND_PERMFAIL, -1, "gotify: %ld answer is not "
		    "a Gotify message; is url the Gotify server?", resp.status);
	json_decref(root);
out:
	if (key.data != NULL)
		explicit_bzero(key.data, key.len);
	buf_free(&key);
	buf_free(&url);
	http_response_free(&resp);
}

static size_t
gotify_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	return sender_limit_per_dest(dest,
	    &sender_limits_of(lim, &channel_gotify)[0], w, max);
}

/* The title, else the message's first line. */
static void
gotify_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	static const char *const paths[] = { "title", "message", NULL };

	sender_json_describe(payload, len, paths, out, outlen);
}

static const struct sender_ops sender_gotify_ops = {
	.name = "gotify",
	.render = gotify_render,
	.send = gotify_send,
	.limits = gotify_limits,
	.describe = gotify_describe,
};

/* Gotify publishes no rate limit; it stores every message and pushes it to
 * every connected client. One a second per server keeps a flapping group
 * from burying the phone or a small self-hosted server (a Raspberry Pi)
 * while a real incident's messages still arrive within seconds. */
static const struct channel_limit gotify_rate_limits[] = {
	{ "ratelimit.gotify", "1/s", "Messages per Gotify server." },
	{ NULL, NULL, NULL }
};

const struct channel channel_gotify = {
	.name = "gotify",
	.key = "gotify_configs",
	.type = &gotify_type,
	.clear = gotify_clear,
	.ops = &sender_gotify_ops,
	.limits = gotify_rate_limits,
};
