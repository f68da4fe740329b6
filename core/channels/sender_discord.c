/* sender_discord.c: the discord channel: discord_configs (fields, defaults,
 * validation), Discord webhooks with the embed JSON Alertmanager's discord
 * notifier builds, and Discord's JSON error answers classified. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cfgfield.h"
#include "httpclient.h"
#include "jsonw.h"
#include "sender.h"
#include "sender_discord.h"
#include "sender_http.h"
#include "tmpl.h"

/* ---- discord_configs ---- */

/* Alertmanager 0.34's order: neither, then both; the file is read now so
 * that a missing one is a load error with its position. */
static int
discord_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct discord_config *c = w->obj;

	if (c->webhook_url == NULL && cfg_empty(c->webhook_url_file))
		return cfg_fail(ld, w->n, "one of webhook_url or webhook_url_file "
		    "must be configured");
	if (c->webhook_url != NULL && !cfg_empty(c->webhook_url_file))
		return cf_conflict(ld, w, "webhook_url", "webhook_url_file");
	if (cfg_empty(c->webhook_url_file))
		return 0;
	return cf_secret(ld, w, "webhook_url_file", &c->webhook_url,
	    &c->webhook_url_file, NULL, NULL);
}

static const struct cf_field discord_fields[] = {
	{ "send_resolved", CF_BOOL, CF_AT(discord_config, send_resolved), .on = true },
	{ "http_config", CF_HTTP, CF_AT(discord_config, http) },
	{ "webhook_url", CF_URL, CF_AT(discord_config, webhook_url), .secret = true },
	{ "webhook_url_file", CF_FILE, CF_AT(discord_config, webhook_url_file) },
	{ "content", CF_STR, CF_AT(discord_config, content) },
	{ "title", CF_STR, CF_AT(discord_config, title),
	    .def = "{{ template \"discord.default.title\" . }}" },
	{ "message", CF_STR, CF_AT(discord_config, message),
	    .def = "{{ template \"discord.default.message\" . }}" },
	{ "username", CF_STR, CF_AT(discord_config, username) },
	{ "avatar_url", CF_STR, CF_AT(discord_config, avatar_url) },
	{ .name = NULL }
};
static const struct cf_type discord_type = { "discord_config", discord_fields,
    sizeof(struct discord_config), discord_finish };

static void
discord_clear(void *vc)
{
	struct discord_config *c = vc;

	http_config_clear(&c->http);
	cfg_secret_free(c->webhook_url);
	free(c->webhook_url_file);
	free(c->content);
	free(c->title);
	free(c->message);
	free(c->username);
	free(c->avatar_url);
}

/* ---- sending ---- */

/* Discord's limits, which Alertmanager 0.34 cuts to (notify.TruncateInRunes):
 * an embed's title and description, a message's content. */
#define DISCORD_TITLE_RUNES		256
#define DISCORD_DESCRIPTION_RUNES	4096
#define DISCORD_CONTENT_RUNES		2000

/* The embed's colour by the notification's status, as Alertmanager's. */
#define DISCORD_RED	0x992D22
#define DISCORD_GREEN	0x2ECC71
#define DISCORD_GREY	0x95A5A6

/* The longest retry_after taken as it is, as for Telegram's. */
#define DISCORD_RETRY_AFTER_MAX_S	999999999.0

/* Renders template t (NULL as "") into out, cut to max runes; a failing
 * template gives the fallback text, so the alert still reaches Discord. */
static int
field_text(const struct sender_render_ctx *ctx, const struct notification *n,
    const char *what, const char *t, size_t max, struct buf *out,
    struct terr *err)
{
	if (sender_render_text(ctx, n, what, t, out, err) == -1)
		return -1;
	if (sender_truncate_runes(out, max) == -1)
		return terr_set(err, "out of memory");
	return 0;
}

static bool
hex2(const char *s)
{
	return isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1]);
}

/*
 * Whether Go's url.Parse takes s, which is all Alertmanager asks of an
 * avatar_url before it sends it (else it leaves it out): no control
 * characters, a scheme when there is a ':' before the first '/', valid
 * %-escapes outside the query, a closed IPv6 bracket and a numeric port.
 */
static bool
go_url_parses(const char *s)
{
	const char	*p, *q, *auth, *aend, *colon;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	if (s[0] == ':')
		return false;
	for (p = s; isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.'; p++)
		;
	if (*p == ':' && isalpha((unsigned char)s[0]))
		p++;
	else {
		/* No scheme: a ':' in the first segment reads as one. */
		p = s;
		q = p + strcspn(p, "/?#");
		if (memchr(p, ':', (size_t)(q - p)) != NULL)
			return false;
	}
	for (q = p; *q != '\0' && *q != '?'; q++)
		if (*q == '%' && !hex2(q + 1))
			return false;
	if ((q = strchr(p, '#')) != NULL)
		for (; *q != '\0'; q++)
			if (*q == '%' && !hex2(q + 1))
				return false;
	if (strncmp(p, "//", 2) != 0)
		return true;
	auth = p + 2;
	aend = auth + strcspn(auth, "/?#");
	for (q = aend; q > auth && q[-1] != '@'; q--)
		;
	if (*q == '[') {
		if ((q = memchr(q, ']', (size_t)(aend - q))) == NULL)
			return false;
		colon = q + 1 < aend ? q + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return false;
	} else
		colon = memchr(q, ':', (size_t)(aend - q));
	if (colon != NULL)
		for (q = colon + 1; q < aend; q++)
			if (!isdigit((unsigned char)*q))
				return false;
	return true;
}

/*
 * The body as Alertmanager 0.34 encodes its webhook struct: content, one
 * embed (title, description, color), then username and avatar_url when
 * set; Go's escaping and the newline its json.Encoder ends with. Without
 * content, username and avatar_url it is 0.25's body byte for byte.
 */
static int
discord_json(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct buf *b, struct terr *err)
{
	const struct discord_config *c = vcfg;
	struct buf	 title, desc, content;
	size_t		 i;
	int		 color = DISCORD_GREY, rc = -1;

	buf_init(&title, 0);
	buf_init(&desc, 0);
	buf_init(&content, 0);
	if (field_text(ctx, n, "title", c->title, DISCORD_TITLE_RUNES,
	    &title, err) == -1 ||
	    field_text(ctx, n, "message", c->message, DISCORD_DESCRIPTION_RUNES,
	    &desc, err) == -1 ||
	    field_text(ctx, n, "content", c->content, DISCORD_CONTENT_RUNES,
	    &content, err) == -1)
		goto out;
	/* types.Alerts.Status: firing when any alert is. */
	if (n->nalerts > 0)
		color = DISCORD_GREEN;
	for (i = 0; i < n->nalerts; i++)
		if (n->alerts[i].status != ALERT_RESOLVED)
			color = DISCORD_RED;
	if (buf_adds(b, "{\"content\":") == -1 ||
	    jsonw_str(b, buf_str(&content), content.len) == -1 ||
	    buf_adds(b, ",\"embeds\":[{\"title\":") == -1 ||
	    jsonw_str(b, buf_str(&title), title.len) == -1 ||
	    buf_adds(b, ",\"description\":") == -1 ||
	    jsonw_str(b, buf_str(&desc), desc.len) == -1 ||
	    buf_printf(b, ",\"color\":%d}]", color) == -1)
		goto oom;
	if (!cfg_empty(c->username) && (buf_adds(b, ",\"username\":") == -1 ||
	    jsonw_cstr(b, c->username) == -1))
		goto oom;
	if (!cfg_empty(c->avatar_url) && go_url_parses(c->avatar_url) &&
	    (buf_adds(b, ",\"avatar_url\":") == -1 ||
	    jsonw_cstr(b, c->avatar_url) == -1))
		goto oom;
	if (buf_adds(b, "}\n") == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	terr_set(err, "out of memory");
out:
	buf_free(&title);
	buf_free(&desc);
	buf_free(&content);
	if (rc == -1)
		terr_prefix(err, "discord");
	return rc;
}

static int
discord_render(const void *vcfg, const struct notification *n,
    const struct sender_render_ctx *ctx, struct sender_parts *out,
    struct terr *err)
{
	const struct discord_config *c = vcfg;
	char			 dest[64];

	sender_url_dest("discord", c->webhook_url, dest, sizeof(dest));
	return sender_render_one(c, c->send_resolved, n, ctx, discord_json, dest, out,
	    err);
}

/* What Discord said in a JSON error answer. */
struct discord_answer {
	bool		 json;		/* the body was a JSON object */
	char		 message[100];
	long long	 code;		/* -1 absent */
	int64_t		 retry_after_ms; /* -1 absent */
	bool		 global;
	char		 detail[120];	/* the first form error: "embeds.0.title: ..." */
};

/* The first "_errors" entry under e (Discord's form errors), its path from
 * the top into a->detail. */
static bool
form_error(json_t *e, char *path, size_t plen, struct discord_answer *a,
    int depth)
{
	const char	*k, *msg;
	json_t		*v;
	size_t		 at = strlen(path);

	if (!json_is_object(e) || depth > 8)
		return false;
	if ((msg = json_string_value(json_object_get(json_array_get(
	    json_object_get(e, "_errors"), 0), "message"))) != NULL) {
		snprintf(a->detail, sizeof(a->detail), "%s%s%s", path,
		    at > 0 ? ": " : "", msg);
		return true;
	}
	json_object_foreach(e, k, v) {
		snprintf(path + at, plen - at, "%s%s", at > 0 ? "." : "", k);
		if (form_error(v, path, plen, a, depth + 1))
			return true;
		path[at] = '\0';
	}
	return false;
}

static void
discord_read_answer(const struct http_response *r, struct discord_answer *a)
{
	json_t		*root, *v;
	const char	*m;
	char		 path[120] = "";
	double		 s;

	memset(a, 0, sizeof(*a));
	a->code = -1;
	a->retry_after_ms = -1;
	if ((root = json_loadb(buf_str(&r->body), r->body.len, 0, NULL)) == NULL)
		return;
	if (!json_is_object(root))
		goto out;
	a->json = true;
	/* One line of printable text: the body is the network's. */
	if ((m = json_string_value(json_object_get(root, "message"))) != NULL)
		sender_first_line(m, strlen(m), a->message, sizeof(a->message));
	if (json_is_integer(v = json_object_get(root, "code")))
		a->code = json_integer_value(v);
	if (json_is_number(v = json_object_get(root, "retry_after")) &&
	    (s = json_number_value(v)) >= 0) {
		/* Seconds, with decimals; capped so the milliseconds fit.
		 * Rounded up to a millisecond, less float noise (0.57 * 1000
		 * is 570.0000000000001). */
		if (s > DISCORD_RETRY_AFTER_MAX_S)
			s = DISCORD_RETRY_AFTER_MAX_S;
		a->retry_after_ms = (int64_t)ceil(s * 1000.0 - 1e-6);
	}
	a->global = json_is_true(json_object_get(root, "global"));
	if (form_error(json_object_get(root, "errors"), path, sizeof(path), a, 0)) {
		char line[sizeof(a->detail)];

		sender_first_line(a->detail, strlen(a->detail), line, sizeof(line));
		memcpy(a->detail, line, sizeof(line));
	}
out:
	json_decref(root);
}

static void
discord_send(const void *vcfg, const struct sender_send_ctx *ctx,
    const char *dest, const void *payload, size_t len, struct send_result *res)
{
	const struct discord_config	*c = vcfg;
	struct http_response		 resp;
	struct discord_answer		 a;
	char				 code[32] = "";

	(void)dest;
	http_response_init(&resp);
	/* No answer, 5xx and 408 retried, 429 waits, other 4xx dead (a
	 * deleted webhook answers 404 and must not be tried again). */
	sender_http_post("discord", c->webhook_url, &c->http, ctx, payload, len,
	    &resp, res);
	if (resp.status == 0 || res->status == SEND_OK)
		goto out;
	discord_read_answer(&resp, &a);
	if (!a.json)
		goto out;
	if (a.code >= 0)
		snprintf(code, sizeof(code), " (%lld)", a.code);
	if (resp.status == 429)
		/* retry_after is exact; Retry-After is rounded up to seconds. */
		send_result_set(res, SEND_TEMPFAIL, a.retry_after_ms >= 0 ?
		    a.retry_after_ms : resp.retry_after_ms, "discord: 429 %s%s",
		    a.message, a.global ? " (global)" : "");
	else
		send_result_set(res, res->status, -1, "discord: %ld %s%s%s%s",
		    resp.status, a.message, code, a.detail[0] ? ": " : "",
		    a.detail);
out:
	http_response_free(&resp);
}

static size_t
discord_limits(const char *dest, const struct sender_limits *lim,
    struct rl_want *w, size_t max)
{
	return sender_limit_per_dest(dest,
	    &sender_limits_of(lim, &channel_discord)[0], w, max);
}

/* The embed's title, else its description, else the content. */
static void
discord_describe(const void *payload, size_t len, char *out, size_t outlen)
{
	static const char *const paths[] = { "embeds/0/title", "embeds/0/description", "content", NULL };

	sender_json_describe(payload, len, paths, out, outlen);
}

static const struct sender_ops sender_discord_ops = {
	.name = "discord",
	.render = discord_render,
	.send = discord_send,
	.limits = discord_limits,
	.describe = discord_describe,
};

/* Discord allows 5 requests per 2 s per webhook. The rates have no 2 s
 * period; 2/s (2 at once, then one every 0.5 s) is the fastest N/s that
 * never puts more than 5 in 2 s. */
static const struct channel_limit discord_rate_limits[] = {
	{ "ratelimit.discord", "2/s", "Messages per Discord webhook URL." },
	{ NULL, NULL, NULL }
};

const struct channel channel_discord = {
	.name = "discord",
	.key = "discord_configs",
	.type = &discord_type,
	.clear = discord_clear,
	.ops = &sender_discord_ops,
	.limits = discord_rate_limits,
};
